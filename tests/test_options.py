"""The options table: defaults, range errors, reconnect rules, connection settings."""

from __future__ import annotations

from typing import Any

from homeassistant.const import CONF_URL
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.connection import ConnectionSettings
from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.options import (
    OPTIONS,
    OPTIONS_BY_KEY,
    connection_settings,
    needs_reconnect,
    option_errors,
    option_value,
)

from .helpers import OPTION_DEFAULTS


def entry(options: dict[str, Any] | None = None, **data: Any) -> MockConfigEntry:
    """An entry (not added to Home Assistant) with the given options and data."""
    return MockConfigEntry(
        domain=DOMAIN,
        data={CONF_URL: "ws://127.0.0.1:8080/ws", **data},
        options=options or {},
    )


def test_defaults() -> None:
    """Each option's default, one row per option, keys unique."""
    assert {spec.key: spec.default for spec in OPTIONS} == OPTION_DEFAULTS
    assert len(OPTIONS_BY_KEY) == len(OPTIONS)
    assert option_value(entry(), "heartbeat") == 30
    assert option_value(entry({"heartbeat": 5}), "heartbeat") == 5


@pytest.mark.parametrize(
    ("key", "low", "high"),
    [
        ("retry_interval", 1, 86400),
        ("heartbeat", 0, 3600),
        ("idle_timeout", 0, 86400),
        ("connect_timeout", 1, 300),
        ("max_message_size", 0, 256 * 1024 * 1024),
        ("event_payload_limit", 0, 16 * 1024 * 1024),
        ("queue_size", 1, 10000),
        ("queue_max_age", 1, 86400),
    ],
)
def test_ranges_are_inclusive(key: str, low: int, high: int) -> None:
    """The bounds themselves are allowed; one step outside is an error."""
    assert option_errors({key: low, "compression": True}) == {}
    assert option_errors({key: high}) == {}
    assert option_errors({key: low - 1}) == {key: f"{key}_out_of_range"}
    assert option_errors({key: high + 1}) == {key: f"{key}_out_of_range"}


def test_choices_and_unknown_keys() -> None:
    """A choice must be one of its values; keys the table lacks are not judged."""
    assert option_errors({"message_events": "none"}) == {}
    assert option_errors({"message_events": "some"}) == {
        "message_events": "message_events_invalid"
    }
    assert option_errors({"name": "anything"}) == {}


@pytest.mark.parametrize(
    ("key", "value", "reconnect"),
    [
        ("heartbeat", 5, True),
        ("idle_timeout", 5, True),
        ("max_message_size", 5, True),
        ("compression", True, True),
        ("retry_interval", 5, False),
        ("connect_timeout", 5, False),
        ("event_payload_limit", 5, False),
        ("queue_size", 5, False),
        ("queue_max_age", 5, False),
        ("message_events", "none", False),
        ("on_connect", [{"message": "login"}], True),
        ("on_connect_reply", {"type": "auth_ok"}, True),
        ("on_connect_timeout", 5, True),
        ("keepalive_message", {"message": "ping"}, True),
        ("keepalive_interval", 5, True),
    ],
)
def test_needs_reconnect(key: str, value: Any, reconnect: bool) -> None:
    """Only settings read once per connection need a new one."""
    assert needs_reconnect({}, {key: value}) is reconnect
    assert needs_reconnect({key: value}, {}) is reconnect


def test_needs_reconnect_compares_with_defaults() -> None:
    """Writing down a default is no change."""
    assert needs_reconnect({}, OPTION_DEFAULTS) is False
    assert needs_reconnect({"heartbeat": 30}, {}) is False


def test_connection_settings_from_data_and_options() -> None:
    """URL, headers and subprotocols from data; timings from options or defaults."""
    settings = connection_settings(
        entry(
            {"heartbeat": 5, "compression": True, "queue_size": 3},
            headers={"X-Key": "k"},
            subprotocols=["v1", "v2"],
        ),
        tls=False,
    )
    assert settings == ConnectionSettings(
        url="ws://127.0.0.1:8080/ws",
        headers={"X-Key": "k"},
        subprotocols=("v1", "v2"),
        ssl=False,
        retry_interval=10,
        heartbeat=5,
        idle_timeout=60,
        connect_timeout=10,
        max_message_size=4 * 1024 * 1024,
        compress=True,
    )


def test_connection_settings_without_advanced_data() -> None:
    """No headers or subprotocols stored: empty ones."""
    settings = connection_settings(entry(), tls=True)
    assert settings.headers == {}
    assert settings.subprotocols == ()
    assert settings.ssl is True

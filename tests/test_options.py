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
    redacted_options,
)
from custom_components.websocket_client.options_form import (
    normalized,
    options_from_form,
    options_schema,
)

from .helpers import shown_values, submitted_as_shown

DEFAULTS = {
    "retry_interval": 10,
    "heartbeat": 30,
    "idle_timeout": 60,
    "connect_timeout": 10,
    "max_message_size": 4 * 1024 * 1024,
    "event_payload_limit": 32 * 1024,
    "queue_size": 100,
    "queue_max_age": 60,
    "compression": False,
    "message_events": "all",
    "on_connect": None,
    "on_connect_reply": None,
    "on_connect_timeout": 10,
    "keepalive_message": None,
    "keepalive_interval": 0,
}
PROTOCOL = frozenset(
    {"on_connect", "on_connect_reply", "on_connect_timeout"}
    | {"keepalive_message", "keepalive_interval"}
)
# What the form shows of the default sizes: KiB
SHOWN_SIZES = {"max_message_size": 4096, "event_payload_limit": 32}
TOKEN = "secret-token-4711"


def entry(options: dict[str, Any] | None = None, **data: Any) -> MockConfigEntry:
    """An entry (not added to Home Assistant) with the given options and data."""
    return MockConfigEntry(
        domain=DOMAIN,
        data={CONF_URL: "ws://127.0.0.1:8080/ws", **data},
        options=options or {},
    )


def test_defaults() -> None:
    """Each option's default, one row per option, keys unique."""
    assert {spec.key: spec.default for spec in OPTIONS} == DEFAULTS
    assert len(OPTIONS_BY_KEY) == len(OPTIONS)
    assert option_value(entry(), "heartbeat") == 30
    assert option_value(entry({"heartbeat": 5}), "heartbeat") == 5


def test_schema_shows_current_values_or_defaults() -> None:
    """The options form offers every option with its current value."""
    schema = options_schema({"queue_size": 7})
    assert shown_values(schema) == {
        **DEFAULTS,
        **SHOWN_SIZES,
        "queue_size": 7,
        "on_connect": [],
    }
    assert [str(key) for key in schema.schema][-1] == "protocol"


def test_form_top_then_sections() -> None:
    """Retry interval and message events on top, then a section per concern."""
    schema = options_schema({})
    assert [str(key) for key in schema.schema] == [
        "retry_interval",
        "message_events",
        "connection_health",
        "messages",
        "send_queue",
        "protocol",
    ]
    assert {spec.key: spec.section for spec in OPTIONS if spec.section} == {
        "heartbeat": "connection_health",
        "idle_timeout": "connection_health",
        "connect_timeout": "connection_health",
        "max_message_size": "messages",
        "event_payload_limit": "messages",
        "compression": "messages",
        "queue_size": "send_queue",
        "queue_max_age": "send_queue",
        **dict.fromkeys(PROTOCOL, "protocol"),
    }
    for name in ("connection_health", "messages", "send_queue", "protocol"):
        assert schema.schema[name].options == {"collapsed": False}


def test_sizes_are_shown_in_kib() -> None:
    """Size fields say KiB and take fractions; stored bytes show divided by 1024."""
    schema = options_schema(
        {"max_message_size": 1024 * 1024, "event_payload_limit": 1000}
    )
    messages = schema.schema["messages"].schema.schema
    for key in ("max_message_size", "event_payload_limit"):
        config = messages[key].config
        assert config["unit_of_measurement"] == "KiB"
        assert config["step"] == "any"
    shown = shown_values(schema)
    assert shown["max_message_size"] == 1024
    assert type(shown["max_message_size"]) is int
    assert shown["event_payload_limit"] == 0.9765625


@pytest.mark.parametrize(
    ("kib", "stored"),
    [
        (0, 0),
        (1, 1024),
        (1.0, 1024),
        (0.5, 512),
        (97.65625, 100000),
        (4096, 4 * 1024 * 1024),
        (16 * 1024, 16 * 1024 * 1024),
        # A part of a byte rounds up to a whole one
        (0.0001, 1),
        (1.0001, 1025),
    ],
)
def test_sizes_are_taken_in_kib_and_stored_in_bytes(kib: float, stored: int) -> None:
    """The form's KiB become whole bytes; the table's range is in bytes."""
    submitted = form()
    submitted["messages"] |= {"max_message_size": kib, "event_payload_limit": kib}
    options, errors = options_from_form(submitted, {})
    assert errors == {}
    assert options["max_message_size"] == options["event_payload_limit"] == stored
    assert type(options["max_message_size"]) is int
    assert type(options["event_payload_limit"]) is int


@pytest.mark.parametrize(
    ("key", "kib"),
    [
        ("max_message_size", -0.0001),
        ("max_message_size", 256 * 1024 + 0.0001),
        ("event_payload_limit", -1),
        ("event_payload_limit", 16 * 1024 + 0.0001),
    ],
)
def test_sizes_out_of_range_in_kib(key: str, kib: float) -> None:
    """Just outside the range, however little, is an error: nothing is rounded in."""
    submitted = form()
    submitted["messages"][key] = kib
    assert options_from_form(submitted, {})[1] == {key: f"{key}_out_of_range"}


def test_sections_left_out_keep_what_is_stored() -> None:
    """A form without a section (API callers) keeps its stored options as they are.

    Stored sizes are bytes already: they are not taken for KiB.
    """
    stored = {
        "heartbeat": 5,
        "connect_timeout": 3,
        "max_message_size": 100000,
        "event_payload_limit": 1000,
        "queue_max_age": 9,
        "keepalive_message": {"message": "k"},
        "keepalive_interval": 4,
    }
    options, errors = options_from_form(
        {"retry_interval": 2, "message_events": "all"}, stored
    )
    assert errors == {}
    assert options == {**stored, "retry_interval": 2, "message_events": "all"}


def test_schema_masks_on_connect_messages() -> None:
    """Stored on-connect messages never reach the form; the rest shows as is."""
    stored = {
        "on_connect": [{"json": {"access_token": TOKEN}}, {"message": "hello"}],
        "on_connect_reply": {"type": "auth_ok"},
        "keepalive_message": {"data_base64": "wAA="},
    }
    shown = shown_values(options_schema(stored))
    assert shown["on_connect"] == ["*** 1", "*** 2"]
    assert shown["on_connect_reply"] == {"type": "auth_ok"}
    assert shown["keepalive_message"] == {"data_base64": "wAA="}
    assert TOKEN not in repr(shown)


def form(**protocol: Any) -> dict[str, Any]:
    """The options form as submitted with defaults, the protocol fields given."""
    submitted = submitted_as_shown(options_schema({}))
    assert submitted["protocol"] == {"on_connect_timeout": 10, "keepalive_interval": 0}
    submitted["protocol"] |= protocol
    return submitted


def test_form_keeps_masked_messages_and_takes_new_ones() -> None:
    """`*** n` keeps stored message n, in the order given; new ones are checked."""
    stored = {"on_connect": [{"message": "first"}, {"json": {"token": TOKEN}}]}
    options, errors = options_from_form(
        form(on_connect=["*** 2", {"message": "new"}, "***1"]), stored
    )
    assert errors == {}
    assert options["on_connect"] == [
        {"json": {"token": TOKEN}},
        {"message": "new"},
        {"message": "first"},
    ]
    assert "on_connect_reply" not in options
    assert "keepalive_message" not in options


@pytest.mark.parametrize(
    ("protocol", "errors"),
    [
        ({"on_connect": ["*** 3"]}, {"on_connect": "on_connect_mask_unknown"}),
        ({"on_connect": [{"text": "x"}]}, {"on_connect": "on_connect_invalid"}),
        (
            {"on_connect": [{"message": "a", "json": 1}]},
            {"on_connect": "on_connect_invalid"},
        ),
        ({"on_connect": [{"data_base64": "%%"}]}, {"on_connect": "on_connect_invalid"}),
        ({"on_connect": {"message": "a"}}, {"on_connect": "on_connect_invalid"}),
        ({"on_connect": ["plain text"]}, {"on_connect": "on_connect_invalid"}),
        (
            {"on_connect_reply": ["auth_ok"]},
            {"on_connect_reply": "on_connect_reply_invalid"},
        ),
        (
            {"keepalive_message": "ping"},
            {"keepalive_message": "keepalive_message_invalid"},
        ),
        (
            {"keepalive_interval": 5},
            {"keepalive_message": "keepalive_message_required"},
        ),
        (
            {"keepalive_interval": -1},
            {"keepalive_interval": "keepalive_interval_out_of_range"},
        ),
        (
            {"on_connect_timeout": 0},
            {"on_connect_timeout": "on_connect_timeout_out_of_range"},
        ),
    ],
)
def test_form_errors_per_field(
    protocol: dict[str, Any], errors: dict[str, str]
) -> None:
    """Each wrong protocol field gets its own translated error."""
    assert (
        options_from_form(form(**protocol), {"on_connect": [{"message": "a"}]})[1]
        == errors
    )


def test_form_empties_remove_options() -> None:
    """Emptied fields (or left out) mean no message, no reply to wait for."""
    stored = {"on_connect": [{"message": "a"}], "keepalive_message": {"message": "k"}}
    options, errors = options_from_form(
        form(on_connect=[], on_connect_reply={}, keepalive_message=None), stored
    )
    assert errors == {}
    assert not {"on_connect", "on_connect_reply", "keepalive_message"} & options.keys()


def test_redacted_options_mask_on_connect_messages() -> None:
    """Diagnostics show how many on-connect messages there are, not what they say."""
    options = {"on_connect": [{"json": {"token": TOKEN}}], "heartbeat": 5}
    assert redacted_options(options) == {"on_connect": ["*** 1"], "heartbeat": 5}


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


def test_normalized_stores_whole_numbers_as_int() -> None:
    """The form sends floats; whole ones are stored as int, others kept."""
    values = normalized({"heartbeat": 30.0, "retry_interval": 0.5, "flag": True})
    assert values == {"heartbeat": 30, "retry_interval": 0.5, "flag": True}
    assert type(values["heartbeat"]) is int


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
    assert needs_reconnect({}, DEFAULTS) is False
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


def test_connection_settings_encode_protocol_messages() -> None:
    """Protocol messages reach the connection as the frames they stand for."""
    settings = connection_settings(
        entry(
            {
                "on_connect": [{"json": {"type": "auth"}}, {"data_base64": "EAA="}],
                "on_connect_reply": {"type": "auth_ok"},
                "keepalive_message": {"message": "ping"},
                "keepalive_interval": 4,
            }
        ),
        tls=True,
    )
    assert settings.on_connect == ('{"type":"auth"}', b"\x10\x00")
    assert settings.on_connect_reply == {"type": "auth_ok"}
    assert settings.keepalive_message == "ping"
    assert settings.keepalive_interval == 4
    assert '{"type":"auth"}' not in repr(settings)
    assert "127.0.0.1" not in repr(settings)


def test_connection_settings_without_advanced_data() -> None:
    """No headers or subprotocols stored: empty ones."""
    settings = connection_settings(entry(), tls=True)
    assert settings.headers == {}
    assert settings.subprotocols == ()
    assert settings.ssl is True

"""The options form: its sections, sizes in KiB, and what a submitted form stores."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.websocket_client.options import (
    OPTIONS,
)
from custom_components.websocket_client.options_form import (
    normalized,
    options_from_form,
    options_schema,
)

from .helpers import OPTION_DEFAULTS, shown_values, submitted_options

PROTOCOL = frozenset(
    {"on_connect", "on_connect_reply", "on_connect_timeout"}
    | {"keepalive_message", "keepalive_interval"}
)
# What the form shows of the default sizes: KiB
SHOWN_SIZES = {"max_message_size": 4096, "event_payload_limit": 32}


def test_schema_shows_current_values_or_defaults() -> None:
    """The options form offers every option with its current value."""
    schema = options_schema({"queue_size": 7})
    assert shown_values(schema) == {
        **OPTION_DEFAULTS,
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
    submitted = submitted_options()
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
    submitted = submitted_options()
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


@pytest.mark.parametrize(
    ("protocol", "errors"),
    [
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
    """Each wrong protocol field gets its own translated error.

    Messages and replies that cannot be used are in test_protocol_options.py.
    """
    assert (
        options_from_form(
            submitted_options(**protocol), {"on_connect": [{"message": "a"}]}
        )[1]
        == errors
    )


def test_normalized_stores_whole_numbers_as_int() -> None:
    """The form sends floats; whole ones are stored as int, others kept."""
    values = normalized({"heartbeat": 30.0, "retry_interval": 0.5, "flag": True})
    assert values == {"heartbeat": 30, "retry_interval": 0.5, "flag": True}
    assert type(values["heartbeat"]) is int

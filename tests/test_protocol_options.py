"""Protocol options: on-connect messages, the login reply, keep-alive messages.

How the options form shows them (stored messages masked as `*** n`), how its
input is checked, and the frames the connection gets. Through the options
table (options.py), which is how every caller uses them.
"""

from __future__ import annotations

from typing import Any

from homeassistant.const import CONF_URL
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.options import (
    connection_settings,
    redacted_options,
)
from custom_components.websocket_client.options_form import (
    options_from_form,
    options_schema,
)
from custom_components.websocket_client.protocol_options import (
    InvalidOptionError,
    encoded_message,
    encoded_messages,
    masked_on_connect,
    parse_keepalive_message,
    parse_message,
    parse_on_connect,
    parse_reply,
)
from tests.helpers import shown_values, submitted_options

TOKEN = "secret-token-4711"


def entry(options: dict[str, Any]) -> MockConfigEntry:
    """An entry (not added to Home Assistant) with the given options."""
    return MockConfigEntry(
        domain=DOMAIN, data={CONF_URL: "ws://127.0.0.1:8080/ws"}, options=options
    )


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


def test_form_keeps_masked_messages_and_takes_new_ones() -> None:
    """`*** n` keeps stored message n, in the order given; new ones are checked."""
    stored = {"on_connect": [{"message": "first"}, {"json": {"token": TOKEN}}]}
    options, errors = options_from_form(
        submitted_options(on_connect=["*** 2", {"message": "new"}, "***1"]), stored
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
    ],
)
def test_form_errors_per_field(
    protocol: dict[str, Any], errors: dict[str, str]
) -> None:
    """Each protocol message or reply that cannot be used gets its own error.

    Ranges and the message a keep-alive interval needs are in test_options.py.
    """
    assert (
        options_from_form(
            submitted_options(**protocol), {"on_connect": [{"message": "a"}]}
        )[1]
        == errors
    )


def test_form_empties_remove_options() -> None:
    """Emptied fields (or left out) mean no message, no reply to wait for."""
    stored = {"on_connect": [{"message": "a"}], "keepalive_message": {"message": "k"}}
    options, errors = options_from_form(
        submitted_options(on_connect=[], on_connect_reply={}, keepalive_message=None),
        stored,
    )
    assert errors == {}
    assert not {"on_connect", "on_connect_reply", "keepalive_message"} & options.keys()


def test_redacted_options_mask_on_connect_messages() -> None:
    """Diagnostics show how many on-connect messages there are, not what they say."""
    options = {"on_connect": [{"json": {"token": TOKEN}}], "heartbeat": 5}
    assert redacted_options(options) == {"on_connect": ["*** 1"], "heartbeat": 5}


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


@pytest.mark.parametrize("shown", ["*** 2", "***2", "  ***   2 "])
def test_a_mask_may_be_typed_loosely(shown: str) -> None:
    """Spaces around and inside the mask do not matter; the number does."""
    stored = [{"message": "first"}, {"json": {"token": TOKEN}}]
    assert parse_on_connect([shown], stored) == [{"json": {"token": TOKEN}}]


@pytest.mark.parametrize(
    ("shown", "reason"),
    [
        ("*** 0", "on_connect_mask_unknown"),
        ("*** 3", "on_connect_mask_unknown"),
        ("*** -1", "on_connect_invalid"),
        ("*** two", "on_connect_invalid"),
    ],
)
def test_a_mask_of_no_stored_message(shown: str, reason: str) -> None:
    """Only numbers of stored messages keep something; other text is no message."""
    stored = [{"message": "first"}, {"message": "second"}]
    with pytest.raises(InvalidOptionError) as err:
        parse_on_connect([shown], stored)
    assert err.value.reason == reason


def test_nothing_stored_shows_nothing() -> None:
    """No stored messages: no masks, no frames, no keep-alive frame."""
    assert masked_on_connect(None) == []
    assert masked_on_connect([]) == []
    assert encoded_messages(None) == ()
    assert encoded_message(None) is None
    assert parse_on_connect(None, None) is None
    assert parse_reply({}, None) is None
    assert parse_keepalive_message("", None) is None


def test_a_message_is_one_payload_field_as_the_send_action_takes_it() -> None:
    """Exactly one of message, json, data_base64; checked as the action checks."""
    assert parse_message({"json": {"a": 1}}, "r") == {"json": {"a": 1}}
    for wrong in ({}, {"message": "a", "json": 1}, {"text": "a"}, "a", ["a"]):
        with pytest.raises(InvalidOptionError) as err:
            parse_message(wrong, "keepalive_message_invalid")
        assert err.value.reason == "keepalive_message_invalid"

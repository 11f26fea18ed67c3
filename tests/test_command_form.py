"""The command forms of the Add entity flow: payload rules, sizes, saved settings."""

from __future__ import annotations

from typing import Any

from custom_components.websocket_client.command_form import (
    BUTTON_COMMANDS,
    SWITCH_COMMANDS,
    button_schema,
    checked_commands,
    switch_commands_schema,
)


def test_checked_commands_follow_the_payload_rules() -> None:
    """Each command by the send action's rules; the state choice as optimistic."""
    good = {
        "command_on": {"json": {"op": "on"}},
        "command_off": {"data_base64": "AAH/"},
        "state_from": "optimistic",
    }
    chosen, errors = checked_commands(good, SWITCH_COMMANDS)
    assert errors == {}
    assert chosen == {
        "command_on": {"json": {"op": "on"}},
        "command_off": {"data_base64": "AAH/"},
        "queue": False,
        "optimistic": True,
    }
    bad = {"command": {"data_base64": "!"}, "queue": True}
    chosen, errors = checked_commands(bad, BUTTON_COMMANDS)
    assert errors == {"command": "invalid_base64"}
    assert "optimistic" not in chosen


def test_command_forms_show_the_saved_settings() -> None:
    """Commands as suggested values; queue and state choice as defaults."""
    saved: dict[str, Any] = {
        "command_on": {"message": "on"},
        "command_off": {"message": "off"},
        "command": {"json": [1]},
        "queue": True,
        "optimistic": True,
    }
    commands = switch_commands_schema(saved)({"command_on": {}, "command_off": {}})
    assert commands["queue"] is True
    assert commands["state_from"] == "optimistic"
    assert button_schema(saved)({"command": {}})["queue"] is True
    for schema in (switch_commands_schema(saved), button_schema(saved)):
        for key in schema.schema:
            if str(key).startswith("command"):
                assert key.description["suggested_value"] == saved[str(key)]


def test_checked_commands_within_the_maximum_message_size() -> None:
    """A command larger than the connection's limit is refused; 0: no limit."""
    command = {"command": {"message": "x" * 17}}
    assert checked_commands(command, BUTTON_COMMANDS, 16)[1] == {
        "command": "command_too_large"
    }
    assert checked_commands(command, BUTTON_COMMANDS, 17)[1] == {}
    assert checked_commands(command, BUTTON_COMMANDS)[1] == {}

"""The command forms of the Add entity flow: payload rules, templates, sizes."""

from __future__ import annotations

from typing import Any
from unittest.mock import ANY

from homeassistant.core import HomeAssistant
import pytest

from custom_components.websocket_client.command_form import (
    BUTTON_COMMANDS,
    SWITCH_COMMANDS,
    button_schema,
    checked_commands,
    checked_step,
    command_values,
    switch_commands_schema,
    template_command_schema,
    template_problem,
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


async def test_command_template_checked_by_rendering(hass: HomeAssistant) -> None:
    """Syntax, rendering with each value, the size of each message."""
    assert template_problem(hass, "{{ value }}", [1, "eco"]) is None
    assert template_problem(hass, "{{ value", [1]) == (
        "invalid_template",
        {"error": ANY},
    )
    problem = template_problem(hass, "{{ levle }}", [1])
    assert problem is not None
    assert problem[0] == "invalid_template"
    assert "levle" in problem[1]["error"]
    assert template_problem(hass, "x{{ value }}", [1, 100], 3) == (
        "template_too_large",
        {"value": "100"},
    )
    assert template_problem(hass, "x{{ value }}", [1, 100], 4) is None


@pytest.mark.parametrize(
    ("data", "values"),
    [
        ({"platform": "number"}, [0, 100, 1]),
        ({"platform": "number", "min": -1.0, "max": 1.0, "step": 0.25}, [-1, 1, -0.75]),
        ({"platform": "number", "min": 0.0, "max": 1.0, "step": 5.0}, [0, 1, 1]),
        ({"platform": "select"}, [""]),
        ({"platform": "select", "options": ["eco", "off"]}, ["eco", "off"]),
    ],
)
def test_command_values(data: dict[str, Any], values: list[Any]) -> None:
    """A number's ends and first step (ints when integral), a select's options."""
    assert command_values(data) == values
    assert [type(value) for value in command_values(data)] == [
        type(value) for value in values
    ]


async def test_template_command_step(hass: HomeAssistant) -> None:
    """Template, queue, state; the template tried with the saved values."""
    user_input = {
        "command_template": '{"level": {{ value }}}',
        "queue": True,
        "state_from": "optimistic",
    }
    number = {"platform": "number", "max": 10.0}
    assert checked_step(hass, "command_template", user_input, number) == (
        {
            "command_template": '{"level": {{ value }}}',
            "queue": True,
            "optimistic": True,
        },
        {},
        {},
    )
    too_large = checked_step(hass, "command_template", user_input, number, 12)
    assert too_large[1:] == (
        {"command_template": "template_too_large"},
        {"value": "10"},
    )
    bad = {**user_input, "command_template": "{% if %}"}
    assert checked_step(hass, "command_template", bad, number)[1] == {
        "command_template": "invalid_template"
    }
    button = {"command": {"message": "ring"}}
    assert checked_step(hass, "button", button, {}) == (
        {"command": {"message": "ring"}, "queue": False},
        {},
        {},
    )
    switch = {"command_on": {"message": "on"}, "command_off": {"json": {}}}
    assert checked_step(hass, "commands", switch, {}, 1)[1] == {
        "command_on": "command_too_large",
        "command_off": "command_too_large",
    }


def test_template_command_form_shows_the_saved_settings() -> None:
    """The default template for a new entity; the saved one; queue and state."""
    assert template_command_schema({})({})["command_template"] == "{{ value }}"
    saved = {"command_template": "set {{ value }}", "queue": True, "optimistic": True}
    shown = template_command_schema(saved)({})
    assert shown == {
        "command_template": "set {{ value }}",
        "queue": True,
        "state_from": "optimistic",
    }

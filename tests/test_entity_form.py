"""The forms of the Add entity flow: choices, checks (the flow: test_entity_flow)."""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
import voluptuous as vol

from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.entity_form import (
    BUTTON_COMMANDS,
    SWITCH_COMMANDS,
    binary_sensor_schema,
    button_schema,
    checked_commands,
    checked_filter,
    checked_value,
    excerpt,
    field_choices,
    sensor_error,
    sensor_schema,
    switch_commands_schema,
    switch_schema,
)
from custom_components.websocket_client.message import ReceivedMessage
from custom_components.websocket_client.message_filter import InvalidFilterError
from custom_components.websocket_client.message_value import InvalidValueError


def received(payload: str | bytes) -> ReceivedMessage:
    """A message of the entry "Living room"."""
    return ReceivedMessage("entry", "Living room", payload)


def test_excerpts() -> None:
    """Short texts whole, on one line; long ones cut; binary by size."""
    assert excerpt(received('{"a":\n 1}')) == '{"a": 1}'
    assert excerpt(received("x" * 100)) == "x" * 59 + "…"
    assert excerpt(received(b"\x00\x01")) == "binary, 2 bytes"


def test_field_choices_only_for_json() -> None:
    """Paths with their values; nothing for a text or no message."""
    assert field_choices(received('{"a": [1]}')) == [
        {"value": "a.0", "label": "a.0 = 1"}
    ]
    assert field_choices(received("hello")) == []
    assert field_choices(None) == []


async def test_checked_value(hass: HomeAssistant) -> None:
    """A chosen field wins over the path; stripped; refused when wrong."""
    assert checked_value(hass, {"field": "a", "value_path": "b"}) == {"value_path": "a"}
    assert checked_value(hass, {"value_path": " b "}) == {"value_path": "b"}
    assert checked_value(hass, {"field": "a", "json_attributes_path": "c"}) == {
        "value_path": "a",
        "json_attributes_path": "c",
    }
    assert checked_value(hass, {}) == {}
    with pytest.raises(InvalidValueError, match="path_and_template"):
        checked_value(hass, {"field": "a", "value_template": "{{ 1 }}"})


def test_checked_filter() -> None:
    """Empty fields left out; the shared filter's rules."""
    assert checked_filter({"match": {}, "match_regex": ""}) == {}
    assert checked_filter({"match": {"a": 1}}) == {"match": {"a": 1}}
    with pytest.raises(InvalidFilterError, match="one_matcher"):
        checked_filter({"match": {"a": 1}, "match_regex": "a"})


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({}, None),
        ({"device_class": "enum", "options": ["a"]}, None),
        ({"options": ["a"]}, "options_need_enum"),
        ({"device_class": "enum"}, "enum_needs_options"),
        (
            {"device_class": "enum", "options": ["a"], "unit_of_measurement": "%"},
            "enum_not_numeric",
        ),
    ],
)
def test_sensor_errors(options: dict[str, object], error: str | None) -> None:
    """Options go with the enumeration device class only, without a unit."""
    assert sensor_error(options) == error


@pytest.mark.parametrize(
    ("schema", "key"),
    [
        (sensor_schema, "device_class_sensor"),
        (binary_sensor_schema, "device_class_binary_sensor"),
    ],
)
def test_device_classes_offered_are_translated(
    schema: Callable[[dict[str, Any]], vol.Schema], key: str
) -> None:
    """Every device class this Home Assistant offers has its label."""
    strings = json.loads(
        (
            Path(__file__).parent.parent / "custom_components" / DOMAIN / "strings.json"
        ).read_text()
    )
    selector = {str(k): v for k, v in schema({}).schema.items()}["device_class"]
    offered = set(selector.config["options"])
    assert selector.config["translation_key"] == key
    assert offered <= set(strings["selector"][key]["options"])
    assert "timestamp" not in offered


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
        "payload_on": "yes",
    }
    commands = switch_commands_schema(saved)({"command_on": {}, "command_off": {}})
    assert commands["queue"] is True
    assert commands["state_from"] == "optimistic"
    assert button_schema(saved)({"command": {}})["queue"] is True
    assert switch_schema(saved)({})["payload_on"] == "yes"
    for schema in (switch_commands_schema(saved), button_schema(saved)):
        for key in schema.schema:
            if str(key).startswith("command"):
                assert key.description["suggested_value"] == saved[str(key)]

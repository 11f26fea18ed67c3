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
    binary_sensor_schema,
    checked_filter,
    checked_value,
    excerpt,
    field_choices,
    sensor_error,
    sensor_schema,
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


def test_switch_state_form_shows_the_saved_values() -> None:
    """The on and off values as saved."""
    assert switch_schema({"payload_on": "yes"})({})["payload_on"] == "yes"

"""The forms of the Add entity flow: choices, checks (the flow: test_entity_flow)."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.core import HomeAssistant
import pytest

from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.entity_form import (
    checked_filter,
    checked_value,
    excerpt,
    field_choices,
    name_schema,
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


def test_every_platform_offered() -> None:
    """Sensor first (the default); the platform stays when reconfiguring."""
    platform = name_schema({}, with_platform=True).schema
    selector = {str(key): value for key, value in platform.items()}["platform"]
    assert selector.config["options"] == [
        "sensor",
        "binary_sensor",
        "switch",
        "button",
        "number",
        "select",
    ]
    assert selector.config["translation_key"] == "platform"
    strings = json.loads(
        (
            Path(__file__).parent.parent / "custom_components" / DOMAIN / "strings.json"
        ).read_text()
    )
    assert set(selector.config["options"]) == set(
        strings["selector"]["platform"]["options"]
    )
    assert "platform" not in {
        str(key) for key in name_schema({}, with_platform=False).schema
    }

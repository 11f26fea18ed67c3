"""The data of entity subentries: which ones an entry has, numeric sensors, commands."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.payload import InvalidPayloadError
from custom_components.websocket_client.subentry import (
    command_payload,
    entity_subentries_of,
    is_numeric,
)

from .helpers import entity_subentry


def test_entity_subentries_with_title_and_data() -> None:
    """Only entity subentries, each as its title and data."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        subentries_data=[
            entity_subentry("Temperature", "t1", value_path="t"),
            {
                "data": {},
                "subentry_id": "x1",
                "subentry_type": "other",
                "title": "Other",
                "unique_id": None,
            },
        ],
    )
    assert entity_subentries_of(entry) == {
        "t1": ("Temperature", {"platform": "sensor", "value_path": "t"})
    }


@pytest.mark.parametrize(
    ("config", "numeric"),
    [
        ({}, False),
        ({"device_class": "enum"}, False),
        ({"device_class": "timestamp"}, False),
        ({"device_class": "temperature"}, True),
        ({"state_class": "measurement"}, True),
        ({"unit_of_measurement": "%"}, True),
        ({"suggested_display_precision": 0}, True),
    ],
)
def test_numeric_sensors(config: dict[str, Any], numeric: bool) -> None:
    """A number with a numeric device class, a state class, a unit or a precision."""
    assert is_numeric(config) is numeric


def test_command_payload_as_the_send_action_takes_it() -> None:
    """Text, JSON or base64; anything else is refused with the payload's reason."""
    config: dict[str, Any] = {
        "command_on": {"json": {"op": "on"}},
        "command_off": {"message": "off"},
        "command": {"data_base64": "AAH/"},
        "broken": {"message": "a", "json": 1},
        "text": "on",
    }
    assert command_payload(config, "command_on") == '{"op":"on"}'
    assert command_payload(config, "command_off") == "off"
    assert command_payload(config, "command") == b"\x00\x01\xff"
    for key in ("broken", "text", "missing"):
        with pytest.raises(InvalidPayloadError) as err:
            command_payload(config, key)
        assert err.value.reason == "exactly_one_payload"

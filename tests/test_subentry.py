"""Entity subentries: which ones an entry has, numeric sensors, commands, templates."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import TemplateError
from homeassistant.helpers.template import Template
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.payload import InvalidPayloadError
from custom_components.websocket_client.subentry import (
    command_number,
    command_payload,
    entity_subentries_of,
    is_numeric,
    render_command,
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


async def test_command_template_rendered_with_the_value(hass: HomeAssistant) -> None:
    """The value as given; text, not parsed; an unknown name is an error."""
    template = Template('{"op": "set", "level": {{ value }}}', hass)
    assert render_command(template, 5) == '{"op": "set", "level": 5}'
    assert render_command(Template("{{ value }}", hass), "1.50") == "1.50"
    with pytest.raises(TemplateError):
        render_command(Template("{{ levle }}", hass), 5)


def test_command_numbers_integral_as_int() -> None:
    """5.0 is sent as 5; 2.5 stays."""
    assert command_number(5.0) == 5
    assert isinstance(command_number(5.0), int)
    assert command_number(2.5) == 2.5
    assert command_number(-3.0) == -3

"""The data of an entity subentry: its keys, platforms and defaults.

One config subentry of the type `entity` is one entity fed by messages. Its
data (title: the entity's name):

    platform                       sensor | binary_sensor | switch | button
                                   | number | select
    value_path | value_template    where the value is (neither: the whole text)
    json_attributes_path           an object whose keys become attributes
    match | match_regex            which messages feed it (message_filter)
    device_class                   sensor, binary sensor, number
    state_class, suggested_display_precision
                                   sensor only
    unit_of_measurement            sensor, number
    options                        an enum sensor's values; a select's options
    min, max, step, mode           number (defaults 0, 100, 1, auto)
    payload_on, payload_off        binary sensor and switch, compared with the value
    command_on, command_off        switch: the payloads that turn it on and off
    command                        button: the payload a press sends
                                   (each payload as the send action takes it:
                                   one of message, json, data_base64)
    command_template               number and select: the text message that
                                   sets it, a template rendered with `value`
                                   (default {{ value }})
    queue                          switch, button, number, select: a command
                                   sent while disconnected waits in the send
                                   queue (and the entity stays available)
    optimistic                     switch, number, select: no state from
                                   messages; the state is the last command
                                   sent (default false)
    unavailable_when_disconnected  default true
    expire_after                   seconds, 0 = never
    force_update                   write every value, even an unchanged one
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_DEVICE_CLASS, CONF_UNIT_OF_MEASUREMENT
from homeassistant.helpers.template import Template

from .payload import encode_payload

SUBENTRY_TYPE_ENTITY: Final = "entity"
CONF_PLATFORM: Final = "platform"
PLATFORM_SENSOR: Final = "sensor"
PLATFORM_BINARY_SENSOR: Final = "binary_sensor"
PLATFORM_SWITCH: Final = "switch"
PLATFORM_BUTTON: Final = "button"
PLATFORM_NUMBER: Final = "number"
PLATFORM_SELECT: Final = "select"
ENTITY_PLATFORMS: Final = (
    PLATFORM_SENSOR,
    PLATFORM_BINARY_SENSOR,
    PLATFORM_SWITCH,
    PLATFORM_BUTTON,
    PLATFORM_NUMBER,
    PLATFORM_SELECT,
)

CONF_STATE_CLASS: Final = "state_class"
CONF_OPTIONS: Final = "options"
CONF_DISPLAY_PRECISION: Final = "suggested_display_precision"
CONF_PAYLOAD_ON: Final = "payload_on"
CONF_PAYLOAD_OFF: Final = "payload_off"
DEFAULT_PAYLOAD_ON: Final = "on"
DEFAULT_PAYLOAD_OFF: Final = "off"
CONF_UNAVAILABLE_WHEN_DISCONNECTED: Final = "unavailable_when_disconnected"
CONF_EXPIRE_AFTER: Final = "expire_after"
CONF_FORCE_UPDATE: Final = "force_update"
CONF_COMMAND_ON: Final = "command_on"
CONF_COMMAND_OFF: Final = "command_off"
CONF_COMMAND: Final = "command"
COMMAND_KEYS: Final = (CONF_COMMAND_ON, CONF_COMMAND_OFF, CONF_COMMAND)
CONF_QUEUE: Final = "queue"
CONF_OPTIMISTIC: Final = "optimistic"
CONF_COMMAND_TEMPLATE: Final = "command_template"
DEFAULT_COMMAND_TEMPLATE: Final = "{{ value }}"
CONF_MIN: Final = "min"
CONF_MAX: Final = "max"
CONF_STEP: Final = "step"
CONF_MODE: Final = "mode"
DEFAULT_MIN: Final = 0.0
DEFAULT_MAX: Final = 100.0
DEFAULT_STEP: Final = 1.0


def entity_subentries_of(
    entry: ConfigEntry,
) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """Title and data of each entity subentry: what the entities were made from."""
    return {
        subentry_id: (subentry.title, dict(subentry.data))
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type == SUBENTRY_TYPE_ENTITY
    }


def command_payload(config: Mapping[str, Any], key: str) -> str | bytes:
    """A command's frame payload. Raises InvalidPayloadError (a ValueError)."""
    command = config.get(key)
    return encode_payload(command if isinstance(command, Mapping) else {})


def render_command(template: Template, value: Any) -> str:
    """A command template's text message for `value`. Raises TemplateError.

    Strict: a name the template does not know is an error, not an empty text.
    """
    return str(template.async_render({"value": value}, parse_result=False, strict=True))


def command_number(value: float) -> int | float:
    """A number as a command template gets it: an int when it is integral."""
    return int(value) if float(value).is_integer() else value


# Sensor device classes whose state is not a number (the flow offers neither
# date nor timestamp: a message gives no date object)
TEXT_DEVICE_CLASSES: Final = frozenset(
    {SensorDeviceClass.ENUM, SensorDeviceClass.DATE, SensorDeviceClass.TIMESTAMP}
)


def is_numeric(config: Mapping[str, Any]) -> bool:
    """Whether a sensor's state must be a number, as Home Assistant says.

    Home Assistant expects a number with a state class, a unit, a display
    precision or a device class other than enum, date and timestamp.
    """
    device_class = config.get(CONF_DEVICE_CLASS)
    return bool(
        config.get(CONF_STATE_CLASS)
        or config.get(CONF_UNIT_OF_MEASUREMENT)
        or config.get(CONF_DISPLAY_PRECISION) is not None
        or (device_class and device_class not in TEXT_DEVICE_CLASSES)
    )

"""The options steps of the Add entity flow: each platform's options, availability.

Sensor, binary sensor, switch (its on and off values), number and select; each
form ends with availability (an optimistic entity's only with the choice to
be unavailable while disconnected: it neither expires nor writes values).
Each shows what the subentry holds as suggested values or defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.number import NumberDeviceClass, NumberMode
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import CONF_DEVICE_CLASS, CONF_UNIT_OF_MEASUREMENT
from homeassistant.helpers import selector
import voluptuous as vol

from .entity_form import TEXT, select_field, suggested
from .subentry import (
    CONF_DISPLAY_PRECISION,
    CONF_EXPIRE_AFTER,
    CONF_FORCE_UPDATE,
    CONF_MAX,
    CONF_MIN,
    CONF_MODE,
    CONF_OPTIMISTIC,
    CONF_OPTIONS,
    CONF_PAYLOAD_OFF,
    CONF_PAYLOAD_ON,
    CONF_STATE_CLASS,
    CONF_STEP,
    CONF_UNAVAILABLE_WHEN_DISCONNECTED,
    DEFAULT_MAX,
    DEFAULT_MIN,
    DEFAULT_PAYLOAD_OFF,
    DEFAULT_PAYLOAD_ON,
    DEFAULT_STEP,
    PLATFORM_BINARY_SENSOR,
    PLATFORM_NUMBER,
    PLATFORM_SELECT,
    PLATFORM_SENSOR,
    PLATFORM_SWITCH,
    TEXT_DEVICE_CLASSES,
    is_numeric,
)

# Keys each step owns: a reconfigured step drops what the user emptied
SENSOR_KEYS: Final = (
    CONF_DEVICE_CLASS,
    CONF_STATE_CLASS,
    CONF_UNIT_OF_MEASUREMENT,
    CONF_DISPLAY_PRECISION,
    CONF_OPTIONS,
)
BINARY_SENSOR_KEYS: Final = (CONF_DEVICE_CLASS, CONF_PAYLOAD_ON, CONF_PAYLOAD_OFF)
SWITCH_KEYS: Final = (CONF_PAYLOAD_ON, CONF_PAYLOAD_OFF)
NUMBER_KEYS: Final = (
    CONF_MIN,
    CONF_MAX,
    CONF_STEP,
    CONF_UNIT_OF_MEASUREMENT,
    CONF_DEVICE_CLASS,
    CONF_MODE,
)
SELECT_KEYS: Final = (CONF_OPTIONS,)
AVAILABILITY_KEYS: Final = (
    CONF_UNAVAILABLE_WHEN_DISCONNECTED,
    CONF_EXPIRE_AFTER,
    CONF_FORCE_UPDATE,
)


def _availability(data: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    """Availability; an optimistic entity neither expires nor writes values."""
    shown: dict[vol.Marker, Any] = {
        vol.Required(
            CONF_UNAVAILABLE_WHEN_DISCONNECTED,
            default=data.get(CONF_UNAVAILABLE_WHEN_DISCONNECTED, True),
        ): selector.BooleanSelector()
    }
    if data.get(CONF_OPTIMISTIC):
        return shown
    return shown | {
        vol.Required(CONF_EXPIRE_AFTER, default=data.get(CONF_EXPIRE_AFTER, 0)): (
            selector.NumberSelector(
                selector.NumberSelectorConfig(
                    min=0,
                    max=86400,
                    mode=selector.NumberSelectorMode.BOX,
                    unit_of_measurement="s",
                )
            )
        ),
        vol.Required(CONF_FORCE_UPDATE, default=data.get(CONF_FORCE_UPDATE, False)): (
            selector.BooleanSelector()
        ),
    }


def _number_field(key: str, default: float, data: Mapping[str, Any]) -> Any:
    return {
        vol.Required(key, default=data.get(key, default)): selector.NumberSelector(
            selector.NumberSelectorConfig(
                mode=selector.NumberSelectorMode.BOX, step="any"
            )
        )
    }


def number_schema(data: Mapping[str, Any]) -> vol.Schema:
    """A number's range, step, unit, device class and mode, then availability."""
    device_classes = sorted(device_class.value for device_class in NumberDeviceClass)
    return vol.Schema(
        {
            **_number_field(CONF_MIN, DEFAULT_MIN, data),
            **_number_field(CONF_MAX, DEFAULT_MAX, data),
            **_number_field(CONF_STEP, DEFAULT_STEP, data),
            vol.Optional(
                CONF_UNIT_OF_MEASUREMENT,
                description=suggested(CONF_UNIT_OF_MEASUREMENT, data),
            ): TEXT,
            vol.Optional(
                CONF_DEVICE_CLASS, description=suggested(CONF_DEVICE_CLASS, data)
            ): select_field(device_classes, "device_class_number"),
            vol.Required(CONF_MODE, default=data.get(CONF_MODE, NumberMode.AUTO)): (
                select_field(
                    [mode.value for mode in NumberMode],
                    "number_mode",
                    mode=selector.SelectSelectorMode.LIST,
                )
            ),
            **_availability(data),
        }
    )


def select_schema(data: Mapping[str, Any]) -> vol.Schema:
    """A select's options, then availability.

    Optional in the schema: an empty list is refused with a translated error
    (select_needs_options) rather than the schema's English one.
    """
    return vol.Schema(
        {
            vol.Optional(CONF_OPTIONS, description=suggested(CONF_OPTIONS, data)): (
                select_field([], free=True)
            ),
            **_availability(data),
        }
    )


def sensor_schema(data: Mapping[str, Any]) -> vol.Schema:
    """Sensor options, then availability."""
    device_classes = [
        device_class.value
        for device_class in SensorDeviceClass
        if device_class is SensorDeviceClass.ENUM
        or device_class not in TEXT_DEVICE_CLASSES
    ]
    state_classes = [state_class.value for state_class in SensorStateClass]
    return vol.Schema(
        {
            vol.Optional(
                CONF_DEVICE_CLASS, description=suggested(CONF_DEVICE_CLASS, data)
            ): select_field(sorted(device_classes), "device_class_sensor"),
            vol.Optional(
                CONF_STATE_CLASS, description=suggested(CONF_STATE_CLASS, data)
            ): select_field(state_classes, "state_class"),
            vol.Optional(
                CONF_UNIT_OF_MEASUREMENT,
                description=suggested(CONF_UNIT_OF_MEASUREMENT, data),
            ): TEXT,
            vol.Optional(
                CONF_DISPLAY_PRECISION,
                description=suggested(CONF_DISPLAY_PRECISION, data),
            ): selector.NumberSelector(
                selector.NumberSelectorConfig(
                    min=0, max=9, mode=selector.NumberSelectorMode.BOX
                )
            ),
            vol.Optional(CONF_OPTIONS, description=suggested(CONF_OPTIONS, data)): (
                select_field([], free=True)
            ),
            **_availability(data),
        }
    )


def _on_off(data: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    return {
        vol.Required(
            CONF_PAYLOAD_ON, default=data.get(CONF_PAYLOAD_ON, DEFAULT_PAYLOAD_ON)
        ): TEXT,
        vol.Required(
            CONF_PAYLOAD_OFF,
            default=data.get(CONF_PAYLOAD_OFF, DEFAULT_PAYLOAD_OFF),
        ): TEXT,
    }


def binary_sensor_schema(data: Mapping[str, Any]) -> vol.Schema:
    """Binary sensor options, then availability."""
    device_classes = sorted(
        device_class.value for device_class in BinarySensorDeviceClass
    )
    return vol.Schema(
        {
            vol.Optional(
                CONF_DEVICE_CLASS, description=suggested(CONF_DEVICE_CLASS, data)
            ): select_field(device_classes, "device_class_binary_sensor"),
            **_on_off(data),
            **_availability(data),
        }
    )


def switch_schema(data: Mapping[str, Any]) -> vol.Schema:
    """A switch's on and off values in messages, then availability."""
    return vol.Schema({**_on_off(data), **_availability(data)})


def checked_options(
    platform: str, user_input: Mapping[str, Any]
) -> tuple[dict[str, Any], str | None]:
    """A platform's options as saved, and what is wrong with them (an error key)."""
    chosen = dict(user_input)
    if platform == PLATFORM_SENSOR:
        return chosen, sensor_error(chosen)
    if platform == PLATFORM_NUMBER:
        return chosen, number_error(chosen)
    if platform == PLATFORM_SELECT:
        chosen[CONF_OPTIONS] = select_options(chosen)
        return chosen, select_error(chosen)
    return chosen, None


def number_error(user_input: Mapping[str, Any]) -> str | None:
    """A range whose minimum is below its maximum, a step above 0."""
    if not user_input[CONF_MIN] < user_input[CONF_MAX]:
        return "min_not_below_max"
    if user_input[CONF_STEP] <= 0:
        return "step_not_positive"
    return None


def select_error(chosen: Mapping[str, Any]) -> str | None:
    """A select needs at least one option."""
    if not chosen[CONF_OPTIONS]:
        return "select_needs_options"
    return None


def select_options(user_input: Mapping[str, Any]) -> list[str]:
    """A select's options as typed, each once, empty ones left out."""
    return list(dict.fromkeys(o for o in user_input.get(CONF_OPTIONS) or [] if o))


def sensor_error(user_input: Mapping[str, Any]) -> str | None:
    """What is wrong with sensor options, as an error key, or None."""
    enum = user_input.get(CONF_DEVICE_CLASS) == SensorDeviceClass.ENUM
    if user_input.get(CONF_OPTIONS) and not enum:
        return "options_need_enum"
    if enum and not user_input.get(CONF_OPTIONS):
        return "enum_needs_options"
    if enum and is_numeric({**user_input, CONF_DEVICE_CLASS: None}):
        return "enum_not_numeric"
    return None


# Each platform's options step: its form and the keys it owns
FORMS: Final[
    dict[str, tuple[Callable[[Mapping[str, Any]], vol.Schema], tuple[str, ...]]]
] = {
    PLATFORM_SENSOR: (sensor_schema, SENSOR_KEYS),
    PLATFORM_BINARY_SENSOR: (binary_sensor_schema, BINARY_SENSOR_KEYS),
    PLATFORM_SWITCH: (switch_schema, SWITCH_KEYS),
    PLATFORM_NUMBER: (number_schema, NUMBER_KEYS),
    PLATFORM_SELECT: (select_schema, SELECT_KEYS),
}

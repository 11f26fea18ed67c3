"""What each platform makes of a message's value: its state, or why not.

The value comes from message_value (a number already where the platform needs
one); each platform's rule turns it into the state it shows, or refuses it
with a failure kind. The entities and the Add entity flow's preview use the
same rules, so the preview shows what the entity would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import CONF_DEVICE_CLASS

from .message_value import Failure, shown
from .subentry import (
    CONF_MAX,
    CONF_MIN,
    CONF_OPTIONS,
    CONF_PAYLOAD_OFF,
    CONF_PAYLOAD_ON,
    CONF_PLATFORM,
    DEFAULT_MAX,
    DEFAULT_MIN,
    DEFAULT_PAYLOAD_OFF,
    DEFAULT_PAYLOAD_ON,
    PLATFORM_BINARY_SENSOR,
    PLATFORM_NUMBER,
    PLATFORM_SELECT,
    PLATFORM_SENSOR,
    PLATFORM_SWITCH,
    is_numeric,
)

# A state is at most this long
MAX_STATE: Final = 255

type StateRule = Callable[[Any], Any]


class UnusableValueError(Exception):
    """A value the platform cannot show: why (counted), and the value for the log."""

    def __init__(self, failure: Failure, detail: str) -> None:
        """Remember the failure kind and the value."""
        super().__init__(detail)
        self.failure = failure
        self.detail = detail


def needs_number(config: Mapping[str, Any]) -> bool:
    """Whether the entity's value must be a number (message_value converts it)."""
    platform = config.get(CONF_PLATFORM)
    if platform == PLATFORM_NUMBER:
        return True
    return platform == PLATFORM_SENSOR and is_numeric(config)


def enum_options(config: Mapping[str, Any]) -> list[str] | None:
    """The options of an enum sensor; None for any other sensor."""
    if config.get(CONF_DEVICE_CLASS) != SensorDeviceClass.ENUM:
        return None
    return list(config.get(CONF_OPTIONS) or [])


def as_text(value: Any) -> str:
    """A value compared with texts: a text as it is, anything else as JSON."""
    return value if isinstance(value, str) else shown(value)


def sensor_rule(config: Mapping[str, Any]) -> StateRule:
    """A number, an option of an enum sensor, or a text (cut to fit a state)."""
    numeric = is_numeric(config)
    options = enum_options(config)

    def rule(value: Any) -> Any:
        if not numeric:
            value = value if isinstance(value, str) else shown(value, MAX_STATE)
            value = value[:MAX_STATE]
        if options is not None and value not in options:
            raise UnusableValueError(Failure.NOT_AN_OPTION, shown(value))
        return value

    return rule


def on_off_rule(config: Mapping[str, Any]) -> StateRule:
    """On (True) or off (False) when the value, as text, is one of them."""
    payloads = {
        str(config.get(CONF_PAYLOAD_ON, DEFAULT_PAYLOAD_ON)): True,
        str(config.get(CONF_PAYLOAD_OFF, DEFAULT_PAYLOAD_OFF)): False,
    }

    def rule(value: Any) -> bool:
        if (is_on := payloads.get(as_text(value))) is None:
            raise UnusableValueError(Failure.NOT_ON_OR_OFF, shown(value))
        return is_on

    return rule


def number_rule(config: Mapping[str, Any]) -> StateRule:
    """A number (message_value made it one) between the minimum and the maximum."""
    low = float(config.get(CONF_MIN, DEFAULT_MIN))
    high = float(config.get(CONF_MAX, DEFAULT_MAX))

    def rule(value: Any) -> Any:
        if not low <= value <= high:
            raise UnusableValueError(Failure.OUT_OF_RANGE, shown(value))
        return value

    return rule


def select_rule(config: Mapping[str, Any]) -> StateRule:
    """One of the select's options, the value compared as text."""
    options = [str(option) for option in config.get(CONF_OPTIONS) or []]

    def rule(value: Any) -> str:
        if (text := as_text(value)) not in options:
            raise UnusableValueError(Failure.NOT_AN_OPTION, shown(value))
        return text

    return rule


RULES: Final[dict[str, Callable[[Mapping[str, Any]], StateRule]]] = {
    PLATFORM_SENSOR: sensor_rule,
    PLATFORM_BINARY_SENSOR: on_off_rule,
    PLATFORM_SWITCH: on_off_rule,
    PLATFORM_NUMBER: number_rule,
    PLATFORM_SELECT: select_rule,
}


def state_rule(config: Mapping[str, Any]) -> StateRule:
    """The rule of the subentry's platform. Raises ValueError for a button."""
    try:
        return RULES[config[CONF_PLATFORM]](config)
    except KeyError as err:
        raise ValueError(f"no state from messages: {err}") from err

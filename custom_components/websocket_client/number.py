"""Numbers fed by messages: one per entity subentry of the platform.

The state is a number from messages, within the minimum and maximum
(platform_state), or optimistic: the last number set. Setting it sends the
command template rendered with the number (command_entity).
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberMode,
    RestoreNumber,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import (
    CONF_DEVICE_CLASS,
    CONF_UNIT_OF_MEASUREMENT,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import WebSocketClient, WebSocketClientConfigEntry
from .command_entity import TemplateCommandEntity
from .message_entity import message_entities
from .message_value import as_number
from .platform_state import UnusableValueError
from .subentry import (
    CONF_MAX,
    CONF_MIN,
    CONF_MODE,
    CONF_STEP,
    DEFAULT_MAX,
    DEFAULT_MIN,
    DEFAULT_STEP,
    PLATFORM_NUMBER,
    command_number,
)

# Pushed by the connection; commands go through the connection's own queue
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WebSocketClientConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the message numbers of an entry."""
    message_entities(hass, entry.entry_id).add_platform(
        entry.runtime_data, PLATFORM_NUMBER, MessageNumber, async_add_entities
    )


class MessageNumber(TemplateCommandEntity, RestoreNumber):
    """A number from messages (or optimistic); setting it sends its command."""

    _attr_native_value: float | None = None

    def __init__(self, client: WebSocketClient, subentry: ConfigSubentry) -> None:
        """Take the range, step, mode, unit and device class."""
        super().__init__(client, subentry)
        config = self.config
        self._attr_native_min_value = float(config.get(CONF_MIN, DEFAULT_MIN))
        self._attr_native_max_value = float(config.get(CONF_MAX, DEFAULT_MAX))
        self._attr_native_step = float(config.get(CONF_STEP, DEFAULT_STEP))
        # As the flow refuses them (a subentry edited by hand)
        if not self._attr_native_min_value < self._attr_native_max_value:
            raise ValueError("the minimum is not below the maximum")
        if self._attr_native_step <= 0:
            raise ValueError("the step is not above 0")
        self._attr_mode = NumberMode(config.get(CONF_MODE, NumberMode.AUTO))
        self._attr_native_unit_of_measurement = config.get(CONF_UNIT_OF_MEASUREMENT)
        if device_class := config.get(CONF_DEVICE_CLASS):
            self._attr_device_class = NumberDeviceClass(device_class)

    def set_state(self, state: Any) -> None:
        """The number."""
        self._attr_native_value = state

    def state_key(self) -> tuple[Any, ...]:
        """The number."""
        return (self._attr_native_value,)

    async def async_set_native_value(self, value: float) -> None:
        """Send the command template rendered with the number (an int if integral).

        Home Assistant has already refused a number outside the range.
        """
        await self.async_send_value(command_number(value))

    async def async_restore(self) -> None:
        """The last number, if there was one and it is still within the range."""
        last_state = await self.async_get_last_state()
        last_data = await self.async_get_last_number_data()
        if last_state is None or last_data is None:
            return
        if last_state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            return
        try:
            number = self.rule(as_number(last_data.native_value))
        except (ValueError, UnusableValueError):
            return
        self.set_state(number)
        self.restored(last_state.last_updated)

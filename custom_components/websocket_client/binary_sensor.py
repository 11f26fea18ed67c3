"""Binary sensors: Connected (Resonite's IsConnected), and those fed by messages.

One message binary sensor per entity subentry of the platform (message_entity).
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import CONF_DEVICE_CLASS, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import WebSocketClient, WebSocketClientConfigEntry
from .entity import WebSocketClientStatusEntity
from .message_entity import MessageEntity, message_entities
from .message_value import Failure, shown
from .subentry import (
    CONF_PAYLOAD_OFF,
    CONF_PAYLOAD_ON,
    DEFAULT_PAYLOAD_OFF,
    DEFAULT_PAYLOAD_ON,
    PLATFORM_BINARY_SENSOR,
)

# Pushed by the connection; no polling and no parallel updates to limit
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WebSocketClientConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Connected binary sensor and the message binary sensors of an entry."""
    client = entry.runtime_data
    async_add_entities([ConnectedBinarySensor(client)])
    message_entities(hass, entry.entry_id).add_platform(
        client, PLATFORM_BINARY_SENSOR, MessageBinarySensor, async_add_entities
    )


class ConnectedBinarySensor(WebSocketClientStatusEntity, BinarySensorEntity):
    """On while a connection to the server is open."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_translation_key = "connected"

    @property
    def is_on(self) -> bool:
        """IsConnected."""
        return self.client.is_connected


class MessageBinarySensor(MessageEntity, BinarySensorEntity):
    """On or off as received messages say."""

    def __init__(self, client: WebSocketClient, subentry: ConfigSubentry) -> None:
        """Take the device class and what counts as on and off."""
        super().__init__(client, subentry)
        config = subentry.data
        if device_class := config.get(CONF_DEVICE_CLASS):
            self._attr_device_class = BinarySensorDeviceClass(device_class)
        self._payloads = {
            str(config.get(CONF_PAYLOAD_ON, DEFAULT_PAYLOAD_ON)): True,
            str(config.get(CONF_PAYLOAD_OFF, DEFAULT_PAYLOAD_OFF)): False,
        }

    def apply_value(self, value: Any) -> bool:
        """On or off when the value (as text, JSON for others) is one of them."""
        text = value if isinstance(value, str) else shown(value)
        if (is_on := self._payloads.get(text)) is None:
            self.reader.fail(Failure.NOT_ON_OR_OFF, shown(value))
            return False
        self._attr_is_on = is_on
        return True

    def state_key(self) -> tuple[Any, ...]:
        """On or off."""
        return (self._attr_is_on,)

    async def async_restore(self) -> None:
        """The last on or off, if there was one."""
        last_state = await self.async_get_last_state()
        if last_state is None or last_state.state not in (STATE_ON, STATE_OFF):
            return
        self._attr_is_on = last_state.state == STATE_ON
        self.restored(last_state.last_updated)

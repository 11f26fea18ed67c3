"""Binary sensors: Connected (Resonite's IsConnected), and those fed by messages.

One message binary sensor per entity subentry of the platform (message_entity).
"""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import CONF_DEVICE_CLASS
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import WebSocketClient, WebSocketClientConfigEntry
from .entity import WebSocketClientStatusEntity
from .message_entity import OnOffMessageEntity, message_entities
from .subentry import PLATFORM_BINARY_SENSOR

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


class MessageBinarySensor(OnOffMessageEntity, BinarySensorEntity):
    """On or off as received messages say."""

    def __init__(self, client: WebSocketClient, subentry: ConfigSubentry) -> None:
        """Take the device class."""
        super().__init__(client, subentry)
        if device_class := subentry.data.get(CONF_DEVICE_CLASS):
            self._attr_device_class = BinarySensorDeviceClass(device_class)

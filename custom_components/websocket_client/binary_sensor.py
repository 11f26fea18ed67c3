"""The Connected binary sensor: Resonite's IsConnected."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import WebSocketClient, WebSocketClientConfigEntry
from .entity import WebSocketClientStatusEntity

# Pushed by the link; no polling and no parallel updates to limit
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WebSocketClientConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Connected binary sensor of an entry."""
    async_add_entities([ConnectedBinarySensor(entry.runtime_data)])


class ConnectedBinarySensor(WebSocketClientStatusEntity, BinarySensorEntity):
    """On while a link to the server is open."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_translation_key = "connected"

    def __init__(self, client: WebSocketClient) -> None:
        """Create the sensor for one entry."""
        super().__init__(client, "connected")

    @property
    def is_on(self) -> bool:
        """IsConnected."""
        return self.client.is_connected

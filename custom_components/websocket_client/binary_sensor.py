"""The Connected binary sensor: Resonite's IsConnected."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import WebSocketClientConfigEntry
from .entity import WebSocketClientStatusEntity

# Pushed by the connection; no polling and no parallel updates to limit
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WebSocketClientConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Connected binary sensor of an entry."""
    async_add_entities([ConnectedBinarySensor(entry.runtime_data)])


class ConnectedBinarySensor(WebSocketClientStatusEntity, BinarySensorEntity):
    """On while a connection to the server is open."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_translation_key = "connected"

    @property
    def is_on(self) -> bool:
        """IsConnected."""
        return self.client.is_connected

"""The Status sensor: consent and link state as one enum."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import LinkStatus
from .entity import WebSocketClientStatusEntity
from .runtime import WebSocketClient, WebSocketClientConfigEntry

# Pushed by the link; no polling and no parallel updates to limit
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WebSocketClientConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Status sensor of an entry."""
    async_add_entities([StatusSensor(entry.runtime_data)])


class StatusSensor(WebSocketClientStatusEntity, SensorEntity):
    """Awaiting approval, denied, connecting, connected, retrying or disconnected."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_options = [status.value for status in LinkStatus]
    _attr_translation_key = "status"

    def __init__(self, client: WebSocketClient) -> None:
        """Create the sensor for one entry."""
        super().__init__(client, "status")

    @property
    def native_value(self) -> str:
        """The current status."""
        return self.client.status.value

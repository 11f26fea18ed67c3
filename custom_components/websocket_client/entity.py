"""Base entity: one service device per entry, updated when the link's status changes."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .client import WebSocketClient
from .const import DOMAIN


class WebSocketClientEntity(Entity):
    """An entity of one WebSocket Client entry."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, client: WebSocketClient, key: str) -> None:
        """Attach the entity to the entry's device."""
        self.client = client
        entry = client.entry
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
            entry_type=DeviceEntryType.SERVICE,
            manufacturer="WebSocket Client",
            model="WebSocket connection",
        )


class WebSocketClientStatusEntity(WebSocketClientEntity):
    """An entity whose state follows the link's status."""

    async def async_added_to_hass(self) -> None:
        """Write the state whenever the status changes."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.client.status_listeners.add(self.async_write_ha_state)
        )

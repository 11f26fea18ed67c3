"""Base entity: one service device per entry, following the client's status."""

from __future__ import annotations

from homeassistant.helpers.entity import Entity

from .client import WebSocketClient
from .device import device_info


class WebSocketClientEntity(Entity):
    """An entity of one WebSocket Client entry."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, client: WebSocketClient, key: str | None = None) -> None:
        """Attach the entity to the entry's device.

        `key` makes the unique id; it defaults to the translation key, which
        names each of an entry's entities once.
        """
        key = key or self._attr_translation_key
        self.client = client
        self._attr_unique_id = f"{client.entry.entry_id}_{key}"
        self._attr_device_info = device_info(client.entry)


class WebSocketClientStatusEntity(WebSocketClientEntity):
    """An entity whose state follows the client's status."""

    async def async_added_to_hass(self) -> None:
        """Write the state whenever the status changes."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.client.status_listeners.add(self.async_write_ha_state)
        )

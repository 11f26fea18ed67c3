"""The Connection switch: allowed to connect and stay connected, or not."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import WebSocketClientConfigEntry
from .entity import WebSocketClientStatusEntity

# Acts on the connection directly; nothing to limit
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WebSocketClientConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Connection switch of an entry."""
    async_add_entities([ConnectionSwitch(entry.runtime_data)])


class ConnectionSwitch(WebSocketClientStatusEntity, SwitchEntity):
    """On: connect and stay connected. Off: disconnected, no retries (persists)."""

    _attr_translation_key = "connection"

    @property
    def is_on(self) -> bool:
        """The same state the connect and disconnect actions set."""
        return self.client.connection_enabled

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Connect (refused while awaiting approval or after a denial)."""
        await self.client.async_connect()

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Disconnect and stay disconnected."""
        await self.client.async_disconnect()

"""The Reconnect button: drop the connection and connect again now."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import WebSocketClientConfigEntry
from .entity import WebSocketClientEntity

# Acts on the connection directly; nothing to limit
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WebSocketClientConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Reconnect button of an entry."""
    async_add_entities([ReconnectButton(entry.runtime_data)])


class ReconnectButton(WebSocketClientEntity, ButtonEntity):
    """Drop the connection and reconnect without waiting for the retry interval."""

    _attr_translation_key = "reconnect"

    async def async_press(self) -> None:
        """Reconnect now (refused when the connection may not run)."""
        await self.client.async_reconnect()

"""The Message event entity: fires for every received message."""

from __future__ import annotations

from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import (
    ATTR_DATA_BASE64,
    ATTR_JSON,
    ATTR_SIZE,
    ATTR_TEXT,
    MESSAGE_TYPE_BINARY,
    MESSAGE_TYPE_TEXT,
)
from .entity import WebSocketClientEntity
from .runtime import ReceivedMessage, WebSocketClient, WebSocketClientConfigEntry

# Pushed by the link; no polling and no parallel updates to limit
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WebSocketClientConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Message event entity of an entry."""
    async_add_entities([MessageEvent(entry.runtime_data)])


class MessageEvent(WebSocketClientEntity, EventEntity):
    """The last received message, with its payload in the attributes."""

    _attr_event_types = [MESSAGE_TYPE_TEXT, MESSAGE_TYPE_BINARY]
    _attr_translation_key = "message"
    # Payloads can be large and are already on the bus; keep them out of the database.
    _unrecorded_attributes = frozenset(
        {ATTR_TEXT, ATTR_JSON, ATTR_DATA_BASE64, ATTR_SIZE}
    )

    def __init__(self, client: WebSocketClient) -> None:
        """Create the event entity for one entry."""
        super().__init__(client, "message")

    async def async_added_to_hass(self) -> None:
        """Listen for received messages."""
        await super().async_added_to_hass()
        self.async_on_remove(self.client.async_add_message_listener(self._on_message))

    def _on_message(self, message: ReceivedMessage) -> None:
        self._trigger_event(message.type, message.attributes)
        self.async_write_ha_state()

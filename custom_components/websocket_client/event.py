"""The Message event entity: the latest received message, paced for the database.

The entity follows the received messages at most four times a second: at high
rates a state write (and a recorded state row) per message would cost more than
everything else together. Below that rate it shows every message. It is
disabled by default for new connections: each write is a logbook line.
"""

from __future__ import annotations

from typing import Final

from homeassistant.components.event import EventEntity
from homeassistant.const import ATTR_NAME
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .bus import message_event_data
from .client import WebSocketClient, WebSocketClientConfigEntry
from .const import (
    ATTR_DATA_BASE64,
    ATTR_ENTRY_ID,
    ATTR_JSON,
    ATTR_SIZE,
    ATTR_TEXT,
    ATTR_TRUNCATED,
    ATTR_TYPE,
    MESSAGE_TYPE_BINARY,
    MESSAGE_TYPE_TEXT,
)
from .entity import WebSocketClientEntity
from .message import ReceivedMessage
from .options import CONF_EVENT_PAYLOAD_LIMIT, option_value

# Pushed by the connection; no polling and no parallel updates to limit
PARALLEL_UPDATES = 0
MIN_WRITE_INTERVAL: Final = 0.25
_NOT_ATTRIBUTES: Final = frozenset({ATTR_ENTRY_ID, ATTR_NAME, ATTR_TYPE})


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
    # Every message would be a line in the device's Activity panel, burying
    # its history (connected, lost, approved); entities from messages carry
    # the values now. Existing installations keep theirs enabled.
    _attr_entity_registry_enabled_default = False
    # Payloads can be large; keep them out of the database.
    _unrecorded_attributes = frozenset(
        {ATTR_TEXT, ATTR_JSON, ATTR_DATA_BASE64, ATTR_SIZE, ATTR_TRUNCATED}
    )

    def __init__(self, client: WebSocketClient) -> None:
        """Create the event entity for one entry."""
        super().__init__(client)
        self._latest: ReceivedMessage | None = None
        self._written_at = -MIN_WRITE_INTERVAL
        self._cancel_write: CALLBACK_TYPE | None = None

    async def async_added_to_hass(self) -> None:
        """Listen for received messages."""
        await super().async_added_to_hass()
        self.async_on_remove(self.client.messages.subscribe(self._on_message))
        self.async_on_remove(self._cancel_pending_write)

    @callback
    def _on_message(self, message: ReceivedMessage) -> None:
        self._latest = message
        if self._cancel_write is not None:
            return  # a write is due; it will show this message
        loop = self.hass.loop
        due = self._written_at + MIN_WRITE_INTERVAL
        if loop.time() >= due:
            self._write_latest()
        else:
            self._cancel_write = loop.call_at(due, self._write_latest).cancel

    @callback
    def _write_latest(self) -> None:
        self._cancel_write = None
        if (message := self._latest) is None:
            return
        self._latest = None
        limit = int(option_value(self.client.entry, CONF_EVENT_PAYLOAD_LIMIT))
        data = message_event_data(message, limit)
        self._written_at = self.hass.loop.time()
        self._trigger_event(
            data[ATTR_TYPE],
            {key: value for key, value in data.items() if key not in _NOT_ATTRIBUTES},
        )
        self.async_write_ha_state()

    @callback
    def _cancel_pending_write(self) -> None:
        if self._cancel_write is not None:
            self._cancel_write()
            self._cancel_write = None

"""Buttons: Reconnect, and those that send a message (one per entity subentry).

A message button sends its payload exactly as the send action does: the same
size check, queue and translated errors. It has no state from messages.
"""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import WebSocketClient, WebSocketClientConfigEntry
from .entity import WebSocketClientEntity, WebSocketClientStatusEntity
from .message_entity import follow_subentry, message_entities
from .services import async_send_payload
from .subentry import (
    CONF_COMMAND,
    CONF_QUEUE,
    CONF_UNAVAILABLE_WHEN_DISCONNECTED,
    PLATFORM_BUTTON,
    command_payload,
)

# Acts on the connection directly; nothing to limit
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WebSocketClientConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Reconnect button and the message buttons of an entry."""
    client = entry.runtime_data
    async_add_entities([ReconnectButton(client)])
    message_entities(hass, entry.entry_id).add_platform(
        client, PLATFORM_BUTTON, MessageButton, async_add_entities
    )


class ReconnectButton(WebSocketClientEntity, ButtonEntity):
    """Drop the connection and reconnect without waiting for the retry interval."""

    _attr_translation_key = "reconnect"

    async def async_press(self) -> None:
        """Reconnect now (refused when the connection may not run)."""
        await self.client.async_reconnect()


class MessageButton(WebSocketClientStatusEntity, ButtonEntity):
    """Sends its message when pressed."""

    def __init__(self, client: WebSocketClient, subentry: ConfigSubentry) -> None:
        """Take the command and the queue option."""
        super().__init__(client, subentry.subentry_id)
        self.subentry_id = subentry.subentry_id
        self._attr_name = subentry.title
        self._payload = command_payload(subentry.data, CONF_COMMAND)
        self._queue = bool(subentry.data.get(CONF_QUEUE, False))
        self._follow_connection = bool(
            subentry.data.get(CONF_UNAVAILABLE_WHEN_DISCONNECTED, True)
        )

    async def async_added_to_hass(self) -> None:
        """Count as the subentry's entity (changed or removed without a reload)."""
        await super().async_added_to_hass()
        follow_subentry(self, self.client.entry.entry_id, self.subentry_id)

    @property
    def available(self) -> bool:
        """Down with the connection, unless queued or chosen otherwise."""
        return self.client.is_connected or self._queue or not self._follow_connection

    async def async_press(self) -> None:
        """Send the message (errors are the send action's, translated)."""
        await async_send_payload(self.client, self._payload, queue=self._queue)

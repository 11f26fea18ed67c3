"""Switches: Connection (allowed to connect, or not), and those fed by messages.

A message switch (one per entity subentry of the platform) takes its state
from messages like a binary sensor, or, optimistic, from the last command it
sent (command_entity). Its commands go out exactly as the send action sends
them: the same size check, queue and translated errors.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import WebSocketClient, WebSocketClientConfigEntry
from .command_entity import CommandMessageEntity
from .entity import WebSocketClientStatusEntity
from .message_entity import OnOffMessageEntity, message_entities
from .subentry import (
    CONF_COMMAND_OFF,
    CONF_COMMAND_ON,
    PLATFORM_SWITCH,
    command_payload,
)

# Acts on the connection directly; nothing to limit
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WebSocketClientConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Connection switch and the message switches of an entry."""
    client = entry.runtime_data
    async_add_entities([ConnectionSwitch(client)])
    message_entities(hass, entry.entry_id).add_platform(
        client, PLATFORM_SWITCH, MessageSwitch, async_add_entities
    )


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


class MessageSwitch(CommandMessageEntity, OnOffMessageEntity, SwitchEntity):
    """On or off from messages (or optimistic); sends its commands."""

    def __init__(self, client: WebSocketClient, subentry: ConfigSubentry) -> None:
        """Take the commands."""
        super().__init__(client, subentry)
        self._commands = {
            True: command_payload(self.config, CONF_COMMAND_ON),
            False: command_payload(self.config, CONF_COMMAND_OFF),
        }

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Send the on command."""
        await self.async_send_command(self._commands[True], True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Send the off command."""
        await self.async_send_command(self._commands[False], False)

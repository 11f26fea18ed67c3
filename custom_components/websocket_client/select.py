"""Selects fed by messages: one per entity subentry of the platform.

The state is one of the options, from messages (platform_state) or optimistic:
the last option chosen. Choosing one sends the command template rendered with
the option (command_entity).
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.select import SelectEntity
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import WebSocketClient, WebSocketClientConfigEntry
from .command_entity import TemplateCommandEntity
from .message_entity import message_entities
from .subentry import CONF_OPTIONS, PLATFORM_SELECT

# Pushed by the connection; commands go through the connection's own queue
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WebSocketClientConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the message selects of an entry."""
    message_entities(hass, entry.entry_id).add_platform(
        entry.runtime_data, PLATFORM_SELECT, MessageSelect, async_add_entities
    )


class MessageSelect(TemplateCommandEntity, SelectEntity):
    """An option from messages (or optimistic); choosing one sends its command."""

    _attr_current_option: str | None = None

    def __init__(self, client: WebSocketClient, subentry: ConfigSubentry) -> None:
        """Take the options; a select without any is refused."""
        super().__init__(client, subentry)
        self._attr_options = [
            str(option) for option in self.config.get(CONF_OPTIONS) or []
        ]
        if not self._attr_options:
            raise ValueError("a select needs options")

    def set_state(self, state: Any) -> None:
        """The option."""
        self._attr_current_option = state

    def state_key(self) -> tuple[Any, ...]:
        """The option."""
        return (self._attr_current_option,)

    async def async_select_option(self, option: str) -> None:
        """Send the command template rendered with the option.

        Home Assistant has already refused a text that is not an option.
        """
        await self.async_send_value(option)

    async def async_restore(self) -> None:
        """The last option, if there was one and it is still an option."""
        last_state = await self.async_get_last_state()
        if last_state is None or last_state.state not in self.options:
            return
        self.set_state(last_state.state)
        self.restored(last_state.last_updated)

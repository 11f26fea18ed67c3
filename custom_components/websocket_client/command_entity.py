"""Entities from messages that also send commands (switch, number, select).

A command goes out exactly as the send action sends it: the same size check,
queue and translated errors. With the queue on, the entity stays available
while disconnected (a command is still accepted). An optimistic entity takes
no state from messages: its state is its last command that was sent or
queued, marked as assumed, and restored after a restart. A number's and a
select's command is a template rendered with the value (as MQTT's
command_template), sent as a text message.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.exceptions import TemplateError

from .client import WebSocketClient
from .errors import action_error
from .message_entity import MessageEntity
from .message_value import check_template
from .services import async_send_payload
from .subentry import (
    CONF_COMMAND_TEMPLATE,
    CONF_OPTIMISTIC,
    CONF_QUEUE,
    DEFAULT_COMMAND_TEMPLATE,
    render_command,
)


class CommandMessageEntity(MessageEntity):
    """State from messages (or optimistic); sends commands."""

    def __init__(self, client: WebSocketClient, subentry: ConfigSubentry) -> None:
        """Take the queue option and the state source."""
        super().__init__(client, subentry)
        self._queue = bool(self.config.get(CONF_QUEUE, False))
        # A queued command is still accepted while disconnected.
        self._follow_connection = self._follow_connection and not self._queue
        if self.config.get(CONF_OPTIMISTIC, False):
            # Its state is its last command: nothing feeds it, nothing expires.
            self.follows_messages = False
            self._attr_assumed_state = True
            self._expire_after = 0
            self._expired = False

    async def async_send_command(self, payload: str | bytes, state: Any) -> None:
        """Send a command; an optimistic entity then shows `state`.

        Errors are the send action's, translated; the state stays then.
        """
        await async_send_payload(self.client, payload, queue=self._queue)
        if not self.follows_messages:
            self.set_state(state)
            self._write_if_changed()


class TemplateCommandEntity(CommandMessageEntity):
    """Sends its command template rendered with the value (number, select)."""

    def __init__(self, client: WebSocketClient, subentry: ConfigSubentry) -> None:
        """Take the command template; one that does not compile is refused."""
        super().__init__(client, subentry)
        template = self.config.get(CONF_COMMAND_TEMPLATE, DEFAULT_COMMAND_TEMPLATE)
        self._command_template = check_template(client.hass, template)

    async def async_send_value(self, value: Any) -> None:
        """Send the template rendered with `value` as a text message."""
        try:
            payload = render_command(self._command_template, value)
        except TemplateError as err:
            raise action_error(
                "command_template_error", entity_id=self.entity_id, error=str(err)
            ) from err
        await self.async_send_command(payload, value)

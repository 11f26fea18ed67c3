"""The command forms of the Add entity flow: what switches and buttons send.

A switch's commands, the queue option and where its state comes from
(messages or optimistic); a button's command. Each command is checked by the
send action's payload rules and against the connection's maximum message size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.helpers import selector
import voluptuous as vol

from .entity_form import select_field, suggested
from .message import payload_size
from .payload import InvalidPayloadError
from .subentry import (
    CONF_COMMAND,
    CONF_COMMAND_OFF,
    CONF_COMMAND_ON,
    CONF_OPTIMISTIC,
    CONF_QUEUE,
    command_payload,
)

# The commands step: where the state comes from (stored as optimistic)
CONF_STATE_FROM: Final = "state_from"
STATE_FROM_MESSAGES: Final = "messages"
STATE_FROM_OPTIMISTIC: Final = "optimistic"
SWITCH_COMMANDS: Final = (CONF_COMMAND_ON, CONF_COMMAND_OFF)
SWITCH_COMMAND_KEYS: Final = (*SWITCH_COMMANDS, CONF_QUEUE, CONF_OPTIMISTIC)
BUTTON_COMMANDS: Final = (CONF_COMMAND,)
COMMAND_TOO_LARGE: Final = "command_too_large"


def _command(key: str, data: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    return {
        vol.Required(key, description=suggested(key, data)): (selector.ObjectSelector())
    }


def _queue(data: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    return {
        vol.Required(CONF_QUEUE, default=data.get(CONF_QUEUE, False)): (
            selector.BooleanSelector()
        )
    }


def switch_commands_schema(data: Mapping[str, Any]) -> vol.Schema:
    """A switch's commands, the queue option and where its state comes from."""
    state_from = (
        STATE_FROM_OPTIMISTIC if data.get(CONF_OPTIMISTIC) else STATE_FROM_MESSAGES
    )
    return vol.Schema(
        {
            **_command(CONF_COMMAND_ON, data),
            **_command(CONF_COMMAND_OFF, data),
            **_queue(data),
            vol.Required(CONF_STATE_FROM, default=state_from): select_field(
                [STATE_FROM_MESSAGES, STATE_FROM_OPTIMISTIC],
                CONF_STATE_FROM,
                mode=selector.SelectSelectorMode.LIST,
            ),
        }
    )


def button_schema(data: Mapping[str, Any]) -> vol.Schema:
    """A button's command and the queue option."""
    return vol.Schema({**_command(CONF_COMMAND, data), **_queue(data)})


def checked_commands(
    user_input: Mapping[str, Any], commands: tuple[str, ...], max_size: int = 0
) -> tuple[dict[str, Any], dict[str, str]]:
    """Commands, queue and optimistic from a commands form; errors by field.

    Each command follows the send action's payload rules (payload.py) and
    fits the connection's maximum message size (`max_size`, 0: no limit).
    """
    errors: dict[str, str] = {}
    for key in commands:
        try:
            payload = command_payload(user_input, key)
        except InvalidPayloadError as err:
            errors[key] = err.reason
            continue
        if max_size and payload_size(payload) > max_size:
            errors[key] = COMMAND_TOO_LARGE
    chosen = {key: user_input[key] for key in commands}
    chosen[CONF_QUEUE] = bool(user_input.get(CONF_QUEUE, False))
    if CONF_STATE_FROM in user_input:
        optimistic = user_input[CONF_STATE_FROM] == STATE_FROM_OPTIMISTIC
        chosen[CONF_OPTIMISTIC] = optimistic
    return chosen, errors

"""The command forms of the Add entity flow: what an entity sends.

A switch's commands, a button's command, a number's or a select's command
template; the queue option and where the state comes from (messages or
optimistic). A command is checked by the send action's payload rules, a
command template by rendering it; either must fit the connection's maximum
message size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import TemplateError
from homeassistant.helpers import selector
import voluptuous as vol

from .entity_form import TEMPLATE, select_field, suggested
from .message import payload_size
from .message_value import InvalidValueError, check_template
from .payload import InvalidPayloadError
from .subentry import (
    CONF_COMMAND,
    CONF_COMMAND_OFF,
    CONF_COMMAND_ON,
    CONF_COMMAND_TEMPLATE,
    CONF_MAX,
    CONF_MIN,
    CONF_OPTIMISTIC,
    CONF_OPTIONS,
    CONF_PLATFORM,
    CONF_QUEUE,
    CONF_STEP,
    DEFAULT_COMMAND_TEMPLATE,
    DEFAULT_MAX,
    DEFAULT_MIN,
    DEFAULT_STEP,
    PLATFORM_SELECT,
    command_number,
    command_payload,
    render_command,
)

# The commands step: where the state comes from (stored as optimistic)
CONF_STATE_FROM: Final = "state_from"
STATE_FROM_MESSAGES: Final = "messages"
STATE_FROM_OPTIMISTIC: Final = "optimistic"
SWITCH_COMMANDS: Final = (CONF_COMMAND_ON, CONF_COMMAND_OFF)
BUTTON_COMMANDS: Final = (CONF_COMMAND,)
COMMAND_TOO_LARGE: Final = "command_too_large"
TEMPLATE_TOO_LARGE: Final = "template_too_large"

# A problem of a form: the error key and the placeholders of its text
type Problem = tuple[str, dict[str, str]]


def _command(key: str, data: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    return {
        vol.Required(key, description=suggested(key, data)): (selector.ObjectSelector())
    }


def _queue_and_state(
    data: Mapping[str, Any], *, state_from: bool = True
) -> dict[vol.Marker, Any]:
    """The queue option, and where the state comes from (not for a button)."""
    fields: dict[vol.Marker, Any] = {
        vol.Required(CONF_QUEUE, default=data.get(CONF_QUEUE, False)): (
            selector.BooleanSelector()
        )
    }
    if not state_from:
        return fields
    chosen = STATE_FROM_OPTIMISTIC if data.get(CONF_OPTIMISTIC) else STATE_FROM_MESSAGES
    fields[vol.Required(CONF_STATE_FROM, default=chosen)] = select_field(
        [STATE_FROM_MESSAGES, STATE_FROM_OPTIMISTIC],
        CONF_STATE_FROM,
        mode=selector.SelectSelectorMode.LIST,
    )
    return fields


def switch_commands_schema(data: Mapping[str, Any]) -> vol.Schema:
    """A switch's commands, the queue option and where its state comes from."""
    return vol.Schema(
        {
            **_command(CONF_COMMAND_ON, data),
            **_command(CONF_COMMAND_OFF, data),
            **_queue_and_state(data),
        }
    )


def button_schema(data: Mapping[str, Any]) -> vol.Schema:
    """A button's command and the queue option."""
    return vol.Schema(
        {**_command(CONF_COMMAND, data), **_queue_and_state(data, state_from=False)}
    )


def template_command_schema(data: Mapping[str, Any]) -> vol.Schema:
    """A number's or select's command template, queue and state source."""
    template = data.get(CONF_COMMAND_TEMPLATE, DEFAULT_COMMAND_TEMPLATE)
    return vol.Schema(
        {
            vol.Required(CONF_COMMAND_TEMPLATE, default=template): TEMPLATE,
            **_queue_and_state(data),
        }
    )


def _queue_and_optimistic(user_input: Mapping[str, Any]) -> dict[str, Any]:
    chosen: dict[str, Any] = {CONF_QUEUE: bool(user_input.get(CONF_QUEUE, False))}
    if CONF_STATE_FROM in user_input:
        optimistic = user_input[CONF_STATE_FROM] == STATE_FROM_OPTIMISTIC
        chosen[CONF_OPTIMISTIC] = optimistic
    return chosen


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
    return chosen | _queue_and_optimistic(user_input), errors


def command_values(data: Mapping[str, Any]) -> list[Any]:
    """What a command template is tried with: a select's options, a number's range.

    Before the options are chosen: an empty option, the default range.
    """
    if data[CONF_PLATFORM] == PLATFORM_SELECT:
        return list(data.get(CONF_OPTIONS) or [""])
    low = float(data.get(CONF_MIN, DEFAULT_MIN))
    high = float(data.get(CONF_MAX, DEFAULT_MAX))
    step = float(data.get(CONF_STEP, DEFAULT_STEP))
    # The step's decimals too: 0.5 renders longer than 0 or 10
    return [command_number(value) for value in (low, high, min(low + step, high))]


def template_problem(
    hass: HomeAssistant, template: str, values: Iterable[Any], max_size: int = 0
) -> Problem | None:
    """What is wrong with a command template, or None.

    It must compile, render with each value and fit the connection's maximum
    message size (`max_size`, 0: no limit) each time.
    """
    try:
        compiled = check_template(hass, template)
    except InvalidValueError as err:
        return err.reason, dict(err.placeholders)
    for value in values:
        try:
            rendered = render_command(compiled, value)
        except TemplateError as err:
            return "invalid_template", {"error": str(err)}
        if max_size and payload_size(rendered) > max_size:
            return TEMPLATE_TOO_LARGE, {"value": str(value)}
    return None


def checked_template_command(
    hass: HomeAssistant,
    user_input: Mapping[str, Any],
    data: Mapping[str, Any],
    max_size: int = 0,
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """Template, queue and optimistic; errors by field; their placeholders.

    The template is tried with the values saved in `data` (command_values).
    """
    template = user_input[CONF_COMMAND_TEMPLATE]
    chosen = {CONF_COMMAND_TEMPLATE: template} | _queue_and_optimistic(user_input)
    problem = template_problem(hass, template, command_values(data), max_size)
    if problem is None:
        return chosen, {}, {}
    return chosen, {CONF_COMMAND_TEMPLATE: problem[0]}, problem[1]


def checked_step(
    hass: HomeAssistant,
    step_id: str,
    user_input: Mapping[str, Any],
    data: Mapping[str, Any],
    max_size: int = 0,
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """What a commands step chose, its errors by field and their placeholders.

    The steps: `button`, `commands` (a switch's), `command_template`.
    """
    if step_id == "command_template":
        return checked_template_command(hass, user_input, data, max_size)
    commands = BUTTON_COMMANDS if step_id == "button" else SWITCH_COMMANDS
    chosen, errors = checked_commands(user_input, commands, max_size)
    return chosen, errors, {}

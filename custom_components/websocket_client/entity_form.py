"""The forms of the Add entity flow (entity_flow) that read messages.

Name and platform, the recent message, the value (a field, a path or a
template) and the filter: schemas, choices, checks, and the field helpers the
other forms share. The platforms' options are in platform_form.py, the
commands in command_form.py. Each form shows what the subentry holds
(subentry.py) as suggested values, so reconfiguring shows the same fields
filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import selector
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import ATTR_MATCH, ATTR_MATCH_REGEX
from .message import ReceivedMessage
from .message_filter import filter_from_config
from .message_value import (
    CONF_ATTRIBUTES_PATH,
    CONF_VALUE_PATH,
    CONF_VALUE_TEMPLATE,
    InvalidValueError,
    check_template,
    json_fields,
    parse_path,
    shown,
)
from .recent_messages import RecentMessage
from .subentry import CONF_PLATFORM, ENTITY_PLATFORMS, PLATFORM_SENSOR

CONF_MESSAGE: Final = "message"
CONF_FIELD: Final = "field"
# The message choice "none: I type the path or template myself"
TYPE_IT: Final = "type_it"
# The message choice "the list again, with what arrived since it was shown"
NEWER: Final = "newer"
EXCERPT: Final = 60
# Keys each step owns: a reconfigured step drops what the user emptied
VALUE_KEYS: Final = (CONF_VALUE_PATH, CONF_VALUE_TEMPLATE, CONF_ATTRIBUTES_PATH)
FILTER_KEYS: Final = (ATTR_MATCH, ATTR_MATCH_REGEX)

TEXT = selector.TextSelector()
# Text, not a template selector: that one refuses a bad template in the schema,
# in English; the value step refuses it with the translated invalid_template.
TEMPLATE = selector.TextSelector(selector.TextSelectorConfig(multiline=True))


def select_field(
    options: list[str] | list[selector.SelectOptionDict],
    translation_key: str | None = None,
    *,
    mode: selector.SelectSelectorMode = selector.SelectSelectorMode.DROPDOWN,
    free: bool = False,
) -> selector.SelectSelector:
    """A select; `free`: several values, typed ones too (enum options)."""
    config = selector.SelectSelectorConfig(
        options=options, mode=mode, multiple=free, custom_value=free
    )
    if translation_key is not None:
        config["translation_key"] = translation_key
    return selector.SelectSelector(config)


def excerpt(message: ReceivedMessage) -> str:
    """A message in a few characters: its text, or the size of a binary one."""
    if message.text is None:
        return f"binary, {message.size} bytes"
    text = " ".join(message.text.split())
    return text if len(text) <= EXCERPT else f"{text[: EXCERPT - 1]}…"


def message_choice(index: int, recent: RecentMessage) -> selector.SelectOptionDict:
    """One recent message in the list: time received and an excerpt."""
    received = dt_util.as_local(recent.received).strftime("%H:%M:%S")
    label = f"{received} · {excerpt(recent.message)}"
    return selector.SelectOptionDict(value=str(index), label=label)


def field_choices(message: ReceivedMessage | None) -> list[selector.SelectOptionDict]:
    """The fields of a JSON message as `path = value`."""
    if message is None or not message.is_json:
        return []
    return [
        selector.SelectOptionDict(value=path, label=f"{path} = {shown(value)}")
        for path, value in json_fields(message.json)
    ]


def suggested(key: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """A field's description showing the saved setting (when reconfiguring)."""
    return {"suggested_value": data.get(key)}


def value_schema(
    data: Mapping[str, Any], fields: list[selector.SelectOptionDict]
) -> vol.Schema:
    """The value step: a field of the message, a path or a template; attributes."""
    schema: dict[vol.Marker, Any] = {}
    if fields:
        schema[vol.Optional(CONF_FIELD)] = select_field(fields)
    schema[
        vol.Optional(CONF_VALUE_PATH, description=suggested(CONF_VALUE_PATH, data))
    ] = TEXT
    schema[
        vol.Optional(
            CONF_VALUE_TEMPLATE, description=suggested(CONF_VALUE_TEMPLATE, data)
        )
    ] = TEMPLATE
    schema[
        vol.Optional(
            CONF_ATTRIBUTES_PATH, description=suggested(CONF_ATTRIBUTES_PATH, data)
        )
    ] = TEXT
    return vol.Schema(schema)


def filter_schema(data: Mapping[str, Any]) -> vol.Schema:
    """Which messages feed the entity: a JSON subset or a text pattern."""
    return vol.Schema(
        {
            vol.Optional(ATTR_MATCH, description=suggested(ATTR_MATCH, data)): (
                selector.ObjectSelector()
            ),
            vol.Optional(
                ATTR_MATCH_REGEX, description=suggested(ATTR_MATCH_REGEX, data)
            ): TEXT,
        }
    )


def name_schema(data: Mapping[str, Any], *, with_platform: bool) -> vol.Schema:
    """The name, and the platform when adding (it stays when reconfiguring)."""
    schema: dict[vol.Marker, Any] = {}
    if with_platform:
        schema[vol.Required(CONF_PLATFORM, default=PLATFORM_SENSOR)] = select_field(
            list(ENTITY_PLATFORMS), CONF_PLATFORM
        )
    schema[vol.Required(CONF_NAME, default=data.get(CONF_NAME, vol.UNDEFINED))] = TEXT
    return vol.Schema(schema)


def message_schema(recent: list[RecentMessage]) -> vol.Schema:
    """One of the recent messages, newest first, "type it myself" or "newer"."""
    choices = [message_choice(index, kept) for index, kept in enumerate(recent)]
    choices.extend(
        selector.SelectOptionDict(value=choice, label=choice)
        for choice in (TYPE_IT, NEWER)
    )
    return vol.Schema(
        {
            vol.Required(CONF_MESSAGE, default="0"): select_field(
                choices, CONF_MESSAGE, mode=selector.SelectSelectorMode.LIST
            )
        }
    )


def checked_value(hass: HomeAssistant, user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The value settings of the value step. Raises InvalidValueError.

    A chosen field wins over the path (which shows the saved one when
    reconfiguring); a path and a template together are refused (which one
    would count?).
    """
    path = user_input.get(CONF_FIELD) or user_input.get(CONF_VALUE_PATH)
    template = user_input.get(CONF_VALUE_TEMPLATE)
    if path and template:
        raise InvalidValueError("path_and_template")
    value: dict[str, Any] = {}
    if path:
        parse_path(path)
        value[CONF_VALUE_PATH] = path.strip()
    if template:
        value[CONF_VALUE_TEMPLATE] = check_template(hass, template).template
    if attributes := user_input.get(CONF_ATTRIBUTES_PATH):
        parse_path(attributes)
        value[CONF_ATTRIBUTES_PATH] = attributes.strip()
    return value


def checked_filter(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The filter settings (the shared filter's rules). Raises InvalidFilterError."""
    chosen = {key: user_input[key] for key in FILTER_KEYS if user_input.get(key)}
    filter_from_config(chosen, None)
    return chosen

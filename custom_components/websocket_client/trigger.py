"""The `websocket_client` trigger: received messages straight into automations.

    triggers:
      - trigger: websocket_client
        config_entry_id: 01JABCDEF0123456789ABCDEFG
        type: text                 # optional: text | binary
        match: {op: doorbell}      # optional: JSON subset
        match_regex: "^ALARM"      # optional: searched in the text

Messages come from the entry's fan-out in the same process: no bus event, no
recorder row, and the whole message (up to the maximum message size). Filters
run before an automation run is scheduled.
"""

from __future__ import annotations

import re
from typing import Any, Final

from homeassistant.const import CONF_PLATFORM, CONF_TYPE
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType
import voluptuous as vol

from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DATA_BASE64,
    ATTR_JSON,
    ATTR_MATCH,
    ATTR_MATCH_REGEX,
    ATTR_SIZE,
    ATTR_TEXT,
    ATTR_TYPE,
    DOMAIN,
    MESSAGE_TYPE_BINARY,
    MESSAGE_TYPE_TEXT,
)
from .entries import entry_by_id
from .errors import async_invalid_config
from .message import ReceivedMessage, async_fanout
from .request import ReplyMatcher

MESSAGE_TYPES: Final = (MESSAGE_TYPE_TEXT, MESSAGE_TYPE_BINARY)


def valid_regex(value: Any) -> str:
    """A regular expression that compiles, kept as text."""
    pattern = cv.string(value)
    try:
        re.compile(pattern)
    except re.error as err:
        raise vol.Invalid(f"invalid regular expression {pattern!r}: {err}") from err
    return pattern


def one_filter(config: ConfigType) -> ConfigType:
    """Refuse `match` together with `match_regex`."""
    if ATTR_MATCH in config and ATTR_MATCH_REGEX in config:
        raise vol.Invalid("use either match (JSON) or match_regex (text), not both")
    return config


# The content filters, shared with the device trigger "Message received"
MATCH_FIELDS: Final[dict[vol.Marker, Any]] = {
    vol.Optional(ATTR_MATCH): dict,
    vol.Optional(ATTR_MATCH_REGEX): valid_regex,
}
TRIGGER_SCHEMA: Final = vol.All(
    cv.TRIGGER_BASE_SCHEMA.extend(
        {
            vol.Required(CONF_PLATFORM): DOMAIN,
            vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
            vol.Optional(CONF_TYPE): vol.In(MESSAGE_TYPES),
            **MATCH_FIELDS,
        }
    ),
    one_filter,
)


async def async_check_entry(hass: HomeAssistant, entry_id: str) -> None:
    """Refuse a config entry id that is none of this integration's."""
    try:
        entry_by_id(hass, entry_id)
    except ServiceValidationError as err:
        raise await async_invalid_config(
            hass,
            err.translation_key or "entry_not_found",
            err.translation_placeholders,
            path=[ATTR_CONFIG_ENTRY_ID],
        ) from err


async def async_validate_trigger_config(
    hass: HomeAssistant, config: ConfigType
) -> ConfigType:
    """Validate when the automation is saved, including the connection."""
    validated: ConfigType = TRIGGER_SCHEMA(config)
    await async_check_entry(hass, validated[ATTR_CONFIG_ENTRY_ID])
    return validated


def message_filter(config: ConfigType) -> ReplyMatcher:
    """The criteria of a trigger's config (type aside)."""
    regex = config.get(ATTR_MATCH_REGEX)
    return ReplyMatcher(
        match=config.get(ATTR_MATCH),
        match_regex=re.compile(regex) if regex is not None else None,
    )


def trigger_variables(message: ReceivedMessage) -> dict[str, Any]:
    """What an automation sees under `trigger.` (besides id, idx, alias)."""
    return {
        CONF_PLATFORM: DOMAIN,
        ATTR_CONFIG_ENTRY_ID: message.entry_id,
        "name": message.name,
        ATTR_TYPE: message.type,
        ATTR_TEXT: message.text,
        ATTR_JSON: message.json,
        ATTR_DATA_BASE64: message.data_base64,
        ATTR_SIZE: message.size,
        "description": f"{message.type} message from {message.name}",
    }


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Run `action` for every matching message of the connection."""
    trigger_data = trigger_info["trigger_data"]
    job = HassJob(action, f"websocket_client trigger {trigger_info['name']}")
    wanted_type = config.get(CONF_TYPE)
    criteria = message_filter(config)

    @callback
    def on_message(message: ReceivedMessage) -> None:
        if wanted_type is not None and message.type != wanted_type:
            return
        if not criteria.matches(message):
            return
        variables = {**trigger_data, **trigger_variables(message)}
        hass.async_run_hass_job(job, {"trigger": variables})

    return async_fanout(hass, config[ATTR_CONFIG_ENTRY_ID]).subscribe(on_message)

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

from collections.abc import Mapping
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
    ATTR_SIZE,
    ATTR_TEXT,
    ATTR_TYPE,
    DOMAIN,
)
from .entries import entry_by_id
from .errors import async_invalid_config
from .message import ReceivedMessage, async_fanout
from .message_filter import (
    MessageFilter,
    async_validate_filter,
    filter_fields,
    filter_from_config,
)

TRIGGER_SCHEMA: Final = cv.TRIGGER_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_PLATFORM): DOMAIN,
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        **filter_fields(CONF_TYPE),
    }
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
    await async_validate_filter(hass, validated, CONF_TYPE)
    return validated


def trigger_variables(
    message: ReceivedMessage, trigger_data: Mapping[str, Any]
) -> dict[str, Any]:
    """What an automation sees under `trigger.`: its id, idx... and the message."""
    return {
        **trigger_data,
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
    criteria = filter_from_config(config, CONF_TYPE)
    return async_attach_message_trigger(
        hass, config[ATTR_CONFIG_ENTRY_ID], criteria, action, trigger_info
    )


@callback
def async_attach_message_trigger(
    hass: HomeAssistant,
    entry_id: str,
    criteria: MessageFilter,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Run `action` for every message of the entry that `criteria` accepts.

    Shared with the device trigger "Message received".
    """
    trigger_data = trigger_info["trigger_data"]
    job = HassJob(action, f"websocket_client trigger {trigger_info['name']}")

    @callback
    def run(message: ReceivedMessage) -> None:
        hass.async_run_hass_job(
            job, {"trigger": trigger_variables(message, trigger_data)}
        )

    @callback
    def run_if_matching(message: ReceivedMessage) -> None:
        if criteria.matches(message):
            run(message)

    # An empty filter takes every message: no check per message
    wanted = run if criteria == MessageFilter() else run_if_matching
    return async_fanout(hass, entry_id).subscribe(wanted, criteria.route())

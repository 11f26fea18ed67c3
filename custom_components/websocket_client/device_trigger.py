"""Device triggers of a connection: a message, connected, disconnected, consent.

"Message received" is the `websocket_client` trigger bound to the device's
entry, with the same message filter; the others listen to the integration's
bus events for that entry.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.homeassistant.triggers import event as event_trigger
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_EVENT_DATA,
    CONF_PLATFORM,
    CONF_TYPE,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers.selector import (
    ObjectSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType
import voluptuous as vol

from . import trigger
from .consent import ATTR_DECISION, ConsentDecision
from .const import (
    ATTR_ENTRY_ID,
    ATTR_MATCH,
    ATTR_MATCH_REGEX,
    DOMAIN,
    EVENT_CONNECTED,
    EVENT_CONSENT,
    EVENT_DISCONNECTED,
)
from .device import entry_id_of_device
from .message_filter import (
    MESSAGE_TYPES,
    async_validate_filter,
    filter_fields,
    filter_from_config,
)

TRIGGER_MESSAGE: Final = "message_received"
CONF_MESSAGE_TYPE: Final = "message_type"
# Trigger type → the bus event and the data it must carry besides the entry id
EVENT_TRIGGERS: Final[dict[str, tuple[str, dict[str, str]]]] = {
    "connected": (EVENT_CONNECTED, {}),
    "disconnected": (EVENT_DISCONNECTED, {}),
    "approved": (EVENT_CONSENT, {ATTR_DECISION: ConsentDecision.APPROVED.value}),
    "denied": (EVENT_CONSENT, {ATTR_DECISION: ConsentDecision.DENIED.value}),
}
TRIGGER_TYPES: Final = (TRIGGER_MESSAGE, *EVENT_TRIGGERS)

TRIGGER_SCHEMA: Final = DEVICE_TRIGGER_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_TYPE): vol.In(TRIGGER_TYPES),
        **filter_fields(CONF_MESSAGE_TYPE),
    }
)


async def async_validate_trigger_config(
    hass: HomeAssistant, config: ConfigType
) -> ConfigType:
    """Validate the trigger and that its device is a connection's."""
    validated: ConfigType = TRIGGER_SCHEMA(config)
    if entry_id_of_device(hass, validated[CONF_DEVICE_ID]) is None:
        raise vol.Invalid("the device is not a WebSocket Client connection")
    await async_validate_filter(hass, validated, CONF_MESSAGE_TYPE)
    return validated


async def async_get_triggers(
    hass: HomeAssistant, device_id: str
) -> list[dict[str, Any]]:
    """Every trigger a connection's device offers."""
    if entry_id_of_device(hass, device_id) is None:
        return []
    return [
        {
            CONF_PLATFORM: "device",
            CONF_DOMAIN: DOMAIN,
            CONF_DEVICE_ID: device_id,
            CONF_TYPE: trigger_type,
        }
        for trigger_type in TRIGGER_TYPES
    ]


async def async_get_trigger_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, vol.Schema]:
    """The optional filters of "Message received"."""
    if config[CONF_TYPE] != TRIGGER_MESSAGE:
        return {}
    message_types = SelectSelectorConfig(
        # Labels too: the device automation editor of some frontend versions
        # does not translate the options of extra fields.
        options=[
            SelectOptionDict(value=kind, label=kind.capitalize())
            for kind in MESSAGE_TYPES
        ],
        mode=SelectSelectorMode.LIST,
        translation_key=CONF_MESSAGE_TYPE,
    )
    return {
        "extra_fields": vol.Schema(
            {
                vol.Optional(CONF_MESSAGE_TYPE): SelectSelector(message_types),
                vol.Optional(ATTR_MATCH): ObjectSelector(),
                vol.Optional(ATTR_MATCH_REGEX): TextSelector(),
            }
        )
    }


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Listen for the device's messages or its entry's bus events."""
    entry_id = entry_id_of_device(hass, config[CONF_DEVICE_ID])
    trigger_type = config[CONF_TYPE]
    if trigger_type == TRIGGER_MESSAGE:
        # A device that is gone has no entry: its messages never come.
        return trigger.async_attach_message_trigger(
            hass,
            entry_id or "",
            filter_from_config(config, CONF_MESSAGE_TYPE),
            action,
            trigger_info,
        )
    event_type, event_data = EVENT_TRIGGERS[trigger_type]
    raw_event_config: ConfigType = {
        CONF_PLATFORM: "event",
        event_trigger.CONF_EVENT_TYPE: event_type,
        CONF_EVENT_DATA: {ATTR_ENTRY_ID: entry_id, **event_data},
    }
    event_config = event_trigger.TRIGGER_SCHEMA(raw_event_config)
    return await event_trigger.async_attach_trigger(
        hass, event_config, action, trigger_info, platform_type="device"
    )

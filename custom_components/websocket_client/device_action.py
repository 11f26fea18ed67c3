"""Device actions of a connection: send text, JSON or binary.

Each is the `websocket_client.send` action bound to the device's entry, so
its checks and errors are the action's.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.const import CONF_DEVICE_ID, CONF_DOMAIN, CONF_TYPE
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.selector import (
    ObjectSelector,
    TextSelector,
    TextSelectorConfig,
)
from homeassistant.helpers.typing import ConfigType, TemplateVarsType
import voluptuous as vol

from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DATA_BASE64,
    ATTR_JSON,
    ATTR_MESSAGE,
    DOMAIN,
    SERVICE_SEND,
)
from .device import entry_id_of_device

# Action type → the send action's payload field it fills, and its form field
ACTION_FIELDS: Final[dict[str, tuple[str, Any]]] = {
    "send_text": (ATTR_MESSAGE, TextSelector(TextSelectorConfig(multiline=True))),
    "send_json": (ATTR_JSON, ObjectSelector()),
    "send_binary": (ATTR_DATA_BASE64, TextSelector(TextSelectorConfig(multiline=True))),
}

ACTION_SCHEMA: Final = cv.DEVICE_ACTION_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_TYPE): vol.In(list(ACTION_FIELDS)),
        vol.Optional(ATTR_MESSAGE): str,
        vol.Optional(ATTR_JSON): object,
        vol.Optional(ATTR_DATA_BASE64): str,
    }
)


async def async_get_actions(
    hass: HomeAssistant, device_id: str
) -> list[dict[str, Any]]:
    """The actions a connection's device offers."""
    if entry_id_of_device(hass, device_id) is None:
        return []
    return [
        {CONF_DOMAIN: DOMAIN, CONF_DEVICE_ID: device_id, CONF_TYPE: action_type}
        for action_type in ACTION_FIELDS
    ]


async def async_get_action_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, vol.Schema]:
    """The payload field of an action."""
    field, selector = ACTION_FIELDS[config[CONF_TYPE]]
    return {"extra_fields": vol.Schema({vol.Required(field): selector})}


async def async_call_action_from_config(
    hass: HomeAssistant,
    config: ConfigType,
    variables: TemplateVarsType,
    context: Context | None,
) -> None:
    """Send the payload through the send action."""
    field, _ = ACTION_FIELDS[config[CONF_TYPE]]
    data = {
        ATTR_CONFIG_ENTRY_ID: entry_id_of_device(hass, config[CONF_DEVICE_ID]) or "",
        field: config.get(field, ""),
    }
    await hass.services.async_call(
        DOMAIN, SERVICE_SEND, data, blocking=True, context=context
    )

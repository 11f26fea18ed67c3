"""Device condition of a connection: is it connected right now."""

from __future__ import annotations

from typing import Any, Final

from homeassistant.const import CONF_CONDITION, CONF_DEVICE_ID, CONF_DOMAIN, CONF_TYPE
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.condition import ConditionCheckerType
from homeassistant.helpers.typing import ConfigType, TemplateVarsType
import voluptuous as vol

from .const import DOMAIN
from .device import entry_id_of_device
from .entries import running_client

CONDITION_IS_CONNECTED: Final = "is_connected"
CONDITION_SCHEMA: Final = cv.DEVICE_CONDITION_BASE_SCHEMA.extend(
    {vol.Required(CONF_TYPE): vol.In([CONDITION_IS_CONNECTED])}
)


async def async_get_conditions(
    hass: HomeAssistant, device_id: str
) -> list[dict[str, Any]]:
    """The conditions a connection's device offers."""
    if entry_id_of_device(hass, device_id) is None:
        return []
    return [
        {
            CONF_CONDITION: "device",
            CONF_DOMAIN: DOMAIN,
            CONF_DEVICE_ID: device_id,
            CONF_TYPE: CONDITION_IS_CONNECTED,
        }
    ]


@callback
def async_condition_from_config(
    hass: HomeAssistant, config: ConfigType
) -> ConditionCheckerType:
    """True while the device's connection is open."""
    device_id: str = config[CONF_DEVICE_ID]

    @callback
    def is_connected(hass: HomeAssistant, variables: TemplateVarsType = None) -> bool:
        client = running_client(hass, entry_id_of_device(hass, device_id))
        return client is not None and client.is_connected

    return is_connected

"""The WebSocket Client integration: one consented, long-lived link per entry."""

from __future__ import annotations

from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from . import consent
from .const import DOMAIN
from .runtime import WebSocketClient, WebSocketClientConfigEntry
from .services import async_setup_services

PLATFORMS: list[Platform] = [Platform.BINARY_SENSOR, Platform.EVENT, Platform.SENSOR]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, which exist whether or not an entry is loaded."""
    async_setup_services(hass)
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: WebSocketClientConfigEntry
) -> bool:
    """Create the entry's entities, then connect or ask for consent."""
    client = WebSocketClient(hass, entry)
    entry.runtime_data = client
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(
        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, client.async_shutdown)
    )
    await client.async_start()
    return True


async def async_unload_entry(
    hass: HomeAssistant, entry: WebSocketClientConfigEntry
) -> bool:
    """Close the link (going away) and remove the entities."""
    await entry.runtime_data.async_shutdown()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(
    hass: HomeAssistant, entry: WebSocketClientConfigEntry
) -> None:
    """Withdraw a pending consent request of a deleted entry."""
    consent.async_withdraw_request(hass, entry.entry_id)

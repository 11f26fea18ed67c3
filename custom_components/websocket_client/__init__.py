"""The WebSocket Client integration: one consented, long-lived link per entry."""

from __future__ import annotations

from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from . import consent
from .const import DOMAIN
from .runtime import WebSocketClient, WebSocketClientConfigEntry, async_build_settings
from .services import async_setup_services

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.SENSOR,
    Platform.SWITCH,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, which exist whether or not an entry is loaded."""
    async_setup_services(hass)
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: WebSocketClientConfigEntry
) -> bool:
    """Create the entry's entities, then connect or ask for consent."""
    client = WebSocketClient(hass, entry, await async_build_settings(hass, entry))
    entry.runtime_data = client
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Not listen_once: removing a fired one-time listener on a later unload
    # logs an error; shutting down twice is harmless.
    entry.async_on_unload(
        hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, client.async_shutdown)
    )
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    await client.async_start()
    return True


async def _async_entry_updated(
    hass: HomeAssistant, entry: WebSocketClientConfigEntry
) -> None:
    """Apply changed options without a reload (data changes reload by their flows)."""
    await entry.runtime_data.async_apply_options()


async def async_unload_entry(
    hass: HomeAssistant, entry: WebSocketClientConfigEntry
) -> bool:
    """Close the link (going away) and remove the entities."""
    await entry.runtime_data.async_unload()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(
    hass: HomeAssistant, entry: WebSocketClientConfigEntry
) -> None:
    """Withdraw a pending consent request of a deleted entry."""
    consent.async_withdraw_request(hass, entry.entry_id)

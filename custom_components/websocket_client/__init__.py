"""The WebSocket Client integration: one consented, long-lived connection per entry."""

from __future__ import annotations

from homeassistant.const import CONF_VERIFY_SSL, EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from . import consent
from .client import WebSocketClient, WebSocketClientConfigEntry
from .connection import InvalidCACertificateError
from .const import CONF_CA_CERT, DOMAIN
from .message import async_forget_fanout
from .message_entity import async_track_message_entities, message_entities
from .options import (
    CONF_MESSAGE_EVENTS,
    MESSAGE_EVENTS_ALL,
    connection_settings,
)
from .recorder_advice import async_watch_message_rate
from .services import async_setup_services
from .session import (
    async_acquire_session,
    async_release_session,
    async_ssl_setting,
)

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.NUMBER,
    Platform.SELECT,
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
    # Released through on_unload, which Home Assistant also runs after a
    # failed set-up.
    session = async_acquire_session(hass)
    entry.async_on_unload(lambda: async_release_session(hass))
    try:
        tls = await async_ssl_setting(
            hass, entry.data.get(CONF_VERIFY_SSL, True), entry.data.get(CONF_CA_CERT)
        )
    except InvalidCACertificateError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN, translation_key="invalid_ca_cert"
        ) from err
    client = WebSocketClient(hass, entry, session, connection_settings(entry, tls))
    entry.runtime_data = client
    async_track_message_entities(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Not listen_once: removing a fired one-time listener on a later unload
    # logs an error; shutting down twice is harmless.
    entry.async_on_unload(
        hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, client.async_shutdown)
    )
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    entry.async_on_unload(async_watch_message_rate(hass, client))
    await client.async_start()
    return True


async def _async_entry_updated(
    hass: HomeAssistant, entry: WebSocketClientConfigEntry
) -> None:
    """Apply changed options and entity subentries without a reload.

    Data changes reload by their flows.
    """
    await message_entities(hass, entry.entry_id).async_follow(entry)
    await entry.runtime_data.async_apply_options()


async def async_unload_entry(
    hass: HomeAssistant, entry: WebSocketClientConfigEntry
) -> bool:
    """Close the connection (going away) and remove the entities."""
    await entry.runtime_data.async_shutdown()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_migrate_entry(
    hass: HomeAssistant, entry: WebSocketClientConfigEntry
) -> bool:
    """Bring an entry stored by an older version up to date.

    1.2: message events became opt-in; an older entry that never chose keeps
    them, so its automations on `websocket_client_message` go on firing.
    """
    if entry.version > 1:
        # Stored by a newer version than this one; refuse rather than guess.
        return False
    if entry.minor_version < 2:
        options = {CONF_MESSAGE_EVENTS: MESSAGE_EVENTS_ALL, **entry.options}
        hass.config_entries.async_update_entry(entry, options=options, minor_version=2)
    return True


async def async_remove_entry(
    hass: HomeAssistant, entry: WebSocketClientConfigEntry
) -> None:
    """Withdraw a pending consent request and the message fan-out of a deleted entry."""
    consent.async_withdraw_request(hass, entry.entry_id)
    async_forget_fanout(hass, entry.entry_id)

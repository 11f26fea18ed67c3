"""From a config entry id to the entry or its running client, with translated errors.

The one lookup behind the actions, the device actions and condition, and the
trigger's validation: an id that is none of this integration's entries, or an
entry that is not loaded, is refused with the same translated error everywhere.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .client import WebSocketClient, WebSocketClientConfigEntry
from .const import DOMAIN
from .errors import validation_error


def entry_by_id(hass: HomeAssistant, entry_id: str) -> WebSocketClientConfigEntry:
    """One of the integration's entries, whether or not it is loaded.

    ServiceValidationError `entry_not_found` for any other id.
    """
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise validation_error("entry_not_found", entry_id=entry_id)
    return entry


def loaded_client(hass: HomeAssistant, entry_id: str) -> WebSocketClient:
    """The running client of a loaded entry.

    ServiceValidationError `entry_not_found`, or `entry_not_loaded`.
    """
    entry = entry_by_id(hass, entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise validation_error("entry_not_loaded", name=entry.title)
    return entry.runtime_data


def running_client(hass: HomeAssistant, entry_id: str | None) -> WebSocketClient | None:
    """The running client of a loaded entry; None instead of an error."""
    if entry_id is None:
        return None
    try:
        return loaded_client(hass, entry_id)
    except ServiceValidationError:
        return None

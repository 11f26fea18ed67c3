"""From a config entry id to the entry or its running client, with translated errors."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.entries import (
    entry_by_id,
    loaded_client,
    running_client,
)

from .helpers import EntryFactory
from .servers.ws_server import RecordingWebSocketServer


def refused_with(
    error: pytest.ExceptionInfo[ServiceValidationError],
) -> tuple[str | None, dict[str, str] | None]:
    """The translation key and placeholders an error shows the user."""
    return error.value.translation_key, error.value.translation_placeholders


async def test_an_unknown_id_or_another_integrations_entry_is_not_found(
    hass: HomeAssistant,
) -> None:
    """Neither a made-up id nor another integration's entry is a connection."""
    other = MockConfigEntry(domain="mqtt", entry_id="mqtt_entry")
    other.add_to_hass(hass)
    for entry_id in ("no_such_entry", "mqtt_entry"):
        with pytest.raises(ServiceValidationError) as error:
            entry_by_id(hass, entry_id)
        assert refused_with(error) == ("entry_not_found", {"entry_id": entry_id})
        with pytest.raises(ServiceValidationError) as error:
            loaded_client(hass, entry_id)
        assert refused_with(error) == ("entry_not_found", {"entry_id": entry_id})
        assert running_client(hass, entry_id) is None
    assert running_client(hass, None) is None


async def test_a_loaded_entry_and_its_client(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A loaded connection gives its entry and its running client."""
    entry = await add_entry()
    assert entry_by_id(hass, entry.entry_id) is entry
    assert loaded_client(hass, entry.entry_id) is entry.runtime_data
    assert running_client(hass, entry.entry_id) is entry.runtime_data


async def test_an_unloaded_entry_is_found_but_has_no_client(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Unloaded: the entry is there (consent actions work), its client is not."""
    entry = await add_entry()
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry_by_id(hass, entry.entry_id) is entry
    with pytest.raises(ServiceValidationError) as error:
        loaded_client(hass, entry.entry_id)
    assert refused_with(error) == ("entry_not_loaded", {"name": "Living room"})
    assert running_client(hass, entry.entry_id) is None

"""The connection's device: what the device page shows, and whose device it is."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.device import entry_id_of_device
from tests.helpers import EntryFactory, device_of
from tests.servers.ws_server import RecordingWebSocketServer


async def test_one_service_device_per_connection(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Named after the entry; a service, made by this integration."""
    entry = await add_entry()
    second = await add_entry(url=f"{ws_server.url}/second", title="Garage")
    registry = dr.async_get(hass)
    device = registry.async_get(device_of(hass, entry))
    assert device is not None
    assert device.name == "Living room"
    assert device.entry_type is dr.DeviceEntryType.SERVICE
    assert device.manufacturer == "WebSocket Client"
    assert device.model == "WebSocket connection"
    assert device.config_entries == {entry.entry_id}
    assert device_of(hass, second) != device.id
    assert dr.async_entries_for_config_entry(registry, second.entry_id)[0].name == (
        "Garage"
    )


async def test_a_renamed_connection_renames_its_device(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The entry's new title shows on the device after the reload."""
    entry = await add_entry()
    hass.config_entries.async_update_entry(entry, title="Kitchen")
    assert await hass.config_entries.async_reload(entry.entry_id)
    device = dr.async_get(hass).async_get(device_of(hass, entry))
    assert device is not None
    assert device.name == "Kitchen"


async def test_the_entry_behind_a_device(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Our device gives its entry; another integration's device, or none, nothing."""
    entry = await add_entry()
    assert entry_id_of_device(hass, device_of(hass, entry)) == entry.entry_id

    other_entry = MockConfigEntry(domain="other")
    other_entry.add_to_hass(hass)
    other = dr.async_get(hass).async_get_or_create(
        config_entry_id=other_entry.entry_id, identifiers={("other", "lamp")}
    )
    assert entry_id_of_device(hass, other.id) is None
    assert entry_id_of_device(hass, "no-such-device") is None

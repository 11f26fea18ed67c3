"""What every entity shares: one service device per entry, stable unique ids."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.websocket_client.const import DOMAIN

from .helpers import EntryFactory
from .servers.ws_server import RecordingWebSocketServer


async def test_device_and_entities(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Every entity on the entry's device, with stable unique ids.

    What the device itself shows is in test_device.py.
    """
    entry = await add_entry()
    device = dr.async_get(hass).async_get_device({(DOMAIN, entry.entry_id)})
    assert device is not None
    registry = er.async_get(hass)
    entities = er.async_entries_for_config_entry(registry, entry.entry_id)
    assert {e.device_id for e in entities} == {device.id}
    assert {e.unique_id.removeprefix(entry.entry_id + "_") for e in entities} == {
        "connected",
        "status",
        "message",
        "connection",
        "reconnect",
        "messages_received",
        "messages_sent",
        "last_connected",
        "reconnects",
        "last_error",
        "heartbeat_round_trip",
    }
    disabled = {e.entity_id for e in entities if e.disabled_by is not None}
    assert disabled == {
        "event.living_room_message",
        "sensor.living_room_messages_received",
        "sensor.living_room_messages_sent",
        "sensor.living_room_heartbeat_round_trip_time",
    }

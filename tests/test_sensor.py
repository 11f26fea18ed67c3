"""The Status sensor and the diagnostic sensors (statistics)."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.websocket_client.const import DOMAIN

from .helpers import (
    STATUS,
    EntryFactory,
    snapshot_connected_platform,
    state_of,
    wait_connected,
    wait_until,
)
from .servers.ws_server import RecordingWebSocketServer


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """Status and every diagnostic sensor (all enabled) of a connected entry."""
    await snapshot_connected_platform(hass, add_entry, snapshot, Platform.SENSOR)


async def test_diagnostic_sensors(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Counters, last connected, last error and round-trip time tell the story."""
    registry = er.async_get(hass)
    entry = await add_entry(options={"heartbeat": 0.1})
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if entity.disabled_by is not None:
            registry.async_update_entity(entity.entity_id, disabled_by=None)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await wait_connected(hass)

    await ws_server.push_text("a")
    await ws_server.push_text("b")
    await hass.services.async_call(
        DOMAIN,
        "send",
        {"config_entry_id": entry.entry_id, "message": "c"},
        blocking=True,
    )
    await wait_until(
        lambda: state_of(hass, "sensor.living_room_messages_received") == "2"
    )
    assert state_of(hass, "sensor.living_room_messages_sent") == "1"
    await wait_until(
        lambda: (
            state_of(hass, "sensor.living_room_heartbeat_round_trip_time")
            != STATE_UNKNOWN
        )
    )
    assert float(state_of(hass, "sensor.living_room_heartbeat_round_trip_time")) < 100
    assert state_of(hass, "sensor.living_room_last_connected") != STATE_UNKNOWN
    assert state_of(hass, "sensor.living_room_last_error") == STATE_UNKNOWN

    await ws_server.close_clients(1011, b"maintenance")
    await wait_until(
        lambda: state_of(hass, "sensor.living_room_last_error") == "closed_by_server"
    )
    last_error = hass.states.get("sensor.living_room_last_error")
    assert last_error is not None
    assert last_error.attributes["close_code"] == 1011
    assert last_error.attributes["server_reason"] == "maintenance"
    assert last_error.attributes["http_status"] is None


async def test_status_of_a_denied_entry_and_unload(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Status covers consent; unloading leaves the entry not loaded."""
    entry = await add_entry(decision="denied")
    assert state_of(hass, STATUS) == "denied"
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED

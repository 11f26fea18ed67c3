"""The Status sensor and the diagnostic sensors (statistics)."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.translation import async_get_translations
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.websocket_client.connection import (
    ConnectionEnd,
    ConnectionState,
    EndReason,
)
from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.options import CONF_RETRY_INTERVAL

from .helpers import (
    LAST_ERROR,
    STATUS,
    EntryFactory,
    snapshot_connected_platform,
    state_of,
    wait_connected,
    wait_until,
)
from .servers.ws_server import RecordingWebSocketServer

PACKAGE = Path(__file__).parent.parent / "custom_components" / DOMAIN


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


async def test_every_end_reason_is_a_translated_last_error(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Whatever the socket layer reports, Last error shows a translated state.

    Each reason goes the way a real one does: through the client's listener
    interface, which the connection calls, and the outage log to the sensor.
    """
    ws_server.reject_status = 500
    entry = await add_entry(options={CONF_RETRY_INTERVAL: 60})
    await wait_until(lambda: state_of(hass, LAST_ERROR) == "http_status")
    translations = await async_get_translations(hass, "en", "entity", {DOMAIN})
    prefix = f"component.{DOMAIN}.entity.sensor.last_error.state"
    for reason in EndReason:
        entry.runtime_data.connection_state_changed(
            ConnectionState.WAITING_TO_RETRY, ConnectionEnd(reason, close_code=4000)
        )
        await hass.async_block_till_done()
        assert state_of(hass, LAST_ERROR) == reason.value
        assert translations.get(f"{prefix}.{reason.value}"), reason
    strings = json.loads((PACKAGE / "strings.json").read_text())
    states = strings["entity"]["sensor"]["last_error"]["state"]
    assert set(states) == {reason.value for reason in EndReason}

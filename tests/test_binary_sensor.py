"""The Connected binary sensor: on exactly while a connection is open."""

from __future__ import annotations

from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
import pytest
from syrupy.assertion import SnapshotAssertion

from .helpers import (
    CONNECTED,
    EntryFactory,
    snapshot_connected_platform,
    state_of,
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
    """The Connected binary sensor of a connected entry."""
    await snapshot_connected_platform(hass, add_entry, snapshot, Platform.BINARY_SENSOR)


async def test_follows_the_connection(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """On once connected, off while the server is gone, on again when it is back."""
    entry = await add_entry()
    await wait_until(lambda: state_of(hass, CONNECTED) == STATE_ON)
    await ws_server.stop()
    await wait_until(lambda: state_of(hass, CONNECTED) == STATE_OFF)
    assert not entry.runtime_data.is_connected
    await ws_server.start()
    await wait_until(lambda: state_of(hass, CONNECTED) == STATE_ON)
    assert ws_server.handshakes == 2

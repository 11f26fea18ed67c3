"""The Reconnect button: drop the connection and connect again at once."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from syrupy.assertion import SnapshotAssertion

from .helpers import (
    BUTTON,
    SWITCH,
    EntryFactory,
    snapshot_connected_platform,
    wait_connected,
    wait_until,
)
from .servers.ws_server import RecordingWebSocketServer


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button as the UI does."""
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id}, blocking=True
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """The Reconnect button of a connected entry."""
    await snapshot_connected_platform(hass, add_entry, snapshot, Platform.BUTTON)


async def test_reconnect_button(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The button drops the connection and connects again at once."""
    await add_entry(options={"retry_interval": 3600})
    await wait_connected(hass)
    await press(hass, BUTTON)
    await wait_until(lambda: ws_server.handshakes == 2)
    await wait_connected(hass)
    assert ws_server.client_close_codes == [1000]
    state = hass.states.get("sensor.living_room_reconnects")
    assert state is not None
    assert state.state == "1"

    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": SWITCH}, blocking=True
    )
    with pytest.raises(ServiceValidationError) as err:
        await press(hass, BUTTON)
    assert err.value.translation_key == "connection_switched_off"

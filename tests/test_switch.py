"""The Connection switch: follows and drives the connection; no way around consent."""

from __future__ import annotations

from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.websocket_client.const import DOMAIN

from .helpers import (
    CONNECTED,
    SWITCH,
    EntryFactory,
    RetryWitness,
    snapshot_connected_platform,
    state_of,
    wait_connected,
)
from .servers.ws_server import RecordingWebSocketServer


async def switch(hass: HomeAssistant, on: bool) -> None:
    """Flip the Connection switch as the UI does."""
    await hass.services.async_call(
        "switch",
        "turn_on" if on else "turn_off",
        {"entity_id": SWITCH},
        blocking=True,
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """The Connection switch of a connected entry."""
    await snapshot_connected_platform(hass, add_entry, snapshot, Platform.SWITCH)


async def test_connection_switch_follows_and_drives_the_connection(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Off disconnects and persists; on reconnects; the actions move it too."""
    entry = await add_entry()
    await wait_connected(hass)
    assert state_of(hass, SWITCH) == STATE_ON
    await switch(hass, on=False)
    assert state_of(hass, SWITCH) == STATE_OFF
    assert state_of(hass, CONNECTED) == STATE_OFF
    assert await hass.config_entries.async_reload(entry.entry_id)
    assert state_of(hass, SWITCH) == STATE_OFF
    await switch(hass, on=True)
    await wait_connected(hass)
    await hass.services.async_call(
        DOMAIN, "disconnect", {"config_entry_id": entry.entry_id}, blocking=True
    )
    assert state_of(hass, SWITCH) == STATE_OFF


async def test_switch_cannot_bypass_consent(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
) -> None:
    """Turning the switch on while awaiting approval is refused."""
    await add_entry(decision=None)
    with pytest.raises(ServiceValidationError) as err:
        await switch(hass, on=True)
    assert err.value.translation_key == "awaiting_approval"
    await retry_witness.wait_retries()
    assert ws_server.handshakes == 0

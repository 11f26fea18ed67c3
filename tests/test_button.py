"""Buttons: Reconnect, and buttons from messages.

Reconnect drops the connection and connects again at once; a button from
messages sends exactly its configured frame when pressed.
"""

from __future__ import annotations

from aiohttp import WSMsgType
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from syrupy.assertion import SnapshotAssertion

from .helpers import (
    BUTTON,
    SWITCH,
    EntryFactory,
    call_action,
    entity_subentry,
    snapshot_connected_platform,
    state_of,
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


async def test_message_button_sends_its_frame(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A press sends the payload; down with the connection unless queued."""
    bell = entity_subentry("Bell", "b1", "button", command={"json": {"op": "ring"}})
    chime = entity_subentry(
        "Chime", "c1", "button", command={"data_base64": "AAH/"}, queue=True
    )
    entry = await add_entry(subentries=[bell, chime])
    await wait_connected(hass)
    assert state_of(hass, "button.living_room_bell") == STATE_UNKNOWN
    await press(hass, "button.living_room_bell")
    await wait_until(lambda: len(ws_server.frames) == 1)
    assert [(f.type, f.data) for f in ws_server.frames] == [
        (WSMsgType.TEXT, '{"op":"ring"}')
    ]
    assert state_of(hass, "button.living_room_bell") != STATE_UNKNOWN
    await call_action(hass, "disconnect", entry.entry_id)
    assert state_of(hass, "button.living_room_bell") == STATE_UNAVAILABLE
    await press(hass, "button.living_room_chime")
    await call_action(hass, "connect", entry.entry_id)
    await wait_until(lambda: len(ws_server.frames) == 2)
    assert ws_server.frames[1].data == b"\x00\x01\xff"


async def test_message_button_not_connected_is_translated(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Without the queue, a press while disconnected: the send action's error."""
    bell = entity_subentry(
        "Bell",
        "b1",
        "button",
        command={"message": "ring"},
        unavailable_when_disconnected=False,
    )
    entry = await add_entry(subentries=[bell])
    await wait_connected(hass)
    await call_action(hass, "disconnect", entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await press(hass, "button.living_room_bell")
    assert err.value.translation_key == "not_connected"
    assert ws_server.frames == []


async def test_message_button_follows_its_subentry(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Changed: the new message at once; removed: gone; no reconnect."""
    entry = await add_entry(
        subentries=[entity_subentry("Bell", "b1", "button", command={"message": "a"})]
    )
    await wait_connected(hass)
    subentry = entry.subentries["b1"]
    changed = {"platform": "button", "command": {"message": "b"}}
    hass.config_entries.async_update_subentry(entry, subentry, data=changed)
    await hass.async_block_till_done()
    await press(hass, "button.living_room_bell")
    await wait_until(lambda: len(ws_server.frames) == 1)
    assert ws_server.frames[0].data == "b"
    hass.config_entries.async_remove_subentry(entry, "b1")
    await hass.async_block_till_done()
    assert hass.states.get("button.living_room_bell") is None
    assert entry.runtime_data.statistics.connects == 1

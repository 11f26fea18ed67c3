"""Switches: the Connection switch, and switches from messages.

The Connection switch follows and drives the connection, no way around
consent. A switch from messages takes its state from messages (or, optimistic,
from its last command) and sends exactly its configured frames.
"""

from __future__ import annotations

from typing import Any

from aiohttp import WSMsgType
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import mock_restore_cache
from syrupy.assertion import SnapshotAssertion

from custom_components.websocket_client.const import DOMAIN

from .helpers import (
    CONNECTED,
    SNAPSHOT_ENTRY_ID,
    SWITCH,
    EntryFactory,
    RetryWitness,
    assert_entities_match_snapshot,
    call_action,
    entity_subentry,
    snapshot_connected_platform,
    state_of,
    wait_connected,
    wait_until,
)
from .servers.ws_server import RecordingWebSocketServer

LAMP = "switch.living_room_lamp"
LAMP_COMMANDS: dict[str, Any] = {
    "command_on": {"json": {"op": "on"}},
    "command_off": {"message": "lamp off"},
}


async def switch(hass: HomeAssistant, on: bool, entity_id: str = SWITCH) -> None:
    """Flip a switch as the UI does."""
    await hass.services.async_call(
        "switch",
        "turn_on" if on else "turn_off",
        {"entity_id": entity_id},
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


async def test_message_switch_state_from_messages_and_commands(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The state only from messages; on and off send exactly their frames."""
    lamp = entity_subentry("Lamp", "l1", "switch", value_path="lamp", **LAMP_COMMANDS)
    entry = await add_entry(subentries=[lamp])
    await wait_connected(hass)
    assert state_of(hass, LAMP) == STATE_UNKNOWN
    await switch(hass, True, LAMP)
    await switch(hass, False, LAMP)
    await wait_until(lambda: len(ws_server.frames) == 2)
    assert [(f.type, f.data) for f in ws_server.frames] == [
        (WSMsgType.TEXT, '{"op":"on"}'),
        (WSMsgType.TEXT, "lamp off"),
    ]
    # Not optimistic: the commands alone change nothing.
    assert state_of(hass, LAMP) == STATE_UNKNOWN
    await ws_server.push_text('{"lamp": "on"}')
    await wait_until(lambda: state_of(hass, LAMP) == STATE_ON)
    await ws_server.push_text('{"lamp": "off"}')
    await wait_until(lambda: state_of(hass, LAMP) == STATE_OFF)
    state = hass.states.get(LAMP)
    assert state is not None
    assert "assumed_state" not in state.attributes
    assert entry.runtime_data.is_connected


async def test_optimistic_switch(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Optimistic: the state is the last command sent; messages change nothing."""
    lamp = entity_subentry(
        "Lamp",
        "l1",
        "switch",
        optimistic=True,
        command_on={"data_base64": "AAH/"},
        command_off={"message": "off"},
    )
    await add_entry(subentries=[lamp])
    await wait_connected(hass)
    assert state_of(hass, LAMP) == STATE_UNKNOWN
    await switch(hass, True, LAMP)
    assert state_of(hass, LAMP) == STATE_ON
    await ws_server.push_text("off")
    await switch(hass, False, LAMP)
    assert state_of(hass, LAMP) == STATE_OFF
    await switch(hass, True, LAMP)
    assert state_of(hass, LAMP) == STATE_ON
    state = hass.states.get(LAMP)
    assert state is not None
    assert state.attributes["assumed_state"] is True
    await wait_until(lambda: len(ws_server.frames) == 3)
    assert [(f.type, f.data) for f in ws_server.frames] == [
        (WSMsgType.BINARY, b"\x00\x01\xff"),
        (WSMsgType.TEXT, "off"),
        (WSMsgType.BINARY, b"\x00\x01\xff"),
    ]


async def test_switch_queue_while_disconnected(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Queued: available and accepted while disconnected, sent once connected.

    Without the queue: the send action's translated not_connected error.
    """
    queued = entity_subentry(
        "Lamp", "l1", "switch", optimistic=True, queue=True, **LAMP_COMMANDS
    )
    direct = entity_subentry(
        "Fan",
        "f1",
        "switch",
        optimistic=True,
        unavailable_when_disconnected=False,
        **LAMP_COMMANDS,
    )
    entry = await add_entry(subentries=[queued, direct])
    await wait_connected(hass)
    await call_action(hass, "disconnect", entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await switch(hass, True, "switch.living_room_fan")
    assert err.value.translation_key == "not_connected"
    assert err.value.translation_placeholders == {
        "name": "Living room",
        "status": "disconnected",
    }
    assert state_of(hass, "switch.living_room_fan") == STATE_UNKNOWN
    await switch(hass, True, LAMP)
    await switch(hass, False, LAMP)
    assert state_of(hass, LAMP) == STATE_OFF
    assert ws_server.frames == []
    await call_action(hass, "connect", entry.entry_id)
    await wait_until(lambda: len(ws_server.frames) == 2)
    assert [f.data for f in ws_server.frames] == ['{"op":"on"}', "lamp off"]


async def test_message_switch_too_large_and_unusable_command(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Too large: the send action's error; a broken command: no entity."""
    lamp = entity_subentry(
        "Lamp",
        "l1",
        "switch",
        optimistic=True,
        command_on={"message": "x" * 40},
        command_off={"message": "off"},
    )
    broken = entity_subentry(
        "Broken", "b1", "switch", command_on={"data_base64": "!"}, command_off={}
    )
    await add_entry(options={"max_message_size": 16}, subentries=[lamp, broken])
    await wait_connected(hass)
    with pytest.raises(ServiceValidationError) as err:
        await switch(hass, True, LAMP)
    assert err.value.translation_key == "message_too_large"
    assert state_of(hass, LAMP) == STATE_UNKNOWN
    assert hass.states.get("switch.living_room_broken") is None
    assert ws_server.frames == []


async def test_optimistic_switch_restored_after_restart(
    hass: HomeAssistant, add_entry: EntryFactory
) -> None:
    """The last command's state comes back; expire_after does not apply."""
    mock_restore_cache(hass, [State(LAMP, STATE_ON)])
    lamp = entity_subentry(
        "Lamp", "l1", "switch", optimistic=True, expire_after=1, **LAMP_COMMANDS
    )
    await add_entry(subentries=[lamp])
    await wait_connected(hass)
    assert state_of(hass, LAMP) == STATE_ON


async def test_message_switch_and_button_snapshot(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """A switch from messages, an optimistic one and a button: entries and states."""
    entry = await add_entry(
        entry_id=SNAPSHOT_ENTRY_ID,
        subentries=[
            entity_subentry("Lamp", "l1", "switch", value_path="lamp", **LAMP_COMMANDS),
            entity_subentry("Fan", "f1", "switch", optimistic=True, **LAMP_COMMANDS),
            entity_subentry("Bell", "b1", "button", command={"message": "ring"}),
        ],
    )
    await wait_connected(hass)
    await ws_server.push_text('{"lamp": "on"}')
    await wait_until(lambda: state_of(hass, LAMP) == STATE_ON)
    await switch(hass, True, "switch.living_room_fan")
    assert_entities_match_snapshot(
        hass,
        entry,
        snapshot,
        (LAMP, "switch.living_room_fan", "button.living_room_bell"),
    )

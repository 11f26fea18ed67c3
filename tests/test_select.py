"""Selects from messages, against a real server.

The state from messages (one of the options; anything else counted and the
state kept), attributes and filters, expire_after, availability on
disconnect, restore after a restart, the command template rendered with the
option as the frame the server receives, optimistic mode and the queue.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import WSMsgType
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import mock_restore_cache
from syrupy.assertion import SnapshotAssertion

from custom_components.websocket_client.message_entity import value_failures

from .helpers import (
    CONNECTED,
    SNAPSHOT_ENTRY_ID,
    EntryFactory,
    assert_entities_match_snapshot,
    call_action,
    entity_subentry,
    push_all,
    state_of,
    wait_connected,
    wait_until,
)
from .servers.ws_server import RecordingWebSocketServer

MODE = "select.living_room_mode"
# A heater's mode: set with {"op": "mode", "mode": "..."}, reported in "heater"
HEATER: dict[str, Any] = {
    "value_path": "mode",
    "json_attributes_path": "info",
    "match": {"type": "heater"},
    "options": ["eco", "comfort", "off"],
    "command_template": '{"op": "mode", "mode": "{{ value }}"}',
}


def heater(mode: Any, kind: str = "heater") -> str:
    """A message of the server, as JSON text."""
    return f'{{"type": "{kind}", "mode": {mode}, "info": {{"room": "hall"}}}}'


async def choose(hass: HomeAssistant, option: str, entity_id: str = MODE) -> None:
    """Choose an option as the UI does."""
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": entity_id, "option": option},
        blocking=True,
    )


async def test_state_and_attributes_from_matching_messages(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A matching message's option, its object as attributes; others ignored."""
    entry = await add_entry(
        subentries=[entity_subentry("Mode", "s1", "select", **HEATER)]
    )
    await wait_connected(hass)
    assert state_of(hass, MODE) == STATE_UNKNOWN
    await push_all(entry, ws_server, heater('"eco"', kind="other"))
    assert state_of(hass, MODE) == STATE_UNKNOWN
    await push_all(entry, ws_server, heater('"comfort"'))
    state = hass.states.get(MODE)
    assert state is not None
    assert state.state == "comfort"
    assert state.attributes["room"] == "hall"
    assert state.attributes["options"] == ["eco", "comfort", "off"]


async def test_a_value_that_is_not_an_option_keeps_the_state(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another text, another case, a number: the state stays, each counted."""
    entry = await add_entry(
        subentries=[entity_subentry("Mode", "s1", "select", **HEATER)]
    )
    await wait_connected(hass)
    await push_all(entry, ws_server, heater('"eco"'))
    bad = (heater('"boost"'), heater('"ECO"'), heater("1"), '{"type": "heater"}')
    await push_all(entry, ws_server, *bad)
    assert state_of(hass, MODE) == "eco"
    assert value_failures(hass, entry.entry_id) == {
        "s1": {"not_an_option": 3, "missing_field": 1}
    }
    logged = [r.getMessage() for r in caplog.records if "Mode:" in r.getMessage()]
    assert len(logged) == 2


async def test_choosing_sends_the_rendered_template(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The option in the template; not optimistic: the state waits for a message."""
    plain = entity_subentry("Plain", "p1", "select", options=["a", "b"])
    entry = await add_entry(
        subentries=[entity_subentry("Mode", "s1", "select", **HEATER), plain]
    )
    await wait_connected(hass)
    await choose(hass, "comfort")
    await choose(hass, "b", "select.living_room_plain")
    await wait_until(lambda: len(ws_server.frames) == 2)
    assert [(f.type, f.data) for f in ws_server.frames] == [
        (WSMsgType.TEXT, '{"op": "mode", "mode": "comfort"}'),
        (WSMsgType.TEXT, "b"),
    ]
    assert state_of(hass, MODE) == STATE_UNKNOWN
    # Home Assistant refuses a text that is not an option before we see it.
    with pytest.raises(ServiceValidationError):
        await choose(hass, "boost")
    await push_all(entry, ws_server, heater('"comfort"'))
    assert state_of(hass, MODE) == "comfort"
    assert len(ws_server.frames) == 2


async def test_optimistic_select_and_its_queue(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Optimistic: the last option chosen, also queued while disconnected."""
    mode = entity_subentry(
        "Mode", "s1", "select", options=["eco", "off"], optimistic=True, queue=True
    )
    entry = await add_entry(subentries=[mode])
    await wait_connected(hass)
    await choose(hass, "eco")
    assert state_of(hass, MODE) == "eco"
    await push_all(entry, ws_server, "off")
    assert state_of(hass, MODE) == "eco"
    state = hass.states.get(MODE)
    assert state is not None
    assert state.attributes["assumed_state"] is True
    await call_action(hass, "disconnect", entry.entry_id)
    await choose(hass, "off")
    assert state_of(hass, MODE) == "off"
    assert len(ws_server.frames) == 1
    await call_action(hass, "connect", entry.entry_id)
    await wait_until(lambda: len(ws_server.frames) == 2)
    assert [f.data for f in ws_server.frames] == ["eco", "off"]


async def test_expire_after_and_availability(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Unavailable until a message, after expire_after, and while disconnected."""
    expiring = entity_subentry("Mode", "s1", "select", **HEATER, expire_after=1)
    kept = entity_subentry(
        "Kept", "k1", "select", **HEATER, unavailable_when_disconnected=False
    )
    entry = await add_entry(subentries=[expiring, kept])
    await wait_connected(hass)
    assert state_of(hass, MODE) == STATE_UNAVAILABLE
    await push_all(entry, ws_server, heater('"eco"'))
    assert state_of(hass, MODE) == "eco"
    await wait_until(lambda: state_of(hass, MODE) == STATE_UNAVAILABLE)
    await push_all(entry, ws_server, heater('"off"'))
    assert state_of(hass, MODE) == "off"
    await ws_server.close_clients()
    await wait_until(lambda: state_of(hass, CONNECTED) == "off")
    assert state_of(hass, MODE) == STATE_UNAVAILABLE
    assert state_of(hass, "select.living_room_kept") == "off"


async def test_restored_after_restart_when_still_an_option(
    hass: HomeAssistant, add_entry: EntryFactory
) -> None:
    """The last option comes back; a former option does not."""
    earlier = dt_util.utcnow() - timedelta(seconds=1)
    mock_restore_cache(
        hass,
        [
            State(MODE, "comfort", last_updated=earlier),
            State("select.living_room_former", "boost"),
            State("select.living_room_optimistic", "off"),
        ],
    )
    await add_entry(
        subentries=[
            entity_subentry("Mode", "s1", "select", **HEATER, expire_after=60),
            entity_subentry("Former", "f1", "select", **HEATER),
            entity_subentry(
                "Optimistic",
                "o1",
                "select",
                options=["eco", "off"],
                optimistic=True,
                expire_after=1,
            ),
        ]
    )
    await wait_connected(hass)
    assert state_of(hass, MODE) == "comfort"
    assert state_of(hass, "select.living_room_former") == STATE_UNKNOWN
    assert state_of(hass, "select.living_room_optimistic") == "off"


async def test_a_select_without_options_is_left_out(
    hass: HomeAssistant, add_entry: EntryFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """No options (a subentry edited by hand), a broken template: no entity."""
    await add_entry(
        subentries=[
            entity_subentry("Empty", "e1", "select", value_path="mode"),
            entity_subentry(
                "Broken", "b1", "select", options=["a"], command_template="{% if %}"
            ),
            entity_subentry("Mode", "s1", "select", **HEATER),
        ]
    )
    await wait_connected(hass)
    assert state_of(hass, MODE) == STATE_UNKNOWN
    assert hass.states.get("select.living_room_empty") is None
    assert hass.states.get("select.living_room_broken") is None
    logged = [r.getMessage() for r in caplog.records if "not created" in r.getMessage()]
    assert len(logged) == 2


async def test_snapshot(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """A select from messages and an optimistic one: registry entries and states."""
    speed = entity_subentry(
        "Speed", "v1", "select", options=["low", "high"], optimistic=True
    )
    entry = await add_entry(
        entry_id=SNAPSHOT_ENTRY_ID,
        subentries=[entity_subentry("Mode", "s1", "select", **HEATER), speed],
    )
    await wait_connected(hass)
    await push_all(entry, ws_server, heater('"eco"'))
    await choose(hass, "high", "select.living_room_speed")
    assert_entities_match_snapshot(
        hass, entry, snapshot, (MODE, "select.living_room_speed")
    )

"""Numbers from messages, against a real server.

The state from messages (a number within the range; anything else counted and
the state kept), attributes and filters, expire_after, availability on
disconnect, restore after a restart, the command template rendered with the
number as the frame the server receives, optimistic mode and the queue.
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
from pytest_homeassistant_custom_component.common import (
    mock_restore_cache_with_extra_data,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.websocket_client.message_entity import value_failures

from .helpers import (
    CONNECTED,
    SNAPSHOT_ENTRY_ID,
    EntryFactory,
    assert_entities_match_snapshot,
    entity_subentry,
    push_all,
    state_of,
    wait_connected,
    wait_until,
)
from .servers.ws_server import RecordingWebSocketServer

LEVEL = "number.living_room_level"
# A dimmer's level: set with {"op": "set", "level": N}, reported in "dimmer"
DIMMER: dict[str, Any] = {
    "value_path": "level",
    "json_attributes_path": "info",
    "match": {"type": "dimmer"},
    "command_template": '{"op": "set", "level": {{ value }}}',
    "min": 0.0,
    "max": 10.0,
    "step": 0.5,
    "mode": "slider",
    "unit_of_measurement": "%",
    "device_class": "power_factor",
}


def dimmer(level: Any, kind: str = "dimmer") -> str:
    """A message of the server, as JSON text."""
    return f'{{"type": "{kind}", "level": {level}, "info": {{"room": "hall"}}}}'


async def set_value(hass: HomeAssistant, value: float, entity_id: str = LEVEL) -> None:
    """Set a number as the UI does."""
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": entity_id, "value": value},
        blocking=True,
    )


async def test_state_attributes_and_range_from_messages(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A matching message's number, its object as attributes; the settings shown."""
    entry = await add_entry(
        subentries=[entity_subentry("Level", "n1", "number", **DIMMER)]
    )
    await wait_connected(hass)
    assert state_of(hass, LEVEL) == STATE_UNKNOWN
    await push_all(entry, ws_server, dimmer(9, kind="other"))
    assert state_of(hass, LEVEL) == STATE_UNKNOWN
    await push_all(entry, ws_server, dimmer(7.5))
    state = hass.states.get(LEVEL)
    assert state is not None
    assert state.state == "7.5"
    assert state.attributes["room"] == "hall"
    assert state.attributes["min"] == 0
    assert state.attributes["max"] == 10
    assert state.attributes["step"] == 0.5
    assert state.attributes["mode"] == "slider"
    assert state.attributes["unit_of_measurement"] == "%"
    assert state.attributes["device_class"] == "power_factor"
    await push_all(entry, ws_server, dimmer('"3"'))
    assert state_of(hass, LEVEL) == "3"


async def test_bad_values_keep_the_state_and_are_counted(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A text, a number outside the range, NaN: the state stays, each counted."""
    entry = await add_entry(
        subentries=[entity_subentry("Level", "n1", "number", **DIMMER)]
    )
    await wait_connected(hass)
    await push_all(entry, ws_server, dimmer(4))
    bad = (
        dimmer('"bright"'),
        dimmer(11),
        dimmer(-0.5),
        dimmer('"nan"'),
        dimmer("true"),
    )
    await push_all(entry, ws_server, *bad)
    assert state_of(hass, LEVEL) == "4"
    assert value_failures(hass, entry.entry_id) == {
        "n1": {"not_a_number": 3, "out_of_range": 2}
    }
    logged = [r.getMessage() for r in caplog.records if "Level:" in r.getMessage()]
    assert len(logged) == 2
    assert entry.runtime_data.statistics.connects == 1


async def test_setting_sends_the_rendered_template(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The number as an int when integral; not optimistic: the state waits."""
    plain = entity_subentry("Plain", "p1", "number", value_path="v")
    entry = await add_entry(
        subentries=[entity_subentry("Level", "n1", "number", **DIMMER), plain]
    )
    await wait_connected(hass)
    await set_value(hass, 5)
    await set_value(hass, 2.5)
    await set_value(hass, 42, "number.living_room_plain")
    await wait_until(lambda: len(ws_server.frames) == 3)
    assert [(f.type, f.data) for f in ws_server.frames] == [
        (WSMsgType.TEXT, '{"op": "set", "level": 5}'),
        (WSMsgType.TEXT, '{"op": "set", "level": 2.5}'),
        (WSMsgType.TEXT, "42"),
    ]
    assert state_of(hass, LEVEL) == STATE_UNKNOWN
    state = hass.states.get(LEVEL)
    assert state is not None
    assert "assumed_state" not in state.attributes
    # Home Assistant refuses a number outside the range before we see it.
    with pytest.raises(ServiceValidationError):
        await set_value(hass, 11)
    await push_all(entry, ws_server, dimmer(2.5))
    assert state_of(hass, LEVEL) == "2.5"
    assert len(ws_server.frames) == 3


async def test_optimistic_number(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Optimistic: the state is the last number sent; messages change nothing."""
    level = entity_subentry(
        "Level", "n1", "number", optimistic=True, command_template="set {{ value }}"
    )
    entry = await add_entry(subentries=[level])
    await wait_connected(hass)
    assert state_of(hass, LEVEL) == STATE_UNKNOWN
    await set_value(hass, 30)
    assert state_of(hass, LEVEL) == "30"
    await push_all(entry, ws_server, "70")
    assert state_of(hass, LEVEL) == "30"
    state = hass.states.get(LEVEL)
    assert state is not None
    assert state.attributes["assumed_state"] is True
    await wait_until(lambda: len(ws_server.frames) == 1)
    assert ws_server.frames[0].data == "set 30"


async def test_expire_after_and_availability(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Unavailable until a message, after expire_after, and while disconnected."""
    expiring = entity_subentry("Level", "n1", "number", **DIMMER, expire_after=1)
    kept = entity_subentry(
        "Kept", "k1", "number", **DIMMER, unavailable_when_disconnected=False
    )
    entry = await add_entry(subentries=[expiring, kept])
    await wait_connected(hass)
    assert state_of(hass, LEVEL) == STATE_UNAVAILABLE
    await push_all(entry, ws_server, dimmer(6))
    assert state_of(hass, LEVEL) == "6"
    assert state_of(hass, "number.living_room_kept") == "6"
    await wait_until(lambda: state_of(hass, LEVEL) == STATE_UNAVAILABLE)
    await push_all(entry, ws_server, dimmer(7))
    assert state_of(hass, LEVEL) == "7"
    await ws_server.close_clients()
    await wait_until(lambda: state_of(hass, CONNECTED) == "off")
    assert state_of(hass, LEVEL) == STATE_UNAVAILABLE
    assert state_of(hass, "number.living_room_kept") == "7"


async def test_restored_after_restart_when_it_still_fits(
    hass: HomeAssistant, add_entry: EntryFactory
) -> None:
    """The last number comes back; one now outside the range does not."""
    now = dt_util.utcnow()
    restored = {
        LEVEL: 4.5,
        "number.living_room_outside": 50,
        "number.living_room_optimistic": 3,
        "number.living_room_unknown": None,
    }
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(
                    entity_id,
                    "unknown" if value is None else str(value),
                    last_updated=now - timedelta(seconds=1),
                ),
                {
                    "native_value": value,
                    "native_min_value": 0,
                    "native_max_value": 100,
                    "native_step": 1,
                    "native_unit_of_measurement": None,
                },
            )
            for entity_id, value in restored.items()
        ],
    )
    await add_entry(
        subentries=[
            entity_subentry("Level", "n1", "number", **DIMMER, expire_after=60),
            entity_subentry("Outside", "o1", "number", **DIMMER),
            entity_subentry(
                "Optimistic", "p1", "number", optimistic=True, expire_after=1
            ),
            entity_subentry("Unknown", "u1", "number", **DIMMER),
        ]
    )
    await wait_connected(hass)
    assert state_of(hass, LEVEL) == "4.5"
    assert state_of(hass, "number.living_room_outside") == STATE_UNKNOWN
    assert state_of(hass, "number.living_room_optimistic") == "3"
    assert state_of(hass, "number.living_room_unknown") == STATE_UNKNOWN


async def test_unusable_settings_leave_out_only_their_number(
    hass: HomeAssistant, add_entry: EntryFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """A broken template, a range or step the flow refuses, a bad class or mode."""
    await add_entry(
        subentries=[
            entity_subentry("Template", "b1", "number", command_template="{{ x"),
            entity_subentry("Range", "b2", "number", min=5.0, max=5.0),
            entity_subentry("Step", "b3", "number", step=0.0),
            entity_subentry("Class", "b4", "number", device_class="x"),
            entity_subentry("Mode", "b5", "number", mode="dial"),
            entity_subentry("Level", "n1", "number", **DIMMER),
        ]
    )
    await wait_connected(hass)
    assert state_of(hass, LEVEL) == STATE_UNKNOWN
    for name in ("template", "range", "step", "class", "mode"):
        assert hass.states.get(f"number.living_room_{name}") is None
    logged = [r.getMessage() for r in caplog.records if "not created" in r.getMessage()]
    assert len(logged) == 5


async def test_snapshot(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """A number from messages and an optimistic one: registry entries and states."""
    entry = await add_entry(
        entry_id=SNAPSHOT_ENTRY_ID,
        subentries=[
            entity_subentry("Level", "n1", "number", **DIMMER),
            entity_subentry("Volume", "v1", "number", optimistic=True, mode="box"),
        ],
    )
    await wait_connected(hass)
    await push_all(entry, ws_server, dimmer(7.5))
    await set_value(hass, 20, "number.living_room_volume")
    assert_entities_match_snapshot(
        hass, entry, snapshot, (LEVEL, "number.living_room_volume")
    )

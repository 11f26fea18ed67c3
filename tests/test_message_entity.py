"""Sensors and binary sensors fed by messages, against a real server.

State and attributes from messages, filters, bad values (state kept, one log
line per kind), no state write for an unchanged value, expire_after,
availability on disconnect, restore after a restart, subentries added and
removed while the entry runs.
"""

from __future__ import annotations

from datetime import timedelta
from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
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

TEMPERATURE = "sensor.living_room_temperature"
DOOR = "binary_sensor.living_room_door"
READING: dict[str, Any] = {
    "value_path": "data.temperature",
    "json_attributes_path": "data",
    "match": {"type": "reading"},
    "device_class": "temperature",
    "state_class": "measurement",
    "unit_of_measurement": "°C",
}


def reading(temperature: Any, kind: str = "reading") -> str:
    """A message of the server, as JSON text."""
    return f'{{"type": "{kind}", "data": {{"temperature": {temperature}}}}}'


async def test_state_and_attributes_from_matching_messages(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The value of a matching message, its object as attributes; others ignored."""
    entry = await add_entry(
        subentries=[entity_subentry("Temperature", "t1", **READING)]
    )
    await wait_connected(hass)
    assert state_of(hass, TEMPERATURE) == STATE_UNKNOWN
    await push_all(entry, ws_server, reading(99, kind="forecast"))
    assert state_of(hass, TEMPERATURE) == STATE_UNKNOWN
    await push_all(entry, ws_server, reading(21.5))
    state = hass.states.get(TEMPERATURE)
    assert state is not None
    assert state.state == "21.5"
    assert state.attributes["temperature"] == 21.5
    assert state.attributes["unit_of_measurement"] == "°C"
    assert state.attributes["device_class"] == "temperature"
    registry_entry = er.async_get(hass).async_get(TEMPERATURE)
    assert registry_entry is not None
    assert registry_entry.config_subentry_id == "t1"
    assert registry_entry.unique_id == f"{entry.entry_id}_t1"


async def test_sensors_filtered_by_id_each_take_only_their_messages(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Many sensors on one connection, each matching its own id (routed by it).

    1 and 1.0 stay apart, as the filter has them; a nested match is not routed
    and still works.
    """
    by_id = {"value_path": "v", "unit_of_measurement": "W"}
    entry = await add_entry(
        subentries=[
            entity_subentry("A", "a", match={"id": "a"}, **by_id),
            entity_subentry("One", "one", match={"id": 1}, **by_id),
            entity_subentry("Float", "float", match={"id": 1.0}, **by_id),
            entity_subentry("Nested", "nested", match={"data": {"id": "a"}}, **by_id),
        ]
    )
    await wait_connected(hass)
    await push_all(
        entry, ws_server,
        '{"id": "a", "v": 1}', '{"id": 1, "v": 2}', '{"id": 1.0, "v": 3}',
        '{"id": "b", "v": 4}', '{"data": {"id": "a"}, "v": 5}', '{"id": "a", "v": 6}',
    )  # fmt: skip
    assert {
        name: state_of(hass, f"sensor.living_room_{name}")
        for name in ("a", "one", "float", "nested")
    } == {"a": "6", "one": "2", "float": "3", "nested": "5"}


async def test_bad_values_keep_the_state_log_once_per_kind(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A text where a number is needed, a missing field: state kept, counted."""
    config: dict[str, Any] = {
        key: value for key, value in READING.items() if key != "match"
    }
    entry = await add_entry(subentries=[entity_subentry("Temperature", "t1", **config)])
    await wait_connected(hass)
    await push_all(entry, ws_server, reading(20))
    bad = (reading('"warm"'), '{"type": "reading"}', "not json")
    await push_all(entry, ws_server, *bad, *bad)
    assert state_of(hass, TEMPERATURE) == "20"
    assert value_failures(hass, entry.entry_id) == {
        "t1": {"not_a_number": 2, "missing_field": 2, "not_json": 2}
    }
    logged = [
        r.getMessage() for r in caplog.records if "Temperature:" in r.getMessage()
    ]
    assert len(logged) == 3


async def test_unchanged_value_writes_no_state(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The same value again writes nothing; force_update writes every value."""
    entry = await add_entry(
        subentries=[
            entity_subentry("Temperature", "t1", **READING),
            entity_subentry("Forced", "t2", **READING, force_update=True),
        ]
    )
    await wait_connected(hass)
    await push_all(entry, ws_server, reading(20))
    first = hass.states.get(TEMPERATURE)
    forced = hass.states.get("sensor.living_room_forced")
    await push_all(entry, ws_server, reading(20))
    again = hass.states.get(TEMPERATURE)
    forced_again = hass.states.get("sensor.living_room_forced")
    assert first is not None
    assert again is not None
    assert forced is not None
    assert forced_again is not None
    assert again.last_reported == first.last_reported
    assert forced_again.last_updated > forced.last_updated


async def test_expire_after(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Unavailable until a message comes and again after expire_after without one."""
    config: dict[str, Any] = {**READING, "expire_after": 1}
    entry = await add_entry(subentries=[entity_subentry("Temperature", "t1", **config)])
    await wait_connected(hass)
    assert state_of(hass, TEMPERATURE) == STATE_UNAVAILABLE
    await push_all(entry, ws_server, reading(20))
    assert state_of(hass, TEMPERATURE) == "20"
    await wait_until(lambda: state_of(hass, TEMPERATURE) == STATE_UNAVAILABLE)
    await push_all(entry, ws_server, reading(21))
    assert state_of(hass, TEMPERATURE) == "21"


async def test_unavailable_while_disconnected_unless_chosen(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Down with the connection by default; the other keeps its value."""
    entry = await add_entry(
        subentries=[
            entity_subentry("Temperature", "t1", **READING),
            entity_subentry(
                "Kept", "t2", **READING, unavailable_when_disconnected=False
            ),
        ]
    )
    await wait_connected(hass)
    await push_all(entry, ws_server, reading(20))
    await ws_server.close_clients()
    await wait_until(lambda: state_of(hass, CONNECTED) == "off")
    assert state_of(hass, TEMPERATURE) == STATE_UNAVAILABLE
    assert state_of(hass, "sensor.living_room_kept") == "20"
    await wait_connected(hass)
    assert state_of(hass, TEMPERATURE) == "20"


async def test_restored_after_restart(
    hass: HomeAssistant, add_entry: EntryFactory
) -> None:
    """The last value comes back before the server speaks again."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(TEMPERATURE, "18.5"),
                {"native_value": 18.5, "native_unit_of_measurement": "°C"},
            ),
            (State(DOOR, "on"), {}),
        ],
    )
    await add_entry(
        subentries=[
            entity_subentry("Temperature", "t1", **READING),
            entity_subentry("Door", "d1", "binary_sensor", value_path="door"),
        ]
    )
    await wait_connected(hass)
    assert state_of(hass, TEMPERATURE) == "18.5"
    assert state_of(hass, DOOR) == "on"


async def test_a_restored_value_that_no_longer_fits_is_left_out(
    hass: HomeAssistant, add_entry: EntryFactory
) -> None:
    """A text where a number is now needed, a former enum option: unknown."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (State(TEMPERATURE, "warm"), {"native_value": "warm"}),
            (State("sensor.living_room_level", "mid"), {"native_value": "mid"}),
        ],
    )
    level: dict[str, Any] = {
        "device_class": "enum",
        "options": ["low", "high"],
        "value_path": "l",
    }
    await add_entry(
        subentries=[
            entity_subentry("Temperature", "t1", **READING),
            entity_subentry("Level", "l1", **level),
        ]
    )
    await wait_connected(hass)
    assert state_of(hass, TEMPERATURE) == STATE_UNKNOWN
    assert state_of(hass, "sensor.living_room_level") == STATE_UNKNOWN


async def test_binary_sensor_on_off_and_neither(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """The value compared with on and off; anything else keeps the state."""
    door = entity_subentry(
        "Door",
        "d1",
        "binary_sensor",
        value_path="door",
        payload_on="open",
        payload_off="closed",
        device_class="door",
    )
    flag = entity_subentry(
        "Flag",
        "f1",
        "binary_sensor",
        value_path="flag",
        payload_on="true",
        payload_off="false",
    )
    entry = await add_entry(subentries=[door, flag])
    await wait_connected(hass)
    await push_all(entry, ws_server, '{"door": "open", "flag": true}')
    assert state_of(hass, DOOR) == "on"
    assert state_of(hass, "binary_sensor.living_room_flag") == "on"
    await push_all(entry, ws_server, '{"door": "ajar", "flag": false}')
    assert state_of(hass, DOOR) == "on"
    assert state_of(hass, "binary_sensor.living_room_flag") == "off"
    await push_all(entry, ws_server, '{"door": "closed"}')
    assert state_of(hass, DOOR) == "off"
    assert value_failures(hass, entry.entry_id)["d1"] == {"not_on_or_off": 1}


async def test_enum_sensor_and_template(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A template's text among the options; a text outside them is refused."""
    level = entity_subentry(
        "Level",
        "l1",
        value_template="{{ value_json.level | lower }}",
        device_class="enum",
        options=["low", "high"],
    )
    entry = await add_entry(subentries=[level])
    await wait_connected(hass)
    await push_all(entry, ws_server, '{"level": "HIGH"}', '{"level": "medium"}')
    assert state_of(hass, "sensor.living_room_level") == "high"
    assert value_failures(hass, entry.entry_id) == {"l1": {"not_an_option": 1}}


async def test_subentries_added_changed_removed_without_a_reconnect(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Entities follow their subentries; the connection and its messages stay."""
    entry = await add_entry()
    await wait_connected(hass)
    await push_all(entry, ws_server, reading(18))
    assert hass.states.get(TEMPERATURE) is None
    subentry = ConfigSubentry(
        data=MappingProxyType({"platform": "sensor", **READING}),
        subentry_type="entity",
        title="Temperature",
        unique_id=None,
    )
    hass.config_entries.async_add_subentry(entry, subentry)
    await hass.async_block_till_done()
    # It starts from the newest message it wants among those kept.
    assert state_of(hass, TEMPERATURE) == "18"
    await push_all(entry, ws_server, reading(19))
    assert state_of(hass, TEMPERATURE) == "19"

    changed = {"platform": "sensor", **READING, "value_template": "{{ 42 }}"}
    del changed["value_path"]
    hass.config_entries.async_update_subentry(
        entry, subentry, data=changed, title="Answer"
    )
    await hass.async_block_till_done()
    await push_all(entry, ws_server, reading(20))
    # The entity id stays; the name and the way to the value are new.
    state = hass.states.get(TEMPERATURE)
    assert state is not None
    assert state.state == "42"
    assert state.name == "Living room Answer"

    hass.config_entries.async_remove_subentry(entry, subentry.subentry_id)
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE) is None
    assert er.async_get(hass).async_get(TEMPERATURE) is None
    assert value_failures(hass, entry.entry_id) == {}
    # One connection all along, and the messages it received are still there.
    assert entry.runtime_data.statistics.connects == 1
    assert len(entry.runtime_data.recent_messages.newest_first()) == 3


async def test_text_sensor_takes_the_whole_message(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """No path, no template, no device class: the text itself, cut to fit a state."""
    entry = await add_entry(
        subentries=[entity_subentry("Last line", "w1", match_regex="^line")]
    )
    await wait_connected(hass)
    await push_all(entry, ws_server, "line one", "other", "line " + "x" * 300)
    assert state_of(hass, "sensor.living_room_last_line") == ("line " + "x" * 300)[:255]
    await push_all(entry, ws_server, '{"line": 1}', "line two")
    assert state_of(hass, "sensor.living_room_last_line") == "line two"


async def test_a_refused_state_never_ends_the_connection(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """Not finite, or a state Home Assistant refuses: counted, still connected."""
    # The flow offers no timestamp sensor: a text is no date for Home Assistant.
    stamp = entity_subentry("Stamp", "s1", value_path="at", device_class="timestamp")
    precise = entity_subentry(
        "Precise", "p1", value_path="v", suggested_display_precision=1
    )
    entry = await add_entry(subentries=[stamp, precise])
    await wait_connected(hass)
    await push_all(entry, ws_server, '{"at": "yesterday", "v": "nan"}')
    await push_all(entry, ws_server, '{"v": "2.25"}')
    assert state_of(hass, "sensor.living_room_precise") == "2.25"
    assert entry.runtime_data.statistics.connects == 1
    failures = value_failures(hass, entry.entry_id)
    assert failures["s1"] == {"not_written": 1, "missing_field": 1}
    assert failures["p1"] == {"not_a_number": 1}
    # A status change writes the refused state again: counted, not raised.
    await ws_server.close_clients()
    await wait_until(lambda: state_of(hass, CONNECTED) == "off")
    await wait_connected(hass)
    assert value_failures(hass, entry.entry_id)["s1"]["not_written"] >= 2


async def test_snapshot(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """A sensor and a binary sensor from messages: registry entries and states."""
    door = entity_subentry(
        "Door", "d1", "binary_sensor", value_path="door", device_class="door"
    )
    entry = await add_entry(
        entry_id=SNAPSHOT_ENTRY_ID,
        subentries=[entity_subentry("Temperature", "t1", **READING), door],
    )
    await wait_connected(hass)
    await push_all(entry, ws_server, reading(21.5), '{"door": "on"}')
    assert_entities_match_snapshot(hass, entry, snapshot, (TEMPERATURE, DOOR))


async def test_unusable_settings_leave_out_only_their_entity(
    hass: HomeAssistant,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bad pattern, path or device class: that entity is missing, logged."""
    await add_entry(
        subentries=[
            entity_subentry("Bad pattern", "b1", match_regex="("),
            entity_subentry("Bad path", "b2", value_path="a..b"),
            entity_subentry("Bad class", "b3", "binary_sensor", device_class="x"),
            entity_subentry("Temperature", "t1", **READING),
        ]
    )
    await wait_connected(hass)
    assert state_of(hass, TEMPERATURE) == STATE_UNKNOWN
    assert state_of(hass, CONNECTED) == "on"
    for name in ("bad_pattern", "bad_path"):
        assert hass.states.get(f"sensor.living_room_{name}") is None
    assert hass.states.get("binary_sensor.living_room_bad_class") is None
    logged = [r.getMessage() for r in caplog.records if "not created" in r.getMessage()]
    assert len(logged) == 3


async def test_a_restored_value_expires_in_what_is_left_of_expire_after(
    hass: HomeAssistant, add_entry: EntryFactory
) -> None:
    """Younger than expire_after: shown, then expired; older: unavailable at once."""
    now = dt_util.utcnow()
    fresh = State(TEMPERATURE, "18.5", last_updated=now - timedelta(seconds=0.1))
    stale = State("sensor.living_room_old", "17", last_updated=now - timedelta(hours=2))
    mock_restore_cache_with_extra_data(
        hass,
        [
            (fresh, {"native_value": 18.5, "native_unit_of_measurement": "°C"}),
            (stale, {"native_value": 17, "native_unit_of_measurement": "°C"}),
        ],
    )
    config: dict[str, Any] = {**READING, "expire_after": 2}
    await add_entry(
        subentries=[
            entity_subentry("Temperature", "t1", **config),
            entity_subentry("Old", "o1", **config),
        ]
    )
    await wait_connected(hass)
    assert state_of(hass, TEMPERATURE) == "18.5"
    assert state_of(hass, "sensor.living_room_old") == STATE_UNAVAILABLE
    await wait_until(lambda: state_of(hass, TEMPERATURE) == STATE_UNAVAILABLE)


def sensor(title: str, **data: Any) -> ConfigSubentry:
    """A temperature sensor's subentry, to add while the entry runs."""
    return ConfigSubentry(
        data=MappingProxyType({"platform": "sensor", **READING, **data}),
        subentry_type="entity",
        title=title,
        unique_id=None,
    )


async def test_a_new_entity_starts_from_the_newest_matching_kept_message(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Added while connected: the newest wanted message, not a newer unwanted one.

    With expire_after, that message counts from when it arrived: added once
    it is older than expire_after, an entity is unavailable at once.
    """
    entry = await add_entry()
    await wait_connected(hass)
    await push_all(
        entry, ws_server, reading(17), reading(18), reading(99, kind="forecast")
    )
    hass.config_entries.async_add_subentry(
        entry, sensor("Temperature", expire_after=0.3)
    )
    await hass.async_block_till_done()
    state = hass.states.get(TEMPERATURE)
    assert state is not None
    assert state.state == "18"
    assert state.attributes["temperature"] == 18

    # Expired now, counted from when 18 arrived (no message came since)
    await wait_until(lambda: state_of(hass, TEMPERATURE) == STATE_UNAVAILABLE)
    hass.config_entries.async_add_subentry(entry, sensor("Stale", expire_after=0.3))
    await hass.async_block_till_done()
    assert state_of(hass, "sensor.living_room_stale") == STATE_UNAVAILABLE

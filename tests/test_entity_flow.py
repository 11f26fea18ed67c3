"""Add entity: the subentry flow, from a message that really arrived.

The message list, the field list, the preview, typing a path or a template
when no message arrived, translated errors, reconfigure.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    SubentryFlowResult,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.websocket_client.const import DOMAIN

from .helpers import (
    EntryFactory,
    entity_subentry,
    entry_data,
    push_all,
    state_of,
    wait_connected,
    wait_until,
)
from .servers.ws_server import RecordingWebSocketServer

STRINGS: dict[str, Any] = json.loads(
    (
        Path(__file__).parent.parent / "custom_components" / DOMAIN / "strings.json"
    ).read_text()
)
TEMPERATURE = "sensor.living_room_temperature"
READING = '{"type": "reading", "data": {"temperature": 21.5}}'
SENSOR_OPTIONS: dict[str, Any] = {
    "device_class": "temperature",
    "state_class": "measurement",
    "unit_of_measurement": "°C",
    "unavailable_when_disconnected": True,
    "expire_after": 0,
    "force_update": False,
}


def assert_translated(result: SubentryFlowResult) -> None:
    """The form's step has a title, and a label and description for each field.

    Each error it shows has a text whose placeholders the form fills in.
    """
    assert result["type"] is FlowResultType.FORM
    step = STRINGS["config_subentries"]["entity"]["step"][result["step_id"]]
    assert step["title"]
    # The value step shows the field list only when a JSON message was chosen.
    assert fields_of(result) <= set(step.get("data", {}))
    assert set(step.get("data_description", {})) == set(step.get("data", {}))
    for error in (result["errors"] or {}).values():
        text = STRINGS["config_subentries"]["entity"]["error"][error]
        needed = set(re.findall(r"\{(\w+)\}", re.sub(r"'[^']*'", "", text)))
        assert needed <= set(result["description_placeholders"] or {}), error


def choices(result: SubentryFlowResult, field: str) -> list[Any]:
    """The options a select of a form offers."""
    schema = result["data_schema"]
    assert schema is not None
    for key, value in schema.schema.items():
        if str(key) == field:
            return list(value.config["options"])
    raise AssertionError(f"{field} not in the form")


def shown_in(result: SubentryFlowResult) -> dict[str, str]:
    """The placeholders a form's texts are filled in with."""
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    return dict(placeholders)


def fields_of(result: SubentryFlowResult) -> set[str]:
    """The fields a form shows."""
    schema = result["data_schema"]
    assert isinstance(schema, vol.Schema)
    return {str(key) for key in schema.schema}


async def start(
    hass: HomeAssistant, entry: ConfigEntry, **user: Any
) -> SubentryFlowResult:
    """Add entity, the first step answered."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "entity"), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert_translated(result)
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"platform": "sensor", "name": "Temperature", **user}
    )


async def answer(
    hass: HomeAssistant, result: SubentryFlowResult, **user: Any
) -> SubentryFlowResult:
    """Submit the current form, which is translated."""
    assert_translated(result)
    return await hass.config_entries.subentries.async_configure(result["flow_id"], user)


async def test_sensor_from_a_message_that_arrived(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Choose the message, its field, a filter, options; preview; created."""
    entry = await add_entry()
    await wait_connected(hass)
    await push_all(entry, ws_server, READING, "hello")

    result = await start(hass, entry)
    assert result["step_id"] == "message"
    listed = choices(result, "message")
    assert [choice["value"] for choice in listed] == ["0", "1", "type_it", "newer"]
    assert listed[0]["label"].endswith(" · hello")
    assert listed[1]["label"].endswith(f" · {READING}")

    result = await answer(hass, result, message="1")
    assert result["step_id"] == "value"
    assert shown_in(result)["message"] == READING
    assert [choice["label"] for choice in choices(result, "field")] == [
        'type = "reading"',
        "data.temperature = 21.5",
    ]
    result = await answer(hass, result, field="data.temperature")
    assert result["step_id"] == "filter"
    result = await answer(hass, result, match={"type": "reading"})
    assert result["step_id"] == "sensor"
    result = await answer(hass, result, **SENSOR_OPTIONS)
    assert result["step_id"] == "preview"
    assert shown_in(result) == {
        "name": "Temperature",
        "message": READING,
        "value": "21.5",
        "attributes": "—",
        "detail": "—",
    }
    result = await answer(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = entry.subentries.values()
    assert subentry.title == "Temperature"
    assert dict(subentry.data) == {
        "platform": "sensor",
        "value_path": "data.temperature",
        "match": {"type": "reading"},
        **SENSOR_OPTIONS,
    }
    # The entry reloads with its new entity, which follows the messages.
    await hass.async_block_till_done()
    await wait_connected(hass)
    await ws_server.push_text(READING)
    await wait_until(lambda: hass.states.get(TEMPERATURE) is not None)
    await wait_until(lambda: state_of(hass, TEMPERATURE) == "21.5")


async def test_typed_path_and_template_without_a_message(
    hass: HomeAssistant, add_entry: EntryFactory
) -> None:
    """No message yet: straight to typing; bad input refused; no match yet."""
    entry = await add_entry()
    await wait_connected(hass)
    result = await start(hass, entry)
    assert result["step_id"] == "value"
    assert "field" not in fields_of(result)
    for user, error in (
        ({"value_path": "data..temperature"}, "invalid_path"),
        ({"value_template": "{{ value_json."}, "invalid_template"),
        ({"value_path": "a", "value_template": "{{ 1 }}"}, "path_and_template"),
        ({"json_attributes_path": "."}, "invalid_path"),
    ):
        result = await answer(hass, result, **user)
        assert result["errors"] == {"base": error}, user
    assert result["step_id"] == "value"
    template = "{{ value_json.data.temperature }}"
    result = await answer(hass, result, value_template=template)
    assert result["step_id"] == "filter"
    result = await answer(hass, result, match={"a": 1}, match_regex="a")
    assert result["errors"] == {"base": "one_matcher"}
    result = await answer(hass, result, match_regex="(")
    assert result["errors"] == {"base": "invalid_regex"}
    result = await answer(hass, result, match_regex="temperature")
    assert result["step_id"] == "sensor"
    result = await answer(hass, result, **{**SENSOR_OPTIONS, "device_class": "enum"})
    assert result["errors"] == {"base": "enum_needs_options"}
    result = await answer(hass, result, **{**SENSOR_OPTIONS, "options": ["a"]})
    assert result["errors"] == {"base": "options_need_enum"}
    result = await answer(hass, result, **SENSOR_OPTIONS)
    assert result["step_id"] == "no_match"
    result = await answer(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = entry.subentries.values()
    assert subentry.data["value_template"] == template
    assert subentry.data["match_regex"] == "temperature"


async def test_binary_sensor_preview_says_on_or_off(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The preview shows what the binary sensor would be."""
    entry = await add_entry()
    await wait_connected(hass)
    await push_all(entry, ws_server, '{"door": "open", "room": {"name": "hall"}}')
    result = await start(hass, entry, platform="binary_sensor", name="Door")
    result = await answer(hass, result, message="0")
    result = await answer(hass, result, field="door", json_attributes_path="room")
    result = await answer(hass, result)
    assert result["step_id"] == "binary_sensor"
    binary = {"payload_on": "open", "payload_off": "closed", "device_class": "door"}
    options = {"unavailable_when_disconnected": False, "expire_after": 60}
    result = await answer(hass, result, **binary, **options, force_update=False)
    assert result["step_id"] == "preview"
    assert shown_in(result)["value"] == "on"
    assert shown_in(result)["attributes"] == '{"name":"hall"}'


async def test_reconfigure_edits_the_same_fields(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The forms show the saved settings; the changes are saved."""
    saved: dict[str, Any] = {
        "value_path": "data.temperature",
        "match": {"type": "reading"},
    }
    entry = await add_entry(
        subentries=[entity_subentry("Temperature", "t1", **saved, **SENSOR_OPTIONS)]
    )
    await wait_connected(hass)
    await push_all(entry, ws_server, '{"type": "reading", "data": {"outside": 3}}')
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "entity"),
        context={"source": "reconfigure", "subentry_id": "t1"},
    )
    assert result["step_id"] == "name"
    result = await answer(hass, result, name="Outside")
    assert result["step_id"] == "message"
    result = await answer(hass, result, message="0")
    assert result["step_id"] == "value"
    schema = result["data_schema"]
    assert schema is not None
    suggested = {
        str(key): key.description["suggested_value"]
        for key in schema.schema
        if key.description
    }
    assert suggested["value_path"] == "data.temperature"
    # The frontend sends the path as shown; the field chosen now wins.
    result = await answer(
        hass, result, field="data.outside", value_path="data.temperature"
    )
    result = await answer(hass, result, match={"type": "reading"})
    result = await answer(hass, result, **SENSOR_OPTIONS)
    result = await answer(hass, result)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    subentry = entry.subentries["t1"]
    assert subentry.title == "Outside"
    assert subentry.data["value_path"] == "data.outside"
    assert subentry.data["match"] == {"type": "reading"}
    assert entry.domain == DOMAIN


async def test_newer_messages_on_request(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The list is read when shown; "newer" shows it again with what arrived since."""
    entry = await add_entry()
    await wait_connected(hass)
    await push_all(entry, ws_server, "hello")
    result = await start(hass, entry)
    assert [choice["value"] for choice in choices(result, "message")] == [
        "0",
        "type_it",
        "newer",
    ]

    await push_all(entry, ws_server, READING)
    result = await answer(hass, result, message="newer")
    assert result["step_id"] == "message"
    listed = choices(result, "message")
    assert listed[0]["label"].endswith(f" · {READING}")
    assert listed[1]["label"].endswith(" · hello")

    result = await answer(hass, result, message="0")
    assert result["step_id"] == "value"
    assert shown_in(result)["message"] == READING


async def test_type_it_yourself_although_messages_arrived(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """None of the messages: no field list, the path typed, the preview from them."""
    entry = await add_entry()
    await wait_connected(hass)
    await push_all(entry, ws_server, '{"level": 3}')
    result = await start(hass, entry, name="Level")
    result = await answer(hass, result, message="type_it")
    assert result["step_id"] == "value"
    assert "field" not in fields_of(result)
    assert shown_in(result)["message"] == "—"
    result = await answer(hass, result, value_path="level")
    result = await answer(hass, result)
    without_class = {k: v for k, v in SENSOR_OPTIONS.items() if k != "device_class"}
    result = await answer(hass, result, **without_class)
    assert result["step_id"] == "preview"
    assert shown_in(result)["value"] == "3"


async def test_switch_with_state_from_messages(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Commands (checked by the payload rules), then message, value, filter, state."""
    entry = await add_entry()
    await wait_connected(hass)
    await push_all(entry, ws_server, '{"lamp": "on"}')
    result = await start(hass, entry, platform="switch", name="Lamp")
    assert result["step_id"] == "commands"
    assert choices(result, "state_from") == ["messages", "optimistic"]
    bad = {"command_on": {"json": {"op": "on"}, "message": "on"}}
    result = await answer(
        hass, result, **bad, command_off={"data_base64": "!"}, state_from="messages"
    )
    assert result["errors"] == {
        "command_on": "exactly_one_payload",
        "command_off": "invalid_base64",
    }
    errors = STRINGS["config_subentries"]["entity"]["error"]
    assert errors["exactly_one_payload"]
    assert errors["invalid_base64"]
    commands = {"command_on": {"json": {"op": "on"}}, "command_off": {"message": "off"}}
    result = await answer(hass, result, **commands, state_from="messages")
    assert result["step_id"] == "message"
    result = await answer(hass, result, message="0")
    result = await answer(hass, result, field="lamp")
    result = await answer(hass, result)
    assert result["step_id"] == "switch"
    options = {"unavailable_when_disconnected": True, "expire_after": 0}
    result = await answer(
        hass, result, payload_on="on", payload_off="off", **options, force_update=False
    )
    assert result["step_id"] == "preview"
    assert shown_in(result)["value"] == "on"
    result = await answer(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "platform": "switch",
        **commands,
        "queue": False,
        "optimistic": False,
        "value_path": "lamp",
        "payload_on": "on",
        "payload_off": "off",
        **options,
        "force_update": False,
    }
    await hass.async_block_till_done()
    await ws_server.push_text('{"lamp": "on"}')
    await wait_until(lambda: state_of(hass, "switch.living_room_lamp") == "on")


async def test_optimistic_switch_and_button_skip_the_message_steps(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Saved after their commands; they send them once created."""
    entry = await add_entry()
    await wait_connected(hass)
    result = await start(hass, entry, platform="switch", name="Lamp")
    commands = {"command_on": {"json": {"op": "on"}}, "command_off": {"message": "off"}}
    result = await answer(hass, result, **commands, queue=True, state_from="optimistic")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "platform": "switch",
        **commands,
        "queue": True,
        "optimistic": True,
    }
    result = await start(hass, entry, platform="button", name="Bell")
    assert result["step_id"] == "button"
    result = await answer(hass, result, command={"message": 3})
    assert result["errors"] == {"command": "invalid_message"}
    result = await answer(hass, result, command={"message": "ring"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "platform": "button",
        "command": {"message": "ring"},
        "queue": False,
    }
    await hass.async_block_till_done()
    for domain, service, entity_id in (
        ("switch", "turn_on", "switch.living_room_lamp"),
        ("button", "press", "button.living_room_bell"),
    ):
        await hass.services.async_call(
            domain, service, {"entity_id": entity_id}, blocking=True
        )
    await wait_until(lambda: len(ws_server.frames) == 2)
    assert [f.data for f in ws_server.frames] == ['{"op":"on"}', "ring"]
    assert state_of(hass, "switch.living_room_lamp") == "on"


async def test_reconfigure_switch_to_optimistic_and_a_button(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The commands show as saved; optimistic drops the state settings."""
    commands = {"command_on": {"json": {"op": "on"}}, "command_off": {"message": "off"}}
    lamp = entity_subentry(
        "Lamp", "l1", "switch", **commands, value_path="lamp", expire_after=5
    )
    bell = entity_subentry("Bell", "b1", "button", command={"message": "ring"})
    entry = await add_entry(subentries=[lamp, bell])
    await wait_connected(hass)
    for subentry_id, name in (("l1", "Lamp"), ("b1", "Bell")):
        result = await hass.config_entries.subentries.async_init(
            (entry.entry_id, "entity"),
            context={"source": "reconfigure", "subentry_id": subentry_id},
        )
        result = await answer(hass, result, name=name)
        schema = result["data_schema"]
        assert schema is not None
        suggested = {
            str(key): key.description["suggested_value"]
            for key in schema.schema
            if key.description and "suggested_value" in key.description
        }
        if subentry_id == "l1":
            assert suggested == commands
            result = await answer(hass, result, **commands, state_from="optimistic")
        else:
            assert suggested == {"command": {"message": "ring"}}
            result = await answer(hass, result, command={"json": [1]}, queue=True)
        assert result["reason"] == "reconfigure_successful"
    assert dict(entry.subentries["l1"].data) == {
        "platform": "switch",
        **commands,
        "queue": False,
        "optimistic": True,
    }
    assert dict(entry.subentries["b1"].data) == {
        "platform": "button",
        "command": {"json": [1]},
        "queue": True,
    }


async def test_a_command_larger_than_the_maximum_message_size_is_refused(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The connection's limit, checked in the form (translated)."""
    entry = await add_entry(options={"max_message_size": 16})
    await wait_connected(hass)
    result = await start(hass, entry, platform="button", name="Bell")
    result = await answer(hass, result, command={"message": "x" * 17})
    assert result["errors"] == {"command": "command_too_large"}
    result = await answer(hass, result, command={"message": "x" * 16})
    assert result["type"] is FlowResultType.CREATE_ENTRY


NUMBER_OPTIONS: dict[str, Any] = {
    "min": 0.0,
    "max": 10.0,
    "step": 0.5,
    "mode": "slider",
    "unit_of_measurement": "%",
    "unavailable_when_disconnected": True,
    "expire_after": 0,
    "force_update": False,
}
LEVEL_TEMPLATE = '{"op": "set", "level": {{ value }}}'


async def test_number_from_a_message(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Command template (checked), message, value, filter, options, preview; set."""
    entry = await add_entry(options={"max_message_size": 40})
    await wait_connected(hass)
    await push_all(entry, ws_server, '{"type": "dimmer", "level": 7}')
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "entity"), context={"source": "user"}
    )
    assert "number" in choices(result, "platform")
    assert "select" in choices(result, "platform")
    result = await start(hass, entry, platform="number", name="Level")
    assert result["step_id"] == "command_template"
    assert choices(result, "state_from") == ["messages", "optimistic"]
    for template, error, placeholder in (
        ("{{ value", "invalid_template", "error"),
        ("{{ levle }}", "invalid_template", "error"),
        ("{{ value }}" + "x" * 40, "template_too_large", "value"),
    ):
        result = await answer(
            hass, result, command_template=template, state_from="messages"
        )
        assert result["errors"] == {"command_template": error}, template
        assert shown_in(result)[placeholder], template
    assert shown_in(result) == {"value": "0"}
    result = await answer(
        hass, result, command_template=LEVEL_TEMPLATE, state_from="messages"
    )
    assert result["step_id"] == "message"
    result = await answer(hass, result, message="0")
    result = await answer(hass, result, field="level")
    result = await answer(hass, result, match={"type": "dimmer"})
    assert result["step_id"] == "number"
    for bad, error in (
        ({"min": 10.0}, "min_not_below_max"),
        ({"step": 0.0}, "step_not_positive"),
        ({"max": 1e30}, "template_too_large"),
    ):
        result = await answer(hass, result, **{**NUMBER_OPTIONS, **bad})
        assert result["errors"] == {"base": error}, bad
    assert shown_in(result) == {"value": "1000000000000000019884624838656"}
    result = await answer(hass, result, **NUMBER_OPTIONS, device_class="power_factor")
    assert result["step_id"] == "preview"
    assert result["errors"] is None
    assert shown_in(result)["value"] == "7"
    result = await answer(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "platform": "number",
        "command_template": LEVEL_TEMPLATE,
        "queue": False,
        "optimistic": False,
        "value_path": "level",
        "match": {"type": "dimmer"},
        **NUMBER_OPTIONS,
        "device_class": "power_factor",
    }
    await hass.async_block_till_done()
    await ws_server.push_text('{"type": "dimmer", "level": 4.5}')
    await wait_until(lambda: state_of(hass, "number.living_room_level") == "4.5")
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.living_room_level", "value": 6},
        blocking=True,
    )
    await wait_until(lambda: len(ws_server.frames) == 1)
    assert ws_server.frames[0].data == '{"op": "set", "level": 6}'


async def test_select_from_a_message_preview_says_why_not(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A value that is no option: the preview says so, translated; saved anyway."""
    entry = await add_entry()
    await wait_connected(hass)
    await push_all(entry, ws_server, '{"mode": "boost"}')
    result = await start(hass, entry, platform="select", name="Mode")
    result = await answer(hass, result, command_template="mode {{ value }}")
    result = await answer(hass, result, message="0")
    result = await answer(hass, result, field="mode")
    result = await answer(hass, result)
    assert result["step_id"] == "select"
    availability = {"unavailable_when_disconnected": True, "expire_after": 0}
    result = await answer(hass, result, **availability)
    assert result["errors"] == {"base": "select_needs_options"}
    result = await answer(hass, result, options=[""], **availability)
    assert result["errors"] == {"base": "select_needs_options"}
    result = await answer(hass, result, options=["eco", "off", "eco"], **availability)
    assert result["step_id"] == "preview"
    assert result["errors"] == {"base": "not_an_option"}
    assert shown_in(result)["value"] == "—"
    assert shown_in(result)["detail"] == '"boost"'
    assert_translated(result)
    result = await answer(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["options"] == ["eco", "off"]
    assert result["data"]["command_template"] == "mode {{ value }}"
    await hass.async_block_till_done()
    await ws_server.push_text('{"mode": "off"}')
    await wait_until(lambda: state_of(hass, "select.living_room_mode") == "off")
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.living_room_mode", "option": "eco"},
        blocking=True,
    )
    await wait_until(lambda: len(ws_server.frames) == 1)
    assert ws_server.frames[0].data == "mode eco"


async def test_preview_failures_are_translated_not_identifiers(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A text where a number is needed, neither on nor off: the reason, translated."""
    entry = await add_entry()
    await wait_connected(hass)
    await push_all(entry, ws_server, '{"temperature": "warm", "door": "ajar"}')
    cases = (
        ("sensor", "temperature", SENSOR_OPTIONS, "not_a_number", '"warm"'),
        ("binary_sensor", "door", {"payload_on": "open"}, "not_on_or_off", '"ajar"'),
    )
    for platform, field, options, failure, detail in cases:
        result = await start(hass, entry, platform=platform, name=field)
        result = await answer(hass, result, message="0")
        result = await answer(hass, result, field=field)
        result = await answer(hass, result)
        result = await answer(hass, result, **options)
        assert result["step_id"] == "preview"
        assert result["errors"] == {"base": failure}
        assert shown_in(result)["detail"] == detail
        assert "not_" not in shown_in(result)["value"]
        assert_translated(result)
        assert "{detail}" in STRINGS["config_subentries"]["entity"]["error"][failure]
        await hass.config_entries.subentries.async_configure(result["flow_id"], {})


async def test_optimistic_number_and_select_skip_the_message_steps(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Commands, then options without expiry or every-value writes; then saved."""
    entry = await add_entry()
    await wait_connected(hass)
    result = await start(hass, entry, platform="number", name="Volume")
    result = await answer(hass, result, queue=True, state_from="optimistic")
    assert result["step_id"] == "number"
    assert "expire_after" not in fields_of(result)
    assert "force_update" not in fields_of(result)
    options = {"min": 0.0, "max": 100.0, "step": 1.0, "mode": "box"}
    result = await answer(hass, result, **options, unavailable_when_disconnected=False)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "platform": "number",
        "command_template": "{{ value }}",
        "queue": True,
        "optimistic": True,
        **options,
        "unavailable_when_disconnected": False,
    }
    result = await start(hass, entry, platform="select", name="Speed")
    result = await answer(hass, result, state_from="optimistic")
    assert result["step_id"] == "select"
    result = await answer(
        hass,
        result,
        options=["low", "high"],
        unavailable_when_disconnected=True,
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.living_room_volume", "value": 30},
        blocking=True,
    )
    assert state_of(hass, "number.living_room_volume") == "30"
    await wait_until(lambda: len(ws_server.frames) == 1)
    assert ws_server.frames[0].data == "30"


async def test_reconfigure_number_to_optimistic_and_select_options(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The saved template and options fill the forms; optimistic drops the state."""
    level = entity_subentry(
        "Level",
        "n1",
        "number",
        command_template=LEVEL_TEMPLATE,
        value_path="level",
        expire_after=5,
        **{k: v for k, v in NUMBER_OPTIONS.items() if k != "expire_after"},
    )
    mode = entity_subentry(
        "Mode", "s1", "select", options=["eco", "off"], optimistic=True
    )
    entry = await add_entry(subentries=[level, mode])
    await wait_connected(hass)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "entity"),
        context={"source": "reconfigure", "subentry_id": "n1"},
    )
    result = await answer(hass, result, name="Level")
    assert result["step_id"] == "command_template"
    schema = result["data_schema"]
    assert schema is not None
    assert schema({})["command_template"] == LEVEL_TEMPLATE
    result = await answer(
        hass, result, command_template=LEVEL_TEMPLATE, state_from="optimistic"
    )
    assert result["step_id"] == "number"
    schema = result["data_schema"]
    assert schema is not None
    assert schema({})["max"] == 10.0
    optimistic_options = {
        k: v
        for k, v in NUMBER_OPTIONS.items()
        if k not in {"expire_after", "force_update"}
    }
    result = await answer(hass, result, **{**optimistic_options, "max": 20.0})
    assert result["reason"] == "reconfigure_successful"
    saved = dict(entry.subentries["n1"].data)
    assert saved["optimistic"] is True
    assert saved["max"] == 20.0
    assert not {"value_path", "expire_after", "force_update"} & set(saved)

    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "entity"),
        context={"source": "reconfigure", "subentry_id": "s1"},
    )
    result = await answer(hass, result, name="Mode")
    result = await answer(hass, result, state_from="optimistic")
    assert result["step_id"] == "select"
    schema = result["data_schema"]
    assert schema is not None
    suggested = {
        str(key): key.description["suggested_value"]
        for key in schema.schema
        if key.description
    }
    assert suggested["options"] == ["eco", "off"]
    result = await answer(
        hass,
        result,
        options=["eco", "off", "boost"],
        unavailable_when_disconnected=True,
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.subentries["s1"].data["options"] == ["eco", "off", "boost"]


async def test_add_entity_while_the_connection_is_not_loaded(
    hass: HomeAssistant,
) -> None:
    """No recent messages and no size limit known: typed path, no preview."""
    entry = MockConfigEntry(
        domain=DOMAIN, title="Living room", data=entry_data("ws://127.0.0.1:1/ws")
    )
    entry.add_to_hass(hass)
    assert entry.state is ConfigEntryState.NOT_LOADED
    result = await start(hass, entry, platform="number", name="Level")
    result = await answer(hass, result, command_template="x" * 5000 + "{{ value }}")
    assert result["step_id"] == "value"
    result = await answer(hass, result, value_path="level")
    result = await answer(hass, result)
    result = await answer(hass, result, **NUMBER_OPTIONS)
    assert result["step_id"] == "no_match"
    result = await answer(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY

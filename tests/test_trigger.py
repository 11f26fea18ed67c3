"""The websocket_client trigger: validation, filters, variables, fan-out."""

from __future__ import annotations

from collections.abc import Callable
import json
import logging
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers.trigger import (
    async_initialize_triggers,
    async_validate_trigger_config,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_mock_service,
)
import voluptuous as vol

from custom_components.websocket_client.const import DOMAIN, EVENT_MESSAGE
from custom_components.websocket_client.trigger import (
    async_validate_trigger_config as validate_websocket_trigger,
)

from .helpers import BAD_FILTERS, EVENTS_ON, EntryFactory, wait_until
from .servers.ws_server import RecordingWebSocketServer

# Rendered as JSON so that the template engine gives back exactly the text
VARIABLES = {"text": "{{ trigger.text | to_json }}", "type": "{{ trigger.type }}"}
type Runs = list[dict[str, Any]]


async def attach(
    hass: HomeAssistant, configs: list[dict[str, Any]]
) -> tuple[Runs, Callable[[], None]]:
    """Attach triggers the way automations do; returns their runs' variables."""
    runs: Runs = []

    async def action(run_variables: dict[str, Any], context: Any = None) -> None:
        runs.append(run_variables["trigger"])

    validated = await async_validate_trigger_config(
        hass, [{"platform": DOMAIN, **config} for config in configs]
    )
    remove = await async_initialize_triggers(
        hass, validated, action, DOMAIN, "test", logging.getLogger(__name__).log
    )
    assert remove is not None
    return runs, remove


async def add_automations(
    hass: HomeAssistant, triggers: list[dict[str, Any]]
) -> list[ServiceCall]:
    """One automation per trigger, each recording its runs as test.automation."""
    calls = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "alias": f"automation {index}",
                    "triggers": [trigger],
                    "actions": [
                        {
                            "action": "test.automation",
                            "data": {"automation": index, **VARIABLES},
                        }
                    ],
                }
                for index, trigger in enumerate(triggers)
            ]
        },
    )
    await hass.async_block_till_done()
    return calls


async def connected_entry(add_entry: EntryFactory, **options: Any) -> MockConfigEntry:
    """An approved entry with an open connection."""
    entry = await add_entry(options=options)
    await wait_until(lambda: entry.runtime_data.is_connected)
    return entry


async def test_text_message_variables(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A JSON text message reaches the automation with every variable."""
    entry = await connected_entry(add_entry)
    runs, _ = await attach(hass, [{"config_entry_id": entry.entry_id, "id": "bell"}])
    await ws_server.push_text('{"op": "doorbell", "n": 1.5}')
    await wait_until(lambda: len(runs) == 1)
    assert runs[0] == {
        "id": "bell",
        "idx": "0",
        "alias": None,
        "platform": DOMAIN,
        "config_entry_id": entry.entry_id,
        "name": "Living room",
        "type": "text",
        "text": '{"op": "doorbell", "n": 1.5}',
        "size": 28,
        "json": {"op": "doorbell", "n": 1.5},
        "data_base64": None,
        "description": "text message from Living room",
    }


async def test_binary_message_variables(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A binary message carries its bytes as base64 and no text."""
    entry = await connected_entry(add_entry)
    runs, _ = await attach(hass, [{"config_entry_id": entry.entry_id}])
    await ws_server.push_bytes(b"\x00\x01\xff")
    await wait_until(lambda: len(runs) == 1)
    assert runs[0]["type"] == "binary"
    assert runs[0]["data_base64"] == "AAH/"
    assert runs[0]["text"] is None
    assert runs[0]["json"] is None
    assert runs[0]["size"] == 3


async def test_filters(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """type, match and match_regex each pass exactly the messages they describe."""
    entry = await connected_entry(add_entry)
    base = {"config_entry_id": entry.entry_id}
    runs, _ = await attach(
        hass,
        [
            base,
            {**base, "type": "binary"},
            {**base, "type": "text", "match": {"op": "doorbell"}},
            {**base, "match_regex": "^ALARM"},
            {**base, "match": {"deep": {"x": 1}}},
        ],
    )
    messages = [
        '{"op": "doorbell", "extra": true}',
        '{"op": "doorbell2"}',
        "ALARM kitchen",
        "no ALARM",
        '{"deep": {"x": 1, "y": 2}}',
        '{"deep": {"x": "1"}}',
    ]
    for text in messages:
        await ws_server.push_text(text)
    await ws_server.push_bytes(b"ALARM")
    # The unfiltered trigger sees everything, last of all the binary message:
    # once it has run seven times, every filter has seen every message.
    await wait_until(lambda: sum(run["idx"] == "0" for run in runs) == 7)
    seen = {
        index: [
            run["text"] or run["data_base64"] for run in runs if run["idx"] == index
        ]
        for index in ("1", "2", "3", "4")
    }
    assert seen == {
        "1": ["QUxBUk0="],
        "2": ['{"op": "doorbell", "extra": true}'],
        "3": ["ALARM kitchen"],
        "4": ['{"deep": {"x": 1, "y": 2}}'],
    }


async def test_whole_message_beyond_event_limit(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The trigger carries the whole message; the recorded event is cut."""
    entry = await connected_entry(add_entry, **EVENTS_ON)
    events = async_capture_events(hass, EVENT_MESSAGE)
    runs, _ = await attach(hass, [{"config_entry_id": entry.entry_id}])
    text = json.dumps({"blob": "x" * 100_000})
    await ws_server.push_text(text)
    await wait_until(lambda: len(runs) == 1 and len(events) == 1)
    assert runs[0]["text"] == text
    assert runs[0]["json"] == {"blob": "x" * 100_000}
    assert events[0].data["truncated"] is True


async def test_no_bus_event_when_message_events_off(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """With message events off, the trigger still fires and the bus stays quiet."""
    entry = await connected_entry(add_entry, message_events="none")
    events = async_capture_events(hass, EVENT_MESSAGE)
    calls = await add_automations(
        hass, [{"trigger": DOMAIN, "config_entry_id": entry.entry_id}]
    )
    await ws_server.push_text("one")
    await ws_server.push_text("two")
    await wait_until(lambda: len(calls) == 2)
    await hass.async_block_till_done()
    assert events == []


async def test_many_automations_on_one_connection(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Fifty automations each run once per message."""
    entry = await connected_entry(add_entry)
    trigger = {"trigger": DOMAIN, "config_entry_id": entry.entry_id}
    calls = await add_automations(hass, [trigger] * 50)
    await ws_server.push_text("hello")
    await wait_until(lambda: len(calls) == 50)
    assert sorted(call.data["automation"] for call in calls) == list(range(50))


async def test_trigger_survives_entry_reload_and_stops_when_removed(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Reloading the entry keeps the trigger; once removed, it runs no more.

    Removing is what turning an automation off or deleting it does. A second
    trigger, attached later, is the witness: it runs after the first would
    have for the same message.
    """
    entry = await connected_entry(add_entry, message_events="none")
    runs, remove = await attach(hass, [{"config_entry_id": entry.entry_id}])
    witness, _ = await attach(hass, [{"config_entry_id": entry.entry_id}])

    assert await hass.config_entries.async_reload(entry.entry_id)
    await wait_until(lambda: entry.runtime_data.is_connected)
    await ws_server.push_text("after reload")
    await wait_until(lambda: len(witness) == 1)
    assert [run["text"] for run in runs] == ["after reload"]

    remove()
    await ws_server.push_text("after removal")
    await wait_until(lambda: len(witness) == 2)
    assert [run["text"] for run in witness] == ["after reload", "after removal"]
    assert [run["text"] for run in runs] == ["after reload"]


async def test_validation_errors(hass: HomeAssistant, add_entry: EntryFactory) -> None:
    """Unknown connections, bad regexes and two filters fail when saved."""
    entry = await add_entry()
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    base: dict[str, Any] = {"platform": DOMAIN, "config_entry_id": entry.entry_id}
    assert await validate_websocket_trigger(hass, base)
    bad: list[tuple[dict[str, Any], str]] = [
        (
            {**base, "config_entry_id": "nope"},
            "No WebSocket Client connection has the config entry ID nope",
        ),
        (
            {**base, "config_entry_id": other.entry_id},
            f"No WebSocket Client connection has the config entry ID {other.entry_id}",
        ),
        ({**base, "match_regex": "("}, "not a valid regular expression"),
        ({**base, "match": {"a": 1}, "match_regex": "a"}, "at most one of match"),
        ({**base, "type": "json"}, "value must be one of"),
    ]
    for config, message in bad:
        with pytest.raises(vol.Invalid, match=message):
            await validate_websocket_trigger(hass, config)


@pytest.mark.parametrize(("bad_filter", "message"), BAD_FILTERS)
async def test_filter_errors_are_the_request_actions(
    hass: HomeAssistant,
    add_entry: EntryFactory,
    bad_filter: dict[str, Any],
    message: str,
) -> None:
    """A bad filter is refused in the very words of the request action."""
    entry = await add_entry()
    config = {"platform": DOMAIN, "config_entry_id": entry.entry_id, **bad_filter}
    with pytest.raises(vol.Invalid) as err:
        await validate_websocket_trigger(hass, config)
    assert str(err.value) == message

"""The Message event entity, and the message events on the bus it mirrors."""

from __future__ import annotations

import base64
import itertools
import json

from homeassistant.const import EVENT_STATE_CHANGED, Platform
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.json import json_bytes
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
from syrupy.assertion import SnapshotAssertion

from custom_components.websocket_client.const import DOMAIN, EVENT_MESSAGE
from custom_components.websocket_client.event import MIN_WRITE_INTERVAL

from .helpers import (
    EVENTS_ON,
    MESSAGE,
    EntryFactory,
    message_attribute,
    snapshot_connected_platform,
    wait_connected,
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
    """The Message event entity of a connected entry."""
    await snapshot_connected_platform(hass, add_entry, snapshot, Platform.EVENT)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_receive_text_json_and_binary(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Every received message reaches the bus and the Message event entity."""
    messages = async_capture_events(hass, EVENT_MESSAGE)
    entry = await add_entry(options=EVENTS_ON)
    await wait_connected(hass)

    await ws_server.push_text("hello wörld")
    await wait_until(lambda: len(messages) == 1)
    assert messages[0].data == {
        "entry_id": entry.entry_id,
        "name": "Living room",
        "type": "text",
        "text": "hello wörld",
        "size": len("hello wörld".encode()),
    }
    event_state = hass.states.get(MESSAGE)
    assert event_state is not None
    assert event_state.attributes["event_type"] == "text"
    assert event_state.attributes["text"] == "hello wörld"

    await ws_server.push_text('{"temp": 21.5, "on": true}')
    await wait_until(lambda: len(messages) == 2)
    assert messages[1].data["json"] == {"temp": 21.5, "on": True}
    assert messages[1].data["text"] == '{"temp": 21.5, "on": true}'

    await ws_server.push_bytes(b"\x00\x01\xfe\xff")
    await wait_until(lambda: len(messages) == 3)
    assert messages[2].data == {
        "entry_id": entry.entry_id,
        "name": "Living room",
        "type": "binary",
        "data_base64": base64.b64encode(b"\x00\x01\xfe\xff").decode(),
        "size": 4,
    }
    await wait_until(lambda: message_attribute(hass, "event_type") == "binary")
    assert message_attribute(hass, "data_base64") == "AAH+/w=="


async def test_disabled_for_new_connections_kept_by_existing_ones(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """A new connection's Message entity starts disabled, writing nothing.

    One registered before (enabled, as every earlier version made it) stays
    enabled and follows the messages.
    """
    messages = async_capture_events(hass, EVENT_MESSAGE)
    new = await add_entry(options=EVENTS_ON)
    message_entity = entity_registry.async_get(MESSAGE)
    assert message_entity is not None
    assert message_entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    existing = "event.kitchen_message"
    entity_registry.async_get_or_create(
        Platform.EVENT,
        DOMAIN,
        "kitchen_message",
        config_entry=None,
        suggested_object_id="kitchen_message",
    )
    kitchen = await add_entry(title="Kitchen", entry_id="kitchen", options=EVENTS_ON)
    await wait_connected(hass)
    await wait_until(lambda: len(ws_server.clients) == 2)
    await ws_server.push_text("to everyone")
    await wait_until(lambda: len(messages) == 2)
    assert {event.data["entry_id"] for event in messages} == {
        new.entry_id,
        kitchen.entry_id,
    }

    def existing_shows_it() -> bool:
        state = hass.states.get(existing)
        return state is not None and state.attributes.get("text") == "to everyone"

    await wait_until(existing_shows_it)
    assert hass.states.get(MESSAGE) is None


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_message_entity_is_paced_but_shows_the_latest(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A burst is every bus event but entity writes at most every 0.25 s.

    The first message shows at once, the last one in the end, and those in
    between in order. Write times are loop times taken as each write happens,
    so the spacing holds however fast or slow the burst arrives.
    """
    messages = async_capture_events(hass, EVENT_MESSAGE)
    await add_entry(options=EVENTS_ON)
    await wait_connected(hass)
    writes: list[tuple[float, str]] = []

    @callback  # in the loop, as the state is written
    def _on_write(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if event.data["entity_id"] == MESSAGE and new is not None:
            writes.append((hass.loop.time(), new.attributes["text"]))

    hass.bus.async_listen(EVENT_STATE_CHANGED, _on_write)
    for n in range(50):
        await ws_server.push_text(f"burst {n}")
    await wait_until(lambda: len(messages) == 50)
    await wait_until(lambda: message_attribute(hass, "text") == "burst 49")
    times = [time for time, _ in writes]
    shown = [int(text.removeprefix("burst ")) for _, text in writes]
    assert shown[0] == 0
    assert shown[-1] == 49
    assert shown == sorted(set(shown))
    # The writes are timed from just before the state is set; our listener
    # runs just after, within the same call: allow that moment.
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert all(gap > MIN_WRITE_INTERVAL - 0.01 for gap in gaps), gaps


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_payload_limit_keeps_events_within_it(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Over the limit: json left out first, then text or base64 cut and flagged."""
    messages = async_capture_events(hass, EVENT_MESSAGE)
    await add_entry(options={**EVENTS_ON, "event_payload_limit": 1024})
    await wait_connected(hass)
    accented = "é" * 1000  # 2000 bytes
    mid_json = json.dumps({"k": "v" * 600})
    raw = bytes(range(256)) * 4
    await ws_server.push_text(accented)
    await ws_server.push_text(mid_json)
    await ws_server.push_bytes(raw)
    await ws_server.push_text('{"short": true}')
    await wait_until(lambda: len(messages) == 4)
    for message in messages:
        assert len(json_bytes(message.data)) <= 1024
    cut_text, no_json, cut_binary, short = (m.data for m in messages)
    assert cut_text["truncated"] is True
    assert cut_text["size"] == 2000
    assert 0 < len(cut_text["text"]) < 1000
    assert accented.startswith(cut_text["text"])
    assert no_json["truncated"] is True
    assert no_json["text"] == mid_json
    assert "json" not in no_json
    assert cut_binary["truncated"] is True
    kept = base64.b64decode(cut_binary["data_base64"])
    assert 0 < len(kept) < len(raw)
    assert raw.startswith(kept)
    assert short["json"] == {"short": True}
    assert "truncated" not in short
    await wait_until(lambda: message_attribute(hass, "json") == {"short": True})

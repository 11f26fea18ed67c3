"""The integration's bus events: message events as the options say, fitted to a limit.

Connected and disconnected events are shown with the client's life cycle in
test_client.py, dropped sends in test_sender.py.
"""

from __future__ import annotations

import base64
import json

from homeassistant.core import HomeAssistant
from homeassistant.helpers.json import json_bytes
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.websocket_client.bus import cut_text, message_event_data
from custom_components.websocket_client.const import EVENT_MESSAGE
from custom_components.websocket_client.message import ReceivedMessage
from tests.helpers import EVENTS_ON, EntryFactory, wait_connected, wait_until
from tests.servers.ws_server import RecordingWebSocketServer


def received(payload: str | bytes) -> ReceivedMessage:
    """A message of the entry "Living room"."""
    return ReceivedMessage("entry", "Living room", payload)


async def test_a_new_connection_fires_no_message_events(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Message events are opt-in: a message arrives, and no event is on the bus."""
    events = async_capture_events(hass, EVENT_MESSAGE)
    entry = await add_entry()
    assert "message_events" not in entry.options
    await wait_connected(hass)
    await ws_server.push_text("quiet")
    await wait_until(lambda: entry.runtime_data.statistics.messages_received == 1)
    assert events == []


async def test_message_events_follow_the_option_without_reconnecting(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Turned off, no events; on again, events; one connection all along."""
    events = async_capture_events(hass, EVENT_MESSAGE)
    entry = await add_entry(options={"message_events": "none"})
    received = entry.runtime_data.statistics
    await wait_connected(hass)
    await ws_server.push_text("quiet")
    await wait_until(lambda: received.messages_received == 1)

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "message_events": "all"}
    )
    await hass.async_block_till_done()
    await ws_server.push_text("loud")
    await wait_until(lambda: len(events) == 1)
    assert events[0].data["text"] == "loud"
    assert events[0].data["entry_id"] == entry.entry_id
    assert events[0].data["name"] == "Living room"

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "message_events": "none"}
    )
    await hass.async_block_till_done()
    await ws_server.push_text("quiet again")
    await wait_until(lambda: received.messages_received == 3)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "message_events": "all"}
    )
    await hass.async_block_till_done()
    await ws_server.push_text("loud again")
    await wait_until(lambda: len(events) == 2)
    assert [event.data["text"] for event in events] == ["loud", "loud again"]
    assert ws_server.handshakes == 1


async def test_a_smaller_payload_limit_applies_to_the_next_message(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The limit changes without a new connection; the text is cut to fit it."""
    events = async_capture_events(hass, EVENT_MESSAGE)
    entry = await add_entry(options=EVENTS_ON)
    await wait_connected(hass)
    text = "x" * 2000
    await ws_server.push_text(text)
    await wait_until(lambda: len(events) == 1)
    assert events[0].data["text"] == text

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "event_payload_limit": 1024}
    )
    await hass.async_block_till_done()
    await ws_server.push_text(text)
    await wait_until(lambda: len(events) == 2)
    assert events[1].data["truncated"] is True
    assert events[1].data["size"] == 2000
    assert text.startswith(events[1].data["text"])
    assert len(events[1].data["text"]) < 1024
    assert ws_server.handshakes == 1


def test_small_messages_are_carried_whole() -> None:
    """Below the limit: text, size and parsed JSON; base64 for binary."""
    assert message_event_data(received('{"on": true}'), 1024) == {
        "entry_id": "entry",
        "name": "Living room",
        "type": "text",
        "text": '{"on": true}',
        "size": 12,
        "json": {"on": True},
    }
    assert message_event_data(received(b"\x01\x02"), 1024) == {
        "entry_id": "entry",
        "name": "Living room",
        "type": "binary",
        "data_base64": "AQI=",
        "size": 2,
    }


def test_json_goes_first_when_the_text_alone_fits() -> None:
    """Text and its parsed copy over the limit: the copy is left out."""
    text = json.dumps({"k": "v" * 600})
    data = message_event_data(received(text), 1024)
    assert data["text"] == text
    assert "json" not in data
    assert data["truncated"] is True
    assert len(json_bytes(data)) <= 1024


@pytest.mark.parametrize(
    "text", ["é" * 1000, "a" * 5000, '"\\' * 800, "\n\t" * 900, "✓x" * 700]
)
def test_text_is_cut_to_the_limit_on_a_character_boundary(text: str) -> None:
    """Cut text is a prefix of the original, flagged, with the original size."""
    data = message_event_data(received(text), 1024)
    assert data["truncated"] is True
    assert data["size"] == len(text.encode())
    assert 0 < len(data["text"]) < len(text)
    assert text.startswith(data["text"])
    assert len(json_bytes(data)) <= 1024


def test_binary_is_cut_to_whole_base64_quads() -> None:
    """Cut binary decodes to a prefix of the original bytes."""
    raw = bytes(range(256)) * 4
    data = message_event_data(received(raw), 1024)
    assert data["truncated"] is True
    assert data["size"] == len(raw)
    assert len(data["data_base64"]) % 4 == 0
    kept = base64.b64decode(data["data_base64"])
    assert 0 < len(kept) < len(raw)
    assert raw.startswith(kept)
    assert len(json_bytes(data)) <= 1024


def test_near_the_limit_measures_and_keeps_what_fits() -> None:
    """Escaping might have doubled it, but it fits: nothing is cut."""
    text = "x" * 600
    data = message_event_data(received(text), 1024)
    assert data["text"] == text
    assert "truncated" not in data
    raw = bytes(300)
    data = message_event_data(received(raw), 1024)
    assert base64.b64decode(data["data_base64"]) == raw
    assert "truncated" not in data


def test_a_limit_below_the_overhead_leaves_empty_payloads() -> None:
    """A limit too small for any payload still gives a flagged event."""
    text_data = message_event_data(received("hello"), 0)
    assert text_data["text"] == ""
    assert text_data["truncated"] is True
    binary_data = message_event_data(received(b"hello"), 0)
    assert binary_data["data_base64"] == ""
    assert binary_data["truncated"] is True


def test_cut_text_never_splits_a_character() -> None:
    """At most `limit` bytes, dropping a partial character."""
    assert cut_text("aé", 2) == "a"
    assert cut_text("aé", 3) == "aé"
    assert cut_text("", 5) == ""

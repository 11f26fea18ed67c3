"""The integration's bus events: message events as the options say, fitted to a limit.

Connected and disconnected events are shown with the client's life cycle in
test_client.py, dropped sends in test_sender.py.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.websocket_client.const import EVENT_MESSAGE
from tests.helpers import EntryFactory, wait_connected, wait_until
from tests.servers.ws_server import RecordingWebSocketServer


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
    entry = await add_entry()
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

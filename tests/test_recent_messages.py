"""The connection's recent messages: bounded, newest first, timed, gone on unload."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.websocket_client.recent_messages import (
    RECENT_MESSAGES,
    RecentMessages,
)

from .helpers import EntryFactory, wait_connected, wait_until
from .servers.ws_server import RecordingWebSocketServer


def test_bounded_newest_first() -> None:
    """The oldest message goes when the bound is reached."""
    recent = RecentMessages("entry", "Living room", size=3)
    assert recent.newest_first() == []
    for number in range(5):
        recent.add(str(number))
    assert [kept.message.text for kept in recent.newest_first()] == ["4", "3", "2"]
    recent.clear()
    assert recent.newest_first() == []


def test_each_message_has_the_time_it_arrived() -> None:
    """The time is the time of arrival, in UTC."""
    before = dt_util.utcnow()
    recent = RecentMessages("entry", "Living room")
    recent.add(b"\x01")
    (kept,) = recent.newest_first()
    assert before - timedelta(seconds=1) <= kept.received <= dt_util.utcnow()
    assert kept.received.tzinfo is not None
    assert kept.message.data == b"\x01"


async def test_the_client_keeps_what_the_server_sent(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """Every received message is kept, within the bound, until the entry unloads."""
    entry = await add_entry()
    await wait_connected(hass)
    client = entry.runtime_data
    for number in range(RECENT_MESSAGES + 2):
        await ws_server.push_text(f'{{"n": {number}}}')
    await ws_server.push_bytes(b"\x00")
    await wait_until(lambda: client.statistics.messages_received == RECENT_MESSAGES + 3)
    kept = client.recent_messages.newest_first()
    assert len(kept) == RECENT_MESSAGES
    assert kept[0].message.data == b"\x00"
    assert kept[1].message.json == {"n": RECENT_MESSAGES + 1}
    assert kept[-1].message.json == {"n": 3}
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert client.recent_messages.newest_first() == []

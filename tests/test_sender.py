"""Sending now or through the send queue, as the send action's caller sees it.

The queue's fault cases (order across reconnects, overflow, expiry, unloading,
nothing sent twice) are in faults/test_fault_outbound.py; the queue itself in
connection/test_outbox.py. Here what the sender adds: queue limits that follow
the options, counting, and what a dropped message reports.
"""

from __future__ import annotations

from datetime import datetime
import logging
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.websocket_client.const import DOMAIN, EVENT_SEND_DROPPED
from tests.helpers import EntryFactory, wait_connected, wait_until
from tests.servers.ws_server import RecordingWebSocketServer


async def send(hass: HomeAssistant, entry_id: str, **data: Any) -> None:
    """Call the send action."""
    await hass.services.async_call(
        DOMAIN, "send", {"config_entry_id": entry_id, **data}, blocking=True
    )


async def test_queue_while_connected_sends_at_once(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Nothing waiting: a queued send goes out when the action returns."""
    entry = await add_entry()
    await wait_connected(hass)
    await send(hass, entry.entry_id, message="now", queue=True)
    assert entry.runtime_data.queued_messages == 0
    assert entry.runtime_data.statistics.messages_sent == 1
    await wait_until(lambda: len(ws_server.frames) == 1)
    assert ws_server.frames[0].data == "now"


async def test_queued_messages_count_as_sent_once_sent(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Waiting messages are not sent messages; flushed ones are."""
    entry = await add_entry(connection_enabled=False)
    await send(hass, entry.entry_id, message="a", queue=True)
    await send(hass, entry.entry_id, data_base64="AAE=", queue=True)
    statistics = entry.runtime_data.statistics
    assert entry.runtime_data.queued_messages == 2
    assert statistics.messages_sent == 0
    await hass.services.async_call(
        DOMAIN, "connect", {"config_entry_id": entry.entry_id}, blocking=True
    )
    await wait_until(lambda: len(ws_server.frames) == 2)
    await wait_until(lambda: statistics.messages_sent == 2)
    assert entry.runtime_data.queued_messages == 0


async def test_queue_limits_follow_the_options_at_once(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A larger queue size takes more at once, without touching what waits."""
    entry = await add_entry(connection_enabled=False, options={"queue_size": 1})
    await send(hass, entry.entry_id, message="first", queue=True)
    with pytest.raises(HomeAssistantError) as err:
        await send(hass, entry.entry_id, message="refused", queue=True)
    assert err.value.translation_key == "send_queue_full"

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "queue_size": 3}
    )
    await hass.async_block_till_done()
    await send(hass, entry.entry_id, message="second", queue=True)
    await send(hass, entry.entry_id, message="third", queue=True)
    with pytest.raises(HomeAssistantError):
        await send(hass, entry.entry_id, message="fourth", queue=True)
    assert entry.runtime_data.queued_messages == 3


async def test_a_dropped_message_says_when_it_was_queued(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The event carries when it was queued; the log says how long it waited."""
    dropped = async_capture_events(hass, EVENT_SEND_DROPPED)
    entry = await add_entry(connection_enabled=False, options={"queue_max_age": 0.2})
    before = dt_util.utcnow()
    await send(hass, entry.entry_id, message="stale", queue=True)
    after = dt_util.utcnow()
    await wait_until(lambda: len(dropped) == 1)
    queued_at = datetime.fromisoformat(dropped[0].data["queued_at"])
    # Taken back from the loop's clock when dropped: within a little of the call
    assert before.timestamp() - 0.05 <= queued_at.timestamp()
    assert queued_at.timestamp() <= after.timestamp() + 0.05
    assert queued_at.utcoffset() is not None
    warnings = [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING and "dropped" in record.getMessage()
    ]
    assert warnings == [
        "Living room: dropped a queued text message (expired) after 0 s"
    ]

"""The client's life cycle: connect, reconnect, retry, idle timeout, unload, stop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import logging

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, STATE_OFF
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.websocket_client.const import (
    DOMAIN,
    EVENT_CONNECTED,
    EVENT_DISCONNECTED,
    EVENT_MESSAGE,
    EVENT_SEND_DROPPED,
)
from custom_components.websocket_client.options import CONF_HEARTBEAT, CONF_IDLE_TIMEOUT

from .helpers import (
    CONNECTED,
    EVENTS_ON,
    STATUS,
    EntryFactory,
    PeerStarter,
    RetryWitness,
    state_of,
    status_changes,
    wait_connected,
    wait_until,
)
from .servers.raw_peer import OP_BINARY, OP_PING, OP_PONG, OP_TEXT, frame, read_frame
from .servers.ws_server import RecordingWebSocketServer


async def test_approved_entry_connects_and_reports(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """An approved entry connects, shows Connected/connected and fires the event."""
    connected = async_capture_events(hass, EVENT_CONNECTED)
    entry = await add_entry(url=f"{ws_server.url}?token=s3cret")
    await wait_connected(hass)
    assert ws_server.handshakes == 1
    assert ws_server.request_paths == ["/ws?token=s3cret"]
    await wait_until(lambda: len(connected) == 1)
    assert connected[0].data == {
        "entry_id": entry.entry_id,
        "name": "Living room",
        "url": f"{ws_server.url}?token=***",
    }


async def test_reconnects_after_server_closes(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A server close fires disconnected, then the connection comes back by itself."""
    caplog.set_level(logging.INFO, logger="custom_components.websocket_client")
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    connected = async_capture_events(hass, EVENT_CONNECTED)
    entry = await add_entry()
    await wait_connected(hass)

    await ws_server.close_clients(code=1011, message=b"server restarting")
    await wait_until(lambda: len(disconnected) == 1)
    assert disconnected[0].data == {
        "entry_id": entry.entry_id,
        "name": "Living room",
        "reason": "closed_by_server",
        "close_code": 1011,
        "server_reason": "server restarting",
    }
    await wait_until(lambda: len(connected) == 2)
    await wait_connected(hass)
    assert ws_server.handshakes == 2
    down = [r for r in caplog.records if "no connection" in r.getMessage()]
    back = [r for r in caplog.records if "again" in r.getMessage()]
    assert len(down) == 1
    assert len(back) == 1


async def test_retries_while_server_is_down_logging_once(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Refused connects are retried at the interval, with one log line per outage."""
    caplog.set_level(logging.INFO, logger="custom_components.websocket_client")
    url = ws_server.url
    await ws_server.stop()
    attempts = status_changes(hass, "connecting")
    await add_entry(url=url)
    await wait_until(lambda: state_of(hass, STATUS) == "waiting_to_retry")
    assert state_of(hass, CONNECTED) == STATE_OFF
    # Five further attempts (0.1 s apart): still a single line for the outage.
    await wait_until(lambda: len(attempts) >= 6)
    lines = [
        r.getMessage() for r in caplog.records if "no connection" in r.getMessage()
    ]
    assert len(lines) == 1
    assert "retrying every 0.1 s" in lines[0]

    ws_server.port = int(url.split(":")[2].split("/")[0])
    await ws_server.start()
    await wait_connected(hass)
    assert any("again" in r.getMessage() for r in caplog.records)


async def test_idle_timeout_drops_and_reconnects(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A server that sends nothing, not even pongs, is dropped after the idle time."""
    ws_server.autoping = False
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    await add_entry(options={CONF_IDLE_TIMEOUT: 0.3, CONF_HEARTBEAT: 0})
    await wait_connected(hass)
    await wait_until(lambda: len(disconnected) == 1)
    assert disconnected[0].data["close_code"] == 1001
    assert disconnected[0].data["reason"] == "idle"
    await wait_until(lambda: ws_server.handshakes >= 2)


async def test_pushed_traffic_keeps_an_idle_connection_alive(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Traffic within the idle time keeps the connection open; silence then ends it."""
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    messages = async_capture_events(hass, EVENT_MESSAGE)
    await add_entry(options={**EVENTS_ON, CONF_IDLE_TIMEOUT: 0.5, CONF_HEARTBEAT: 0})
    await wait_connected(hass)

    def arrived(count: int) -> Callable[[], bool]:
        return lambda: len(messages) == count

    for ticks in range(1, 9):
        await ws_server.push_text("tick")
        await wait_until(arrived(ticks))
        # Each gap is under the idle time (0.5 s), all together well over it.
        await asyncio.sleep(0.2)  # the gap is the point: fixed on purpose
    assert disconnected == []
    assert ws_server.handshakes == 1
    # The idle rule was armed all along: silence now ends the connection, counted
    # from the last tick, not from the start.
    last_tick = messages[-1].time_fired
    await wait_until(lambda: len(disconnected) == 1)
    assert (disconnected[0].time_fired - last_tick).total_seconds() >= 0.45


async def test_heartbeat_pongs_count_as_traffic(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pongs answering our heartbeat are traffic: the idle rule does not fire."""
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    entry = await add_entry(options={CONF_IDLE_TIMEOUT: 0.5, CONF_HEARTBEAT: 0.2})
    await wait_connected(hass)
    client = entry.runtime_data
    answered: list[float] = []
    record = client.heartbeat_answered

    def count_answer(round_trip: float) -> None:
        answered.append(round_trip)
        record(round_trip)

    # A spy, not a stand-in: the client still handles every answer itself.
    monkeypatch.setattr(client, "heartbeat_answered", count_answer)
    # Six answered pings span about 1.2 s: over twice the idle time.
    await wait_until(lambda: len(answered) >= 6)
    assert disconnected == []
    assert ws_server.handshakes == 1


async def test_unload_closes_going_away_and_leaves_nothing_running(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Unloading closes with 1001; the cleanup checks find no lingering tasks."""
    entry = await add_entry()
    await wait_connected(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    await wait_until(lambda: ws_server.client_close_codes == [1001])
    assert ws_server.clients == []


async def test_shutdown_during_a_reconnect_stays_shut_down(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
) -> None:
    """A reconnect under way when the entry goes away neither connects nor wins."""
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    entry = await add_entry()
    await wait_connected(hass)
    client = entry.runtime_data
    await asyncio.gather(client.async_reconnect(), client.async_shutdown())
    await wait_until(lambda: ws_server.client_close_codes == [1001])
    await retry_witness.wait_retries()
    assert ws_server.handshakes == 1
    assert [event.data["close_code"] for event in disconnected] == [1001]
    assert state_of(hass, STATUS) == "disconnected"


async def test_queue_survives_a_peer_that_stopped_reading(
    hass: HomeAssistant, start_peer: PeerStarter, add_entry: EntryFactory
) -> None:
    """The queue stuck on a peer that stopped reading goes out on the next connection.

    What the first connection took into its socket buffers is sent, and lost with
    that connection; every other queued message reaches a later connection, whole, once
    and in order. Every message is counted as sent exactly once.
    """
    received: list[tuple[int, bytes]] = []

    async def stalls_then_reads(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        if peer.connections == 1:
            await asyncio.Event().wait()  # keeps TCP open, never reads
        while True:
            opcode, data = await read_frame(reader)
            if opcode == OP_PING:
                writer.write(frame(OP_PONG, data))
            elif opcode in (OP_TEXT, OP_BINARY):
                received.append((opcode, data))

    dropped = async_capture_events(hass, EVENT_SEND_DROPPED)
    peer = await start_peer(stalls_then_reads)
    entry = await add_entry(
        url=peer.url, connection_enabled=False, options={CONF_HEARTBEAT: 0.3}
    )
    client = entry.runtime_data
    # More than the socket buffers take: the flush waits for room in them.
    binaries = [bytes([n]) * 1_000_000 for n in range(10)]
    for payload in binaries:
        await client.async_send(payload, queue=True)
    await client.async_send("last", queue=True)
    await client.async_connect()
    # Only later connections read: the first never does.
    await wait_until(lambda: (OP_TEXT, b"last") in received, timeout=15)
    assert received[-1] == (OP_TEXT, b"last")
    # Which queued binary each later frame is, whole (-1: none of them)
    later = [
        binaries.index(data) if opcode == OP_BINARY and data in binaries else -1
        for opcode, data in received[:-1]
    ]
    # A suffix of the queue: what the first connection did not take, in order.
    assert later == list(range(10 - len(later), 10))
    assert len(later) >= 1  # the first connection's buffers cannot take ten megabytes
    assert client.statistics.messages_sent == 10 + 1
    assert dropped == []


async def test_home_assistant_stop_closes_going_away(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Home Assistant stopping closes the connection with 1001."""
    await add_entry()
    await wait_connected(hass)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    await wait_until(lambda: ws_server.client_close_codes == [1001])


async def test_status_shows_logging_in_until_the_server_accepts(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Logging in: not connected, nothing sent; then connected after the reply."""
    entry = await add_entry(
        options={
            "on_connect": [{"message": "login"}],
            "on_connect_reply": {"ok": True},
        }
    )
    await wait_until(
        lambda: state_of(hass, "sensor.living_room_status") == "logging_in"
    )
    assert state_of(hass, "binary_sensor.living_room_connected") == "off"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send",
            {"config_entry_id": entry.entry_id, "message": "early"},
            blocking=True,
        )
    assert err.value.translation_placeholders == {
        "name": "Living room",
        "status": "logging_in",
    }
    await ws_server.push_text('{"ok": true}')
    await wait_connected(hass)
    assert state_of(hass, "sensor.living_room_status") == "connected"
    assert [frame.data for frame in ws_server.frames] == ["login"]

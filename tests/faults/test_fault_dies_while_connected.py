"""Fault family 2: the connection dies while connected.

The server closes with various codes, resets TCP in the middle of a frame, or
goes silent. Each time the user sees the disconnect event with the reason, one
log line down and one back, and the connection returns by itself.

A reset that comes in just as the client writes (a heartbeat ping, the pong to
a server's ping, an action's message, the closing frame on unload) is made
exact by blocking the event loop while a peer in its own thread resets the
connection (see tests/servers/thread_peer.py): the loop then sees the reset first and
the write finds the connection going away.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.websocket_client.connection.pacing import MAX_BURST
from custom_components.websocket_client.const import (
    DOMAIN,
    EVENT_CONNECTED,
    EVENT_DISCONNECTED,
    EVENT_MESSAGE,
)
from tests.helpers import (
    EVENTS_ON,
    LAST_ERROR,
    EntryFactory,
    PeerStarter,
    ResettingPeerStarter,
    state_of,
    wait_connected,
    wait_until,
)
from tests.servers.raw_peer import (
    OP_PING,
    OP_TEXT,
    drain_until_closed,
    frame,
    read_frame,
)
from tests.servers.ws_server import RecordingWebSocketServer


def log_lines(caplog: pytest.LogCaptureFixture, text: str) -> int:
    """How many of our log lines contain `text`."""
    return sum(
        text in record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.websocket_client")
    )


def loud_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log lines a user would notice: errors, and tracebacks above debug level.

    (asyncio in debug mode logs a reset it reads with a traceback, at debug.)
    """
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR
        or (record.exc_info and record.levelno > logging.DEBUG)
    ]


def at_first_connect(hass: HomeAssistant, action: Callable[[str], None]) -> None:
    """Run `action(entry_id)` in the loop iteration after the first connect.

    The connected event fires as the connection opens; one iteration later
    the receive loop has started and waits for the first frame.
    """

    @callback
    def _connected(event: Event) -> None:
        hass.loop.call_soon(action, event.data["entry_id"])

    hass.bus.async_listen_once(EVENT_CONNECTED, _connected)


@pytest.mark.parametrize(
    ("code", "reason"),
    [(1000, "bye"), (1001, "going away"), (1011, "internal error"), (4321, "custom")],
)
async def test_server_closes(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
    code: int,
    reason: str,
) -> None:
    """Any close code: reported as sent, then reconnected; one line each way."""
    caplog.set_level(logging.INFO, logger="custom_components.websocket_client")
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    await add_entry()
    await wait_connected(hass)
    await ws_server.close_clients(code, reason.encode())
    await wait_until(lambda: len(disconnected) == 1)
    assert disconnected[0].data["close_code"] == code
    assert disconnected[0].data["reason"] == "closed_by_server"
    assert disconnected[0].data["server_reason"] == reason
    await wait_until(lambda: ws_server.handshakes == 2)
    await wait_connected(hass)
    assert log_lines(caplog, "no connection to") == 1
    assert log_lines(caplog, "connected to") == 1  # "... again"


async def test_tcp_reset_in_the_middle_of_a_frame(
    hass: HomeAssistant,
    start_peer: PeerStarter,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """A half frame then a reset: the whole messages before it arrive, not the half."""

    async def reset_mid_frame(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        delivered = len(messages)
        writer.write(frame(OP_TEXT, b"complete"))
        writer.write(frame(OP_TEXT, b"never finished")[:6])
        await writer.drain()
        # Reset only once the whole message arrived: a reset can discard
        # bytes the client has not read yet.
        await wait_until(lambda: len(messages) > delivered)
        writer.transport.abort()

    messages = async_capture_events(hass, EVENT_MESSAGE)
    peer = await start_peer(reset_mid_frame)
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    await add_entry(url=peer.url, options=EVENTS_ON)
    await wait_until(lambda: peer.connections >= 2)
    assert len(messages) >= 1
    assert all(m.data["text"] == "complete" for m in messages)
    assert disconnected[0].data["close_code"] == 1006


async def test_silent_server_caught_by_heartbeat(
    hass: HomeAssistant,
    start_peer: PeerStarter,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """No pong and no traffic: dropped half a heartbeat after the ping, retried."""
    pings_seen: list[int] = []

    async def deaf(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        frames = await drain_until_closed(reader)
        pings_seen.append(sum(opcode == 9 for opcode, _ in frames))

    peer = await start_peer(deaf)
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    await add_entry(url=peer.url, options={"heartbeat": 0.2, "idle_timeout": 0})
    await wait_until(lambda: len(disconnected) >= 1)
    assert disconnected[0].data["reason"] == "no_heartbeat_answer"
    await wait_until(lambda: peer.connections >= 2)
    await wait_until(lambda: len(pings_seen) >= 1)
    assert pings_seen[0] == 1


async def test_silent_server_caught_by_idle_timeout(
    hass: HomeAssistant,
    start_peer: PeerStarter,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """Heartbeat off: the idle timeout drops a server that sends nothing."""

    async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await drain_until_closed(reader)

    peer = await start_peer(mute)
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    await add_entry(url=peer.url, options={"heartbeat": 0, "idle_timeout": 0.3})
    await wait_until(lambda: len(disconnected) >= 1)
    assert disconnected[0].data == {
        **disconnected[0].data,
        "close_code": 1001,
        "reason": "idle",
    }
    await wait_until(lambda: peer.connections >= 2)


async def test_answered_pings_keep_the_connection(
    hass: HomeAssistant,
    start_peer: PeerStarter,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """A server that answers pings but is otherwise quiet is not dropped."""
    pongs_sent = 0

    async def polite(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        nonlocal pongs_sent
        while True:
            opcode, payload = await read_frame(reader)
            if opcode == 9:
                writer.write(frame(10, payload))
                await writer.drain()
                pongs_sent += 1

    peer = await start_peer(polite)
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    entry = await add_entry(
        url=peer.url, options={"heartbeat": 0.1, "idle_timeout": 0.3}
    )
    await wait_until(lambda: entry.runtime_data.is_connected)
    # Ten pings 0.1 s apart span three times the idle timeout (0.3 s).
    await wait_until(lambda: pongs_sent >= 10)
    assert disconnected == []
    assert peer.connections == 1
    assert entry.runtime_data.statistics.heartbeat_round_trip is not None


HEARTBEAT = 1.0
# The block starts as the connection opens and outlasts the first ping's deadline
PING_BLOCK = HEARTBEAT + 0.2
# Frames the receive loop reads before it lets other tasks run once, then a ping
BURST_THEN_PING = frame(OP_TEXT, b"burst") * (MAX_BURST - 1) + frame(OP_PING, b"?")


@pytest.mark.parametrize(
    ("before_reset", "options", "block"),
    [
        pytest.param(
            b"", {"heartbeat": HEARTBEAT, "idle_timeout": 0}, PING_BLOCK, id="ping"
        ),
        pytest.param(
            BURST_THEN_PING, {"heartbeat": 0, "idle_timeout": 0}, 0, id="pong"
        ),
        pytest.param(
            b"",
            {
                "heartbeat": 0,
                "idle_timeout": 0,
                "keepalive_message": {"message": "ka"},
                "keepalive_interval": HEARTBEAT,
            },
            PING_BLOCK,
            id="keepalive message",
        ),
    ],
)
async def test_reset_just_as_a_control_frame_is_written(
    hass: HomeAssistant,
    start_resetting_peer: ResettingPeerStarter,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
    before_reset: bytes,
    options: dict[str, Any],
    block: float,
) -> None:
    """A ping, pong or keep-alive message written into a reset connection.

    It is connection lost, quietly.

    ping (and keep-alive message): the loop stays blocked past the heartbeat
    (keep-alive interval) while the server resets.
    Afterwards one iteration sees the reset (the transport starts closing) and
    the heartbeat deadline; the receive loop wakes by its timeout and pings.

    pong: the server sends MAX_BURST - 1 messages, a ping and the reset during
    the block. The receive loop handles the messages, then lets other tasks run
    once before the next frame; the loop reads the reset then, and the ping is
    answered afterwards.
    """
    peer = start_resetting_peer(before_reset)
    at_first_connect(hass, lambda _: peer.block_loop_while_resetting(block))
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    messages = async_capture_events(hass, EVENT_MESSAGE)
    await add_entry(url=peer.url, options={**EVENTS_ON, **options})
    await wait_until(lambda: peer.connections == 2)
    await wait_connected(hass)
    # The reset came during the block, before any ping of ours went out
    assert peer.reset_while_blocked
    assert peer.received_before_reset == b""
    assert [event.data["reason"] for event in disconnected] == ["lost"]
    assert state_of(hass, LAST_ERROR) == "lost"
    assert len(messages) == before_reset.count(b"burst")
    assert loud_lines(caplog) == []


async def test_send_as_the_server_resets(
    hass: HomeAssistant,
    start_resetting_peer: ResettingPeerStarter,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A send after the reset came in, before the connection noticed: not connected.

    The server sends a message and resets during the block. The send, made in
    answer to the message, starts once the loop has read the reset, before the
    receive loop has: the connection still counts as open, its transport is
    closing.
    """
    peer = start_resetting_peer(frame(OP_TEXT, b"last words"))
    at_first_connect(hass, lambda _: peer.block_loop_while_resetting())
    sends: list[asyncio.Task[Any]] = []

    def send_reply(entry_id: str) -> None:
        call = hass.services.async_call(
            DOMAIN,
            "send",
            {"config_entry_id": entry_id, "message": "reply"},
            blocking=True,
        )
        sends.append(hass.async_create_task(call, eager_start=True))

    @callback
    def _answer(event: Event) -> None:
        # Not at once: the reset is read right after this message is handled.
        hass.loop.call_soon(send_reply, event.data["entry_id"])

    hass.bus.async_listen_once(EVENT_MESSAGE, _answer)
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    await add_entry(
        url=peer.url, options={**EVENTS_ON, "heartbeat": 0, "idle_timeout": 0}
    )
    await wait_until(lambda: len(sends) == 1 and sends[0].done())
    with pytest.raises(HomeAssistantError) as raised:
        await sends[0]
    assert raised.value.translation_key == "connection_lost_while_sending"
    assert peer.reset_while_blocked
    await wait_until(lambda: peer.connections == 2)
    await wait_connected(hass)
    assert [event.data["reason"] for event in disconnected] == ["lost"]
    assert loud_lines(caplog) == []


async def test_unload_as_the_server_resets(
    hass: HomeAssistant,
    start_resetting_peer: ResettingPeerStarter,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unloading as the reset comes in: the closing frame fails quietly.

    The unload starts in the iteration that reads the reset; the connection
    then closes a transport that is already closing.
    """
    peer = start_resetting_peer(b"")
    unloads: list[asyncio.Task[bool]] = []

    def unload(entry_id: str) -> None:
        coro = hass.config_entries.async_unload(entry_id)
        unloads.append(hass.async_create_task(coro, eager_start=True))

    def block_then_unload(entry_id: str) -> None:
        peer.block_loop_while_resetting()
        # In the next iteration, the one that reads the reset after it
        hass.loop.call_soon(unload, entry_id)

    at_first_connect(hass, block_then_unload)
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    entry = await add_entry(url=peer.url, options={"heartbeat": 0, "idle_timeout": 0})
    await wait_until(lambda: len(unloads) == 1 and unloads[0].done())
    assert unloads[0].result() is True
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert peer.reset_while_blocked
    assert [event.data["reason"] for event in disconnected] == [
        "closed_by_home_assistant"
    ]
    assert peer.connections == 1
    assert loud_lines(caplog) == []

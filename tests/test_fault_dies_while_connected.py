"""Fault family 2: the link dies while connected.

The server closes with various codes, resets TCP in the middle of a frame, or
goes silent. Each time the user sees the disconnect event with the reason, one
log line down and one back, and the link returns by itself.
"""

from __future__ import annotations

import asyncio
import logging

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.websocket_client.bus import EVENT_DISCONNECTED
from custom_components.websocket_client.const import EVENT_MESSAGE

from .conftest import EntryFactory, PeerStarter
from .raw_peer import OP_TEXT, drain_until_closed, frame, read_frame
from .test_link import wait_connected
from .ws_server import RecordingWebSocketServer, wait_until


def log_lines(caplog: pytest.LogCaptureFixture, text: str) -> int:
    """How many of our log lines contain `text`."""
    return sum(
        text in record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.websocket_client")
    )


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
    assert disconnected[0].data["reason"] == reason
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
        writer.write(frame(OP_TEXT, b"complete"))
        writer.write(frame(OP_TEXT, b"never finished")[:6])
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.transport.abort()

    peer = await start_peer(reset_mid_frame)
    messages = async_capture_events(hass, EVENT_MESSAGE)
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    await add_entry(url=peer.url)
    await wait_until(lambda: peer.connections >= 2)
    assert [m.data["text"] for m in messages][:1] == ["complete"]
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
    assert disconnected[0].data["reason"] == "no answer to the heartbeat ping"
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
        "reason": "no traffic from the server for 0.3 s",
    }
    await wait_until(lambda: peer.connections >= 2)


async def test_answered_pings_keep_the_link(
    hass: HomeAssistant,
    start_peer: PeerStarter,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """A server that answers pings but is otherwise quiet is not dropped."""

    async def polite(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            opcode, payload = await read_frame(reader)
            if opcode == 9:
                writer.write(frame(10, payload))
                await writer.drain()

    peer = await start_peer(polite)
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    entry = await add_entry(
        url=peer.url, options={"heartbeat": 0.1, "idle_timeout": 0.3}
    )
    await wait_until(lambda: entry.runtime_data.is_connected)
    await asyncio.sleep(1)
    assert disconnected == []
    assert peer.connections == 1
    assert entry.runtime_data.statistics.heartbeat_round_trip is not None

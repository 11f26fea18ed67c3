"""Fault family 3: hostile or odd input from the server.

Nothing here may crash the connection task; every message that is a message
becomes an event (cut and flagged above the payload limit).
"""

from __future__ import annotations

import asyncio
import json

from homeassistant.core import HomeAssistant
from homeassistant.helpers.json import json_bytes
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.websocket_client.const import EVENT_DISCONNECTED, EVENT_MESSAGE
from tests.helpers import (
    EVENTS_ON,
    EntryFactory,
    PeerStarter,
    wait_connected,
    wait_until,
)
from tests.servers.raw_peer import (
    OP_BINARY,
    OP_CONTINUATION,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    frame,
    read_frame,
)
from tests.servers.ws_server import RecordingWebSocketServer


async def hold_open(reader: asyncio.StreamReader) -> None:
    """Keep reading (and ignoring) client frames until the client leaves."""
    while True:
        await read_frame(reader)


async def test_oversized_frame_closes_1009_and_reconnects(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """A message over the maximum size closes with 1009; the next connection works."""
    messages = async_capture_events(hass, EVENT_MESSAGE)
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    await add_entry(options={**EVENTS_ON, "max_message_size": 1024})
    await wait_connected(hass)
    await ws_server.push_text("before")
    await ws_server.push_text("x" * 1025)
    await wait_until(lambda: len(disconnected) == 1)
    assert disconnected[0].data["close_code"] == 1009
    assert disconnected[0].data["reason"] == "too_big"
    await wait_until(lambda: ws_server.handshakes == 2)
    await wait_connected(hass)
    await ws_server.push_text("after")
    await wait_until(lambda: len(messages) == 2)
    assert [m.data["text"] for m in messages] == ["before", "after"]


async def test_invalid_utf8_closes_1007_and_reconnects(
    hass: HomeAssistant,
    start_peer: PeerStarter,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """A text frame that is not UTF-8 ends that connection only."""

    async def broken_text(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.write(frame(OP_TEXT, b"\xff\xfe\xfd"))
        await hold_open(reader)

    peer = await start_peer(broken_text)
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    await add_entry(url=peer.url)
    await wait_until(lambda: len(disconnected) >= 1)
    assert disconnected[0].data["close_code"] == 1007
    await wait_until(lambda: peer.connections >= 2)


async def test_fragmented_messages_with_a_ping_between(
    hass: HomeAssistant,
    start_peer: PeerStarter,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """Fragments arrive as one message; a ping between them is answered."""
    pongs: list[bytes] = []

    async def fragments(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.write(frame(OP_TEXT, b'{"part":', fin=False))
        writer.write(frame(OP_PING, b"between"))
        writer.write(frame(OP_CONTINUATION, b' "one", ', fin=False))
        writer.write(frame(OP_CONTINUATION, b'"n": 2}'))
        writer.write(frame(OP_BINARY, b"\x00\x01", fin=False))
        writer.write(frame(OP_CONTINUATION, b"\x02"))
        await writer.drain()
        while True:
            opcode, payload = await read_frame(reader)
            if opcode == OP_PONG:
                pongs.append(payload)

    peer = await start_peer(fragments)
    messages = async_capture_events(hass, EVENT_MESSAGE)
    await add_entry(url=peer.url, options=EVENTS_ON)
    await wait_until(lambda: len(messages) == 2 and pongs == [b"between"])
    assert messages[0].data["json"] == {"part": "one", "n": 2}
    assert messages[1].data["data_base64"] == "AAEC"


async def test_compressed_frame_without_negotiation(
    hass: HomeAssistant,
    start_peer: PeerStarter,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """Compression not agreed (the default), yet a deflated frame arrives.

    aiohttp's client reader inflates it anyway; the message is delivered and
    the connection stays up.
    """

    async def compresses_anyway(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        deflated = frame(OP_TEXT, b"\xf2H\xcd\xc9\xc9\x07\x00")  # "Hello"
        writer.write(bytes([deflated[0] | 0x40]) + deflated[1:])  # RSV1 set
        await hold_open(reader)

    peer = await start_peer(compresses_anyway)
    messages = async_capture_events(hass, EVENT_MESSAGE)
    entry = await add_entry(url=peer.url, options=EVENTS_ON)
    await wait_until(lambda: len(messages) == 1)
    assert messages[0].data["text"] == "Hello"
    assert entry.runtime_data.is_connected
    assert peer.connections == 1


async def test_permessage_deflate(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """With the compression option, deflate is agreed and messages arrive intact."""
    messages = async_capture_events(hass, EVENT_MESSAGE)
    await add_entry(options={**EVENTS_ON, "compression": True})
    await wait_connected(hass)
    assert "permessage-deflate" in ws_server.request_headers[0].get(
        "Sec-WebSocket-Extensions", ""
    )
    assert ws_server.clients[0].compress
    payload = json.dumps({"values": list(range(2000))})
    await ws_server.push_text(payload)
    await wait_until(lambda: len(messages) == 1)
    assert messages[0].data["size"] == len(payload)


async def test_odd_but_valid_messages(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Deep, huge, non-JSON and empty messages: all delivered, none fatal."""
    messages = async_capture_events(hass, EVENT_MESSAGE)
    await add_entry(options=EVENTS_ON)
    await wait_connected(hass)
    deep = "[" * 5000 + "]" * 5000
    huge = json.dumps([{"i": i, "pad": "z" * 100} for i in range(10000)])
    for text in (deep, huge, "plain words", "", '"just a string"'):
        await ws_server.push_text(text)
    await ws_server.push_bytes(b"")
    await ws_server.push_text("still alive")
    await wait_until(lambda: len(messages) == 7)
    deep_event, huge_event, words, empty, string, empty_binary, alive = (
        m.data for m in messages
    )
    assert "json" not in deep_event  # deeper than any parser should follow
    assert deep_event["size"] == 10000
    assert huge_event["truncated"] is True
    assert huge_event["size"] == len(huge)
    assert huge.startswith(huge_event["text"])
    assert 30 * 1024 < len(json_bytes(huge_event)) <= 32 * 1024
    assert "json" not in huge_event
    assert "json" not in words
    assert empty == {**empty, "text": "", "size": 0}
    assert "json" not in empty
    assert string["json"] == "just a string"
    assert empty_binary == {**empty_binary, "data_base64": "", "size": 0}
    assert alive["text"] == "still alive"
    assert ws_server.handshakes == 1


async def test_server_pings_are_answered(
    hass: HomeAssistant,
    start_peer: PeerStarter,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """Pings from the server get pongs with the same payload."""
    pongs: list[bytes] = []

    async def pinger(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        for n in range(3):
            writer.write(frame(OP_PING, f"p{n}".encode()))
        await writer.drain()
        while True:
            opcode, payload = await read_frame(reader)
            if opcode == OP_PONG:
                pongs.append(payload)

    peer = await start_peer(pinger)
    await add_entry(url=peer.url)
    await wait_until(lambda: pongs == [b"p0", b"p1", b"p2"])

"""How a connection ends, told from what a real peer did: data, never sentences.

Each peer runs on 127.0.0.1 and ends the connection its own way (a close
frame, a broken frame, a reset); the client reads until the end, and
`end_of` says why. Closing is tested against peers that never answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
import struct

import aiohttp
import pytest

from custom_components.websocket_client.connection import (
    CLOSE_ABNORMAL,
    ConnectionEnd,
    EndReason,
)
from custom_components.websocket_client.connection.ending import (
    before_login,
    close_quietly,
    close_too_big,
    end_of,
)
from tests.helpers import PeerStarter, wait_until
from tests.servers.raw_peer import (
    OP_CLOSE,
    OP_TEXT,
    Script,
    drain_until_closed,
    frame,
    read_frame,
)

type Connect = Callable[[Script], Awaitable[aiohttp.ClientWebSocketResponse]]

# A reserved opcode: no WebSocket peer may send it (RFC 6455, 5.2)
OP_RESERVED = 3
# The largest message the client takes in these tests
MAX_SIZE = 16


def close_payload(code: int, reason: bytes = b"") -> bytes:
    """The payload of a close frame."""
    return struct.pack("!H", code) + reason


def sends(data: bytes) -> Script:
    """A peer script: send `data` after the upgrade, then read until the end."""

    async def script(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.write(data)
        await writer.drain()
        await drain_until_closed(reader)

    return script


class NeverAnswersClose:
    """A peer script: records the client's frames, answers none of them."""

    def __init__(self) -> None:
        """Nothing received yet."""
        self.frames: list[tuple[int, bytes]] = []
        self.ended = False

    async def __call__(
        self, reader: asyncio.StreamReader, _: asyncio.StreamWriter
    ) -> None:
        """Read until the client drops the connection."""
        try:
            while True:
                self.frames.append(await read_frame(reader))
        except (asyncio.IncompleteReadError, ConnectionError):
            self.ended = True

    def close_codes(self) -> list[int]:
        """The codes of the close frames received."""
        return [
            struct.unpack("!H", data[:2])[0]
            for opcode, data in self.frames
            if opcode == OP_CLOSE
        ]


@pytest.fixture
async def connect(
    session: aiohttp.ClientSession, start_peer: PeerStarter
) -> AsyncGenerator[Connect]:
    """Open client connections to peers running a script; closed afterwards."""
    opened: list[aiohttp.ClientWebSocketResponse] = []

    async def _connect(script: Script) -> aiohttp.ClientWebSocketResponse:
        peer = await start_peer(script)
        ws = await session.ws_connect(peer.url, autoping=False, max_msg_size=MAX_SIZE)
        opened.append(ws)
        return ws

    yield _connect
    for ws in opened:
        await ws.close()


async def last_message(ws: aiohttp.ClientWebSocketResponse) -> aiohttp.WSMessage:
    """Read until the message that ends the connection."""
    async with asyncio.timeout(5):
        while True:
            msg = await ws.receive()
            if msg.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                return msg


@pytest.mark.parametrize(
    ("sent", "end"),
    [
        (
            frame(OP_CLOSE, close_payload(4000, b"maintenance")),
            ConnectionEnd(EndReason.CLOSED_BY_SERVER, 4000, "maintenance"),
        ),
        (
            frame(OP_CLOSE, close_payload(1000)),
            ConnectionEnd(EndReason.CLOSED_BY_SERVER, 1000),
        ),
        (
            frame(OP_TEXT, b"x" * (MAX_SIZE + 1)),
            ConnectionEnd(EndReason.TOO_BIG, 1009),
        ),
        (frame(OP_TEXT, b"\xff\xfe"), ConnectionEnd(EndReason.INVALID_TEXT, 1007)),
        (frame(OP_RESERVED, b"?"), ConnectionEnd(EndReason.PROTOCOL_ERROR, 1002)),
    ],
    ids=[
        "close with reason",
        "close",
        "too big",
        "invalid text",
        "protocol error",
    ],
)
async def test_what_the_server_sent_says_why(
    connect: Connect, sent: bytes, end: ConnectionEnd
) -> None:
    """A close frame gives its code and text; a broken frame its close code."""
    ws = await connect(sends(frame(OP_TEXT, b"hello") + sent))
    assert end_of(ws, await last_message(ws)) == end


async def test_a_close_without_a_code_has_none(connect: Connect) -> None:
    """An empty close frame carries no code: none, not aiohttp's 0."""

    async def close_without_code(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.write(frame(OP_CLOSE, b""))
        # Answer the client's closing handshake, as a server does
        while (await read_frame(reader))[0] != OP_CLOSE:
            pass
        writer.write(frame(OP_CLOSE, b""))
        await drain_until_closed(reader)

    ws = await connect(close_without_code)
    assert end_of(ws, await last_message(ws)) == ConnectionEnd(
        EndReason.CLOSED_BY_SERVER
    )


async def test_a_reset_without_closing_handshake_is_lost(connect: Connect) -> None:
    """The peer drops TCP: lost, with the close code for no closing handshake."""

    async def reset(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.transport.abort()

    ws = await connect(reset)
    end = end_of(ws, await last_message(ws))
    assert end.reason is EndReason.LOST
    assert end.close_code == CLOSE_ABNORMAL == 1006
    assert end.server_reason is None


async def test_close_quietly_gives_up_on_a_peer_that_never_answers(
    connect: Connect,
) -> None:
    """The close frame goes out; after the wait the connection is dropped."""
    peer = NeverAnswersClose()
    ws = await connect(peer)
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with asyncio.timeout(2):
        await close_quietly(ws, aiohttp.WSCloseCode.GOING_AWAY, wait=0.2)
    assert loop.time() - started >= 0.2
    assert ws.closed
    await wait_until(lambda: peer.ended)
    assert peer.close_codes() == [1001]


async def test_close_quietly_on_a_connection_already_gone(connect: Connect) -> None:
    """Closing what the peer has reset raises nothing."""

    async def reset(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.transport.abort()

    ws = await connect(reset)
    await last_message(ws)
    await close_quietly(ws, aiohttp.WSCloseCode.OK)
    assert ws.closed


async def test_close_too_big_tells_the_peer(connect: Connect) -> None:
    """The peer hears 1009 (message too big); the end says so too."""
    peer = NeverAnswersClose()
    ws = await connect(peer)
    assert await close_too_big(ws) == ConnectionEnd(EndReason.TOO_BIG, 1009)
    await wait_until(lambda: peer.close_codes() == [1009])


@pytest.mark.parametrize(
    ("end", "told"),
    [
        (
            ConnectionEnd(EndReason.CLOSED_BY_SERVER, 4001, "invalid token"),
            ConnectionEnd(EndReason.LOGIN_REFUSED, 4001, "invalid token"),
        ),
        (
            ConnectionEnd(EndReason.LOST, 1006, error="ConnectionResetError"),
            ConnectionEnd(EndReason.LOGIN_REFUSED, 1006),
        ),
        (
            ConnectionEnd(EndReason.TOO_BIG, 1009),
            ConnectionEnd(EndReason.TOO_BIG, 1009),
        ),
        (
            ConnectionEnd(EndReason.LOGIN_TIMEOUT, 1001),
            ConnectionEnd(EndReason.LOGIN_TIMEOUT, 1001),
        ),
    ],
)
def test_an_end_while_logging_in(end: ConnectionEnd, told: ConnectionEnd) -> None:
    """Hanging up on the login is a refused login; other ends stay what they are."""
    assert before_login(end) == told


def test_the_reasons_are_a_fixed_vocabulary() -> None:
    """The values are what the layers above translate: renaming one breaks them."""
    assert {reason.value for reason in EndReason} == {
        "refused",
        "host_not_found",
        "unreachable",
        "timeout",
        "tls_certificate",
        "tls_handshake",
        "http_status",
        "invalid_upgrade",
        "handshake_closed",
        "closed_by_server",
        "closed_by_home_assistant",
        "lost",
        "too_big",
        "invalid_text",
        "protocol_error",
        "login_refused",
        "login_timeout",
        "no_heartbeat_answer",
        "idle",
        "error",
    }

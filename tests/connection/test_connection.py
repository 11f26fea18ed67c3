"""The connection class on its own, against real servers that misbehave."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from dataclasses import replace
from typing import Any

import aiohttp
from aiohttp import WSMsgType, web
import pytest

from custom_components.websocket_client.connection import (
    ConnectionEnd,
    ConnectionState,
    EndReason,
    NotConnectedError,
    WebSocketConnection,
)
from custom_components.websocket_client.connection.pacing import MAX_BURST
from tests.connection.helpers import RecordingListener, settings
from tests.helpers import PeerStarter, wait_until
from tests.servers.raw_peer import (
    OP_CLOSE,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    drain_until_closed,
    frame,
    read_frame,
)
from tests.servers.ws_server import RecordingWebSocketServer

# Longest a flooding peer floods, should the client never answer
FLOOD_LIMIT = 3.0


async def serve(
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> tuple[web.AppRunner, str]:
    """Serve one handler on 127.0.0.1 and return its URL."""
    app = web.Application()
    app.router.add_get("/", handler)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"ws://127.0.0.1:{port}/"


async def run_until(
    connection: WebSocketConnection, listener: RecordingListener, count: int
) -> None:
    """Run the connection until `count` problems were reported, then stop it."""
    connection.start()
    try:
        await wait_until(lambda: len(listener.problems()) >= count)
    finally:
        await connection.stop(1001)


async def test_http_error_on_upgrade_is_retried(
    session: aiohttp.ClientSession,
) -> None:
    """A 404 answer is an ordinary failure, described without the URL's query."""

    async def not_found(request: web.Request) -> web.StreamResponse:
        raise web.HTTPNotFound

    runner, url = await serve(not_found)
    listener = RecordingListener()
    connection = WebSocketConnection(session, settings(url + "?token=x"), listener)
    await run_until(connection, listener, 2)
    await runner.cleanup()
    assert (
        listener.problems()[:2]
        == [ConnectionEnd(EndReason.HTTP_STATUS, http_status=404)] * 2
    )
    assert listener.states[-1] == (ConnectionState.DISCONNECTED, None)


async def test_upgrade_never_answered_times_out(session: aiohttp.ClientSession) -> None:
    """TCP accepted but no HTTP answer: the connect timeout ends the attempt."""
    writers: list[asyncio.StreamWriter] = []

    async def silent(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    listener = RecordingListener()
    connection = WebSocketConnection(
        session, settings(f"ws://127.0.0.1:{port}/", connect_timeout=0.2), listener
    )
    await run_until(connection, listener, 1)
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()
    assert listener.problems()[0] == ConnectionEnd(EndReason.TIMEOUT)


async def test_connection_refused(session: aiohttp.ClientSession) -> None:
    """Nobody listening: refused (ECONNREFUSED), and it retries."""
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    listener = RecordingListener()
    connection = WebSocketConnection(
        session, settings(f"ws://127.0.0.1:{port}/"), listener
    )
    await run_until(connection, listener, 2)
    assert (
        listener.problems()[:2]
        == [ConnectionEnd(EndReason.REFUSED, error="ECONNREFUSED")] * 2
    )


async def test_heartbeat_without_pong_drops_the_connection(
    session: aiohttp.ClientSession,
) -> None:
    """A server that stops answering pings is detected by the heartbeat."""

    async def deaf(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        async for _ in ws:
            pass
        return ws

    runner, url = await serve(deaf)
    listener = RecordingListener()
    connection = WebSocketConnection(session, settings(url, heartbeat=0.1), listener)
    await run_until(connection, listener, 1)
    await runner.cleanup()
    assert listener.closed[0] == ConnectionEnd(EndReason.NO_HEARTBEAT_ANSWER, 1006)


@pytest.mark.parametrize(
    ("frame", "reason", "code"),
    [
        (b"x" * 1025, EndReason.TOO_BIG, 1009),
        (b"\xff\xfe", EndReason.INVALID_TEXT, 1007),
    ],
)
async def test_bad_frames_end_the_connection_and_reconnect(
    session: aiohttp.ClientSession, frame: bytes, reason: EndReason, code: int
) -> None:
    """Oversized or invalid text frames close the connection with the right code."""
    handshakes = 0

    async def hostile(request: web.Request) -> web.StreamResponse:
        nonlocal handshakes
        handshakes += 1
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        # The public API refuses to send invalid text, so write the raw frame.
        await ws._writer.send_frame(frame, WSMsgType.TEXT)  # type: ignore[union-attr]
        async for _ in ws:
            pass
        return ws

    runner, url = await serve(hostile)
    listener = RecordingListener()
    connection = WebSocketConnection(session, settings(url), listener)
    await run_until(connection, listener, 2)
    await runner.cleanup()
    assert listener.closed[0] == ConnectionEnd(reason, code)
    assert handshakes >= 2
    assert listener.texts == []


async def test_message_of_exactly_the_maximum_size_is_accepted(
    session: aiohttp.ClientSession,
) -> None:
    """The maximum message size is inclusive."""

    async def exact(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str("y" * 1024)
        async for _ in ws:
            pass
        return ws

    runner, url = await serve(exact)
    listener = RecordingListener()
    connection = WebSocketConnection(session, settings(url), listener)
    connection.start()
    await wait_until(lambda: len(listener.texts) == 1)
    await connection.stop(1001)
    await runner.cleanup()
    assert listener.closed == [ConnectionEnd(EndReason.CLOSED_BY_HOME_ASSISTANT, 1001)]


async def test_abrupt_disconnect_and_listener_errors(
    session: aiohttp.ClientSession,
) -> None:
    """A listener bug or a reset connection never ends the retry loop."""

    async def rude(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str("boom")
        # Reset only once the client handled the message (or failed on it): a
        # reset can discard bytes the client has not read yet.
        await wait_until(lambda: bool(listener.texts or listener.closed))
        assert request.transport is not None
        request.transport.abort()
        return ws

    runner, url = await serve(rude)
    listener = RecordingListener()
    listener.fail_on_text = True
    connection = WebSocketConnection(session, settings(url), listener)
    await run_until(connection, listener, 1)
    assert listener.closed[0] == ConnectionEnd(EndReason.ERROR, error="RuntimeError")

    listener = RecordingListener()
    connection = WebSocketConnection(session, settings(url), listener)
    await run_until(connection, listener, 1)
    await runner.cleanup()
    assert listener.texts == ["boom"]
    assert listener.closed[0].close_code == 1006
    assert listener.closed[0].reason is EndReason.LOST


async def test_send_before_connect_and_binary_roundtrip(
    session: aiohttp.ClientSession,
) -> None:
    """Sending needs an open connection; binary frames go both ways unchanged."""

    async def echo(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            await ws.send_bytes(msg.data)
        return ws

    runner, url = await serve(echo)
    listener = RecordingListener()
    connection = WebSocketConnection(session, settings(url), listener)
    with pytest.raises(NotConnectedError):
        await connection.send_binary(b"early")
    connection.start()
    connection.start()  # a second start is harmless
    await wait_until(lambda: connection.state is ConnectionState.CONNECTED)
    await connection.send_binary(b"\x00\x01")
    await wait_until(lambda: listener.binaries == [b"\x00\x01"])
    await connection.stop(1001)
    await connection.stop(1001)  # a second stop is harmless
    with pytest.raises(NotConnectedError):
        await connection.send_text("late")
    await runner.cleanup()


async def test_concurrent_stops_all_wait_and_going_away_wins(
    session: aiohttp.ClientSession, ws_server: RecordingWebSocketServer
) -> None:
    """A second stop() returns only once stopped; a shutdown's 1001 is kept."""
    listener = RecordingListener()
    connection = WebSocketConnection(
        session, settings(ws_server.url, retry_interval=60), listener
    )
    connection.start()
    await wait_until(lambda: connection.is_connected)

    async def shut_down() -> ConnectionState:
        await connection.stop(1001)
        return connection.state

    _, state_after_shutdown = await asyncio.gather(connection.stop(1000), shut_down())
    assert state_after_shutdown is ConnectionState.DISCONNECTED
    assert listener.closed == [ConnectionEnd(EndReason.CLOSED_BY_HOME_ASSISTANT, 1001)]
    await wait_until(lambda: ws_server.client_close_codes == [1001])


class FloodWithoutClosing:
    """A peer script: floods the first connection until the client closes it.

    It never answers the closing handshake; later connections stay quiet.
    """

    def __init__(self) -> None:
        """No connection yet."""
        self.connections = 0

    async def __call__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Flood (first connection only) until a close frame arrives."""
        self.connections += 1
        if self.connections > 1:
            await drain_until_closed(reader)
            return
        closing = asyncio.create_task(self._until_close(reader))
        chunk = frame(OP_TEXT, b'{"type":"tick"}') * 100
        while not closing.done():
            writer.write(chunk)
            await writer.drain()
            await asyncio.sleep(0)  # drain() returns at once while there is room
        await drain_until_closed(reader)

    @staticmethod
    async def _until_close(reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while (await read_frame(reader))[0] != OP_CLOSE:
                pass


async def test_start_during_a_stop_begins_once_stopped(
    session: aiohttp.ClientSession, start_peer: PeerStarter
) -> None:
    """Switched off and on at once: the old connection has ended before the new.

    The old connection, stopped amid a flood, waits for a closing handshake
    the peer never answers: its whole close timeout.
    """
    peer = await start_peer(FloodWithoutClosing())
    listener = RecordingListener()
    connection = WebSocketConnection(session, settings(peer.url), listener)
    connection.start()
    await wait_until(lambda: connection.is_connected)
    stopping = asyncio.create_task(connection.stop(1000))
    await asyncio.sleep(0)  # stop() has cancelled the connection, which is closing
    connection.start()
    await stopping
    await wait_until(lambda: peer.connections == 2 and connection.is_connected)
    await connection.stop(1000)
    assert states_of(listener) == [
        ConnectionState.CONNECTING,
        ConnectionState.CONNECTED,
        ConnectionState.DISCONNECTED,
        ConnectionState.CONNECTING,
        ConnectionState.CONNECTED,
        ConnectionState.DISCONNECTED,
    ]


def states_of(listener: RecordingListener) -> list[ConnectionState]:
    """The states reported so far, without their problems."""
    return [state for state, _ in listener.states]


async def test_on_connect_messages_and_login_reply(
    session: aiohttp.ClientSession, ws_server: RecordingWebSocketServer
) -> None:
    """On-connect frames go out first, in order; connected only once accepted."""
    login = '{"type":"auth","access_token":"t0k3n"}'
    ws_server.replies[login] = ['{"type":"auth_required"}', '{"type":"auth_ok"}']
    listener = RecordingListener()
    connection = WebSocketConnection(
        session,
        replace(
            settings(ws_server.url),
            on_connect=(login, b"\x10\x00"),
            on_connect_reply={"type": "auth_ok"},
        ),
        listener,
    )
    connection.start()
    try:
        await wait_until(lambda: connection.is_connected)
        await connection.send_text("after login")
        await wait_until(lambda: len(ws_server.frames) == 3)
    finally:
        await connection.stop(1000)
    assert [frame.data for frame in ws_server.frames] == [
        login,
        b"\x10\x00",
        "after login",
    ]
    assert states_of(listener)[:3] == [
        ConnectionState.CONNECTING,
        ConnectionState.LOGGING_IN,
        ConnectionState.CONNECTED,
    ]
    # Messages during the login are messages like any other.
    assert listener.texts == ['{"type":"auth_required"}', '{"type":"auth_ok"}']


async def test_login_without_reply_is_an_outage(
    session: aiohttp.ClientSession, ws_server: RecordingWebSocketServer
) -> None:
    """No matching reply in time: nothing else is sent, and it retries."""
    listener = RecordingListener()
    connection = WebSocketConnection(
        session,
        replace(
            settings(ws_server.url),
            on_connect=("hello",),
            on_connect_reply={"type": "auth_ok"},
            on_connect_timeout=0.2,
        ),
        listener,
    )
    connection.start()
    try:
        await wait_until(lambda: connection.state is ConnectionState.LOGGING_IN)
        with pytest.raises(NotConnectedError):
            await connection.send_text("too early")
        await wait_until(lambda: len(listener.problems()) >= 2)
    finally:
        await connection.stop(1000)
    assert set(listener.problems()) == {ConnectionEnd(EndReason.LOGIN_TIMEOUT, 1001)}
    assert {frame.data for frame in ws_server.frames} == {"hello"}
    # Never connected: no "connection closed" for an attempt that failed.
    assert listener.closed == []


async def refuse_login(ws: web.WebSocketResponse) -> None:
    """Answer the first message as a server refusing a token does, then close."""
    await ws.receive()
    await ws.send_str('{"type":"auth_invalid"}')
    await ws.close(code=4001, message=b"invalid token")


async def test_login_refused_by_closing_says_so(
    session: aiohttp.ClientSession, ws_server: RecordingWebSocketServer
) -> None:
    """The server closes instead of accepting: an outage that names the login."""
    ws_server.on_connect = refuse_login
    listener = RecordingListener()
    connection = WebSocketConnection(
        session,
        replace(
            settings(ws_server.url),
            on_connect=("token",),
            on_connect_reply={"type": "auth_ok"},
        ),
        listener,
    )
    connection.start()
    try:
        await wait_until(lambda: len(listener.problems()) >= 2)
    finally:
        await connection.stop(1000)
    assert set(listener.problems()) == {
        ConnectionEnd(EndReason.LOGIN_REFUSED, 4001, "invalid token")
    }
    assert listener.closed == []


async def test_keepalive_messages_while_connected(
    session: aiohttp.ClientSession, ws_server: RecordingWebSocketServer
) -> None:
    """The keep-alive message goes out every interval on the same connection."""
    listener = RecordingListener()
    connection = WebSocketConnection(
        session,
        replace(
            settings(ws_server.url),
            keepalive_message=b"\xc0\x00",
            keepalive_interval=0.05,
        ),
        listener,
    )
    connection.start()
    try:
        await wait_until(lambda: len(ws_server.frames) >= 4)
    finally:
        await connection.stop(1000)
    assert {frame.data for frame in ws_server.frames} == {b"\xc0\x00"}
    assert ws_server.handshakes == 1


async def test_keepalive_waits_for_login(
    session: aiohttp.ClientSession, ws_server: RecordingWebSocketServer
) -> None:
    """Keep-alive messages start after the server accepted the login."""
    ws_server.replies["login"] = ["ok"]
    listener = RecordingListener()
    connection = WebSocketConnection(
        session,
        replace(
            settings(ws_server.url),
            on_connect=("login",),
            on_connect_reply={},
            keepalive_message="ka",
            keepalive_interval=0.05,
        ),
        listener,
    )
    connection.start()
    try:
        # {} matches any JSON message; "ok" is not JSON, so no login yet.
        await wait_until(lambda: listener.texts == ["ok"])
        await ws_server.push_text("{}")
        await wait_until(lambda: len(ws_server.frames) >= 3)
    finally:
        await connection.stop(1000)
    assert [frame.data for frame in ws_server.frames[:3]] == ["login", "ka", "ka"]


class Flood:
    """A peer script: floods the first connection until the client answers.

    `answer` tells which client frame (opcode, payload) ends the flood; the
    flood ends on its own after FLOOD_LIMIT seconds. Pings are answered,
    a close is echoed.
    """

    def __init__(self, answer: Callable[[int, bytes], bool]) -> None:
        """Flood until a client frame satisfies `answer`."""
        self.answer = answer
        self.answered_during_flood = False
        self.over = False

    async def __call__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Flood while reading the client's frames; then read until it leaves."""
        if self.over:
            return
        reading = asyncio.create_task(self._read(reader, writer))
        # Large frames: few of them fill aiohttp's receive buffer, which its
        # close() reads through without suspending.
        tick = b'{"type":"tick","pad":"%s"}' % (b"x" * 900)
        chunk = frame(OP_TEXT, tick) * 100
        loop = asyncio.get_running_loop()
        end = loop.time() + FLOOD_LIMIT
        while not self.answered_during_flood and loop.time() < end:
            writer.write(chunk)
            await writer.drain()
            # drain() returns at once while the socket takes everything
            await asyncio.sleep(0)
        self.over = True
        await reading

    async def _read(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                opcode, data = await read_frame(reader)
                if self.answer(opcode, data) and not self.over:
                    self.answered_during_flood = True
                if opcode == OP_PING:
                    writer.write(frame(OP_PONG, data))
                elif opcode == OP_CLOSE:
                    writer.write(frame(OP_CLOSE, data[:2]))


async def test_keepalive_message_goes_out_during_a_flood(
    session: aiohttp.ClientSession, start_peer: PeerStarter
) -> None:
    """A backlog of received frames does not hold back the keep-alive message."""
    flood = Flood(lambda opcode, data: opcode == OP_TEXT and data == b"ka")
    peer = await start_peer(flood)
    connection = WebSocketConnection(
        session,
        replace(
            settings(peer.url, retry_interval=60),
            keepalive_message="ka",
            keepalive_interval=0.2,
        ),
        RecordingListener(),
    )
    connection.start()
    try:
        await wait_until(lambda: flood.over, timeout=FLOOD_LIMIT + 5)
    finally:
        await connection.stop(1000)
    assert flood.answered_during_flood


async def test_login_timeout_fires_during_a_flood(
    session: aiohttp.ClientSession, start_peer: PeerStarter
) -> None:
    """Messages that are not the login reply do not keep the login waiting."""
    flood = Flood(lambda opcode, _: opcode == OP_CLOSE)
    peer = await start_peer(flood)
    listener = RecordingListener()
    connection = WebSocketConnection(
        session,
        replace(
            settings(peer.url, retry_interval=60),
            on_connect=("hello",),
            on_connect_reply={"type": "ok"},
            on_connect_timeout=0.3,
        ),
        listener,
    )
    connection.start()
    try:
        await wait_until(lambda: bool(listener.problems()), timeout=FLOOD_LIMIT + 5)
    finally:
        await connection.stop(1000)
    assert flood.answered_during_flood
    assert listener.problems() == [ConnectionEnd(EndReason.LOGIN_TIMEOUT, 1001)]


async def never_reads(_: asyncio.StreamReader, __: asyncio.StreamWriter) -> None:
    """A peer script: keeps TCP open, reads nothing, answers nothing."""
    await asyncio.Event().wait()


async def test_send_blocked_by_a_peer_that_stopped_reading_ends_with_the_connection(
    session: aiohttp.ClientSession, start_peer: PeerStarter
) -> None:
    """A send waiting for room in the socket fails once the heartbeat gives up."""
    peer = await start_peer(never_reads)
    listener = RecordingListener()
    connection = WebSocketConnection(
        session, settings(peer.url, heartbeat=0.3, retry_interval=60), listener
    )
    connection.start()
    await wait_until(lambda: connection.is_connected)

    async def send_until_it_fails() -> None:
        while True:
            await connection.send_binary(b"x" * 1_000_000)

    sending = asyncio.create_task(send_until_it_fails())
    try:
        await wait_until(lambda: bool(listener.closed))
        await wait_until(sending.done, timeout=2)
    finally:
        sending.cancel()
        await connection.stop(1000)
    assert isinstance(sending.exception(), NotConnectedError)
    assert listener.closed == [ConnectionEnd(EndReason.NO_HEARTBEAT_ANSWER, 1006)]


# Far more than a socket's send and receive buffers hold together
UNREAD_MESSAGE = b"x" * 32_000_000


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"on_connect": (UNREAD_MESSAGE,)}, id="on-connect message"),
        pytest.param(
            {"keepalive_message": UNREAD_MESSAGE, "keepalive_interval": 0.05},
            id="keep-alive message",
        ),
    ],
)
async def test_own_write_to_a_peer_that_stopped_reading_ends_as_lost(
    session: aiohttp.ClientSession, start_peer: PeerStarter, changes: dict[str, Any]
) -> None:
    """A login or keep-alive write that never finds room ends as connection lost.

    The receive loop is stuck in the write, so no other deadline could fire:
    the write itself gives up after half a heartbeat and drops the socket.
    """
    peer = await start_peer(never_reads)
    listener = RecordingListener()
    connection = WebSocketConnection(
        session,
        replace(
            settings(peer.url, heartbeat=0.4, retry_interval=60),
            max_message_size=0,
            **changes,
        ),
        listener,
    )
    connection.start()
    try:
        await wait_until(lambda: bool(listener.problems()), timeout=5)
    finally:
        await connection.stop(1000)
    assert listener.problems() == [ConnectionEnd(EndReason.LOST, 1006)]


@pytest.mark.parametrize("opcode", [OP_PING, OP_PONG], ids=["pings", "pongs"])
async def test_a_flood_of_control_frames_lets_other_tasks_run(
    session: aiohttp.ClientSession, start_peer: PeerStarter, opcode: int
) -> None:
    """Pings or pongs count toward the receive loop's slice like messages.

    Frames that aiohttp has buffered never suspend receive(); without counting
    them, a hostile server held Home Assistant's event loop for a second.
    """
    frames = 20_000

    async def control_flood(
        _: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.write(frame(opcode, b"") * frames + frame(OP_TEXT, b"done"))
        await asyncio.Event().wait()

    peer = await start_peer(control_flood)
    listener = RecordingListener()
    connection = WebSocketConnection(
        session, settings(peer.url, retry_interval=60), listener
    )
    turns = 0

    async def count_turns() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    counting = asyncio.create_task(count_turns())
    connection.start()
    try:
        await wait_until(lambda: listener.texts == ["done"], timeout=30)
    finally:
        counting.cancel()
        await connection.stop(1000)
    # At least one turn per slice of 64 frames (half of them, to spare timing)
    assert turns >= frames // MAX_BURST // 2


async def test_a_bare_close_is_closed_by_server_even_as_a_deadline_passes(
    session: aiohttp.ClientSession, start_peer: PeerStarter
) -> None:
    """The server's close is answered outside the receive loop's timeout.

    A close frame without a code, from a server that then keeps TCP open
    without answering, just before the heartbeat is due: aiohttp's own
    answer to it would wait for the server and be cut short by that
    deadline, reporting a lost connection (1006) instead.
    """

    async def close_before_the_ping(
        _: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await asyncio.sleep(0.6)
        writer.write(frame(OP_CLOSE, b""))
        await asyncio.Event().wait()

    peer = await start_peer(close_before_the_ping)
    listener = RecordingListener()
    connection = WebSocketConnection(
        session, settings(peer.url, retry_interval=60, heartbeat=0.8), listener
    )
    connection.start()
    try:
        await wait_until(lambda: bool(listener.closed), timeout=10)
    finally:
        await connection.stop(1000)
    assert listener.closed[0] == ConnectionEnd(EndReason.CLOSED_BY_SERVER)

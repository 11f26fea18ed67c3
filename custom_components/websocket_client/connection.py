"""One long-lived WebSocket connection: connect, keep alive, receive, send, retry.

Plain asyncio and aiohttp: this module knows nothing of Home Assistant's entities,
events or config entries. It reports to a listener and is driven by start/stop.

Keep-alive is done here rather than by aiohttp's heartbeat so that the round-trip
time of each ping can be measured and a silent server is told apart from a slow one:
every received frame counts as a sign of life.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
import contextlib
from enum import StrEnum
import logging
import random
from typing import Any, Final, Protocol

import aiohttp

from .closing import (
    CLOSE_ABNORMAL,
    ConnectionClosed,
    before_login,
    close_too_big,
    describe_end,
    login_not_accepted,
    lost,
)
from .handshake import (
    AUTH_REJECTED_STATUSES,
    ConnectionSettings,
    close_quietly,
    describe_connect_error,
    open_websocket,
)
from .keepalive import KeepAlive, keep_alive_for
from .matching import text_matches
from .writing import (
    end_writes,
    transport_of,
    write_message,
    write_quietly,
    write_until_ended,
)

_LOGGER = logging.getLogger(__name__)

RETRY_JITTER: Final = 0.1
STOP_CLOSE_TIMEOUT: Final = 0.5
# Messages handled in a row before the receive loop lets other tasks run
MAX_BURST: Final = 64
# Seconds of listener work (automation runs start inside it) before it does
MAX_BURST_SECONDS: Final = 0.002


class ConnectionState(StrEnum):
    """Where the connection is in its life cycle."""

    CONNECTING = "connecting"
    # Open, waiting for the server to accept the on-connect messages
    LOGGING_IN = "logging_in"
    CONNECTED = "connected"
    WAITING_TO_RETRY = "waiting_to_retry"
    DISCONNECTED = "disconnected"
    AUTH_REJECTED = "auth_rejected"


class NotConnectedError(Exception):
    """Raised when sending while no connection is open."""


class ConnectionListener(Protocol):
    """Receives everything the connection has to report, in the event loop."""

    def connection_state_changed(
        self, state: ConnectionState, problem: str | None
    ) -> None:
        """The state changed; `problem` says why an attempt or connection failed."""

    def connection_closed(self, closed: ConnectionClosed) -> None:
        """An established connection ended."""

    def message_received(self, payload: str | bytes) -> None:
        """A text (str) or binary (bytes) message arrived."""

    def heartbeat_answered(self, round_trip: float) -> None:
        """The server answered a heartbeat ping after `round_trip` seconds."""


type TaskFactory = Callable[[Coroutine[Any, Any, None], str], asyncio.Task[None]]


def _default_task_factory(
    coro: Coroutine[Any, Any, None], name: str
) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(coro, name=name)


class WebSocketConnection:
    """Keeps one WebSocket connection up until stopped, retrying after failures."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        settings: ConnectionSettings,
        listener: ConnectionListener,
        *,
        name: str = "websocket",
        task_factory: TaskFactory = _default_task_factory,
    ) -> None:
        """Prepare the connection; nothing touches the network before start()."""
        self._session = session
        self.settings = settings
        self._listener = listener
        self._name = name
        self._task_factory = task_factory
        self._state = ConnectionState.DISCONNECTED
        self._task: asyncio.Task[None] | None = None
        # The task that stop() cancelled, until it has ended
        self._stopping: asyncio.Task[None] | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        # Done when the open connection ends: writes waiting on it fail then
        self._ended: asyncio.Future[None] | None = None
        self._stop_code: int | None = None

    @property
    def state(self) -> ConnectionState:
        """The current life-cycle state."""
        return self._state

    @property
    def is_connected(self) -> bool:
        """Whether a connection is open right now."""
        return self._state is ConnectionState.CONNECTED

    @property
    def is_running(self) -> bool:
        """Whether it connects, is connected or waits to retry (not stopped)."""
        return self._task is not None

    def start(self) -> None:
        """Begin connecting in the background; idempotent."""
        if self._task is not None:
            return
        self._stop_code = None
        self._task = self._task_factory(
            self._run(self._stopping), f"{self._name} connection"
        )

    async def stop(self, close_code: int) -> None:
        """Close the connection with `close_code`, stop retrying and wait until done.

        Every caller waits until the connection has stopped, also when another
        stop() is already under way. Going away (1001) is never turned into
        an ordinary close by a concurrent stop.
        """
        task = self._task or self._stopping
        if task is None:
            return
        if self._stop_code != aiohttp.WSCloseCode.GOING_AWAY:
            self._stop_code = close_code
        if task is self._task:
            self._task, self._stopping = None, task
            # The task itself closes an open connection on cancellation, so a
            # connection that opens while stop() runs cannot escape.
            task.cancel()
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        finally:
            if self._stopping is task and task.done():
                self._stopping = None

    async def send_text(self, text: str) -> None:
        """Send one text frame."""
        await self._send(text)

    async def send_binary(self, data: bytes) -> None:
        """Send one binary frame."""
        await self._send(data)

    async def _send(self, payload: str | bytes) -> None:
        ws, ended = self._ws, self._ended
        if ws is None or ended is None or ended.done() or ws.closed:
            raise NotConnectedError
        # Nothing may overtake the on-connect messages or the server's login.
        if self._state is not ConnectionState.CONNECTED:
            raise NotConnectedError
        try:
            await write_until_ended(write_message(ws, payload), ended)
        except (aiohttp.ClientError, ConnectionError) as err:
            raise NotConnectedError from err

    def _set_state(self, state: ConnectionState, problem: str | None = None) -> None:
        self._state = state
        self._listener.connection_state_changed(state, problem)

    async def _run(self, stopping: asyncio.Task[None] | None) -> None:
        if stopping is not None:
            # The stopped connection reports its end before this one begins.
            await asyncio.wait((stopping,))
        state, problem = ConnectionState.DISCONNECTED, None
        try:
            problem = await self._connect_until_rejected()
            state = ConnectionState.AUTH_REJECTED
            self._task = None  # ended by itself; start() may begin anew
        finally:
            self._state = state
            self._listener.connection_state_changed(state, problem)

    async def _connect_until_rejected(self) -> str:
        """Connect, serve and retry until the server rejects the credentials."""
        while True:
            self._set_state(ConnectionState.CONNECTING)
            try:
                ws = await self._connect()
            except aiohttp.WSServerHandshakeError as err:
                problem = describe_connect_error(err, self.settings)
                if err.status in AUTH_REJECTED_STATUSES:
                    return problem
            except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as err:
                problem = describe_connect_error(err, self.settings)
            except Exception as err:
                # A bug below us (a resolver, a TLS library) must not end the
                # retries for good; the outage log line carries the reason.
                _LOGGER.debug("Unexpected error while connecting", exc_info=True)
                problem = describe_connect_error(err, self.settings)
            else:
                problem = await self._serve(ws)
            self._set_state(ConnectionState.WAITING_TO_RETRY, problem)
            await asyncio.sleep(self._retry_delay())

    async def _connect(self) -> aiohttp.ClientWebSocketResponse:
        return await open_websocket(self._session, self.settings)

    async def _serve(self, ws: aiohttp.ClientWebSocketResponse) -> str:
        """Log in, receive until the connection ends; report and return why."""
        self._ws, transport = ws, transport_of(ws)
        self._ended = ended = asyncio.get_running_loop().create_future()
        keep_alive = keep_alive_for(self.settings, asyncio.get_running_loop().time())
        closed = ConnectionClosed(None, "internal error")
        try:
            closed = await self._converse(ws, keep_alive)
        except asyncio.CancelledError:
            closed = ConnectionClosed(self._stop_code, "closed by Home Assistant")
            raise
        except Exception:
            # A listener bug must not end the connection for good.
            _LOGGER.exception("Unexpected error while receiving")
        finally:
            self._ws = None
            try:
                if not ws.closed:
                    # A peer busy sending may never answer the closing handshake;
                    # stopping must not wait for it.
                    await close_quietly(
                        ws,
                        self._stop_code or aiohttp.WSCloseCode.OK,
                        STOP_CLOSE_TIMEOUT,
                    )
            finally:  # also when a stop() cancels the closing
                end_writes(ended, transport)
                # A connection the server never accepted was an attempt that failed.
                if self._state is ConnectionState.CONNECTED:
                    self._listener.connection_closed(closed)
        return closed.reason

    async def _converse(
        self, ws: aiohttp.ClientWebSocketResponse, keep_alive: KeepAlive
    ) -> ConnectionClosed:
        """Send the on-connect messages, then receive until the connection ends."""
        for payload in self.settings.on_connect:
            if not await write_quietly(write_message(ws, payload)):
                return lost(ws)
        logging_in = keep_alive.logging_in
        self._set_state(
            ConnectionState.LOGGING_IN if logging_in else ConnectionState.CONNECTED
        )
        closed = await self._receive_until_closed(ws, keep_alive)
        return before_login(closed) if keep_alive.logging_in else closed

    def _check_login(
        self, keep_alive: KeepAlive, payload: str | bytes, now: float
    ) -> bool:
        """Whether `payload` is the server accepting the on-connect messages."""
        if not text_matches(self.settings.on_connect_reply, payload):
            return False
        keep_alive.logged_in(now)
        self._set_state(ConnectionState.CONNECTED)
        return True

    async def _receive_until_closed(
        self, ws: aiohttp.ClientWebSocketResponse, keep_alive: KeepAlive
    ) -> ConnectionClosed:
        loop = asyncio.get_running_loop()
        listener = self._listener
        text, binary = aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY
        # aiohttp lets a compressed message one byte over its limit through.
        max_size = self.settings.max_message_size
        burst, busy = 0, 0.0
        deadline = keep_alive.next_deadline()
        while True:
            burst += 1
            if burst == MAX_BURST or busy >= MAX_BURST_SECONDS:
                # receive() does not suspend while frames are buffered; a flood
                # would otherwise keep the event loop from everything else.
                burst, busy = 0, 0.0
                await asyncio.sleep(0)
            try:
                msg = await ws.receive(timeout=_seconds_until(deadline, loop.time()))
            except TimeoutError:
                pass
            else:
                now = keep_alive.last_frame = loop.time()
                if msg.type is text or msg.type is binary:
                    if max_size and len(msg.data) > max_size:
                        return await close_too_big(ws)
                    listener.message_received(msg.data)
                    busy += loop.time() - now
                    if keep_alive.logging_in and self._check_login(
                        keep_alive, msg.data, now
                    ):
                        deadline = keep_alive.next_deadline()
                elif (closed := await self._control(ws, msg, keep_alive)) is not None:
                    return closed
            # Buffered frames never let receive() time out: during a flood
            # the deadlines are checked here, after each frame.
            if deadline is not None and loop.time() >= deadline:
                if (closed := await self._keep_alive(ws, keep_alive)) is not None:
                    return closed
                deadline = keep_alive.next_deadline()

    async def _control(
        self,
        ws: aiohttp.ClientWebSocketResponse,
        msg: aiohttp.WSMessage,
        keep_alive: KeepAlive,
    ) -> ConnectionClosed | None:
        """Answer a ping, time a pong; returns why the connection ends, if it does."""
        if msg.type is aiohttp.WSMsgType.PING:
            if not await write_quietly(ws.pong(msg.data)):
                return lost(ws)
        elif msg.type is aiohttp.WSMsgType.PONG:
            round_trip = keep_alive.pong_received(keep_alive.last_frame)
            if round_trip is not None:
                self._listener.heartbeat_answered(round_trip)
        else:
            return describe_end(ws, msg)
        return None

    async def _keep_alive(
        self, ws: aiohttp.ClientWebSocketResponse, keep_alive: KeepAlive
    ) -> ConnectionClosed | None:
        """Act on a passed deadline; returns why the connection ends, if it does."""
        now = asyncio.get_running_loop().time()
        if keep_alive.idle_expired(now):
            end_writes(self._ended)  # the server is gone: stop waiting for it
            await close_quietly(ws, aiohttp.WSCloseCode.GOING_AWAY)
            return ConnectionClosed(
                aiohttp.WSCloseCode.GOING_AWAY,
                f"no traffic from the server for {keep_alive.idle_timeout:g} s",
            )
        if keep_alive.pong_missing(now):
            end_writes(self._ended)
            await close_quietly(ws, aiohttp.WSCloseCode.GOING_AWAY)
            return ConnectionClosed(CLOSE_ABNORMAL, "no answer to the heartbeat ping")
        if keep_alive.login_expired(now):
            await close_quietly(ws, aiohttp.WSCloseCode.GOING_AWAY)
            return login_not_accepted(self.settings.on_connect_timeout)
        if keep_alive.ping_due(now):
            keep_alive.ping_sent = now
            if not await write_quietly(ws.ping()):
                return lost(ws)
        message = self.settings.keepalive_message
        if message is not None and keep_alive.message_due(now):
            keep_alive.message_sent(now)
            if not await write_quietly(write_message(ws, message)):
                return lost(ws)
        return None

    def _retry_delay(self) -> float:
        interval = self.settings.retry_interval
        # Jitter spreads reconnects of many entries; taken off the interval, so
        # the next attempt never comes later than promised. No cryptographic
        # quality is needed.
        return interval - interval * RETRY_JITTER * random.random()  # noqa: S311


def _seconds_until(deadline: float | None, now: float) -> float | None:
    """The receive timeout: until `deadline`, None when nothing is watched."""
    return None if deadline is None else max(deadline - now, 0.001)

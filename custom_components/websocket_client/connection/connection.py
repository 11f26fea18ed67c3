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
import logging
import random
from typing import Any, Final

import aiohttp

from .ending import (
    CLOSE_ABNORMAL,
    ConnectionEnd,
    EndReason,
    before_login,
    close_quietly,
    close_too_big,
    end_of,
    lost,
)
from .handshake import connect_failure, credentials_rejected, open_websocket
from .json_subset import text_matches
from .keepalive import KeepAlive, keep_alive_for
from .listener import ConnectionListener, ConnectionState, NotConnectedError
from .pacing import Pace
from .settings import ConnectionSettings
from .writing import (
    end_writes,
    transport_of,
    write_message,
    write_until_ended,
    write_within,
)

_LOGGER = logging.getLogger(__name__)

RETRY_JITTER: Final = 0.1
STOP_CLOSE_TIMEOUT: Final = 0.5
_DATA_TYPES: Final = frozenset({aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY})


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
        self._transport: asyncio.Transport | None = None
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

    def _set_state(
        self, state: ConnectionState, end: ConnectionEnd | None = None
    ) -> None:
        self._state = state
        self._listener.connection_state_changed(state, end)

    async def _run(self, stopping: asyncio.Task[None] | None) -> None:
        if stopping is not None:
            # The stopped connection reports its end before this one begins.
            await asyncio.wait((stopping,))
        state, end = ConnectionState.DISCONNECTED, None
        try:
            end = await self._connect_until_rejected()
            state = ConnectionState.AUTH_REJECTED
            self._task = None  # ended by itself; start() may begin anew
        finally:
            self._state = state
            self._listener.connection_state_changed(state, end)

    async def _connect_until_rejected(self) -> ConnectionEnd:
        """Connect, serve and retry until the server rejects the credentials."""
        while True:
            self._set_state(ConnectionState.CONNECTING)
            try:
                ws = await self._connect()
            except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as err:
                end = connect_failure(err)
                if credentials_rejected(end):
                    return end
            except Exception as err:
                # A bug below us (a resolver, a TLS library) must not end the
                # retries for good; the outage log line carries the reason.
                _LOGGER.debug("Unexpected error while connecting", exc_info=True)
                end = connect_failure(err)
            else:
                end = await self._serve(ws)
            self._set_state(ConnectionState.WAITING_TO_RETRY, end)
            await asyncio.sleep(self._retry_delay())

    async def _connect(self) -> aiohttp.ClientWebSocketResponse:
        return await open_websocket(self._session, self.settings)

    async def _serve(self, ws: aiohttp.ClientWebSocketResponse) -> ConnectionEnd:
        """Log in, receive until the connection ends; report and return why."""
        self._ws, self._transport = ws, transport_of(ws)
        self._ended = ended = asyncio.get_running_loop().create_future()
        keep_alive = keep_alive_for(self.settings, asyncio.get_running_loop().time())
        closed = ConnectionEnd(EndReason.ERROR)
        try:
            closed = await self._converse(ws, keep_alive)
        except asyncio.CancelledError:
            closed = ConnectionEnd(
                EndReason.CLOSED_BY_HOME_ASSISTANT,
                self._stop_code or aiohttp.WSCloseCode.OK,
            )
            raise
        except Exception as err:
            # A listener bug must not end the connection for good.
            _LOGGER.exception("Unexpected error while receiving")
            closed = ConnectionEnd(EndReason.ERROR, error=type(err).__name__)
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
                end_writes(ended, self._transport)
                # A connection the server never accepted was an attempt that failed.
                if self._state is ConnectionState.CONNECTED:
                    self._listener.connection_closed(closed)
        return closed

    async def _converse(
        self, ws: aiohttp.ClientWebSocketResponse, keep_alive: KeepAlive
    ) -> ConnectionEnd:
        """Send the on-connect messages, then receive until the connection ends."""
        for payload in self.settings.on_connect:
            if not await self._write_own(write_message(ws, payload), keep_alive):
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
    ) -> ConnectionEnd:
        """Receive and act on deadlines until the connection ends; returns why.

        One timeout spans a stretch of frames, up to the next deadline: a
        timeout per receive() cost a third of the receive path. A stretch
        ends at a control frame or a passed deadline, whose writes then happen
        outside it, so a deadline never cancels a write half-way.
        """
        pace = Pace(asyncio.get_running_loop().time())
        while True:
            deadline = keep_alive.next_deadline()
            stretch = asyncio.timeout_at(deadline)
            try:
                async with stretch:
                    outcome = await self._receive_stretch(
                        ws, keep_alive, deadline, pace
                    )
            except TimeoutError:
                if not stretch.expired():
                    raise  # not ours: a listener's, reported by _serve
                outcome = None
            if outcome is not None:
                if outcome.type in _DATA_TYPES:  # a message over the maximum size
                    return await close_too_big(ws)
                if (closed := await self._control(ws, outcome, keep_alive)) is not None:
                    return closed
                # A flood of pings or pongs must not hold the loop either.
                await pace.frame(asyncio.get_running_loop().time())
            # Acts only on what is due (nothing, after most control frames)
            if (closed := await self._keep_alive(ws, keep_alive)) is not None:
                return closed

    async def _receive_stretch(
        self,
        ws: aiohttp.ClientWebSocketResponse,
        keep_alive: KeepAlive,
        deadline: float | None,
        pace: Pace,
    ) -> aiohttp.WSMessage | None:
        """Hand messages to the listener until a frame or deadline needs more.

        Returns the frame the caller must act on (a control frame, or a
        message over the maximum size), or None when the deadline passed or
        the login moved it.
        """
        loop = asyncio.get_running_loop()
        listener = self._listener
        text, binary = aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY
        # aiohttp lets a compressed message one byte over its limit through.
        max_size = self.settings.max_message_size
        while True:
            msg = await ws.receive()
            now = keep_alive.last_frame = loop.time()
            # `is`, not `in` a set: hashing an enum member runs Python code.
            if msg.type is not text and msg.type is not binary:
                return msg
            if max_size and len(msg.data) > max_size:
                return msg
            listener.message_received(msg.data)
            if keep_alive.logging_in and self._check_login(keep_alive, msg.data, now):
                return None  # the login deadline is gone: take the next one
            # Buffered frames never suspend receive(), so neither the timeout
            # nor other tasks get a turn by themselves during a flood.
            if deadline is not None and now >= deadline:
                return None
            if pace.counted(now):
                await pace.pause()

    async def _control(
        self,
        ws: aiohttp.ClientWebSocketResponse,
        msg: aiohttp.WSMessage,
        keep_alive: KeepAlive,
    ) -> ConnectionEnd | None:
        """Answer a ping, time a pong; returns why the connection ends, if it does."""
        if msg.type is aiohttp.WSMsgType.PING:
            if not await self._write_own(ws.pong(msg.data), keep_alive):
                return lost(ws)
        elif msg.type is aiohttp.WSMsgType.PONG:
            round_trip = keep_alive.pong_received(keep_alive.last_frame)
            if round_trip is not None:
                self._listener.heartbeat_answered(round_trip)
        else:
            return end_of(ws, msg)
        return None

    async def _keep_alive(
        self, ws: aiohttp.ClientWebSocketResponse, keep_alive: KeepAlive
    ) -> ConnectionEnd | None:
        """Act on a passed deadline; returns why the connection ends, if it does."""
        now = asyncio.get_running_loop().time()
        if keep_alive.idle_expired(now):
            end_writes(self._ended)  # the server is gone: stop waiting for it
            await close_quietly(ws, aiohttp.WSCloseCode.GOING_AWAY)
            return ConnectionEnd(EndReason.IDLE, aiohttp.WSCloseCode.GOING_AWAY)
        if keep_alive.pong_missing(now):
            end_writes(self._ended)
            await close_quietly(ws, aiohttp.WSCloseCode.GOING_AWAY)
            return ConnectionEnd(EndReason.NO_HEARTBEAT_ANSWER, CLOSE_ABNORMAL)
        if keep_alive.login_expired(now):
            await close_quietly(ws, aiohttp.WSCloseCode.GOING_AWAY)
            return ConnectionEnd(
                EndReason.LOGIN_TIMEOUT, aiohttp.WSCloseCode.GOING_AWAY
            )
        if keep_alive.ping_due(now):
            keep_alive.ping_sent = now
            if not await self._write_own(ws.ping(), keep_alive):
                return lost(ws)
        message = self.settings.keepalive_message
        if message is not None and keep_alive.message_due(now):
            keep_alive.message_sent(now)
            if not await self._write_own(write_message(ws, message), keep_alive):
                return lost(ws)
        return None

    async def _write_own(
        self, write: Coroutine[Any, Any, None], keep_alive: KeepAlive
    ) -> bool:
        """Write a frame the connection sends of itself; False when it is lost."""
        return await write_within(write, keep_alive.write_timeout, self._transport)

    def _retry_delay(self) -> float:
        interval = self.settings.retry_interval
        # Jitter spreads reconnects of many entries; taken off the interval, so
        # the next attempt never comes later than promised. No cryptographic
        # quality is needed.
        return interval - interval * RETRY_JITTER * random.random()  # noqa: S311

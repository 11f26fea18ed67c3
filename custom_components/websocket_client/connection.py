"""One long-lived WebSocket link: connect, keep alive, receive, send, retry.

Plain asyncio and aiohttp: this module knows nothing of Home Assistant's entities,
events or config entries. It reports to a listener and is driven by start/stop.

Keep-alive is done here rather than by aiohttp's heartbeat so that the round-trip
time of each ping can be measured and a silent server is told apart from a slow one:
every received frame counts as a sign of life.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
import contextlib
from dataclasses import dataclass, field
from enum import StrEnum
import logging
import random
import ssl
from typing import Any, Final, Protocol

import aiohttp

_LOGGER = logging.getLogger(__name__)

RETRY_JITTER: Final = 0.1
CLOSE_TIMEOUT: Final = 3.0
STOP_CLOSE_TIMEOUT: Final = 0.5
# HTTP answers to the upgrade request that mean "your credentials are wrong":
# retrying with the same headers cannot help.
AUTH_REJECTED_STATUSES: Final = frozenset({401, 403})
CLOSE_ABNORMAL: Final = 1006
REASON_TOO_BIG: Final = "message larger than the maximum message size"
# Messages handled in a row before the receive loop lets other tasks run
MAX_BURST: Final = 64


class ConnectionState(StrEnum):
    """Where the link is in its life cycle."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    WAITING_TO_RETRY = "waiting_to_retry"
    DISCONNECTED = "disconnected"
    AUTH_REJECTED = "auth_rejected"


class NotConnectedError(Exception):
    """Raised when sending while no link is open."""


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """How to reach the server and keep the link healthy (seconds; 0 = off)."""

    url: str
    retry_interval: float
    connect_timeout: float
    heartbeat: float
    idle_timeout: float
    max_message_size: int
    headers: Mapping[str, str] = field(default_factory=dict)
    subprotocols: tuple[str, ...] = ()
    # True: verify with the system CAs; False: no verification; a context: custom CA
    ssl: ssl.SSLContext | bool = True
    # Offer permessage-deflate; costs CPU per message, saves bandwidth
    compress: bool = False


@dataclass(frozen=True, slots=True)
class LinkClosed:
    """Why an established link ended; `reason` never contains the URL."""

    close_code: int | None
    reason: str


class ConnectionListener(Protocol):
    """Receives everything the connection has to report, in the event loop."""

    def connection_state_changed(
        self, state: ConnectionState, problem: str | None
    ) -> None:
        """The state changed; `problem` says why a connect attempt or link failed."""

    def connection_closed(self, closed: LinkClosed) -> None:
        """An established link ended."""

    def text_received(self, text: str) -> None:
        """A text message arrived."""

    def binary_received(self, data: bytes) -> None:
        """A binary message arrived."""

    def heartbeat_answered(self, round_trip: float) -> None:
        """The server answered a heartbeat ping after `round_trip` seconds."""


type TaskFactory = Callable[[Coroutine[Any, Any, None], str], asyncio.Task[None]]


def _default_task_factory(
    coro: Coroutine[Any, Any, None], name: str
) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(coro, name=name)


class _KeepAlive:
    """Deadlines of one open link: when to ping, when silence means death."""

    __slots__ = ("heartbeat", "idle_timeout", "last_frame", "next_ping", "ping_sent")

    def __init__(self, heartbeat: float, idle_timeout: float, now: float) -> None:
        self.heartbeat = heartbeat
        self.idle_timeout = idle_timeout
        self.last_frame = now
        self.next_ping = now + heartbeat
        self.ping_sent: float | None = None

    def receive_timeout(self, now: float) -> float | None:
        """Seconds until the next deadline, None when nothing is watched."""
        deadlines: list[float] = []
        if self.idle_timeout:
            deadlines.append(self.last_frame + self.idle_timeout)
        if self.ping_sent is not None:
            deadlines.append(self.pong_deadline(self.ping_sent))
        elif self.heartbeat:
            deadlines.append(self.next_ping)
        if not deadlines:
            return None
        return max(min(deadlines) - now, 0.001)

    def pong_deadline(self, ping_sent: float) -> float:
        # Any frame proves the server alive: a pong queued behind a burst of
        # messages is late, not missing.
        return max(ping_sent, self.last_frame) + self.heartbeat / 2

    def idle_expired(self, now: float) -> bool:
        return bool(self.idle_timeout) and now >= self.last_frame + self.idle_timeout

    def pong_missing(self, now: float) -> bool:
        return self.ping_sent is not None and now >= self.pong_deadline(self.ping_sent)

    def ping_due(self, now: float) -> bool:
        return bool(self.heartbeat) and self.ping_sent is None and now >= self.next_ping

    def pong_received(self, now: float) -> float | None:
        """Round-trip time of the outstanding ping, if one was outstanding."""
        if self.ping_sent is None:
            return None
        round_trip = now - self.ping_sent
        self.ping_sent = None
        self.next_ping = now + self.heartbeat
        return round_trip


class WebSocketConnection:
    """Keeps one WebSocket link up until stopped, retrying after failures."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        settings: ConnectionSettings,
        listener: ConnectionListener,
        *,
        name: str = "websocket",
        task_factory: TaskFactory = _default_task_factory,
    ) -> None:
        """Prepare the link; nothing touches the network before start()."""
        self._session = session
        self.settings = settings
        self._listener = listener
        self._name = name
        self._task_factory = task_factory
        self._state = ConnectionState.DISCONNECTED
        self._task: asyncio.Task[None] | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._stop_code: int | None = None

    @property
    def state(self) -> ConnectionState:
        """The current life-cycle state."""
        return self._state

    def start(self) -> None:
        """Begin connecting in the background; idempotent."""
        if self._task is not None:
            return
        self._stop_code = None
        self._task = self._task_factory(self._run(), f"{self._name} connection")

    async def stop(self, close_code: int) -> None:
        """Close the link with `close_code`, stop retrying and wait until done."""
        task, self._task = self._task, None
        if task is None:
            return
        # The task itself closes an open link on cancellation, so a link that
        # opens while stop() runs cannot escape.
        self._stop_code = close_code
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def send_text(self, text: str) -> None:
        """Send one text frame."""
        ws = self._open_ws()
        try:
            await ws.send_str(text)
        except (aiohttp.ClientError, ConnectionError) as err:
            raise NotConnectedError from err

    async def send_binary(self, data: bytes) -> None:
        """Send one binary frame."""
        ws = self._open_ws()
        try:
            await ws.send_bytes(data)
        except (aiohttp.ClientError, ConnectionError) as err:
            raise NotConnectedError from err

    def _open_ws(self) -> aiohttp.ClientWebSocketResponse:
        ws = self._ws
        if ws is None or ws.closed:
            raise NotConnectedError
        return ws

    def _set_state(self, state: ConnectionState, problem: str | None = None) -> None:
        self._state = state
        self._listener.connection_state_changed(state, problem)

    async def _run(self) -> None:
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
        """Receive until the link ends; report and return why it ended."""
        self._ws = ws
        closed = LinkClosed(None, "internal error")
        try:
            self._set_state(ConnectionState.CONNECTED)
            closed = await self._receive_until_closed(ws)
        except asyncio.CancelledError:
            closed = LinkClosed(self._stop_code, "closed by Home Assistant")
            raise
        except Exception:
            # A listener bug must not end the link for good.
            _LOGGER.exception("Unexpected error while receiving")
        finally:
            self._ws = None
            if not ws.closed:
                # A peer busy sending may never answer the closing handshake;
                # stopping must not wait for it.
                await _close_quietly(
                    ws, self._stop_code or aiohttp.WSCloseCode.OK, STOP_CLOSE_TIMEOUT
                )
            self._listener.connection_closed(closed)
        return closed.reason

    async def _receive_until_closed(
        self, ws: aiohttp.ClientWebSocketResponse
    ) -> LinkClosed:
        loop = asyncio.get_running_loop()
        settings = self.settings
        keep_alive = _KeepAlive(settings.heartbeat, settings.idle_timeout, loop.time())
        listener = self._listener
        text, binary = aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY
        # aiohttp lets a compressed message one byte over its limit through.
        max_size = settings.max_message_size
        burst = 0
        while True:
            burst += 1
            if burst == MAX_BURST:
                # receive() does not suspend while frames are buffered; a flood
                # would otherwise keep the event loop from everything else.
                burst = 0
                await asyncio.sleep(0)
            try:
                msg = await ws.receive(timeout=keep_alive.receive_timeout(loop.time()))
            except TimeoutError:
                if (
                    closed := await self._keep_alive(ws, keep_alive, loop.time())
                ) is not None:
                    return closed
                continue
            keep_alive.last_frame = loop.time()
            msg_type = msg.type
            if msg_type is text or msg_type is binary:
                if max_size and len(msg.data) > max_size:
                    return await _close_too_big(ws)
                if msg_type is text:
                    listener.text_received(msg.data)
                else:
                    listener.binary_received(msg.data)
            elif msg_type is aiohttp.WSMsgType.PING:
                await ws.pong(msg.data)
            elif msg_type is aiohttp.WSMsgType.PONG:
                if (
                    round_trip := keep_alive.pong_received(keep_alive.last_frame)
                ) is not None:
                    listener.heartbeat_answered(round_trip)
            else:
                return _describe_end(ws, msg)

    async def _keep_alive(
        self, ws: aiohttp.ClientWebSocketResponse, keep_alive: _KeepAlive, now: float
    ) -> LinkClosed | None:
        """Act on a passed deadline; returns why the link ends, if it does."""
        if keep_alive.idle_expired(now):
            await _close_quietly(ws, aiohttp.WSCloseCode.GOING_AWAY)
            return LinkClosed(
                aiohttp.WSCloseCode.GOING_AWAY,
                f"no traffic from the server for {keep_alive.idle_timeout:g} s",
            )
        if keep_alive.pong_missing(now):
            await _close_quietly(ws, aiohttp.WSCloseCode.GOING_AWAY)
            return LinkClosed(CLOSE_ABNORMAL, "no answer to the heartbeat ping")
        if keep_alive.ping_due(now):
            keep_alive.ping_sent = now
            await ws.ping()
        return None

    def _retry_delay(self) -> float:
        interval = self.settings.retry_interval
        # Jitter spreads reconnects of many entries; taken off the interval, so
        # the next attempt never comes later than promised. No cryptographic
        # quality is needed.
        return interval - interval * RETRY_JITTER * random.random()  # noqa: S311


async def open_websocket(
    session: aiohttp.ClientSession, settings: ConnectionSettings
) -> aiohttp.ClientWebSocketResponse:
    """Perform the handshake within the connect timeout."""
    async with asyncio.timeout(settings.connect_timeout or None):
        return await session.ws_connect(
            settings.url,
            headers=dict(settings.headers),
            protocols=settings.subprotocols,
            ssl=settings.ssl,
            # Pings and pongs are handled here, to measure and to count as traffic.
            autoping=False,
            compress=15 if settings.compress else 0,
            # aiohttp refuses sizes >= its limit; the option's maximum is inclusive.
            max_msg_size=settings.max_message_size + 1
            if settings.max_message_size
            else 0,
            timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=CLOSE_TIMEOUT),
        )


async def _close_too_big(ws: aiohttp.ClientWebSocketResponse) -> LinkClosed:
    await _close_quietly(ws, aiohttp.WSCloseCode.MESSAGE_TOO_BIG)
    return LinkClosed(aiohttp.WSCloseCode.MESSAGE_TOO_BIG, REASON_TOO_BIG)


async def _close_quietly(
    ws: aiohttp.ClientWebSocketResponse, code: int, wait: float = CLOSE_TIMEOUT
) -> None:
    """Close a link whose peer may never answer the closing handshake.

    When the peer does not answer in time, aiohttp drops the connection.
    """
    with contextlib.suppress(TimeoutError, aiohttp.ClientError, OSError):
        async with asyncio.timeout(wait):
            await ws.close(code=code)


def _describe_end(
    ws: aiohttp.ClientWebSocketResponse, msg: aiohttp.WSMessage
) -> LinkClosed:
    if msg.type is aiohttp.WSMsgType.CLOSE:
        reason = msg.extra or "closed by the server"
        return LinkClosed(msg.data, str(reason))
    if msg.type is aiohttp.WSMsgType.ERROR:
        return LinkClosed(ws.close_code, describe_link_error(msg.data))
    return LinkClosed(ws.close_code, "connection lost")


def describe_link_error(err: BaseException) -> str:
    """A user-facing reason for an error that ended an established link."""
    if isinstance(err, aiohttp.WebSocketError):
        if err.code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG:
            return REASON_TOO_BIG
        if err.code == aiohttp.WSCloseCode.INVALID_TEXT:
            return "text message that is not valid UTF-8"
        return f"protocol error (close code {err.code})"
    return f"connection error ({type(err).__name__})"


def describe_connect_error(err: BaseException, settings: ConnectionSettings) -> str:
    """A user-facing reason for a failed connect attempt, without URL secrets.

    aiohttp's own messages for handshake errors embed the full request URL,
    query tokens included, so they are never passed on.
    """
    if isinstance(err, aiohttp.WSServerHandshakeError):
        if err.status == 101:
            return "handshake failed: the server's upgrade answer is invalid"
        return f"handshake rejected: HTTP {err.status}"
    if isinstance(err, TimeoutError):
        return f"no answer within {settings.connect_timeout:g} s"
    if isinstance(err, aiohttp.ClientConnectorCertificateError):
        return "TLS certificate verification failed"
    if isinstance(err, aiohttp.ClientSSLError | ssl.SSLError):
        return "TLS handshake failed"
    if isinstance(err, aiohttp.ClientConnectorError):
        detail = err.os_error.strerror or type(err.os_error).__name__
        return f"cannot connect to {err.host}:{err.port}: {detail}"
    if isinstance(err, aiohttp.ServerDisconnectedError):
        return "server closed the connection during the handshake"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return f"connection error ({type(err).__name__})"


async def async_check_handshake(
    session: aiohttp.ClientSession, settings: ConnectionSettings
) -> str | None:
    """Open and close one link to test settings: None, or why it failed.

    Returns "invalid_auth" when the server rejects the credentials and
    "cannot_connect" for any other failure.
    """
    try:
        ws = await open_websocket(session, settings)
    except aiohttp.WSServerHandshakeError as err:
        return (
            "invalid_auth" if err.status in AUTH_REJECTED_STATUSES else "cannot_connect"
        )
    except (TimeoutError, aiohttp.ClientError, OSError, ValueError):
        return "cannot_connect"
    await _close_quietly(ws, aiohttp.WSCloseCode.OK)
    return None

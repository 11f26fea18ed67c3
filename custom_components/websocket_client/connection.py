"""One long-lived WebSocket link: connect, keep alive, receive, send, retry.

Plain asyncio and aiohttp: this module knows nothing of Home Assistant's entities,
events or config entries. It reports to a listener and is driven by start/stop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
import contextlib
from dataclasses import dataclass
from enum import StrEnum
import logging
import random
import ssl
from typing import Any, Final, Protocol

import aiohttp

_LOGGER = logging.getLogger(__name__)

RETRY_JITTER: Final = 0.1
CLOSE_TIMEOUT: Final = 5.0


class ConnectionState(StrEnum):
    """Where the link is in its life cycle."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    WAITING_TO_RETRY = "waiting_to_retry"
    DISCONNECTED = "disconnected"


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


type TaskFactory = Callable[[Coroutine[Any, Any, None], str], asyncio.Task[None]]


def _default_task_factory(
    coro: Coroutine[Any, Any, None], name: str
) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(coro, name=name)


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
        self._settings = settings
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
        if ws is None or ws.closed or self._state is not ConnectionState.CONNECTED:
            raise NotConnectedError
        return ws

    def _set_state(self, state: ConnectionState, problem: str | None = None) -> None:
        self._state = state
        self._listener.connection_state_changed(state, problem)

    async def _run(self) -> None:
        try:
            while True:
                self._set_state(ConnectionState.CONNECTING)
                try:
                    ws = await self._connect()
                except (TimeoutError, aiohttp.ClientError, OSError) as err:
                    problem = describe_connect_error(err, self._settings)
                else:
                    problem = await self._serve(ws)
                self._set_state(ConnectionState.WAITING_TO_RETRY, problem)
                await asyncio.sleep(self._retry_delay())
        finally:
            self._state = ConnectionState.DISCONNECTED
            self._listener.connection_state_changed(ConnectionState.DISCONNECTED, None)

    async def _connect(self) -> aiohttp.ClientWebSocketResponse:
        settings = self._settings
        async with asyncio.timeout(settings.connect_timeout or None):
            return await self._session.ws_connect(
                settings.url,
                heartbeat=settings.heartbeat or None,
                max_msg_size=settings.max_message_size,
                timeout=aiohttp.ClientWSTimeout(
                    ws_receive=None, ws_close=CLOSE_TIMEOUT
                ),
            )

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
                await ws.close(code=self._stop_code or aiohttp.WSCloseCode.OK)
            self._listener.connection_closed(closed)
        return closed.reason

    async def _receive_until_closed(
        self, ws: aiohttp.ClientWebSocketResponse
    ) -> LinkClosed:
        idle_timeout = self._settings.idle_timeout or None
        listener = self._listener
        while True:
            try:
                msg = await ws.receive(timeout=idle_timeout)
            except TimeoutError:
                return await self._close_idle(ws)
            if msg.type is aiohttp.WSMsgType.TEXT:
                listener.text_received(msg.data)
            elif msg.type is aiohttp.WSMsgType.BINARY:
                listener.binary_received(msg.data)
            else:
                return _describe_end(ws, msg)

    async def _close_idle(self, ws: aiohttp.ClientWebSocketResponse) -> LinkClosed:
        with contextlib.suppress(TimeoutError, aiohttp.ClientError, OSError):
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await ws.close(code=aiohttp.WSCloseCode.GOING_AWAY)
        return LinkClosed(
            aiohttp.WSCloseCode.GOING_AWAY,
            f"no traffic from the server for {self._settings.idle_timeout:g} s",
        )

    def _retry_delay(self) -> float:
        interval = self._settings.retry_interval
        # Jitter spreads reconnects of many entries; it needs no cryptographic quality.
        return interval + interval * RETRY_JITTER * random.random()  # noqa: S311


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
    if isinstance(err, aiohttp.ServerTimeoutError):
        return "no answer to the heartbeat ping"
    if isinstance(err, aiohttp.WebSocketError):
        if err.code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG:
            return "message larger than the maximum message size"
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

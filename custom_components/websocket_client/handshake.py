"""Opening a WebSocket: the handshake, its settings, and its failures in words.

Plain aiohttp, no Home Assistant. Failures are described for users without the
URL: aiohttp's own messages for handshake errors embed the full request URL,
query tokens included.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import contextlib
from dataclasses import dataclass, field
import ssl
from typing import Any, Final

import aiohttp

CLOSE_TIMEOUT: Final = 3.0
# HTTP answers to the upgrade request that mean "your credentials are wrong":
# retrying with the same headers cannot help.
AUTH_REJECTED_STATUSES: Final = frozenset({401, 403})


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """How to reach the server and keep the connection healthy (seconds; 0 = off)."""

    # repr=False: credentials and tokens must not reach a log line by accident
    url: str = field(repr=False)
    retry_interval: float
    connect_timeout: float
    heartbeat: float
    idle_timeout: float
    max_message_size: int
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    subprotocols: tuple[str, ...] = ()
    # True: verify with the system CAs; False: no verification; a context: custom CA
    ssl: ssl.SSLContext | bool = True
    # Offer permessage-deflate; costs CPU per message, saves bandwidth
    compress: bool = False
    # Sent in order after every connect, before anything else (may hold secrets)
    on_connect: tuple[str | bytes, ...] = field(default=(), repr=False)
    # A JSON subset some received message must contain before the connection
    # counts as connected; None: connected as soon as on_connect is sent
    on_connect_reply: Mapping[str, Any] | None = None
    on_connect_timeout: float = 10
    # An application-level message sent every keepalive_interval s (0 = off)
    keepalive_message: str | bytes | None = None
    keepalive_interval: float = 0


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


async def close_quietly(
    ws: aiohttp.ClientWebSocketResponse, code: int, wait: float = CLOSE_TIMEOUT
) -> None:
    """Close a connection whose peer may never answer the closing handshake.

    When the peer does not answer in time, aiohttp drops the connection.
    """
    with contextlib.suppress(TimeoutError, aiohttp.ClientError, OSError):
        async with asyncio.timeout(wait):
            await ws.close(code=code)


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
    """Open and close one connection to test settings: None, or why it failed.

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
    await close_quietly(ws, aiohttp.WSCloseCode.OK)
    return None

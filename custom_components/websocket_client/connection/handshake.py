"""Opening a WebSocket: the handshake, and why an attempt failed, as data.

Plain aiohttp, no Home Assistant. aiohttp's own messages for handshake errors
embed the full request URL, query tokens included: they are never passed on.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl
from typing import Final

import aiohttp

from .ending import CLOSE_TIMEOUT, ConnectionEnd, EndReason, close_quietly
from .settings import ConnectionSettings

# HTTP answers to the upgrade request that mean "your credentials are wrong":
# retrying with the same headers cannot help.
AUTH_REJECTED_STATUSES: Final = frozenset({401, 403})


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
            # The server's close is answered here too, outside the receive
            # loop's timeout, which must not cut that answer short.
            autoclose=False,
            compress=15 if settings.compress else 0,
            # aiohttp refuses sizes >= its limit; the option's maximum is inclusive.
            max_msg_size=settings.max_message_size + 1
            if settings.max_message_size
            else 0,
            timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=CLOSE_TIMEOUT),
        )


def connect_failure(err: BaseException) -> ConnectionEnd:
    """Why a connect attempt failed, from the error it raised."""
    if isinstance(err, aiohttp.WSServerHandshakeError):
        if err.status == 101:
            return ConnectionEnd(EndReason.INVALID_UPGRADE, http_status=err.status)
        return ConnectionEnd(EndReason.HTTP_STATUS, http_status=err.status)
    if isinstance(err, aiohttp.ClientResponseError):
        # No HTTP answer at all (another protocol on that port): aiohttp's 400
        # is its own, not the server's.
        return ConnectionEnd(EndReason.INVALID_UPGRADE, error=type(err).__name__)
    if isinstance(err, TimeoutError):
        return ConnectionEnd(EndReason.TIMEOUT)
    if isinstance(err, aiohttp.ClientConnectorCertificateError):
        return ConnectionEnd(EndReason.TLS_CERTIFICATE)
    if isinstance(err, aiohttp.ClientSSLError | ssl.SSLError):
        return ConnectionEnd(EndReason.TLS_HANDSHAKE, error=type(err).__name__)
    if isinstance(err, aiohttp.ClientConnectorDNSError):
        return ConnectionEnd(EndReason.HOST_NOT_FOUND)
    if isinstance(err, aiohttp.ClientConnectorError):
        return _os_failure(err.os_error)
    if isinstance(err, aiohttp.ServerDisconnectedError):
        return ConnectionEnd(EndReason.HANDSHAKE_CLOSED)
    if isinstance(err, aiohttp.ClientOSError):
        # Connected (connect errors are ClientConnectorError), then reset
        return ConnectionEnd(EndReason.HANDSHAKE_CLOSED, error=_error_name(err))
    if isinstance(err, OSError):
        return _os_failure(err)
    return ConnectionEnd(EndReason.ERROR, error=type(err).__name__)


def _os_failure(err: OSError) -> ConnectionEnd:
    if isinstance(err, socket.gaierror):
        return ConnectionEnd(EndReason.HOST_NOT_FOUND, error=_error_name(err))
    if isinstance(err, ConnectionRefusedError):
        return ConnectionEnd(EndReason.REFUSED, error=_error_name(err))
    return ConnectionEnd(EndReason.UNREACHABLE, error=_error_name(err))


def _error_name(err: OSError) -> str:
    """The symbolic errno (ECONNREFUSED), else the error's type name."""
    if isinstance(err, socket.gaierror) and err.errno is not None:
        return f"EAI {err.errno}"
    if err.errno is not None and err.errno in errno.errorcode:
        return errno.errorcode[err.errno]
    return type(err).__name__


def credentials_rejected(end: ConnectionEnd) -> bool:
    """Whether the server refused the credentials: retrying cannot help."""
    return (
        end.reason is EndReason.HTTP_STATUS
        and end.http_status in AUTH_REJECTED_STATUSES
    )


async def check_handshake(
    session: aiohttp.ClientSession, settings: ConnectionSettings
) -> ConnectionEnd | None:
    """Open and close one connection to test settings: None, or why it failed."""
    try:
        ws = await open_websocket(session, settings)
    except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as err:
        return connect_failure(err)
    await close_quietly(ws, aiohttp.WSCloseCode.OK)
    return None

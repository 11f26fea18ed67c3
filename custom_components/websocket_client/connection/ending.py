"""Why a connection attempt failed or an open connection ended, as data.

Plain aiohttp, no Home Assistant. Nothing here is a sentence: the layers above
translate an `EndReason` for users. Nothing here contains the URL either.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import aiohttp

CLOSE_ABNORMAL: Final = 1006
CLOSE_TIMEOUT: Final = 3.0


class EndReason(StrEnum):
    """Why a connection attempt failed or an open connection ended."""

    # Connecting
    REFUSED = "refused"
    HOST_NOT_FOUND = "host_not_found"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    TLS_CERTIFICATE = "tls_certificate"
    TLS_HANDSHAKE = "tls_handshake"
    HTTP_STATUS = "http_status"
    INVALID_UPGRADE = "invalid_upgrade"
    HANDSHAKE_CLOSED = "handshake_closed"
    # An open connection
    CLOSED_BY_SERVER = "closed_by_server"
    CLOSED_BY_HOME_ASSISTANT = "closed_by_home_assistant"
    LOST = "lost"
    TOO_BIG = "too_big"
    INVALID_TEXT = "invalid_text"
    PROTOCOL_ERROR = "protocol_error"
    LOGIN_REFUSED = "login_refused"
    LOGIN_TIMEOUT = "login_timeout"
    NO_HEARTBEAT_ANSWER = "no_heartbeat_answer"
    IDLE = "idle"
    # A bug below or in a listener; the log has the details
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class ConnectionEnd:
    """Why a connection attempt failed or an open connection ended.

    `close_code` is the WebSocket close code, `server_reason` the text of the
    server's close frame, `http_status` the answer to the upgrade request, and
    `error` the name of the underlying error (an errno name or exception type).
    """

    reason: EndReason
    close_code: int | None = None
    server_reason: str | None = None
    http_status: int | None = None
    error: str | None = None


async def close_quietly(
    ws: aiohttp.ClientWebSocketResponse, code: int, wait: float = CLOSE_TIMEOUT
) -> None:
    """Close a connection whose peer may never answer the closing handshake.

    When the peer does not answer in time, aiohttp drops the connection.
    """
    with contextlib.suppress(TimeoutError, aiohttp.ClientError, OSError):
        async with asyncio.timeout(wait):
            await ws.close(code=code)


async def close_too_big(ws: aiohttp.ClientWebSocketResponse) -> ConnectionEnd:
    """Close because a message exceeded the maximum message size."""
    await close_quietly(ws, aiohttp.WSCloseCode.MESSAGE_TOO_BIG)
    return ConnectionEnd(EndReason.TOO_BIG, aiohttp.WSCloseCode.MESSAGE_TOO_BIG)


def before_login(end: ConnectionEnd) -> ConnectionEnd:
    """An end while the login reply was awaited: a refused login, most likely.

    Servers such as Home Assistant answer a wrong token and hang up at once.
    """
    if end.reason in (EndReason.CLOSED_BY_SERVER, EndReason.LOST):
        return ConnectionEnd(EndReason.LOGIN_REFUSED, end.close_code, end.server_reason)
    return end


def end_of(
    ws: aiohttp.ClientWebSocketResponse, msg: aiohttp.WSMessage
) -> ConnectionEnd:
    """Why the connection ended, from the message that ended it."""
    if msg.type is aiohttp.WSMsgType.CLOSE:
        # An empty close frame carries no code: aiohttp says 0
        return ConnectionEnd(
            EndReason.CLOSED_BY_SERVER, msg.data or None, str(msg.extra or "") or None
        )
    if msg.type is aiohttp.WSMsgType.ERROR:
        return _end_of_error(ws, msg.data)
    return lost(ws)


def _end_of_error(
    ws: aiohttp.ClientWebSocketResponse, err: BaseException
) -> ConnectionEnd:
    if isinstance(err, aiohttp.WebSocketError):
        if err.code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG:
            return ConnectionEnd(EndReason.TOO_BIG, err.code)
        if err.code == aiohttp.WSCloseCode.INVALID_TEXT:
            return ConnectionEnd(EndReason.INVALID_TEXT, err.code)
        return ConnectionEnd(EndReason.PROTOCOL_ERROR, err.code)
    return ConnectionEnd(
        EndReason.LOST, ws.close_code or CLOSE_ABNORMAL, error=type(err).__name__
    )


def lost(ws: aiohttp.ClientWebSocketResponse) -> ConnectionEnd:
    """The connection went away without a closing handshake (1006, RFC 6455)."""
    return ConnectionEnd(EndReason.LOST, ws.close_code or CLOSE_ABNORMAL)

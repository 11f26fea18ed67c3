"""How an open connection ends: the reasons users see, and closing with one.

Plain aiohttp, no Home Assistant. Reasons never contain the URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import aiohttp

from .handshake import close_quietly

CLOSE_ABNORMAL: Final = 1006
REASON_TOO_BIG: Final = "message larger than the maximum message size"
REASON_LOST: Final = "connection lost"
REASON_NOT_ACCEPTED: Final = "the server did not accept the on-connect messages"


@dataclass(frozen=True, slots=True)
class ConnectionClosed:
    """Why an open connection ended; `reason` never contains the URL."""

    close_code: int | None
    reason: str


async def close_too_big(ws: aiohttp.ClientWebSocketResponse) -> ConnectionClosed:
    """Close because a message exceeded the maximum message size."""
    await close_quietly(ws, aiohttp.WSCloseCode.MESSAGE_TOO_BIG)
    return ConnectionClosed(aiohttp.WSCloseCode.MESSAGE_TOO_BIG, REASON_TOO_BIG)


def login_not_accepted(timeout: float) -> ConnectionClosed:
    """The server sent no reply matching the login within `timeout` seconds."""
    return ConnectionClosed(
        aiohttp.WSCloseCode.GOING_AWAY, f"{REASON_NOT_ACCEPTED} within {timeout:g} s"
    )


def before_login(closed: ConnectionClosed) -> ConnectionClosed:
    """An end while the login reply was awaited: a refused login, most likely.

    Servers such as Home Assistant answer a wrong token and close at once.
    """
    if closed.reason.startswith(REASON_NOT_ACCEPTED):
        return closed
    return ConnectionClosed(
        closed.close_code, f"{REASON_NOT_ACCEPTED} ({closed.reason})"
    )


def describe_end(
    ws: aiohttp.ClientWebSocketResponse, msg: aiohttp.WSMessage
) -> ConnectionClosed:
    """Why the connection ended, from the message that ended it."""
    if msg.type is aiohttp.WSMsgType.CLOSE:
        reason = msg.extra or "closed by the server"
        return ConnectionClosed(msg.data, str(reason))
    if msg.type is aiohttp.WSMsgType.ERROR:
        return ConnectionClosed(ws.close_code, describe_connection_error(msg.data))
    return lost(ws)


def describe_connection_error(err: BaseException) -> str:
    """A user-facing reason for an error that ended an established connection."""
    if isinstance(err, aiohttp.WebSocketError):
        if err.code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG:
            return REASON_TOO_BIG
        if err.code == aiohttp.WSCloseCode.INVALID_TEXT:
            return "text message that is not valid UTF-8"
        return f"protocol error (close code {err.code})"
    return f"connection error ({type(err).__name__})"


def lost(ws: aiohttp.ClientWebSocketResponse) -> ConnectionClosed:
    """The connection went away without a closing handshake (1006, RFC 6455)."""
    return ConnectionClosed(ws.close_code or CLOSE_ABNORMAL, REASON_LOST)

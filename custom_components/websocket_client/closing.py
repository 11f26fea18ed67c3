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


@dataclass(frozen=True, slots=True)
class ConnectionClosed:
    """Why an open connection ended; `reason` never contains the URL."""

    close_code: int | None
    reason: str


async def close_too_big(ws: aiohttp.ClientWebSocketResponse) -> ConnectionClosed:
    """Close because a message exceeded the maximum message size."""
    await close_quietly(ws, aiohttp.WSCloseCode.MESSAGE_TOO_BIG)
    return ConnectionClosed(aiohttp.WSCloseCode.MESSAGE_TOO_BIG, REASON_TOO_BIG)


def describe_end(
    ws: aiohttp.ClientWebSocketResponse, msg: aiohttp.WSMessage
) -> ConnectionClosed:
    """Why the connection ended, from the message that ended it."""
    if msg.type is aiohttp.WSMsgType.CLOSE:
        reason = msg.extra or "closed by the server"
        return ConnectionClosed(msg.data, str(reason))
    if msg.type is aiohttp.WSMsgType.ERROR:
        return ConnectionClosed(ws.close_code, describe_connection_error(msg.data))
    return ConnectionClosed(ws.close_code, REASON_LOST)


def describe_connection_error(err: BaseException) -> str:
    """A user-facing reason for an error that ended an established connection."""
    if isinstance(err, aiohttp.WebSocketError):
        if err.code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG:
            return REASON_TOO_BIG
        if err.code == aiohttp.WSCloseCode.INVALID_TEXT:
            return "text message that is not valid UTF-8"
        return f"protocol error (close code {err.code})"
    return f"connection error ({type(err).__name__})"

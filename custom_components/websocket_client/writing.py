"""Writing frames to an open connection, which may go away at any instant.

Plain aiohttp, no Home Assistant.
"""

from __future__ import annotations

from collections.abc import Awaitable

import aiohttp


def write_message(
    ws: aiohttp.ClientWebSocketResponse, payload: str | bytes
) -> Awaitable[None]:
    """Write `payload` as a binary (bytes) or text (str) frame."""
    if isinstance(payload, bytes):
        return ws.send_bytes(payload)
    return ws.send_str(payload)


async def write_quietly(write: Awaitable[None]) -> bool:
    """Write a frame; False when the connection is going away meanwhile.

    The peer may reset the connection at any instant: that is a lost
    connection, not an error.
    """
    try:
        await write
    except (aiohttp.ClientError, ConnectionError):
        return False
    return True

"""Writing frames to an open connection, which may go away at any instant.

Plain aiohttp, no Home Assistant.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import aiohttp


def write_message(
    ws: aiohttp.ClientWebSocketResponse, payload: str | bytes
) -> Coroutine[Any, Any, None]:
    """Write `payload` as a binary (bytes) or text (str) frame."""
    if isinstance(payload, bytes):
        return ws.send_bytes(payload)
    return ws.send_str(payload)


async def write_within(
    write: Coroutine[Any, Any, None],
    give_up_after: float | None,
    transport: asyncio.Transport | None,
) -> bool:
    """Write a frame of the connection's own; False when the connection is lost.

    The peer may reset the connection at any instant, or stop reading and
    leave the write waiting for room in the socket: after `give_up_after` s
    the socket is dropped. Either way the connection is lost, not in error.
    """
    writing = _started(write)
    if not writing.done():
        await asyncio.wait((writing,), timeout=give_up_after)
        if not writing.done():
            await _drop_socket(writing, transport, give_up_after)
            return False
    if writing.cancelled():
        return False
    if (error := writing.exception()) is None:
        return True
    if isinstance(error, aiohttp.ClientError | ConnectionError):
        return False
    raise error


async def _drop_socket(
    writing: asyncio.Task[None],
    transport: asyncio.Transport | None,
    give_up_after: float | None,
) -> None:
    """Drop the socket under a stuck write and let the write end by itself.

    Cancelling the write instead would leave aiohttp's drain waiter to fail
    unobserved ("Future exception was never retrieved") when the socket goes.
    """
    if transport is not None:
        transport.abort()
        await asyncio.wait((writing,), timeout=give_up_after)
    writing.cancel()


async def write_until_ended(
    write: Coroutine[Any, Any, None], ended: asyncio.Future[None]
) -> None:
    """Write a frame; ConnectionResetError when the connection ends first.

    A peer that keeps TCP open but stops reading leaves a write waiting for
    room in the socket; nothing but the end of the connection ends that wait.
    """
    writing = _started(_written(write, ended))
    if not writing.done():
        try:
            await asyncio.wait((writing, ended), return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not writing.done():
                writing.cancel()  # the caller gave up, or the connection ended
        if not writing.done():
            raise ConnectionResetError("connection ended while writing")
    if not writing.result():
        raise ConnectionResetError("connection ended while writing")


async def _written(
    write: Coroutine[Any, Any, None], ended: asyncio.Future[None]
) -> bool:
    """Write; whether the connection was still there when the write returned.

    A write that returns after the socket was dropped wrote nothing; one that
    returned before was handed to the connection, and must not be sent again.
    """
    await write
    return not ended.done()


def _started[T](write: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
    """A write as a task, started eagerly.

    A write that finds room completes here, without a task switch. One that
    waits has its outcome read whenever it ends, even after its caller gave
    up: a write given up on may still fail, and asyncio would log "Task
    exception was never retrieved".
    """
    writing = asyncio.Task(write, loop=asyncio.get_running_loop(), eager_start=True)
    if not writing.done():
        writing.add_done_callback(_read_outcome)
    return writing


def _read_outcome(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


def transport_of(ws: aiohttp.ClientWebSocketResponse) -> asyncio.Transport | None:
    """The socket transport under `ws`, None where aiohttp does not tell.

    aiohttp has no public way to drop a WebSocket's socket at once (close()
    lets unsent data drain first); its private `_conn` (3.11 to 3.13) leads
    there. Guarded: without it, ended writes still end, only the socket
    waits for TCP to give up.
    """
    transport = getattr(getattr(ws, "_conn", None), "transport", None)
    return transport if isinstance(transport, asyncio.Transport) else None


def end_writes(
    ended: asyncio.Future[None] | None, transport: asyncio.Transport | None = None
) -> None:
    """Make writes still waiting on a connection fail; drop its socket, if given."""
    if ended is not None and not ended.done():
        ended.set_result(None)
    if transport is not None:
        # Unsent data would keep the socket of a peer that stopped reading.
        transport.abort()

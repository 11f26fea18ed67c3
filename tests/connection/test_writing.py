"""Writing frames: a write waiting for room ends with the connection, once.

`write_until_ended` is given plain coroutines standing for a frame write that
waits for room in the socket (aiohttp's drain), so each test can decide when
the room comes, and when the connection ends, to the loop iteration.
"""

from __future__ import annotations

import asyncio
import gc

import pytest

from custom_components.websocket_client.connection.writing import write_until_ended


async def wait_for_room(room: asyncio.Future[None]) -> None:
    """A frame write that returns once the socket has room (or fails)."""
    await room


async def test_write_done_before_the_end_counts_as_sent() -> None:
    """The room came, then the connection ended before the caller resumed."""
    loop = asyncio.get_running_loop()
    room, ended = loop.create_future(), loop.create_future()
    caller = asyncio.create_task(write_until_ended(wait_for_room(room), ended))
    await asyncio.sleep(0)  # the write waits for room
    room.set_result(None)
    await asyncio.sleep(0)  # the write returns
    ended.set_result(None)
    await caller  # sent: no error, so nothing sends it again


async def test_write_waiting_when_the_connection_ends_fails() -> None:
    """No room before the end: the caller hears the connection ended."""
    loop = asyncio.get_running_loop()
    room, ended = loop.create_future(), loop.create_future()
    caller = asyncio.create_task(write_until_ended(wait_for_room(room), ended))
    await asyncio.sleep(0)
    ended.set_result(None)
    with pytest.raises(ConnectionResetError):
        await caller


async def test_a_write_failing_after_the_end_is_not_logged_as_unretrieved(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The connection ends, and the write fails in the same loop iteration."""
    loop = asyncio.get_running_loop()
    room, ended = loop.create_future(), loop.create_future()
    caller = asyncio.create_task(write_until_ended(wait_for_room(room), ended))
    await asyncio.sleep(0)
    ended.set_result(None)
    room.set_exception(ConnectionResetError("Connection lost"))
    with pytest.raises(ConnectionResetError):
        await caller
    del caller, room
    await asyncio.sleep(0)
    gc.collect()  # an unread task exception is logged when the task is collected
    assert "never retrieved" not in caplog.text

"""The receive loop's slices: how many frames, or how long, before others run."""

from __future__ import annotations

import asyncio

from custom_components.websocket_client.connection.pacing import (
    MAX_BURST,
    MAX_BURST_SECONDS,
    Pace,
)


class Turns:
    """Counts the turns another task gets while the loop is held."""

    def __init__(self) -> None:
        """Start counting at once."""
        self.count = 0
        self._task = asyncio.create_task(self._take_turns())

    async def _take_turns(self) -> None:
        while True:
            self.count += 1
            await asyncio.sleep(0)

    def stop(self) -> None:
        """Stop counting."""
        self._task.cancel()


async def test_other_tasks_run_once_a_slice_of_frames_is_used_up() -> None:
    """Every MAX_BURST frames (or sooner, on a slow machine), others get a turn."""
    loop = asyncio.get_running_loop()
    turns = Turns()
    await asyncio.sleep(0)
    before = turns.count
    pace = Pace(loop.time())
    for _ in range(3 * MAX_BURST):
        await pace.frame(loop.time())
    turns.stop()
    assert turns.count - before >= 3
    assert pace.handled < MAX_BURST


async def test_a_slice_also_ends_after_its_time() -> None:
    """A slow frame ends the slice by time alone, and a new one starts."""
    loop = asyncio.get_running_loop()
    turns = Turns()
    await asyncio.sleep(0)
    before = turns.count
    pace = Pace(loop.time() - 2 * MAX_BURST_SECONDS)
    assert pace.used_up(loop.time())
    await pace.frame(loop.time())
    turns.stop()
    assert turns.count == before + 1
    assert pace.handled == 0
    assert not pace.used_up(pace.started)

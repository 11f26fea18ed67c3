"""How long the receive loop may hold the event loop before others get a turn.

aiohttp's receive() does not suspend while frames are buffered, so during a
flood neither other tasks nor a timeout would get a turn by themselves.
"""

from __future__ import annotations

import asyncio
from typing import Final

# Frames handled in a row before the receive loop lets other tasks run
MAX_BURST: Final = 64
# Seconds of receiving before it does. Automation runs start inside it and
# finish in the loop's next turn, which grows with them: half a millisecond
# kept the loop's lag during bursts of automation runs below MQTT's (2 ms
# tripled it), and costs a flood of cheap messages nothing (64 come first).
MAX_BURST_SECONDS: Final = 0.0005


class Pace:
    """Frames handled since the receive loop last let other tasks run.

    One per connection, kept across the loop's stretches: frames that end a
    stretch (pings, pongs) count too.
    """

    __slots__ = ("handled", "started")

    def __init__(self, now: float) -> None:
        """Start a slice at loop time `now`."""
        self.handled = 0
        self.started = now

    def used_up(self, now: float) -> bool:
        """Whether the slice is over at loop time `now`."""
        return self.handled >= MAX_BURST or now - self.started >= MAX_BURST_SECONDS

    def counted(self, now: float) -> bool:
        """Count one frame handled at `now`; whether the slice is over.

        Not a coroutine: the receive path calls it for every message.
        """
        self.handled += 1
        return self.used_up(now)

    async def frame(self, now: float) -> None:
        """Count one frame handled at `now`; let others run if the slice is over."""
        if self.counted(now):
            await self.pause()

    async def pause(self) -> None:
        """Let other tasks run, then start a new slice."""
        await asyncio.sleep(0)
        self.handled, self.started = 0, asyncio.get_running_loop().time()

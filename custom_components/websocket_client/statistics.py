"""What the diagnostic sensors show of a connection: counters, timings, last end.

Counters change with every message; their sensors follow at most once a second.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Final

from homeassistant.util import dt as dt_util

from .connection import ConnectionEnd
from .listeners import Listeners

# Message counters change with every message; their sensors follow at this pace.
STATISTICS_INTERVAL: Final = 1.0


class ClientStatistics:
    """Counters and timings of one connection, with paced change listeners."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start from zero."""
        self._loop = loop
        self.messages_received = 0
        self.messages_sent = 0
        self.connects = 0
        self.last_connected: datetime | None = None
        self.last_error: ConnectionEnd | None = None
        self.heartbeat_round_trip: float | None = None
        self.listeners = Listeners()
        self._flush: asyncio.TimerHandle | None = None

    @property
    def reconnects(self) -> int:
        """Connections made after the first one since the entry was loaded."""
        return max(self.connects - 1, 0)

    def count_received(self) -> None:
        """One more message received."""
        self.messages_received += 1
        self._schedule()

    def count_sent(self) -> None:
        """One more message sent."""
        self.messages_sent += 1
        self._schedule()

    def count_connect(self) -> None:
        """A connection opened."""
        self.connects += 1
        self.last_connected = dt_util.utcnow()

    def set_round_trip(self, round_trip: float) -> None:
        """The heartbeat's latest round-trip time, in seconds."""
        self.heartbeat_round_trip = round_trip
        self._schedule()

    def cancel(self) -> None:
        """Stop the pending update (the entry unloads)."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None

    def _schedule(self) -> None:
        if self._flush is None:
            self._flush = self._loop.call_later(STATISTICS_INTERVAL, self._notify)

    def _notify(self) -> None:
        self._flush = None
        self.listeners.notify()

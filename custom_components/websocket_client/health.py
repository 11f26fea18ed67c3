"""What the diagnostic sensors and the log say about a connection's health.

Counters change with every message; their sensors follow at most once a second.
An outage is logged once when it starts and once when it ends, however many
retries lie between.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Final

from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from .const import LOGGER

# Message counters change with every message; their sensors follow at this pace.
STATISTICS_INTERVAL: Final = 1.0


class Listeners:
    """Callbacks without arguments, added and removed in constant time."""

    __slots__ = ("_callbacks",)

    def __init__(self) -> None:
        """Start empty."""
        self._callbacks: dict[object, Callable[[], None]] = {}

    @callback
    def add(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` on every notify; returns the remover."""
        key = object()
        self._callbacks[key] = listener
        return lambda: self._callbacks.pop(key, None) and None

    def notify(self) -> None:
        """Call every listener."""
        for listener in list(self._callbacks.values()):
            listener()


class ClientStatistics:
    """Counters and timings of one connection, with paced change listeners."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start from zero."""
        self._loop = loop
        self.messages_received = 0
        self.messages_sent = 0
        self.connects = 0
        self.last_connected: datetime | None = None
        self.last_error: str | None = None
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


class OutageLog:
    """Logs an outage once when it starts and once when it ends."""

    def __init__(
        self, name: str, masked_url: str, statistics: ClientStatistics
    ) -> None:
        """Log for the connection `name`; the last error goes to `statistics`."""
        self._name = name
        self._statistics = statistics
        self._url = masked_url
        self._in_outage = False

    def connected(self) -> None:
        """A connection opened: ends an outage, if one was logged."""
        if self._in_outage:
            LOGGER.info("%s: connected to %s again", self._name, self._url)
            self._in_outage = False
        else:
            LOGGER.debug("%s: connected to %s", self._name, self._url)

    def failed(self, problem: str | None, retry_interval: float) -> None:
        """An attempt failed or a connection dropped; logged once per outage."""
        self._statistics.last_error = problem
        if self._in_outage:
            return
        self._in_outage = True
        LOGGER.info(
            "%s: no connection to %s (%s); retrying every %g s",
            self._name,
            self._url,
            problem,
            retry_interval,
        )

    def rejected(self, problem: str | None) -> None:
        """The server refused the credentials; no retries follow."""
        self._statistics.last_error = problem
        LOGGER.warning(
            "%s: %s refused the credentials (%s); not retrying until "
            "the connection is reauthenticated",
            self._name,
            self._url,
            problem,
        )

    def stopped(self) -> None:
        """Disconnected on purpose: the next failure starts a new outage."""
        self._in_outage = False

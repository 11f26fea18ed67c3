"""The per-entry queue of messages sent with `queue: true` while the connection is down.

Bounded in length and age: a message that cannot wait is reported, never lost
silently. A message leaves the queue only once it was handed to the connection, so a
connection that drops during the flush resends nothing twice and loses nothing.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    """A message waiting for the connection, with when it was queued (loop time)."""

    payload: str | bytes
    queued_at: float


class OutboxFullError(Exception):
    """The queue holds its maximum number of messages."""


type DropReporter = Callable[[QueuedMessage, str], None]


class Outbox:
    """FIFO of messages waiting for a connection; expired ones are dropped, reported."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        max_size: int,
        max_age: float,
        report_drop: DropReporter,
    ) -> None:
        """Create an empty outbox."""
        self._loop = loop
        self.max_size = max_size
        self.max_age = max_age
        self._report_drop = report_drop
        self._messages: deque[QueuedMessage] = deque()
        self._expiry: asyncio.TimerHandle | None = None
        self._flushing = False

    def __len__(self) -> int:
        """Messages waiting."""
        return len(self._messages)

    def put(self, payload: str | bytes) -> None:
        """Queue a message; raises OutboxFullError when full."""
        self._drop_expired()
        if len(self._messages) >= self.max_size:
            raise OutboxFullError
        self._messages.append(QueuedMessage(payload, self._loop.time()))
        self._schedule_expiry()

    async def flush(self, send: Callable[[str | bytes], Awaitable[None]]) -> None:
        """Send every waiting message in order; stops at the first failure."""
        if self._flushing:
            return
        self._flushing = True
        try:
            self._drop_expired()
            while self._messages:
                await send(self._messages[0].payload)
                self._messages.popleft()
        finally:
            self._flushing = False
            self._schedule_expiry()

    def drop_all(self, reason: str) -> None:
        """Report and forget every waiting message (the entry goes away)."""
        self._cancel_expiry()
        while self._messages:
            self._report_drop(self._messages.popleft(), reason)

    def _drop_expired(self) -> None:
        deadline = self._loop.time() - self.max_age
        while self._messages and self._messages[0].queued_at <= deadline:
            self._report_drop(self._messages.popleft(), "expired")

    def _schedule_expiry(self) -> None:
        self._cancel_expiry()
        if self._messages:
            self._expiry = self._loop.call_at(
                self._messages[0].queued_at + self.max_age, self._on_expiry
            )

    def _on_expiry(self) -> None:
        self._expiry = None
        # A flush in progress re-arms the timer when it ends; re-arming now, for
        # a deadline already past, would spin.
        if not self._flushing:
            self._drop_expired()
            self._schedule_expiry()

    def _cancel_expiry(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None

"""The connection's last received messages, kept in memory for the entity flow.

The subentry flow lists them so the user can point at a message that really
arrived. A bounded deque, newest last inside, newest first outside; never
written to disk and dropped with the client when the entry unloads. Cost per
message: one append of the raw payload; a `ReceivedMessage` is made only when
the flow reads them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime
import time
from typing import Final

from homeassistant.util import dt as dt_util

from .message import ReceivedMessage

# Enough to find a message of each kind a chatty server sends, small in memory
RECENT_MESSAGES: Final = 20


@dataclass(frozen=True, slots=True)
class RecentMessage:
    """A message and when it arrived."""

    received: datetime
    message: ReceivedMessage


class RecentMessages:
    """The last messages of one connection, bounded."""

    __slots__ = ("_entry_id", "_messages", "_name")

    def __init__(self, entry_id: str, name: str, size: int = RECENT_MESSAGES) -> None:
        """Keep at most `size` messages of the connection `name`."""
        self._entry_id = entry_id
        self._name = name
        self._messages: deque[tuple[float, str | bytes]] = deque(maxlen=size)

    def add(self, payload: str | bytes) -> None:
        """Remember a message that just arrived, forgetting the oldest if full."""
        self._messages.append((time.time(), payload))

    def newest_first(self) -> list[RecentMessage]:
        """The kept messages, the newest first, with the time they arrived."""
        return [
            RecentMessage(
                dt_util.utc_from_timestamp(received),
                ReceivedMessage(self._entry_id, self._name, payload),
            )
            for received, payload in reversed(self._messages)
        ]

    def clear(self) -> None:
        """Forget every message (the entry unloads)."""
        self._messages.clear()

"""Deadlines of one open connection: when to ping, when silence means it is dead.

Every received frame counts as a sign of life, so a silent server is told apart
from a slow one.
"""

from __future__ import annotations


class KeepAlive:
    """Deadlines of one open connection: when to ping, when silence means death."""

    __slots__ = ("heartbeat", "idle_timeout", "last_frame", "next_ping", "ping_sent")

    def __init__(self, heartbeat: float, idle_timeout: float, now: float) -> None:
        """Start watching at loop time `now` (0 turns a watch off)."""
        self.heartbeat = heartbeat
        self.idle_timeout = idle_timeout
        self.last_frame = now
        self.next_ping = now + heartbeat
        self.ping_sent: float | None = None

    def receive_timeout(self, now: float) -> float | None:
        """Seconds until the next deadline, None when nothing is watched."""
        deadlines: list[float] = []
        if self.idle_timeout:
            deadlines.append(self.last_frame + self.idle_timeout)
        if self.ping_sent is not None:
            deadlines.append(self.pong_deadline(self.ping_sent))
        elif self.heartbeat:
            deadlines.append(self.next_ping)
        if not deadlines:
            return None
        return max(min(deadlines) - now, 0.001)

    def pong_deadline(self, ping_sent: float) -> float:
        """When the answer to a ping sent at `ping_sent` is overdue."""
        # Any frame proves the server alive: a pong queued behind a burst of
        # messages is late, not missing.
        return max(ping_sent, self.last_frame) + self.heartbeat / 2

    def idle_expired(self, now: float) -> bool:
        """Whether the server has been silent for the idle timeout."""
        return bool(self.idle_timeout) and now >= self.last_frame + self.idle_timeout

    def pong_missing(self, now: float) -> bool:
        """Whether the outstanding ping went unanswered."""
        return self.ping_sent is not None and now >= self.pong_deadline(self.ping_sent)

    def ping_due(self, now: float) -> bool:
        """Whether the next heartbeat ping should go out."""
        return bool(self.heartbeat) and self.ping_sent is None and now >= self.next_ping

    def pong_received(self, now: float) -> float | None:
        """Round-trip time of the outstanding ping, if one was outstanding."""
        if self.ping_sent is None:
            return None
        round_trip = now - self.ping_sent
        self.ping_sent = None
        self.next_ping = now + self.heartbeat
        return round_trip

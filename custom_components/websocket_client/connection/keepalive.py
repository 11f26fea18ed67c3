"""Deadlines of one open connection: pings, keep-alive messages, login, silence.

Every received frame counts as a sign of life, so a silent server is told apart
from a slow one.
"""

from __future__ import annotations

from .settings import ConnectionSettings


class KeepAlive:
    """Deadlines of one open connection; 0 (or None) turns a watch off."""

    __slots__ = (
        "heartbeat",
        "idle_timeout",
        "last_frame",
        "login_deadline",
        "message_interval",
        "next_message",
        "next_ping",
        "ping_sent",
        "write_timeout",
    )

    def __init__(
        self,
        heartbeat: float,
        idle_timeout: float,
        now: float,
        *,
        message_interval: float = 0,
        login_timeout: float | None = None,
    ) -> None:
        """Start watching at loop time `now`.

        With a `login_timeout`, the connection waits for the server to accept
        its on-connect messages; keep-alive messages start after that.
        """
        self.heartbeat = heartbeat
        self.idle_timeout = idle_timeout
        self.last_frame = now
        self.next_ping = now + heartbeat
        self.ping_sent: float | None = None
        self.message_interval = message_interval
        self.next_message = now + message_interval
        self.login_deadline = None if login_timeout is None else now + login_timeout
        # A write of the connection's own (login, ping, pong, keep-alive) that
        # takes longer means a peer that stopped reading: as late as a pong.
        self.write_timeout = heartbeat / 2 if heartbeat else idle_timeout or None

    def next_deadline(self) -> float | None:
        """Loop time of the next deadline, None when nothing is watched.

        Frames, pongs, pings and keep-alive messages only move deadlines
        later, so a value taken earlier is never too late to act on (acting
        early finds nothing due). Only the login can bring one nearer: ask
        again after it.
        """
        deadlines: list[float] = []
        if self.idle_timeout:
            deadlines.append(self.last_frame + self.idle_timeout)
        if self.ping_sent is not None:
            deadlines.append(self.pong_deadline(self.ping_sent))
        elif self.heartbeat:
            deadlines.append(self.next_ping)
        if self.login_deadline is not None:
            deadlines.append(self.login_deadline)
        elif self.message_interval:
            deadlines.append(self.next_message)
        return min(deadlines) if deadlines else None

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

    @property
    def logging_in(self) -> bool:
        """Whether the server has yet to accept the on-connect messages."""
        return self.login_deadline is not None

    def login_expired(self, now: float) -> bool:
        """Whether the server failed to accept the on-connect messages in time."""
        return self.login_deadline is not None and now >= self.login_deadline

    def logged_in(self, now: float) -> None:
        """The server accepted the on-connect messages at `now`."""
        self.login_deadline = None
        self.next_message = now + self.message_interval

    def message_due(self, now: float) -> bool:
        """Whether the next keep-alive message should go out."""
        return (
            bool(self.message_interval)
            and self.login_deadline is None
            and now >= self.next_message
        )

    def message_sent(self, now: float) -> None:
        """A keep-alive message went out at `now`."""
        self.next_message = now + self.message_interval


def keep_alive_for(settings: ConnectionSettings, now: float) -> KeepAlive:
    """The deadlines of a connection with `settings`, opened at loop time `now`."""
    return KeepAlive(
        settings.heartbeat,
        settings.idle_timeout,
        now,
        message_interval=settings.keepalive_interval
        if settings.keepalive_message is not None
        else 0,
        login_timeout=None
        if settings.on_connect_reply is None
        else settings.on_connect_timeout,
    )

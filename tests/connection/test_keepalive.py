"""Deadlines of an open connection: pings, pongs, silence, login, keep-alive messages.

Plain arithmetic on loop times: the connection tests (test_connection.py)
show the same rules against real servers.
"""

from __future__ import annotations

from dataclasses import replace

from custom_components.websocket_client.connection.keepalive import (
    KeepAlive,
    keep_alive_for,
)
from tests.connection.helpers import settings


def test_nothing_watched_has_no_deadline() -> None:
    """Heartbeat, idle timeout and keep-alive off: receive may wait forever."""
    watch = KeepAlive(0, 0, 100.0)
    assert watch.next_deadline() is None
    assert not watch.ping_due(1e9)
    assert not watch.idle_expired(1e9)
    assert not watch.pong_missing(1e9)
    assert not watch.message_due(1e9)
    assert not watch.logging_in


def test_ping_then_pong_measures_the_round_trip() -> None:
    """A ping is due a heartbeat after the start; its pong gives the round trip."""
    watch = KeepAlive(10, 0, 100.0)
    assert watch.next_deadline() == 110.0
    assert not watch.ping_due(109.9)
    assert watch.ping_due(110.0)
    watch.ping_sent = 110.0
    assert not watch.ping_due(111.0)  # one ping at a time
    assert watch.next_deadline() == 115.0  # half a heartbeat to answer
    assert watch.pong_received(110.25) == 0.25
    assert watch.next_deadline() == 120.25
    assert watch.pong_received(121.0) is None  # no ping outstanding


def test_a_missing_pong_is_late_only_after_the_last_frame() -> None:
    """Any frame proves the server alive: the pong is due after the last one."""
    watch = KeepAlive(10, 0, 100.0)
    watch.ping_sent = 110.0
    assert not watch.pong_missing(114.9)
    assert watch.pong_missing(115.0)
    watch.last_frame = 114.0  # a message queued before the pong
    assert not watch.pong_missing(115.0)
    assert watch.next_deadline() == 119.0
    assert watch.pong_missing(119.0)


def test_silence_ends_at_the_idle_timeout_from_the_last_frame() -> None:
    """Every frame moves the idle deadline later."""
    watch = KeepAlive(0, 30, 100.0)
    assert watch.next_deadline() == 130.0
    assert not watch.idle_expired(129.9)
    assert watch.idle_expired(130.0)
    watch.last_frame = 125.0
    assert watch.next_deadline() == 155.0
    assert not watch.idle_expired(130.0)


def test_the_earliest_deadline_comes_first() -> None:
    """Heartbeat and idle timeout together: whichever is sooner."""
    assert KeepAlive(10, 30, 100.0).next_deadline() == 110.0
    assert KeepAlive(30, 10, 100.0).next_deadline() == 110.0


def test_keepalive_messages_start_after_the_login() -> None:
    """While logging in, only the login deadline; then the message interval."""
    watch = KeepAlive(0, 0, 100.0, message_interval=5, login_timeout=2)
    assert watch.next_deadline() == 102.0
    assert not watch.message_due(106.0)
    assert not watch.login_expired(101.9)
    assert watch.login_expired(102.0)
    watch.logged_in(101.0)
    assert not watch.logging_in
    assert not watch.login_expired(1e9)
    assert watch.next_deadline() == 106.0
    assert not watch.message_due(105.9)
    assert watch.message_due(106.0)
    watch.message_sent(106.5)
    assert watch.next_deadline() == 111.5


def test_keepalive_messages_without_a_login() -> None:
    """No reply awaited: the first message goes out an interval after opening."""
    watch = KeepAlive(0, 0, 100.0, message_interval=5)
    assert not watch.logging_in
    assert watch.next_deadline() == 105.0
    assert watch.message_due(105.0)


def test_deadlines_from_the_settings() -> None:
    """Keep-alive messages only with a message; a login only with a reply."""
    base = settings("ws://127.0.0.1:1/", heartbeat=20, idle_timeout=60)
    watch = keep_alive_for(base, 100.0)
    assert (watch.heartbeat, watch.idle_timeout) == (20, 60)
    assert watch.message_interval == 0
    assert not watch.logging_in

    interval_only = keep_alive_for(replace(base, keepalive_interval=5), 100.0)
    assert interval_only.message_interval == 0
    with_message = keep_alive_for(
        replace(base, keepalive_interval=5, keepalive_message=b"\xc0\x00"), 100.0
    )
    assert with_message.message_interval == 5

    login = keep_alive_for(
        replace(base, on_connect_reply={"type": "auth_ok"}, on_connect_timeout=7),
        100.0,
    )
    assert login.logging_in
    assert login.login_deadline == 107.0

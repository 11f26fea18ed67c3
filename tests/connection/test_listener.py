"""What a listener hears from a connection, in which order, with which states.

A listener written against the protocol alone, and a real server that lets
the connection open, talk, and end.
"""

from __future__ import annotations

import aiohttp

from custom_components.websocket_client.connection import (
    ConnectionEnd,
    ConnectionListener,
    ConnectionState,
    EndReason,
    WebSocketConnection,
)
from tests.connection.helpers import settings
from tests.helpers import wait_until
from tests.servers.ws_server import RecordingWebSocketServer

type Heard = tuple[str, object, object]


class OrderedListener:
    """Everything the connection reports, in one list, in order."""

    def __init__(self) -> None:
        """Nothing heard yet."""
        self.heard: list[Heard] = []
        self.round_trips: list[float] = []

    def connection_state_changed(
        self, state: ConnectionState, end: ConnectionEnd | None
    ) -> None:
        """A state, and why an attempt or a connection failed."""
        self.heard.append(("state", state, end))

    def connection_closed(self, end: ConnectionEnd) -> None:
        """An established connection ended."""
        self.heard.append(("closed", end, None))

    def message_received(self, payload: str | bytes) -> None:
        """A message."""
        self.heard.append(("message", payload, None))

    def heartbeat_answered(self, round_trip: float) -> None:
        """Kept apart: how many arrive depends on the clock."""
        self.round_trips.append(round_trip)

    def states(self) -> list[object]:
        """The states heard so far."""
        return [state for kind, state, _ in self.heard if kind == "state"]


def as_listener(listener: OrderedListener) -> ConnectionListener:
    """The protocol is all a connection needs of its listener (checked by mypy)."""
    return listener


async def test_a_connection_from_open_to_end(
    session: aiohttp.ClientSession, ws_server: RecordingWebSocketServer
) -> None:
    """States, messages, then the end: first as closed, then as the reason to retry."""
    listener = OrderedListener()
    connection = WebSocketConnection(
        session,
        settings(ws_server.url, retry_interval=60, heartbeat=0.05),
        as_listener(listener),
    )
    connection.start()
    try:
        await wait_until(lambda: connection.is_connected)
        await ws_server.push_text("hello")
        await ws_server.push_bytes(b"\x00\x01")
        await wait_until(lambda: len(listener.round_trips) >= 2)
        await ws_server.close_clients(1011, b"restarting")
        await wait_until(lambda: connection.state is ConnectionState.WAITING_TO_RETRY)
    finally:
        await connection.stop(1000)
    end = ConnectionEnd(EndReason.CLOSED_BY_SERVER, 1011, "restarting")
    assert listener.heard == [
        ("state", ConnectionState.CONNECTING, None),
        ("state", ConnectionState.CONNECTED, None),
        ("message", "hello", None),
        ("message", b"\x00\x01", None),
        ("closed", end, None),
        ("state", ConnectionState.WAITING_TO_RETRY, end),
        ("state", ConnectionState.DISCONNECTED, None),
    ]
    assert all(0 < round_trip < 5 for round_trip in listener.round_trips)


async def test_refused_credentials_are_the_last_word(
    session: aiohttp.ClientSession,
    ws_server: RecordingWebSocketServer,
    target_server: RecordingWebSocketServer,
) -> None:
    """401: rejected, with the status; no retry follows, start() may begin anew."""
    ws_server.reject_status = 401
    listener = OrderedListener()
    connection = WebSocketConnection(
        session, settings(ws_server.url, retry_interval=0.01), listener
    )
    connection.start()
    await wait_until(lambda: connection.state is ConnectionState.AUTH_REJECTED)
    assert not connection.is_running
    # A witness refused with 500 retries at the same interval: once it has
    # tried five times, a retry of the rejected connection would have happened.
    target_server.reject_status = 500
    witness = WebSocketConnection(
        session, settings(target_server.url, retry_interval=0.01), OrderedListener()
    )
    witness.start()
    try:
        await wait_until(lambda: target_server.handshakes >= 5)
    finally:
        await witness.stop(1000)
    assert listener.heard == [
        ("state", ConnectionState.CONNECTING, None),
        (
            "state",
            ConnectionState.AUTH_REJECTED,
            ConnectionEnd(EndReason.HTTP_STATUS, http_status=401),
        ),
    ]
    assert ws_server.handshakes == 1

    ws_server.reject_status = None
    connection.start()
    try:
        await wait_until(lambda: connection.is_connected)
    finally:
        await connection.stop(1000)
    assert ws_server.handshakes == 2
    assert listener.states()[2:] == [
        ConnectionState.CONNECTING,
        ConnectionState.CONNECTED,
        ConnectionState.DISCONNECTED,
    ]


def test_the_states_are_a_fixed_vocabulary() -> None:
    """The values are what the layers above show and translate."""
    assert {state.value for state in ConnectionState} == {
        "connecting",
        "logging_in",
        "connected",
        "waiting_to_retry",
        "disconnected",
        "auth_rejected",
    }

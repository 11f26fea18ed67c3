"""What the socket-layer test modules share: a listener that records, settings.

Nothing from Home Assistant: the fixtures are in conftest.py, the servers and
peers in `tests.servers`, the waits in `tests.helpers`.
"""

from __future__ import annotations

from custom_components.websocket_client.connection import (
    ConnectionEnd,
    ConnectionSettings,
    ConnectionState,
)


class RecordingListener:
    """Keeps everything the connection reports."""

    def __init__(self) -> None:
        """Start with nothing recorded."""
        self.states: list[tuple[ConnectionState, ConnectionEnd | None]] = []
        self.closed: list[ConnectionEnd] = []
        self.texts: list[str] = []
        self.binaries: list[bytes] = []
        self.round_trips: list[float] = []
        self.fail_on_text = False

    def connection_state_changed(
        self, state: ConnectionState, end: ConnectionEnd | None
    ) -> None:
        """Record a state change."""
        self.states.append((state, end))

    def connection_closed(self, closed: ConnectionEnd) -> None:
        """Record the end of a connection."""
        self.closed.append(closed)

    def message_received(self, payload: str | bytes) -> None:
        """Record a message (or fail on a text, to test robustness)."""
        if isinstance(payload, bytes):
            self.binaries.append(payload)
            return
        if self.fail_on_text:
            raise RuntimeError("listener bug")
        self.texts.append(payload)

    def heartbeat_answered(self, round_trip: float) -> None:
        """Record a heartbeat round trip."""
        self.round_trips.append(round_trip)

    def problems(self) -> list[ConnectionEnd]:
        """Every reported reason for waiting to retry."""
        return [
            end
            for state, end in self.states
            if state is ConnectionState.WAITING_TO_RETRY and end
        ]


def settings(url: str, **changes: float) -> ConnectionSettings:
    """Short timings suitable for tests."""
    values: dict[str, float] = {
        "retry_interval": 0.05,
        "connect_timeout": 0.5,
        "heartbeat": 0,
        "idle_timeout": 0,
        **changes,
    }
    return ConnectionSettings(
        url=url,
        retry_interval=values["retry_interval"],
        connect_timeout=values["connect_timeout"],
        heartbeat=values["heartbeat"],
        idle_timeout=values["idle_timeout"],
        max_message_size=1024,
    )

"""What a connection reports: its states, and the listener that hears them."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from .ending import ConnectionEnd


class ConnectionState(StrEnum):
    """Where the connection is in its life cycle."""

    CONNECTING = "connecting"
    # Open, waiting for the server to accept the on-connect messages
    LOGGING_IN = "logging_in"
    CONNECTED = "connected"
    WAITING_TO_RETRY = "waiting_to_retry"
    DISCONNECTED = "disconnected"
    AUTH_REJECTED = "auth_rejected"


class NotConnectedError(Exception):
    """Raised when sending while no connection is open."""


class ConnectionListener(Protocol):
    """Receives everything the connection has to report, in the event loop."""

    def connection_state_changed(
        self, state: ConnectionState, end: ConnectionEnd | None
    ) -> None:
        """The state changed; `end` says why an attempt or a connection failed."""

    def connection_closed(self, end: ConnectionEnd) -> None:
        """An established connection ended."""

    def message_received(self, payload: str | bytes) -> None:
        """A text (str) or binary (bytes) message arrived."""

    def heartbeat_answered(self, round_trip: float) -> None:
        """The server answered a heartbeat ping after `round_trip` seconds."""

"""The socket layer: one long-lived WebSocket connection, as a small library.

Plain asyncio and aiohttp; nothing here imports Home Assistant or anything
outside this package. One entry class, `WebSocketConnection`, runs a connection
with a `ConnectionSettings` value and reports to a `ConnectionListener`: its
`ConnectionState`, every received message, heartbeat round trips, and why an
attempt failed or a connection ended as a `ConnectionEnd` (data, never a
sentence: the layers above translate its `EndReason`).

Beside it, the HA-free parts the integration builds on: the send queue
(`Outbox`), URL and header parsing with masking, TLS contexts for a private CA,
JSON subset matching, and the one base of invalid-input errors.
"""

from .connection import TaskFactory, WebSocketConnection
from .ending import CLOSE_ABNORMAL, ConnectionEnd, EndReason
from .errors import InvalidInputError
from .handshake import check_handshake, credentials_rejected
from .headers import (
    InvalidHeadersError,
    is_token,
    mask_headers,
    masked_headers_text,
    parse_headers,
)
from .json_subset import is_subset, text_matches
from .listener import ConnectionListener, ConnectionState, NotConnectedError
from .outbox import Outbox, OutboxFullError, QueuedMessage
from .settings import ConnectionSettings
from .tls import InvalidCACertificateError, build_ca_context
from .url import (
    MASK,
    InvalidWebSocketUrlError,
    mask_url,
    parse_websocket_url,
    url_origin,
)

__all__ = [
    "CLOSE_ABNORMAL",
    "MASK",
    "ConnectionEnd",
    "ConnectionListener",
    "ConnectionSettings",
    "ConnectionState",
    "EndReason",
    "InvalidCACertificateError",
    "InvalidHeadersError",
    "InvalidInputError",
    "InvalidWebSocketUrlError",
    "NotConnectedError",
    "Outbox",
    "OutboxFullError",
    "QueuedMessage",
    "TaskFactory",
    "WebSocketConnection",
    "build_ca_context",
    "check_handshake",
    "credentials_rejected",
    "is_subset",
    "is_token",
    "mask_headers",
    "mask_url",
    "masked_headers_text",
    "parse_headers",
    "parse_websocket_url",
    "text_matches",
    "url_origin",
]

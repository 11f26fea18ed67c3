"""Constants shared by every module of the WebSocket Client integration."""

from __future__ import annotations

from enum import StrEnum
import logging
from typing import Final

DOMAIN: Final = "websocket_client"
LOGGER: Final = logging.getLogger(__package__)

# Config entry data
CONF_ACCESS_REASON: Final = "access_reason"
CONF_HANDLING_USER: Final = "handling_user"
CONF_CONSENT: Final = "consent"
CONF_CONNECTION_ENABLED: Final = "connection_enabled"

# Advanced connection settings (entry data; "advanced" is the form section)
CONF_ADVANCED: Final = "advanced"
CONF_HEADERS: Final = "headers"
CONF_SUBPROTOCOLS: Final = "subprotocols"
CONF_VERIFY_SSL: Final = "verify_ssl"
CONF_CA_CERT: Final = "ca_cert"

# Config entry options
CONF_RETRY_INTERVAL: Final = "retry_interval"
CONF_HEARTBEAT: Final = "heartbeat"
CONF_IDLE_TIMEOUT: Final = "idle_timeout"
CONF_CONNECT_TIMEOUT: Final = "connect_timeout"
CONF_MAX_MESSAGE_SIZE: Final = "max_message_size"
CONF_EVENT_PAYLOAD_LIMIT: Final = "event_payload_limit"
CONF_QUEUE_SIZE: Final = "queue_size"
CONF_QUEUE_MAX_AGE: Final = "queue_max_age"
CONF_COMPRESSION: Final = "compression"

DEFAULT_RETRY_INTERVAL: Final = 10
DEFAULT_HEARTBEAT: Final = 30
DEFAULT_IDLE_TIMEOUT: Final = 60
DEFAULT_CONNECT_TIMEOUT: Final = 10
DEFAULT_MAX_MESSAGE_SIZE: Final = 4 * 1024 * 1024
# The recorder drops event data over 32 KiB; payloads beyond this are cut.
DEFAULT_EVENT_PAYLOAD_LIMIT: Final = 32 * 1024
DEFAULT_QUEUE_SIZE: Final = 100
DEFAULT_QUEUE_MAX_AGE: Final = 60
MIN_ACCESS_REASON_LENGTH: Final = 10

# Inclusive ranges of every option: (minimum, maximum)
OPTION_RANGES: Final[dict[str, tuple[int, int]]] = {
    CONF_RETRY_INTERVAL: (1, 86400),
    CONF_HEARTBEAT: (0, 3600),
    CONF_IDLE_TIMEOUT: (0, 86400),
    CONF_CONNECT_TIMEOUT: (1, 300),
    CONF_MAX_MESSAGE_SIZE: (0, 256 * 1024 * 1024),
    CONF_EVENT_PAYLOAD_LIMIT: (0, 16 * 1024 * 1024),
    CONF_QUEUE_SIZE: (1, 10000),
    CONF_QUEUE_MAX_AGE: (1, 86400),
}
OPTION_DEFAULTS: Final[dict[str, int]] = {
    CONF_RETRY_INTERVAL: DEFAULT_RETRY_INTERVAL,
    CONF_HEARTBEAT: DEFAULT_HEARTBEAT,
    CONF_IDLE_TIMEOUT: DEFAULT_IDLE_TIMEOUT,
    CONF_CONNECT_TIMEOUT: DEFAULT_CONNECT_TIMEOUT,
    CONF_MAX_MESSAGE_SIZE: DEFAULT_MAX_MESSAGE_SIZE,
    CONF_EVENT_PAYLOAD_LIMIT: DEFAULT_EVENT_PAYLOAD_LIMIT,
    CONF_QUEUE_SIZE: DEFAULT_QUEUE_SIZE,
    CONF_QUEUE_MAX_AGE: DEFAULT_QUEUE_MAX_AGE,
}

# Keys of the stored consent decision
CONSENT_DECISION: Final = "decision"
CONSENT_ORIGIN: Final = "origin"
CONSENT_USER_ID: Final = "user_id"
CONSENT_DECIDED_AT: Final = "decided_at"

# Service (action) names and fields
SERVICE_SEND: Final = "send"
SERVICE_CONNECT: Final = "connect"
SERVICE_DISCONNECT: Final = "disconnect"
SERVICE_APPROVE: Final = "approve"
SERVICE_DENY: Final = "deny"
SERVICE_REQUEST: Final = "request"
ATTR_MATCH: Final = "match"
ATTR_MATCH_REGEX: Final = "match_regex"
ATTR_TIMEOUT: Final = "timeout"
ATTR_QUEUE: Final = "queue"
DEFAULT_REQUEST_TIMEOUT: Final = 10
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_MESSAGE: Final = "message"
ATTR_JSON: Final = "json"
ATTR_DATA_BASE64: Final = "data_base64"

# Bus events and their data keys
EVENT_MESSAGE: Final = "websocket_client_message"
EVENT_CONNECTED: Final = "websocket_client_connected"
EVENT_DISCONNECTED: Final = "websocket_client_disconnected"
EVENT_CONSENT: Final = "websocket_client_consent"
EVENT_SEND_DROPPED: Final = "websocket_client_send_dropped"
ATTR_ENTRY_ID: Final = "entry_id"
ATTR_NAME: Final = "name"
ATTR_TYPE: Final = "type"
ATTR_TEXT: Final = "text"
ATTR_SIZE: Final = "size"
ATTR_TRUNCATED: Final = "truncated"
ATTR_URL: Final = "url"
ATTR_CLOSE_CODE: Final = "close_code"
ATTR_REASON: Final = "reason"
ATTR_DECISION: Final = "decision"
ATTR_USER_ID: Final = "user_id"
ATTR_QUEUED_AT: Final = "queued_at"

MESSAGE_TYPE_TEXT: Final = "text"
MESSAGE_TYPE_BINARY: Final = "binary"

# Close code sent when Home Assistant or the entry goes away (RFC 6455 "going away")
CLOSE_GOING_AWAY: Final = 1001


class ConsentDecision(StrEnum):
    """What the handling user decided about a connection."""

    APPROVED = "approved"
    DENIED = "denied"


class LinkStatus(StrEnum):
    """Everything the Status sensor can show."""

    AWAITING_APPROVAL = "awaiting_approval"
    DENIED = "denied"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    WAITING_TO_RETRY = "waiting_to_retry"
    DISCONNECTED = "disconnected"
    AUTHENTICATION_FAILED = "authentication_failed"

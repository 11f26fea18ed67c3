"""Constants that more than one module of the integration uses."""

from __future__ import annotations

from enum import StrEnum
import logging
from typing import Final

from .connection import ConnectionState

DOMAIN: Final = "websocket_client"
LOGGER: Final = logging.getLogger(__package__)

# Config entry data
CONF_ACCESS_REASON: Final = "access_reason"
CONF_HANDLING_USER: Final = "handling_user"
CONF_SUBPROTOCOLS: Final = "subprotocols"
CONF_CA_CERT: Final = "ca_cert"

# Actions and the fields they share with triggers and device automations
SERVICE_SEND: Final = "send"
SERVICE_CONNECT: Final = "connect"
SERVICE_DISCONNECT: Final = "disconnect"
SERVICE_APPROVE: Final = "approve"
SERVICE_DENY: Final = "deny"
SERVICE_REQUEST: Final = "request"
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_MESSAGE: Final = "message"
ATTR_QUEUE: Final = "queue"
ATTR_MATCH: Final = "match"
ATTR_MATCH_REGEX: Final = "match_regex"

# Bus events
EVENT_MESSAGE: Final = "websocket_client_message"
EVENT_CONNECTED: Final = "websocket_client_connected"
EVENT_DISCONNECTED: Final = "websocket_client_disconnected"
EVENT_SEND_DROPPED: Final = "websocket_client_send_dropped"
EVENT_CONSENT: Final = "websocket_client_consent"

# What a received message is made of
ATTR_ENTRY_ID: Final = "entry_id"
ATTR_TYPE: Final = "type"
ATTR_TEXT: Final = "text"
ATTR_JSON: Final = "json"
ATTR_DATA_BASE64: Final = "data_base64"
ATTR_SIZE: Final = "size"
ATTR_TRUNCATED: Final = "truncated"
ATTR_REASON: Final = "reason"
MESSAGE_TYPE_TEXT: Final = "text"
MESSAGE_TYPE_BINARY: Final = "binary"


class ClientStatus(StrEnum):
    """Everything the Status sensor can show: consent and connection in one."""

    AWAITING_APPROVAL = "awaiting_approval"
    DENIED = "denied"
    CONNECTING = "connecting"
    LOGGING_IN = "logging_in"
    CONNECTED = "connected"
    WAITING_TO_RETRY = "waiting_to_retry"
    DISCONNECTED = "disconnected"
    AUTHENTICATION_FAILED = "authentication_failed"


STATUS_OF_CONNECTION: Final = {
    ConnectionState.CONNECTING: ClientStatus.CONNECTING,
    ConnectionState.LOGGING_IN: ClientStatus.LOGGING_IN,
    ConnectionState.CONNECTED: ClientStatus.CONNECTED,
    ConnectionState.WAITING_TO_RETRY: ClientStatus.WAITING_TO_RETRY,
    ConnectionState.DISCONNECTED: ClientStatus.DISCONNECTED,
    ConnectionState.AUTH_REJECTED: ClientStatus.AUTHENTICATION_FAILED,
}

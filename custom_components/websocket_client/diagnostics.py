"""Diagnostics download: settings, consent and statistics, with secrets redacted.

Entity subentries come whole (a path, a template, a filter: no secrets) but
for the messages switches and buttons send (which may carry a token, as an
on-connect message may): their kind only; and the command templates of
numbers and selects, masked for the same reason. With each loaded entity's count of
messages that gave no usable value, by kind.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.const import CONF_HEADERS, CONF_URL
from homeassistant.core import HomeAssistant

from .client import WebSocketClientConfigEntry
from .connection import MASK, ConnectionSettings, mask_headers, mask_url
from .const import CONF_CA_CERT
from .message_entity import value_failures
from .options import redacted_options
from .subentry import COMMAND_KEYS, CONF_COMMAND_TEMPLATE


def redact_entry_data(data: dict[str, Any]) -> dict[str, Any]:
    """Entry data with URL credentials, query values, header values and CA masked."""
    redacted = dict(data)
    redacted[CONF_URL] = mask_url(data[CONF_URL])
    if CONF_HEADERS in data:
        redacted[CONF_HEADERS] = mask_headers(data[CONF_HEADERS])
    if data.get(CONF_CA_CERT):
        redacted[CONF_CA_CERT] = MASK
    return redacted


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: WebSocketClientConfigEntry
) -> dict[str, Any]:
    """What a bug report needs, and no secret."""
    client = entry.runtime_data
    statistics = client.statistics
    return {
        "entry": {
            "title": entry.title,
            "data": redact_entry_data(dict(entry.data)),
            "options": redacted_options(entry.options),
        },
        "entities_from_messages": _entities(hass, entry),
        "status": client.status.value,
        "connection": _connection(client.masked_url, client.settings),
        "statistics": {
            "messages_received": statistics.messages_received,
            "messages_sent": statistics.messages_sent,
            "connects": statistics.connects,
            "reconnects": statistics.reconnects,
            "last_connected": statistics.last_connected,
            "last_error": None
            if statistics.last_error is None
            else asdict(statistics.last_error),
            "heartbeat_round_trip": statistics.heartbeat_round_trip,
            "queued_messages": client.queued_messages,
        },
    }


def redact_subentry_data(data: dict[str, Any]) -> dict[str, Any]:
    """An entity subentry's data, its commands reduced to their kind."""
    redacted = dict(data)
    for key in COMMAND_KEYS:
        if isinstance(command := data.get(key), dict):
            redacted[key] = dict.fromkeys(command, MASK)
    if CONF_COMMAND_TEMPLATE in data:
        redacted[CONF_COMMAND_TEMPLATE] = MASK
    return redacted


def _entities(
    hass: HomeAssistant, entry: WebSocketClientConfigEntry
) -> list[dict[str, Any]]:
    """Each entity subentry: its settings and its entity's failure counts."""
    failures = value_failures(hass, entry.entry_id)
    return [
        {
            "subentry_id": subentry.subentry_id,
            "subentry_type": subentry.subentry_type,
            "title": subentry.title,
            "data": redact_subentry_data(dict(subentry.data)),
            "value_failures": failures.get(subentry.subentry_id),
        }
        for subentry in entry.subentries.values()
    ]


def _connection(masked_url: str, settings: ConnectionSettings) -> dict[str, Any]:
    """How the connection is made, with secrets masked."""
    return {
        "url": masked_url,
        "headers": mask_headers(settings.headers),
        "subprotocols": list(settings.subprotocols),
        "tls": settings.ssl if isinstance(settings.ssl, bool) else "custom CA",
        "retry_interval": settings.retry_interval,
        "connect_timeout": settings.connect_timeout,
        "heartbeat": settings.heartbeat,
        "idle_timeout": settings.idle_timeout,
        "max_message_size": settings.max_message_size,
        "on_connect_messages": len(settings.on_connect),
        "on_connect_reply": settings.on_connect_reply,
        "on_connect_timeout": settings.on_connect_timeout,
        "keepalive_message": settings.keepalive_message is not None,
        "keepalive_interval": settings.keepalive_interval,
    }

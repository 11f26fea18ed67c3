"""The integration's bus events and what each one carries.

Message events are the recorder's business too: each one is stored, so its data
is fitted to the event payload limit (the recorder drops event data over
32 KiB). Triggers get the whole message without going through the bus.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_NAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.json import json_bytes

from .connection import ConnectionEnd
from .const import (
    ATTR_DATA_BASE64,
    ATTR_ENTRY_ID,
    ATTR_JSON,
    ATTR_REASON,
    ATTR_SIZE,
    ATTR_TEXT,
    ATTR_TRUNCATED,
    ATTR_TYPE,
    EVENT_CONNECTED,
    EVENT_DISCONNECTED,
    EVENT_MESSAGE,
    EVENT_SEND_DROPPED,
)
from .message import MessageFanout, ReceivedMessage
from .options import (
    CONF_EVENT_PAYLOAD_LIMIT,
    CONF_MESSAGE_EVENTS,
    MESSAGE_EVENTS_ALL,
    option_value,
)

ATTR_URL: Final = "url"
ATTR_CLOSE_CODE: Final = "close_code"
ATTR_SERVER_REASON: Final = "server_reason"
ATTR_QUEUED_AT: Final = "queued_at"

# Bytes of a message event besides its payload: keys, ids, size, flags
EVENT_OVERHEAD: Final = 256


def message_event_data(message: ReceivedMessage, payload_limit: int) -> dict[str, Any]:
    """The data of a message event, fitted to `payload_limit` bytes."""
    data: dict[str, Any] = {
        ATTR_ENTRY_ID: message.entry_id,
        ATTR_NAME: message.name,
        ATTR_TYPE: message.type,
    }
    size = message.size
    overhead = EVENT_OVERHEAD + len(message.name)
    if message.text is not None:
        data[ATTR_TEXT] = message.text
        data[ATTR_SIZE] = size
        if message.is_json:
            data[ATTR_JSON] = message.json
        # Escaping can at worst double a payload in JSON; anything that cannot
        # reach the limit skips measuring (the common, small-message case).
        if 6 * size + overhead > payload_limit:
            _fit_text(data, payload_limit)
    else:
        encoded = message.data_base64 or ""
        data[ATTR_DATA_BASE64] = encoded
        data[ATTR_SIZE] = size
        if 2 * len(encoded) + overhead > payload_limit:
            _fit_binary(data, message.data or b"", payload_limit)
    return data


def cut_text(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8, never splitting a character."""
    return text.encode()[:limit].decode(errors="ignore")


def _fit_text(data: dict[str, Any], limit: int) -> None:
    """Keep the event within the limit: drop `json`, then cut `text`."""
    encoded = len(json_bytes(data))
    if encoded <= limit:
        return
    # The parsed copy goes first: the text still holds all of it.
    data.pop(ATTR_JSON, None)
    data[ATTR_TRUNCATED] = True
    encoded = len(json_bytes(data))
    text: str = data[ATTR_TEXT]
    budget = limit - (encoded - len(json_bytes(text)))
    while text and (text_encoded := len(json_bytes(text))) > budget:
        # Cut in proportion to how much escaping inflated the text; uneven
        # text may take another, smaller cut.
        raw_length = len(text.encode())
        text = cut_text(text, raw_length * max(budget, 0) // text_encoded)
    data[ATTR_TEXT] = text


def _fit_binary(data: dict[str, Any], raw: bytes, limit: int) -> None:
    """Keep the event within the limit by cutting to whole base64 quads."""
    encoded = len(json_bytes(data))
    if encoded <= limit:
        return
    overhead = encoded - len(data[ATTR_DATA_BASE64]) + len(',"truncated":true')
    kept = max(limit - overhead, 0) // 4 * 3
    data[ATTR_DATA_BASE64] = base64.b64encode(raw[:kept]).decode("ascii")
    data[ATTR_TRUNCATED] = True


class MessageEventPublisher:
    """Fires a `websocket_client_message` per message, while the option says so."""

    def __init__(self, hass: HomeAssistant, messages: MessageFanout) -> None:
        """Publish the messages of one entry's fan-out on `hass`'s bus."""
        self._hass = hass
        self._messages = messages
        self._payload_limit = 0
        self._unsubscribe: Callable[[], None] | None = None

    def apply_options(self, entry: ConfigEntry) -> None:
        """Follow the entry's message events and payload limit options."""
        self._payload_limit = int(option_value(entry, CONF_EVENT_PAYLOAD_LIMIT))
        if option_value(entry, CONF_MESSAGE_EVENTS) == MESSAGE_EVENTS_ALL:
            if self._unsubscribe is None:
                self._unsubscribe = self._messages.subscribe(self._publish)
        else:
            self.stop()

    def stop(self) -> None:
        """Publish no more."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _publish(self, message: ReceivedMessage) -> None:
        self._hass.bus.async_fire(
            EVENT_MESSAGE, message_event_data(message, self._payload_limit)
        )


def fire_connected(hass: HomeAssistant, entry_id: str, name: str, url: str) -> None:
    """A connection opened; `url` is already masked."""
    hass.bus.async_fire(
        EVENT_CONNECTED, {ATTR_ENTRY_ID: entry_id, ATTR_NAME: name, ATTR_URL: url}
    )


def fire_disconnected(
    hass: HomeAssistant, entry_id: str, name: str, end: ConnectionEnd
) -> None:
    """An open connection ended: why, as the Last error sensor's states name it."""
    hass.bus.async_fire(
        EVENT_DISCONNECTED,
        {
            ATTR_ENTRY_ID: entry_id,
            ATTR_NAME: name,
            ATTR_REASON: end.reason.value,
            ATTR_CLOSE_CODE: end.close_code,
            ATTR_SERVER_REASON: end.server_reason,
        },
    )


def fire_send_dropped(
    hass: HomeAssistant, entry_id: str, name: str, details: dict[str, Any]
) -> None:
    """A queued message could not wait any longer (`details`: reason, type...)."""
    hass.bus.async_fire(
        EVENT_SEND_DROPPED, {ATTR_ENTRY_ID: entry_id, ATTR_NAME: name, **details}
    )

"""The per-entry bridge between a WebSocket link and Home Assistant.

It owns the entry's connection, decides from consent and the user's connect
choice whether the link may run, turns received frames into bus events and
tells entities when the status changes.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_URL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util.json import JsonValueType, json_loads

from . import consent
from .connection import (
    ConnectionSettings,
    ConnectionState,
    LinkClosed,
    WebSocketConnection,
)
from .const import (
    ATTR_CLOSE_CODE,
    ATTR_DATA_BASE64,
    ATTR_ENTRY_ID,
    ATTR_JSON,
    ATTR_NAME,
    ATTR_REASON,
    ATTR_SIZE,
    ATTR_TEXT,
    ATTR_TYPE,
    ATTR_URL,
    CLOSE_GOING_AWAY,
    CONF_CONNECT_TIMEOUT,
    CONF_CONNECTION_ENABLED,
    CONF_HEARTBEAT,
    CONF_IDLE_TIMEOUT,
    CONF_RETRY_INTERVAL,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_HEARTBEAT,
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_MESSAGE_SIZE,
    DEFAULT_RETRY_INTERVAL,
    EVENT_CONNECTED,
    EVENT_DISCONNECTED,
    EVENT_MESSAGE,
    LOGGER,
    MESSAGE_TYPE_BINARY,
    MESSAGE_TYPE_TEXT,
    ConsentDecision,
    LinkStatus,
)
from .url import mask_url

type WebSocketClientConfigEntry = ConfigEntry[WebSocketClient]

# Close code for a disconnect the user asked for (RFC 6455 "normal closure")
CLOSE_NORMAL = 1000


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """One received message as entities see it."""

    type: str
    attributes: dict[str, Any]


def settings_from_entry(entry: ConfigEntry) -> ConnectionSettings:
    """Connection settings from entry data and options, with defaults."""
    options = entry.options
    return ConnectionSettings(
        url=entry.data[CONF_URL],
        retry_interval=float(options.get(CONF_RETRY_INTERVAL, DEFAULT_RETRY_INTERVAL)),
        connect_timeout=float(
            options.get(CONF_CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT)
        ),
        heartbeat=float(options.get(CONF_HEARTBEAT, DEFAULT_HEARTBEAT)),
        idle_timeout=float(options.get(CONF_IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT)),
        max_message_size=DEFAULT_MAX_MESSAGE_SIZE,
    )


def text_payload(text: str) -> dict[str, Any]:
    """Event attributes of a text message; `json` only when the text parses."""
    payload: dict[str, Any] = {
        ATTR_TEXT: text,
        ATTR_SIZE: len(text) if text.isascii() else len(text.encode()),
    }
    try:
        parsed: JsonValueType = json_loads(text)
    except ValueError:
        return payload
    payload[ATTR_JSON] = parsed
    return payload


def binary_payload(data: bytes) -> dict[str, Any]:
    """Event attributes of a binary message."""
    return {
        ATTR_DATA_BASE64: base64.b64encode(data).decode("ascii"),
        ATTR_SIZE: len(data),
    }


class WebSocketClient:
    """Runs one entry's link and reports it to Home Assistant."""

    def __init__(self, hass: HomeAssistant, entry: WebSocketClientConfigEntry) -> None:
        """Create the (not yet started) link of an entry."""
        self.hass = hass
        self.entry = entry
        self.masked_url = mask_url(entry.data[CONF_URL])
        self.settings = settings_from_entry(entry)
        self.last_problem: str | None = None
        self._outage_logged = False
        self._status_listeners: list[Callable[[], None]] = []
        self._message_listeners: list[Callable[[ReceivedMessage], None]] = []
        self._connection = WebSocketConnection(
            async_get_clientsession(hass),
            self.settings,
            self,
            name=f"{entry.title} ({entry.entry_id})",
            task_factory=self._create_task,
        )

    def _create_task(
        self, coro: Coroutine[Any, Any, None], name: str
    ) -> asyncio.Task[None]:
        return self.entry.async_create_background_task(self.hass, coro, name)

    @property
    def name(self) -> str:
        """The user's name for this connection."""
        return self.entry.title

    @property
    def status(self) -> LinkStatus:
        """What the Status sensor shows."""
        decision = consent.current_decision(self.entry)
        if decision is None:
            return LinkStatus.AWAITING_APPROVAL
        if decision is ConsentDecision.DENIED:
            return LinkStatus.DENIED
        return LinkStatus(self._connection.state.value)

    @property
    def is_connected(self) -> bool:
        """IsConnected: a link is open right now."""
        return self._connection.state is ConnectionState.CONNECTED

    @property
    def connection_enabled(self) -> bool:
        """False after the user asked to disconnect, until they ask to connect."""
        return bool(self.entry.data.get(CONF_CONNECTION_ENABLED, True))

    async def async_start(self) -> None:
        """Connect if allowed, or ask for consent if nobody has decided yet."""
        decision = consent.current_decision(self.entry)
        if decision is None:
            await consent.async_request_consent(self.hass, self.entry)
        elif decision is ConsentDecision.APPROVED and self.connection_enabled:
            self._connection.start()

    async def async_apply_consent(self) -> None:
        """Follow a fresh consent decision."""
        if consent.current_decision(self.entry) is ConsentDecision.APPROVED:
            if self.connection_enabled:
                self._connection.start()
        else:
            await self._connection.stop(CLOSE_NORMAL)
        self._notify_status()

    async def async_connect(self) -> None:
        """Allow the link to run again and start it."""
        self._set_connection_enabled(True)
        self._connection.start()

    async def async_disconnect(self) -> None:
        """Close the link and keep it closed, across restarts, until connect."""
        self._set_connection_enabled(False)
        await self._connection.stop(CLOSE_NORMAL)

    async def async_shutdown(self, _event: Event | None = None) -> None:
        """Close the link because the entry or Home Assistant goes away."""
        await self._connection.stop(CLOSE_GOING_AWAY)

    async def async_send_text(self, text: str) -> None:
        """Send a text frame; raises NotConnectedError when the link is down."""
        await self._connection.send_text(text)

    async def async_send_binary(self, data: bytes) -> None:
        """Send a binary frame; raises NotConnectedError when the link is down."""
        await self._connection.send_binary(data)

    def _set_connection_enabled(self, enabled: bool) -> None:
        if self.connection_enabled is enabled:
            return
        self.hass.config_entries.async_update_entry(
            self.entry, data={**self.entry.data, CONF_CONNECTION_ENABLED: enabled}
        )

    @callback
    def async_add_status_listener(
        self, listener: Callable[[], None]
    ) -> Callable[[], None]:
        """Call `listener` whenever the status changes; returns the remover."""
        self._status_listeners.append(listener)
        return lambda: self._status_listeners.remove(listener)

    @callback
    def async_add_message_listener(
        self, listener: Callable[[ReceivedMessage], None]
    ) -> Callable[[], None]:
        """Call `listener` for every received message; returns the remover."""
        self._message_listeners.append(listener)
        return lambda: self._message_listeners.remove(listener)

    def _notify_status(self) -> None:
        for listener in self._status_listeners:
            listener()

    # ConnectionListener

    def connection_state_changed(
        self, state: ConnectionState, problem: str | None
    ) -> None:
        """Log outages once, fire the connected event and update entities."""
        if state is ConnectionState.CONNECTED:
            self._on_connected()
        elif state is ConnectionState.WAITING_TO_RETRY:
            self._on_outage(problem)
        elif state is ConnectionState.DISCONNECTED:
            self._outage_logged = False
        self._notify_status()

    def _on_connected(self) -> None:
        self.last_problem = None
        if self._outage_logged:
            LOGGER.info("%s: connected to %s again", self.name, self.masked_url)
            self._outage_logged = False
        else:
            LOGGER.debug("%s: connected to %s", self.name, self.masked_url)
        self.hass.bus.async_fire(
            EVENT_CONNECTED,
            {
                ATTR_ENTRY_ID: self.entry.entry_id,
                ATTR_NAME: self.name,
                ATTR_URL: self.masked_url,
            },
        )

    def _on_outage(self, problem: str | None) -> None:
        self.last_problem = problem
        if self._outage_logged:
            return
        self._outage_logged = True
        LOGGER.info(
            "%s: no connection to %s (%s); retrying every %g s",
            self.name,
            self.masked_url,
            problem,
            self.settings.retry_interval,
        )

    def connection_closed(self, closed: LinkClosed) -> None:
        """Fire the disconnected event."""
        self.hass.bus.async_fire(
            EVENT_DISCONNECTED,
            {
                ATTR_ENTRY_ID: self.entry.entry_id,
                ATTR_NAME: self.name,
                ATTR_CLOSE_CODE: closed.close_code,
                ATTR_REASON: closed.reason,
            },
        )

    def text_received(self, text: str) -> None:
        """Publish a text message."""
        self._publish(MESSAGE_TYPE_TEXT, text_payload(text))

    def binary_received(self, data: bytes) -> None:
        """Publish a binary message."""
        self._publish(MESSAGE_TYPE_BINARY, binary_payload(data))

    def _publish(self, message_type: str, payload: dict[str, Any]) -> None:
        self.hass.bus.async_fire(
            EVENT_MESSAGE,
            {
                ATTR_ENTRY_ID: self.entry.entry_id,
                ATTR_NAME: self.name,
                ATTR_TYPE: message_type,
                **payload,
            },
        )
        if self._message_listeners:
            message = ReceivedMessage(message_type, payload)
            for listener in self._message_listeners:
                listener(message)

"""The per-entry bridge between a WebSocket link and Home Assistant.

It owns the entry's connection, decides from consent and the user's connect
choice whether the link may run, turns received frames into bus events, answers
pending requests, keeps the statistics the diagnostic sensors show, and tells
entities when something changed.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Coroutine
import contextlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
import ssl
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_URL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.json import json_bytes
from homeassistant.util import dt as dt_util
from homeassistant.util.json import json_loads

from . import consent
from .connection import (
    ConnectionSettings,
    ConnectionState,
    LinkClosed,
    NotConnectedError,
    WebSocketConnection,
)
from .const import (
    ATTR_CLOSE_CODE,
    ATTR_DATA_BASE64,
    ATTR_ENTRY_ID,
    ATTR_JSON,
    ATTR_NAME,
    ATTR_QUEUED_AT,
    ATTR_REASON,
    ATTR_SIZE,
    ATTR_TEXT,
    ATTR_TRUNCATED,
    ATTR_TYPE,
    ATTR_URL,
    CLOSE_GOING_AWAY,
    CONF_CA_CERT,
    CONF_COMPRESSION,
    CONF_CONNECT_TIMEOUT,
    CONF_CONNECTION_ENABLED,
    CONF_EVENT_PAYLOAD_LIMIT,
    CONF_HEADERS,
    CONF_HEARTBEAT,
    CONF_IDLE_TIMEOUT,
    CONF_MAX_MESSAGE_SIZE,
    CONF_QUEUE_MAX_AGE,
    CONF_QUEUE_SIZE,
    CONF_RETRY_INTERVAL,
    CONF_SUBPROTOCOLS,
    CONF_VERIFY_SSL,
    EVENT_CONNECTED,
    EVENT_DISCONNECTED,
    EVENT_MESSAGE,
    EVENT_SEND_DROPPED,
    LOGGER,
    MESSAGE_TYPE_BINARY,
    MESSAGE_TYPE_TEXT,
    OPTION_DEFAULTS,
    ConsentDecision,
    LinkStatus,
)
from .outbox import Outbox, QueuedMessage
from .request import PendingRequests, ReplyMatcher
from .session import async_acquire_session, async_release_session
from .tls import async_ssl_setting
from .url import mask_url

type WebSocketClientConfigEntry = ConfigEntry[WebSocketClient]

# Close code for a disconnect the user asked for (RFC 6455 "normal closure")
CLOSE_NORMAL: Final = 1000
# Bytes of a message event besides its payload: keys, ids, size, flags
EVENT_OVERHEAD: Final = 256
# Message counters change with every message; their sensors follow at this pace.
STATISTICS_INTERVAL: Final = 1.0


def option(entry: ConfigEntry, key: str) -> int | float:
    """An option's value, or its default."""
    value: int | float = entry.options.get(key, OPTION_DEFAULTS[key])
    return value


async def async_build_settings(
    hass: HomeAssistant, entry: ConfigEntry
) -> ConnectionSettings:
    """Connection settings from entry data and options."""
    data = entry.data
    tls = await async_ssl_setting(
        hass, data.get(CONF_VERIFY_SSL, True), data.get(CONF_CA_CERT)
    )
    return settings_from_entry(entry, tls)


def settings_from_entry(
    entry: ConfigEntry, tls: ssl.SSLContext | bool
) -> ConnectionSettings:
    """Connection settings from entry data and options, with TLS already set up."""
    data = entry.data
    return ConnectionSettings(
        url=data[CONF_URL],
        retry_interval=float(option(entry, CONF_RETRY_INTERVAL)),
        connect_timeout=float(option(entry, CONF_CONNECT_TIMEOUT)),
        heartbeat=float(option(entry, CONF_HEARTBEAT)),
        idle_timeout=float(option(entry, CONF_IDLE_TIMEOUT)),
        max_message_size=int(option(entry, CONF_MAX_MESSAGE_SIZE)),
        headers=dict(data.get(CONF_HEADERS, {})),
        subprotocols=tuple(data.get(CONF_SUBPROTOCOLS, ())),
        ssl=tls,
        compress=bool(entry.options.get(CONF_COMPRESSION, False)),
    )


def payload_size(payload: str | bytes) -> int:
    """Bytes a payload takes on the wire."""
    if isinstance(payload, bytes):
        return len(payload)
    return len(payload) if payload.isascii() else len(payload.encode())


def cut_text(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8, never splitting a character."""
    return text.encode()[:limit].decode(errors="ignore")


@dataclass(slots=True)
class LinkStatistics:
    """What the diagnostic sensors show."""

    messages_received: int = 0
    messages_sent: int = 0
    connects: int = 0
    last_connected: datetime | None = None
    last_error: str | None = None
    heartbeat_round_trip: float | None = None

    @property
    def reconnects(self) -> int:
        """Connections made after the first one since the entry was loaded."""
        return max(self.connects - 1, 0)


class WebSocketClient:
    """Runs one entry's link and reports it to Home Assistant."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: WebSocketClientConfigEntry,
        settings: ConnectionSettings,
    ) -> None:
        """Create the (not yet started) link of an entry."""
        self.hass = hass
        self.entry = entry
        self.masked_url = mask_url(entry.data[CONF_URL])
        self.statistics = LinkStatistics()
        self._options = dict(entry.options)
        self._payload_limit = int(option(entry, CONF_EVENT_PAYLOAD_LIMIT))
        self._outage_logged = False
        self._requests = PendingRequests()
        self._status_listeners: list[Callable[[], None]] = []
        self._statistics_listeners: list[Callable[[], None]] = []
        self._message_listeners: list[Callable[[dict[str, Any]], None]] = []
        self._statistics_flush: asyncio.TimerHandle | None = None
        self._outbox = Outbox(
            hass.loop,
            int(option(entry, CONF_QUEUE_SIZE)),
            float(option(entry, CONF_QUEUE_MAX_AGE)),
            self._report_dropped,
        )
        self._flush_task: asyncio.Task[None] | None = None
        self._connection = WebSocketConnection(
            async_acquire_session(hass),
            settings,
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
    def settings(self) -> ConnectionSettings:
        """The settings the link runs with."""
        return self._connection.settings

    @property
    def status(self) -> LinkStatus:
        """What the Status sensor shows."""
        decision = consent.current_decision(self.entry)
        if decision is None:
            return LinkStatus.AWAITING_APPROVAL
        if decision is ConsentDecision.DENIED:
            return LinkStatus.DENIED
        state = self._connection.state
        if state is ConnectionState.AUTH_REJECTED:
            return LinkStatus.AUTHENTICATION_FAILED
        return LinkStatus(state.value)

    @property
    def is_connected(self) -> bool:
        """IsConnected: a link is open right now."""
        return self._connection.state is ConnectionState.CONNECTED

    @property
    def queued_messages(self) -> int:
        """Messages waiting in the send queue."""
        return len(self._outbox)

    @property
    def connection_enabled(self) -> bool:
        """False after the user asked to disconnect, until they ask to connect."""
        return bool(self.entry.data.get(CONF_CONNECTION_ENABLED, True))

    @property
    def may_connect(self) -> bool:
        """Approved for the current origin and not switched off."""
        approved = consent.current_decision(self.entry) is ConsentDecision.APPROVED
        return approved and self.connection_enabled

    async def async_start(self) -> None:
        """Connect if allowed, or ask for consent if nobody has decided yet."""
        if consent.current_decision(self.entry) is None:
            await consent.async_request_consent(self.hass, self.entry)
        else:
            # A request for an origin since changed back to a decided one is stale.
            consent.async_withdraw_request(self.hass, self.entry.entry_id)
        self._start_if_allowed()

    def _start_if_allowed(self) -> None:
        # The single gate in front of the network: nothing connects without it.
        if self.may_connect:
            self._connection.start()

    async def async_apply_consent(self) -> None:
        """Follow a fresh consent decision."""
        if self.may_connect:
            self._connection.start()
        else:
            await self._connection.stop(CLOSE_NORMAL)
        self._notify_status()

    async def async_apply_options(self) -> None:
        """Use changed options, reconnecting only when the link needs it."""
        if dict(self.entry.options) == self._options:
            return
        self._options = dict(self.entry.options)
        self._payload_limit = int(option(self.entry, CONF_EVENT_PAYLOAD_LIMIT))
        self._outbox.max_size = int(option(self.entry, CONF_QUEUE_SIZE))
        self._outbox.max_age = float(option(self.entry, CONF_QUEUE_MAX_AGE))
        # TLS settings live in entry data, whose changes reload the entry.
        settings = settings_from_entry(self.entry, self.settings.ssl)
        # The retry interval and connect timeout are read at each attempt: an
        # open link keeps going with them.
        in_place = replace(
            settings,
            retry_interval=self.settings.retry_interval,
            connect_timeout=self.settings.connect_timeout,
        )
        if in_place == self.settings:
            self._connection.settings = settings
            return
        running = self._connection.state not in (
            ConnectionState.DISCONNECTED,
            ConnectionState.AUTH_REJECTED,
        )
        await self._connection.stop(CLOSE_NORMAL)
        self._connection.settings = settings
        if running:
            self._start_if_allowed()

    async def async_connect(self) -> None:
        """Allow the link to run again and start it."""
        self._set_connection_enabled(True)
        self._start_if_allowed()
        self._notify_status()

    async def async_disconnect(self) -> None:
        """Close the link and keep it closed, across restarts, until connect."""
        self._set_connection_enabled(False)
        await self._connection.stop(CLOSE_NORMAL)
        self._notify_status()

    async def async_reconnect(self) -> None:
        """Drop the link and connect again now, without waiting to retry."""
        await self._connection.stop(CLOSE_NORMAL)
        self._start_if_allowed()

    async def async_unload(self) -> None:
        """Close the link for an unload and give the session back."""
        await self.async_shutdown()
        await async_release_session(self.hass)

    async def async_shutdown(self, _event: Event | None = None) -> None:
        """Close the link because the entry or Home Assistant goes away."""
        if self._flush_task is not None:
            self._flush_task.cancel()
        await self._connection.stop(CLOSE_GOING_AWAY)
        self._outbox.drop_all("unloaded")
        if self._statistics_flush is not None:
            self._statistics_flush.cancel()
            self._statistics_flush = None

    async def async_send(self, payload: str | bytes, *, queue: bool = False) -> None:
        """Send a text or binary frame now, or queue it for the link.

        Without `queue`, raises NotConnectedError when the link is down. With
        it, the message waits (in order) behind queued ones and goes out when
        the link is up; raises OutboxFullError when the queue is full.
        """
        if queue and (len(self._outbox) or not self.is_connected):
            self._outbox.put(payload)
            if self.is_connected:
                self._start_flush()
            return
        await self._send_now(payload)

    async def _send_now(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            await self._connection.send_binary(payload)
        else:
            await self._connection.send_text(payload)
        self.statistics.messages_sent += 1
        self._schedule_statistics()

    def _start_flush(self) -> None:
        if self._flush_task is None and len(self._outbox):
            self._flush_task = self.entry.async_create_background_task(
                self.hass, self._flush_outbox(), f"{self.name} send queue"
            )

    async def _flush_outbox(self) -> None:
        try:
            # A link that drops mid-flush keeps the rest for the next link.
            with contextlib.suppress(NotConnectedError):
                await self._outbox.flush(self._send_now)
        finally:
            self._flush_task = None

    def _report_dropped(self, message: QueuedMessage, reason: str) -> None:
        kind = (
            MESSAGE_TYPE_BINARY
            if isinstance(message.payload, bytes)
            else (MESSAGE_TYPE_TEXT)
        )
        waited = self.hass.loop.time() - message.queued_at
        LOGGER.warning(
            "%s: dropped a queued %s message (%s) after %.0f s",
            self.name,
            kind,
            reason,
            waited,
        )
        self.hass.bus.async_fire(
            EVENT_SEND_DROPPED,
            {
                ATTR_ENTRY_ID: self.entry.entry_id,
                ATTR_NAME: self.name,
                ATTR_REASON: reason,
                ATTR_TYPE: kind,
                ATTR_SIZE: payload_size(message.payload),
                ATTR_QUEUED_AT: (
                    dt_util.utcnow() - timedelta(seconds=waited)
                ).isoformat(),
            },
        )

    async def async_request(
        self, payload: str | bytes, matcher: ReplyMatcher, reply_timeout: float
    ) -> dict[str, Any]:
        """Send, then wait for the first message that matches.

        Raises NotConnectedError when the link is down, ReplyLostError when it
        closes while waiting, TimeoutError when no reply matches in time.
        """
        # Registered before sending: a fast server may answer before send returns.
        request = self._requests.add(matcher)
        try:
            await self.async_send(payload)
            async with asyncio.timeout(reply_timeout):
                return await request.reply
        finally:
            self._requests.discard(request)

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
        return _add(self._status_listeners, listener)

    @callback
    def async_add_statistics_listener(
        self, listener: Callable[[], None]
    ) -> Callable[[], None]:
        """Call `listener` at most every second while statistics change."""
        return _add(self._statistics_listeners, listener)

    @callback
    def async_add_message_listener(
        self, listener: Callable[[dict[str, Any]], None]
    ) -> Callable[[], None]:
        """Call `listener` with the event data of every received message."""
        return _add(self._message_listeners, listener)

    def _notify_status(self) -> None:
        for listener in self._status_listeners:
            listener()

    def _schedule_statistics(self) -> None:
        if self._statistics_flush is None:
            self._statistics_flush = self.hass.loop.call_later(
                STATISTICS_INTERVAL, self._flush_statistics
            )

    def _flush_statistics(self) -> None:
        self._statistics_flush = None
        for listener in self._statistics_listeners:
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
        elif state is ConnectionState.AUTH_REJECTED:
            self._on_auth_rejected(problem)
        elif state is ConnectionState.DISCONNECTED:
            self._outage_logged = False
        self._notify_status()

    def _on_connected(self) -> None:
        self._start_flush()
        statistics = self.statistics
        statistics.connects += 1
        statistics.last_connected = dt_util.utcnow()
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
        self.statistics.last_error = problem
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

    def _on_auth_rejected(self, problem: str | None) -> None:
        self.statistics.last_error = problem
        LOGGER.warning(
            "%s: %s refused the credentials (%s); not retrying until "
            "the connection is reauthenticated",
            self.name,
            self.masked_url,
            problem,
        )
        self.entry.async_start_reauth(self.hass)

    def connection_closed(self, closed: LinkClosed) -> None:
        """Fire the disconnected event; pending requests cannot be answered."""
        self._requests.fail_all()
        self.hass.bus.async_fire(
            EVENT_DISCONNECTED,
            {
                ATTR_ENTRY_ID: self.entry.entry_id,
                ATTR_NAME: self.name,
                ATTR_CLOSE_CODE: closed.close_code,
                ATTR_REASON: closed.reason,
            },
        )

    def heartbeat_answered(self, round_trip: float) -> None:
        """Remember the heartbeat's round-trip time."""
        self.statistics.heartbeat_round_trip = round_trip
        self._schedule_statistics()

    def text_received(self, text: str) -> None:
        """Publish a text message, answer a request it matches."""
        size = payload_size(text)
        try:
            parsed: Any = json_loads(text)
            has_json = True
        except ValueError:
            parsed, has_json = None, False
        if self._requests:
            self._requests.offer(MESSAGE_TYPE_TEXT, text, parsed, has_json, None)
        data = self._event_data(MESSAGE_TYPE_TEXT)
        data[ATTR_TEXT] = text
        data[ATTR_SIZE] = size
        if has_json:
            data[ATTR_JSON] = parsed
        if self._may_exceed_limit(3 * size):
            self._fit_text(data)
        self._publish(data)

    def binary_received(self, data: bytes) -> None:
        """Publish a binary message, answer a request it matches."""
        encoded = base64.b64encode(data).decode("ascii")
        if self._requests:
            self._requests.offer(MESSAGE_TYPE_BINARY, None, None, False, encoded)
        event_data = self._event_data(MESSAGE_TYPE_BINARY)
        event_data[ATTR_DATA_BASE64] = encoded
        event_data[ATTR_SIZE] = len(data)
        if self._may_exceed_limit(len(encoded)):
            self._fit_binary(event_data, data)
        self._publish(event_data)

    def _event_data(self, message_type: str) -> dict[str, Any]:
        """The fields every message event has; the payload goes in after."""
        return {
            ATTR_ENTRY_ID: self.entry.entry_id,
            ATTR_NAME: self.name,
            ATTR_TYPE: message_type,
        }

    def _may_exceed_limit(self, payload_estimate: int) -> bool:
        # Escaping can at worst double a payload in JSON; anything that cannot
        # reach the limit skips measuring (the common, small-message case).
        overhead = EVENT_OVERHEAD + len(self.name)
        return 2 * payload_estimate + overhead > self._payload_limit

    def _fit_text(self, data: dict[str, Any]) -> None:
        """Keep the event within the limit: drop `json`, then cut `text`."""
        limit = self._payload_limit
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

    def _fit_binary(self, data: dict[str, Any], raw: bytes) -> None:
        """Keep the event within the limit by cutting to whole base64 quads."""
        encoded = len(json_bytes(data))
        if encoded <= self._payload_limit:
            return
        overhead = encoded - len(data[ATTR_DATA_BASE64]) + len(',"truncated":true')
        kept = max(self._payload_limit - overhead, 0) // 4 * 3
        data[ATTR_DATA_BASE64] = base64.b64encode(raw[:kept]).decode("ascii")
        data[ATTR_TRUNCATED] = True

    def _publish(self, data: dict[str, Any]) -> None:
        self.statistics.messages_received += 1
        self._schedule_statistics()
        self.hass.bus.async_fire(EVENT_MESSAGE, data)
        for listener in self._message_listeners:
            listener(data)


def _add[T](listeners: list[T], listener: T) -> Callable[[], None]:
    listeners.append(listener)
    return lambda: listeners.remove(listener)

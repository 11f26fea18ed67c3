"""The per-entry client: one connection's life cycle behind the one gate.

The client owns the entry's connection, starts it only when consent and the
Connection switch allow it (`_start_if_allowed`, the single gate in front of
the network), applies changed options, and turns what the connection reports
into statistics, bus events, recent messages and messages on the fan-out.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Final

import aiohttp
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_URL
from homeassistant.core import Event, HomeAssistant

from . import consent
from .bus import MessageEventPublisher, fire_connected, fire_disconnected
from .connection import (
    ConnectionEnd,
    ConnectionSettings,
    ConnectionState,
    WebSocketConnection,
    mask_url,
)
from .const import ClientStatus
from .errors import validation_error
from .listeners import Listeners
from .message import ReceivedMessage, async_fanout
from .message_filter import MessageFilter
from .options import connection_settings, needs_reconnect
from .outage_log import OutageLog
from .recent_messages import RecentMessages
from .request import PendingRequests, RequestIds
from .sender import Sender
from .statistics import ClientStatistics

type WebSocketClientConfigEntry = ConfigEntry[WebSocketClient]

# Entry data: False after the user disconnected, until they connect again
CONF_CONNECTION_ENABLED: Final = "connection_enabled"
# RFC 6455 close codes: a disconnect the user asked for; the entry goes away
CLOSE_NORMAL, CLOSE_GOING_AWAY = aiohttp.WSCloseCode.OK, aiohttp.WSCloseCode.GOING_AWAY


class WebSocketClient:
    """Runs one entry's connection and reports it to Home Assistant."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: WebSocketClientConfigEntry,
        session: aiohttp.ClientSession,
        settings: ConnectionSettings,
    ) -> None:
        """Create the (not yet started) client of an entry."""
        self.hass = hass
        self.entry = entry
        self._entry_id = entry.entry_id
        self.name = entry.title
        self.masked_url = mask_url(entry.data[CONF_URL])
        self.statistics = ClientStatistics(hass.loop)
        self.status_listeners = Listeners()
        self.messages = async_fanout(hass, entry.entry_id)
        self.recent_messages = RecentMessages(entry.entry_id, self.name)  # memory only
        self._options = dict(entry.options)
        self._shut_down = False  # for good: the entry or Home Assistant goes away
        self._outages = OutageLog(self.name, self.masked_url, self.statistics)
        self._requests = PendingRequests(self.messages)
        self._request_ids = RequestIds()
        self._message_events = MessageEventPublisher(hass, self.messages)
        start_task = partial(entry.async_create_background_task, hass)
        self._connection = WebSocketConnection(
            session,
            settings,
            self,
            name=f"{self.name} ({entry.entry_id})",
            task_factory=start_task,
        )
        self._sender = Sender(
            hass,
            entry,
            connection=self._connection,
            statistics=self.statistics,
            start_task=start_task,
        )
        self._message_events.apply_options(entry)

    @property
    def settings(self) -> ConnectionSettings:
        """The settings the connection runs with."""
        return self._connection.settings

    @property
    def status(self) -> ClientStatus:
        """What the Status sensor shows."""
        return consent.status_of(self.entry, self._connection.state)

    @property
    def queued_messages(self) -> int:
        """Messages waiting in the send queue."""
        return len(self._sender.outbox)

    def next_request_id(self, id_key: str) -> int:
        """A fresh id for a request whose id goes under `id_key` (see RequestIds)."""
        return self._request_ids.next_id(self.settings.on_connect, id_key)

    @property
    def is_connected(self) -> bool:
        """IsConnected: a connection is open right now."""
        return self._connection.is_connected

    @property
    def connection_enabled(self) -> bool:
        """False after the user asked to disconnect, until they ask to connect."""
        return bool(self.entry.data.get(CONF_CONNECTION_ENABLED, True))

    def _start_if_allowed(self) -> None:
        # The single gate in front of the network: nothing connects without it.
        decision = consent.current_decision(self.entry)
        approved = decision is consent.ConsentDecision.APPROVED
        if approved and self.connection_enabled and not self._shut_down:
            self._connection.start()

    async def async_start(self) -> None:
        """Connect if allowed, or ask for consent if nobody has decided yet."""
        if consent.current_decision(self.entry) is None:
            await consent.async_request_consent(self.hass, self.entry)
        else:
            # A request for an origin since changed back to a decided one is stale.
            consent.async_withdraw_request(self.hass, self.entry.entry_id)
        self._start_if_allowed()

    async def async_follow_consent(self) -> None:
        """Connect after an approval, stay or go offline after a denial."""
        await self._restart()
        self.status_listeners.notify()

    async def async_apply_options(self) -> None:
        """Use changed options, making a new connection only when needed."""
        old, new = self._options, dict(self.entry.options)
        if old == new:
            return
        self._options = new
        self._sender.apply_options(self.entry)
        self._message_events.apply_options(self.entry)
        # TLS settings live in entry data, whose changes reload the entry.
        settings = connection_settings(self.entry, self.settings.ssl)
        if settings == self.settings:
            return
        # A hanging attempt or a wait to retry must not outlast its old settings.
        if not needs_reconnect(old, new) and self._connection.is_connected:
            self._connection.settings = settings
            return
        running = self._connection.is_running
        await self._connection.stop(CLOSE_NORMAL)
        self._connection.settings = settings
        if running:
            self._start_if_allowed()

    async def async_connect(self) -> None:
        """Allow the connection to run again and start it."""
        consent.check_may_connect(self.entry)
        self._set_connection_enabled(True)
        self._start_if_allowed()
        self.status_listeners.notify()

    async def async_disconnect(self) -> None:
        """Close the connection and keep it closed, across restarts, until connect."""
        self._set_connection_enabled(False)
        await self._connection.stop(CLOSE_NORMAL)
        self.status_listeners.notify()

    async def async_reconnect(self) -> None:
        """Drop the connection and connect again now, without waiting to retry."""
        consent.check_may_connect(self.entry)
        if not self.connection_enabled:
            raise validation_error("connection_switched_off", name=self.name)
        await self._restart()

    async def _restart(self) -> None:
        await self._connection.stop(CLOSE_NORMAL)
        self._start_if_allowed()

    async def async_shutdown(self, _event: Event | None = None) -> None:
        """Close the connection because the entry or Home Assistant goes away."""
        self._shut_down = True
        self._sender.stop()
        await self._connection.stop(CLOSE_GOING_AWAY)
        self.statistics.cancel()
        self._message_events.stop()
        self.recent_messages.clear()

    async def async_send(self, payload: str | bytes, *, queue: bool = False) -> None:
        """Send now (NotConnectedError when down) or queue (OutboxFullError)."""
        await self._sender.async_send(payload, queue=queue)

    async def async_request(
        self, payload: str | bytes, matcher: MessageFilter, reply_timeout: float
    ) -> dict[str, Any]:
        """Send, then wait for the first matching message (see PendingRequests)."""
        return await self._requests.async_request(
            self._sender.async_send_now, payload, matcher, reply_timeout
        )

    def _set_connection_enabled(self, enabled: bool) -> None:
        if self.connection_enabled is not enabled:
            self.hass.config_entries.async_update_entry(
                self.entry, data={**self.entry.data, CONF_CONNECTION_ENABLED: enabled}
            )

    # ConnectionListener: what the connection reports

    def connection_state_changed(
        self, state: ConnectionState, end: ConnectionEnd | None
    ) -> None:
        """Count, log and announce the change; update entities."""
        if state is ConnectionState.CONNECTED:
            self._sender.start_flush()
            self.statistics.count_connect()
            self._outages.connected()
            fire_connected(self.hass, self.entry.entry_id, self.name, self.masked_url)
        elif state is ConnectionState.WAITING_TO_RETRY:
            self._outages.failed(end, self.settings.retry_interval)
        elif state is ConnectionState.AUTH_REJECTED:
            self._outages.rejected(end)
            self.entry.async_start_reauth(self.hass)
        elif state is ConnectionState.DISCONNECTED:
            self._outages.stopped()
        self.status_listeners.notify()

    def connection_closed(self, end: ConnectionEnd) -> None:
        """Fire the disconnected event; pending requests cannot be answered."""
        self._requests.fail_all()
        fire_disconnected(self.hass, self.entry.entry_id, self.name, end)

    def heartbeat_answered(self, round_trip: float) -> None:
        """Remember the heartbeat's round-trip time."""
        self.statistics.set_round_trip(round_trip)

    def message_received(self, payload: str | bytes) -> None:
        """Keep a received message among the recent ones; hand it to subscribers."""
        self.statistics.count_received()
        self.recent_messages.add(payload)
        # Nearly always someone listens: asking first would cost every message.
        self.messages.publish(ReceivedMessage(self._entry_id, self.name, payload))

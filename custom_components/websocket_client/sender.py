"""Sending: now, or through the send queue while the connection is down.

Queued messages go out in order as soon as a connection opens; one that cannot
wait any longer is logged and reported with a `websocket_client_send_dropped`
event.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .bus import ATTR_QUEUED_AT, fire_send_dropped
from .connection import (
    NotConnectedError,
    Outbox,
    QueuedMessage,
    TaskFactory,
    WebSocketConnection,
)
from .const import (
    ATTR_REASON,
    ATTR_SIZE,
    ATTR_TYPE,
    LOGGER,
    MESSAGE_TYPE_BINARY,
    MESSAGE_TYPE_TEXT,
)
from .message import payload_size
from .options import CONF_QUEUE_MAX_AGE, CONF_QUEUE_SIZE, option_value
from .statistics import ClientStatistics


class Sender:
    """Writes one entry's outgoing messages to its connection."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        *,
        connection: WebSocketConnection,
        statistics: ClientStatistics,
        start_task: TaskFactory,
    ) -> None:
        """Send through `connection` for `entry`, counting in `statistics`."""
        self._hass = hass
        self._entry_id = entry.entry_id
        self._name = entry.title
        self._connection = connection
        self._statistics = statistics
        self._start_task = start_task
        self.outbox = Outbox(
            hass.loop,
            int(option_value(entry, CONF_QUEUE_SIZE)),
            float(option_value(entry, CONF_QUEUE_MAX_AGE)),
            self._report_dropped,
        )
        self._flush_task: asyncio.Task[None] | None = None

    def apply_options(self, entry: ConfigEntry) -> None:
        """Follow the entry's send queue options."""
        self.outbox.max_size = int(option_value(entry, CONF_QUEUE_SIZE))
        self.outbox.max_age = float(option_value(entry, CONF_QUEUE_MAX_AGE))

    async def async_send(self, payload: str | bytes, *, queue: bool) -> None:
        """Send now, or queue behind waiting messages (see the send action)."""
        connected = self._connection.is_connected
        if queue and (len(self.outbox) or not connected):
            self.outbox.put(payload)
            if connected:
                self.start_flush()
            return
        await self.async_send_now(payload)

    async def async_send_now(self, payload: str | bytes) -> None:
        """Send one message now; NotConnectedError when no connection is open."""
        if isinstance(payload, bytes):
            await self._connection.send_binary(payload)
        else:
            await self._connection.send_text(payload)
        self._statistics.count_sent()

    def start_flush(self) -> None:
        """Send what waits in the queue, in the background."""
        if self._flush_task is None and len(self.outbox):
            self._flush_task = self._start_task(
                self._flush_outbox(), f"{self._name} send queue"
            )

    async def _flush_outbox(self) -> None:
        try:
            # A connection that drops mid-flush keeps the rest for the next one.
            with contextlib.suppress(NotConnectedError):
                await self.outbox.flush(self.async_send_now)
        finally:
            self._flush_task = None

    def stop(self) -> None:
        """Stop flushing and drop (and report) what still waits."""
        if self._flush_task is not None:
            self._flush_task.cancel()
        self.outbox.drop_all("unloaded")

    def _report_dropped(self, message: QueuedMessage, reason: str) -> None:
        kind = (
            MESSAGE_TYPE_BINARY
            if isinstance(message.payload, bytes)
            else MESSAGE_TYPE_TEXT
        )
        waited = self._hass.loop.time() - message.queued_at
        LOGGER.warning(
            "%s: dropped a queued %s message (%s) after %.0f s",
            self._name,
            kind,
            reason,
            waited,
        )
        queued_at = dt_util.utcnow() - timedelta(seconds=waited)
        fire_send_dropped(
            self._hass,
            self._entry_id,
            self._name,
            {
                ATTR_REASON: reason,
                ATTR_TYPE: kind,
                ATTR_SIZE: payload_size(message.payload),
                ATTR_QUEUED_AT: queued_at.isoformat(),
            },
        )

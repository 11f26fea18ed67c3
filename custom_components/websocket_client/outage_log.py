"""The log of a connection's outages: one line when it starts, one when it ends.

However many retries lie between, an outage is logged once. Log lines are for
whoever reads the log (in English, like Home Assistant's own); what users see
is translated from the same `ConnectionEnd` by the Last error sensor.
"""

from __future__ import annotations

from .connection import ConnectionEnd
from .const import LOGGER
from .statistics import ClientStatistics


def describe(end: ConnectionEnd | None) -> str:
    """A compact, secret-free account of an end for a log line."""
    if end is None:
        return "unknown"
    details = [
        f"{name} {value!r}" if isinstance(value, str) else f"{name} {value}"
        for name, value in (
            ("close code", end.close_code),
            ("server reason", end.server_reason),
            ("HTTP", end.http_status),
            ("error", end.error),
        )
        if value is not None
    ]
    return ", ".join((end.reason.value, *details))


class OutageLog:
    """Logs an outage once when it starts and once when it ends."""

    def __init__(
        self, name: str, masked_url: str, statistics: ClientStatistics
    ) -> None:
        """Log for the connection `name`; the last error goes to `statistics`."""
        self._name = name
        self._statistics = statistics
        self._url = masked_url
        self._in_outage = False

    def connected(self) -> None:
        """A connection opened: ends an outage, if one was logged."""
        if self._in_outage:
            LOGGER.info("%s: connected to %s again", self._name, self._url)
            self._in_outage = False
        else:
            LOGGER.debug("%s: connected to %s", self._name, self._url)

    def failed(self, end: ConnectionEnd | None, retry_interval: float) -> None:
        """An attempt failed or a connection dropped; logged once per outage."""
        self._statistics.last_error = end
        if self._in_outage:
            return
        self._in_outage = True
        LOGGER.info(
            "%s: no connection to %s (%s); retrying every %g s",
            self._name,
            self._url,
            describe(end),
            retry_interval,
        )

    def rejected(self, end: ConnectionEnd | None) -> None:
        """The server refused the credentials; no retries follow."""
        self._statistics.last_error = end
        LOGGER.warning(
            "%s: %s refused the credentials (%s); not retrying until "
            "the connection is reauthenticated",
            self._name,
            self._url,
            describe(end),
        )

    def stopped(self) -> None:
        """Disconnected on purpose: the next failure starts a new outage."""
        self._in_outage = False

"""The outage log: one line when an outage starts, one when it ends, no secrets.

Against a real server the log reader sees the masked URL and why; the
sequences of failures and connections are played to the log directly.
"""

from __future__ import annotations

import asyncio
import logging

from homeassistant.core import HomeAssistant
import pytest

from custom_components.websocket_client.connection import ConnectionEnd, EndReason
from custom_components.websocket_client.outage_log import OutageLog, describe
from custom_components.websocket_client.statistics import ClientStatistics
from tests.helpers import EntryFactory, wait_connected, wait_until
from tests.servers.ws_server import RecordingWebSocketServer

LOGGER_NAME = "custom_components.websocket_client"
REFUSED = ConnectionEnd(EndReason.REFUSED, error="ECONNREFUSED")


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Our log lines from debug up."""
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    return caplog


def lines(log: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    """Our log lines so far: (level, message)."""
    return [
        (record.levelname, record.getMessage())
        for record in log.records
        if record.name == LOGGER_NAME
    ]


@pytest.mark.parametrize(
    ("end", "described"),
    [
        (None, "unknown"),
        (REFUSED, "refused, error 'ECONNREFUSED'"),
        (
            ConnectionEnd(EndReason.CLOSED_BY_SERVER, 1011, "restarting"),
            "closed_by_server, close code 1011, server reason 'restarting'",
        ),
        (
            ConnectionEnd(EndReason.HTTP_STATUS, http_status=503),
            "http_status, HTTP 503",
        ),
        (ConnectionEnd(EndReason.IDLE, 1001), "idle, close code 1001"),
    ],
)
def test_an_end_in_a_few_words(end: ConnectionEnd | None, described: str) -> None:
    """The reason first, then whichever details it has."""
    assert describe(end) == described


def outage_log() -> tuple[OutageLog, ClientStatistics]:
    """A log for "Living room" and the statistics it records the last error in."""
    stats = ClientStatistics(asyncio.get_running_loop())
    return OutageLog("Living room", "ws://host/ws?token=***", stats), stats


async def test_one_line_per_outage_however_many_attempts(
    log: pytest.LogCaptureFixture,
) -> None:
    """Failures in a row are one outage; the first connection after ends it."""
    outages, stats = outage_log()
    outages.connected()
    outages.failed(REFUSED, 10)
    timeout = ConnectionEnd(EndReason.TIMEOUT)
    outages.failed(timeout, 10)
    outages.failed(timeout, 10)
    assert stats.last_error == timeout
    outages.connected()
    outages.failed(None, 2.5)
    assert lines(log) == [
        ("DEBUG", "Living room: connected to ws://host/ws?token=***"),
        (
            "INFO",
            "Living room: no connection to ws://host/ws?token=*** "
            "(refused, error 'ECONNREFUSED'); retrying every 10 s",
        ),
        ("INFO", "Living room: connected to ws://host/ws?token=*** again"),
        (
            "INFO",
            "Living room: no connection to ws://host/ws?token=*** (unknown); "
            "retrying every 2.5 s",
        ),
    ]


async def test_a_disconnect_ends_the_outage_silently(
    log: pytest.LogCaptureFixture,
) -> None:
    """Stopped on purpose: no "again" later, and the next failure is logged anew."""
    outages, _ = outage_log()
    outages.failed(REFUSED, 10)
    outages.stopped()
    outages.connected()
    outages.stopped()
    outages.failed(REFUSED, 10)
    outages.stopped()
    outages.failed(REFUSED, 10)
    assert [(level, "again" in line) for level, line in lines(log)] == [
        ("INFO", False),
        ("DEBUG", False),
        ("INFO", False),
        ("INFO", False),
    ]


async def test_refused_credentials_warn_every_time(
    log: pytest.LogCaptureFixture,
) -> None:
    """No retries follow a refusal: the warning says how to go on."""
    outages, stats = outage_log()
    rejected = ConnectionEnd(EndReason.HTTP_STATUS, http_status=401)
    outages.rejected(rejected)
    assert stats.last_error == rejected
    assert lines(log) == [
        (
            "WARNING",
            "Living room: ws://host/ws?token=*** refused the credentials "
            "(http_status, HTTP 401); not retrying until the connection is "
            "reauthenticated",
        )
    ]


async def test_a_real_outage_in_the_log(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    log: pytest.LogCaptureFixture,
) -> None:
    """Server errors: one line with the masked URL and the status; then again."""
    ws_server.reject_status = 503
    url = ws_server.url.replace("ws://", "ws://bob:pw@") + "?token=hunter2"
    await add_entry(url=url)
    await wait_until(lambda: ws_server.handshakes >= 3)
    ws_server.reject_status = None
    await wait_connected(hass)
    masked = f"ws://***:***@127.0.0.1:{ws_server.port}/ws?token=***"
    assert [line for line in lines(log) if line[0] != "DEBUG"] == [
        (
            "INFO",
            f"Living room: no connection to {masked} (http_status, HTTP 503); "
            "retrying every 0.1 s",
        ),
        ("INFO", f"Living room: connected to {masked} again"),
    ]
    ours = str(lines(log))
    assert "hunter2" not in ours
    assert "pw@" not in ours

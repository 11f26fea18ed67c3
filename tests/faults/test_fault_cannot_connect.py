"""Fault family 1: the server cannot be reached.

Each case ends in waiting_to_retry, retries at the interval, logs one line for
the outage and shows the reason in the Last error sensor.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
import itertools
import logging

from homeassistant.core import HomeAssistant
import pytest

from tests.helpers import STATUS, EntryFactory, state_of, status_changes, wait_until
from tests.servers.raw_peer import RawPeer, drain_until_closed
from tests.servers.ws_server import RecordingWebSocketServer

LAST_ERROR = "sensor.living_room_last_error"


@pytest.fixture
def outage_lines(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The log, with our info lines about outages captured."""
    caplog.set_level(logging.INFO, logger="custom_components.websocket_client")
    return caplog


def count_outage_lines(log: pytest.LogCaptureFixture) -> int:
    """Lines saying a connection is down."""
    return sum("no connection to" in record.getMessage() for record in log.records)


def attempts(hass: HomeAssistant) -> list[float]:
    """Loop times at which the Status sensor went to connecting."""
    return status_changes(hass, "connecting")


async def assert_retried_and_logged_once(
    hass: HomeAssistant, times: list[float], records: pytest.LogCaptureFixture
) -> None:
    """Three further attempts at about the interval; one line for the outage."""
    await wait_until(lambda: len(times) >= 4)
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # 0.1 s less up to 10 % jitter (plus the attempt itself)
    assert all(gap >= 0.09 for gap in gaps[:3]), gaps
    assert state_of(hass, STATUS) in ("waiting_to_retry", "connecting")
    assert count_outage_lines(records) == 1


@pytest.fixture
async def closed_port(socket_enabled: None) -> int:
    """A port on 127.0.0.1 nobody listens on."""
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port: int = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    return port


async def test_connection_refused(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    closed_port: int,
    outage_lines: pytest.LogCaptureFixture,
) -> None:
    """Nobody listening: retried, and the reason names host and port."""
    times = attempts(hass)
    await add_entry(url=f"ws://127.0.0.1:{closed_port}/ws")
    await assert_retried_and_logged_once(hass, times, outage_lines)
    assert state_of(hass, LAST_ERROR) == "refused"


async def test_name_that_does_not_resolve(
    disable_mock_zeroconf_resolver: None,
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    outage_lines: pytest.LogCaptureFixture,
) -> None:
    """A host name that does not resolve is an ordinary, retried failure.

    Home Assistant's own resolver is used, as in a real installation.
    """
    times = attempts(hass)
    await add_entry(
        url="ws://no-such-host.invalid:8080/ws", options={"connect_timeout": 1}
    )
    await wait_until(lambda: len(times) >= 2, timeout=10)
    assert count_outage_lines(outage_lines) == 1
    assert state_of(hass, LAST_ERROR) == "host_not_found"


async def test_tls_handshake_failure(
    hass: HomeAssistant,
    tls_server_thread: RecordingWebSocketServer,
    add_entry: EntryFactory,
    outage_lines: pytest.LogCaptureFixture,
) -> None:
    """A certificate nobody vouches for, with verification on: retried, explained."""
    times = attempts(hass)
    await add_entry(url=tls_server_thread.url)
    await assert_retried_and_logged_once(hass, times, outage_lines)
    assert state_of(hass, LAST_ERROR) == "tls_certificate"
    assert tls_server_thread.handshakes == 0


@pytest.fixture
async def silent_peer(socket_enabled: None) -> AsyncGenerator[RawPeer]:
    """Accepts TCP and never answers the HTTP upgrade."""

    async def never_answer(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await drain_until_closed(reader)

    peer = RawPeer(never_answer, upgrade=False)
    await peer.start()
    yield peer
    await peer.stop()


async def test_upgrade_never_answered(
    hass: HomeAssistant,
    silent_peer: RawPeer,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    outage_lines: pytest.LogCaptureFixture,
) -> None:
    """TCP accepted, no HTTP answer: the connect timeout ends each attempt."""
    times = attempts(hass)
    await add_entry(url=silent_peer.url, options={"connect_timeout": 0.2})
    await assert_retried_and_logged_once(hass, times, outage_lines)
    assert state_of(hass, LAST_ERROR) == "timeout"
    assert silent_peer.connections >= 3


@pytest.mark.parametrize("status", [404, 500])
async def test_http_error_on_upgrade(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    outage_lines: pytest.LogCaptureFixture,
    status: int,
) -> None:
    """404 and 500 are retried; the reason is the HTTP status."""
    ws_server.reject_status = status
    times = attempts(hass)
    await add_entry()
    await assert_retried_and_logged_once(hass, times, outage_lines)
    assert state_of(hass, LAST_ERROR) == "http_status"
    last_error = hass.states.get(LAST_ERROR)
    assert last_error is not None
    assert last_error.attributes["http_status"] == status

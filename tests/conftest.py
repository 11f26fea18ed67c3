"""Fixtures only: custom integrations enabled, real servers, ready entries.

The helpers test modules share (waits, entity ids, reading states, calling
actions, the retry witness, snapshots) are in helpers.py; the servers and
peers in the `servers` package.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

from homeassistant.config_entries import ConfigEntryState, ConfigSubentryDataWithId
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.websocket_client.config_flow import WebSocketClientConfigFlow
from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.options import CONF_RETRY_INTERVAL

from .helpers import (
    EntryFactory,
    PeerStarter,
    ResettingPeerStarter,
    RetryWitness,
    entry_data,
)
from .servers.certificates import CertificateSet, make_certificates
from .servers.home_assistant_server import HomeAssistantServer
from .servers.mosquitto import Mosquitto
from .servers.processes import free_port, free_ports
from .servers.raw_peer import RawPeer, Script
from .servers.thread_peer import ResettingPeer
from .servers.ws_server import RecordingWebSocketServer, ServerThread


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/ in every test."""


@pytest.fixture(autouse=True)
def fail_on_frame_helper_reports(caplog: pytest.LogCaptureFixture) -> Generator[None]:
    """Fail when Home Assistant reports a wrong or deprecated use by us."""
    yield
    reports = [
        record.getMessage()
        for when in ("setup", "call")
        for record in caplog.get_records(when)
        if "custom integration 'websocket_client'" in record.getMessage()
        and "Detected" in record.getMessage()
    ]
    assert not reports, reports


@pytest.fixture
async def start_peer(socket_enabled: None) -> AsyncGenerator[PeerStarter]:
    """Start raw peers (misbehaving servers); all are stopped afterwards.

    Request it before `add_entry`, so entries unload before their peers stop.
    """
    started: list[RawPeer] = []

    async def _start(script: Script, *, upgrade: bool = True) -> RawPeer:
        peer = RawPeer(script, upgrade=upgrade)
        await peer.start()
        started.append(peer)
        return peer

    yield _start
    for peer in started:
        await peer.stop()


@pytest.fixture
def start_resetting_peer(socket_enabled: None) -> Generator[ResettingPeerStarter]:
    """Start peers that reset the first connection while the loop is blocked.

    The argument is what the peer sends just before the reset. Request it
    before `add_entry`, so entries unload before their peers stop.
    """
    started: list[ResettingPeer] = []

    def _start(before_reset: bytes) -> ResettingPeer:
        peer = ResettingPeer(before_reset)
        peer.start()
        started.append(peer)
        return peer

    yield _start
    for peer in started:
        peer.stop()


@pytest.fixture
def certificates(tmp_path: Path) -> CertificateSet:
    """A CA and a server certificate for 127.0.0.1."""
    return make_certificates(tmp_path)


@pytest.fixture
def tls_server_thread(
    socket_enabled: None, certificates: CertificateSet
) -> Generator[RecordingWebSocketServer]:
    """A wss:// server whose certificate only the test CA vouches for.

    It runs in its own thread: the handshakes it sees fail there, not in
    Home Assistant's loop.
    """
    thread = ServerThread(
        RecordingWebSocketServer(ssl_context=certificates.server_context)
    )
    thread.start()
    yield thread.server
    thread.stop()


@pytest.fixture
async def ws_server(socket_enabled: None) -> AsyncGenerator[RecordingWebSocketServer]:
    """A running WebSocket server on 127.0.0.1 (the only address tests may use)."""
    server = RecordingWebSocketServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def target_server(
    socket_enabled: None,
) -> AsyncGenerator[RecordingWebSocketServer]:
    """A second server, e.g. where messages from `ws_server` are forwarded to.

    Request it before `add_entry`, so entries unload before it stops.
    """
    server = RecordingWebSocketServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def mosquitto(socket_enabled: None, tmp_path: Path) -> AsyncGenerator[Mosquitto]:
    """Mosquitto listening for MQTT and MQTT over WebSockets on 127.0.0.1.

    Request it before `add_entry`, so entries unload before the broker stops.
    """
    tcp_port, websocket_port = free_ports(2)
    broker = Mosquitto(tmp_path / "mosquitto", tcp_port, websocket_port)
    try:
        await broker.start()
        yield broker
    finally:
        await broker.stop()


@pytest.fixture
async def home_assistant_server(
    socket_enabled: None, tmp_path: Path
) -> AsyncGenerator[HomeAssistantServer]:
    """A second Home Assistant, onboarded, with a long-lived access token.

    Request it before `add_entry`, so entries unload before the server stops.
    """
    server = HomeAssistantServer(tmp_path / "server", free_port())
    try:
        await server.start()
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def add_entry(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer
) -> AsyncGenerator[EntryFactory]:
    """Add and set up entries pointing at the test server (short timings).

    The entries are unloaded before the server stops, so no connection races the
    server's shutdown.
    """
    added: list[MockConfigEntry] = []

    async def _add(
        *,
        decision: str | None = "approved",
        url: str | None = None,
        options: dict[str, Any] | None = None,
        title: str = "Living room",
        entry_id: str | None = None,
        subentries: list[ConfigSubentryDataWithId] | None = None,
        minor_version: int = WebSocketClientConfigFlow.MINOR_VERSION,
        **data: Any,
    ) -> MockConfigEntry:
        entry = MockConfigEntry(
            domain=DOMAIN,
            entry_id=entry_id,
            subentries_data=subentries,
            title=title,
            data=entry_data(url or ws_server.url, decision=decision, **data),
            options={CONF_RETRY_INTERVAL: 0.1, **(options or {})},
            # As the flow stores a new entry, unless a test plays an older one
            minor_version=minor_version,
        )
        entry.add_to_hass(hass)
        added.append(entry)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        return entry

    yield _add
    for entry in added:
        if entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
async def retry_witness(
    hass: HomeAssistant, socket_enabled: None, add_entry: EntryFactory
) -> AsyncGenerator[RetryWitness]:
    """A retry witness; its entry unloads before its server stops."""
    server = RecordingWebSocketServer(reject_status=500)
    await server.start()
    witness = RetryWitness(add_entry, server)
    yield witness
    if witness.entry is not None and witness.entry.state is ConfigEntryState.LOADED:
        await hass.config_entries.async_unload(witness.entry.entry_id)
    await server.stop()


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots as Home Assistant core takes them (tests/snapshots/*.ambr).

    The test plugin's own override loses to syrupy's fixture of the same name.
    """
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create every entity enabled, also those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield

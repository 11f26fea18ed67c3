"""Fixtures: custom integrations enabled, a real WebSocket server, ready entries."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from pathlib import Path
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_URL
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.consent import (
    CONF_CONSENT,
    CONSENT_DECIDED_AT,
    CONSENT_DECISION,
    CONSENT_ORIGIN,
    CONSENT_USER_ID,
)
from custom_components.websocket_client.const import CONF_ACCESS_REASON, DOMAIN
from custom_components.websocket_client.options import CONF_RETRY_INTERVAL
from custom_components.websocket_client.url import url_origin

from .certificates import CertificateSet, make_certificates
from .raw_peer import RawPeer, Script
from .ws_server import RecordingWebSocketServer, ServerThread

type EntryFactory = Callable[..., Awaitable[MockConfigEntry]]


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


type PeerStarter = Callable[..., Awaitable[RawPeer]]


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


def entry_data(
    url: str, *, decision: str | None = None, **extra: Any
) -> dict[str, Any]:
    """Config entry data as the flow stores it, optionally with a decision."""
    data: dict[str, Any] = {
        CONF_URL: url,
        CONF_ACCESS_REASON: "Mirror the living room lights",
        **extra,
    }
    if decision is not None:
        data[CONF_CONSENT] = {
            CONSENT_DECISION: decision,
            CONSENT_ORIGIN: url_origin(url),
            CONSENT_USER_ID: None,
            CONSENT_DECIDED_AT: "2026-01-01T00:00:00+00:00",
        }
    return data


@pytest.fixture
async def add_entry(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer
) -> AsyncGenerator[EntryFactory]:
    """Add and set up entries pointing at the test server (short timings).

    The entries are unloaded before the server stops, so no link races the
    server's shutdown.
    """
    added: list[MockConfigEntry] = []

    async def _add(
        *,
        decision: str | None = "approved",
        url: str | None = None,
        options: dict[str, Any] | None = None,
        title: str = "Living room",
        **data: Any,
    ) -> MockConfigEntry:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=title,
            data=entry_data(url or ws_server.url, decision=decision, **data),
            options={CONF_RETRY_INTERVAL: 0.1, **(options or {})},
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

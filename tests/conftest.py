"""Fixtures and helpers: custom integrations enabled, real servers, ready entries.

Helpers every test module may use live here too (entity ids of the default
entry, reading states, waiting for the connection, calling actions as a user),
as Home Assistant core keeps them in its conftest/common modules.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Hashable
from pathlib import Path
import re
from typing import Any
from unittest.mock import ANY, PropertyMock, patch

from homeassistant.auth.models import User
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_URL, EVENT_STATE_CHANGED, STATE_ON, Platform
from homeassistant.core import (
    Context,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
)
from homeassistant.data_entry_flow import section
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.types import PropertyPath, SerializableData
import voluptuous as vol

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

from .servers.certificates import CertificateSet, make_certificates
from .servers.home_assistant_server import HomeAssistantServer
from .servers.mosquitto import Mosquitto
from .servers.processes import free_port, free_ports
from .servers.raw_peer import RawPeer, Script
from .servers.thread_peer import ResettingPeer
from .servers.ws_server import RecordingWebSocketServer, ServerThread, wait_until

type EntryFactory = Callable[..., Awaitable[MockConfigEntry]]

# Entities of the default entry ("Living room")
CONNECTED = "binary_sensor.living_room_connected"
STATUS = "sensor.living_room_status"
MESSAGE = "event.living_room_message"
SWITCH = "switch.living_room_connection"
BUTTON = "button.living_room_reconnect"
LAST_ERROR = "sensor.living_room_last_error"


def shown_values(schema: vol.Schema) -> dict[str, Any]:
    """What a form shows: defaults, suggested values, sections flattened."""
    shown: dict[str, Any] = {}
    for key, value in schema.schema.items():
        if isinstance(value, section):
            shown |= shown_values(value.schema)
        elif key.description and "suggested_value" in key.description:
            shown[str(key)] = key.description["suggested_value"]
        else:
            shown[str(key)] = key.default()
    return shown


def submitted_as_shown(schema: vol.Schema | None) -> dict[str, Any]:
    """What the frontend submits for a form left as shown: empty fields left out."""
    assert schema is not None
    submitted: dict[str, Any] = {}
    for key, value in schema.schema.items():
        if isinstance(value, section):
            submitted[str(key)] = submitted_as_shown(value.schema)
        elif key.description and "suggested_value" in key.description:
            if key.description["suggested_value"] not in (None, "", [], {}):
                submitted[str(key)] = key.description["suggested_value"]
        elif key.default is not vol.UNDEFINED:
            submitted[str(key)] = key.default()
    return submitted


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """The state string of an entity, failing if it does not exist."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def message_attribute(hass: HomeAssistant, name: str) -> object:
    """An attribute of the Message event entity."""
    state = hass.states.get(MESSAGE)
    assert state is not None
    return state.attributes.get(name)


def device_of(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """The id of an entry's device."""
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, entry.entry_id)})
    assert device is not None
    return device.id


async def wait_connected(hass: HomeAssistant) -> None:
    """Wait until the user would see the connection as connected."""
    await wait_until(lambda: state_of(hass, CONNECTED) == STATE_ON)
    assert state_of(hass, STATUS) == "connected"


async def call_action(
    hass: HomeAssistant, service: str, entry_id: str, user: User | None = None
) -> None:
    """Call one of our actions on an entry, as a user or like an automation."""
    await hass.services.async_call(
        DOMAIN,
        service,
        {"config_entry_id": entry_id},
        blocking=True,
        context=Context(user_id=user.id if user else None),
    )


def status_changes(
    hass: HomeAssistant, status: str, entity_id: str = STATUS
) -> list[float]:
    """Loop times at which a Status sensor changes to `status`, from now on."""
    times: list[float] = []

    @callback  # in the loop, in order: a plain function would run in a thread
    def _on_change(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if event.data["entity_id"] == entity_id and new and new.state == status:
            times.append(hass.loop.time())

    hass.bus.async_listen(EVENT_STATE_CHANGED, _on_change)
    return times


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


type ResettingPeerStarter = Callable[[bytes], ResettingPeer]


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
        entry_id: str | None = None,
        **data: Any,
    ) -> MockConfigEntry:
        entry = MockConfigEntry(
            domain=DOMAIN,
            entry_id=entry_id,
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


class RetryWitness:
    """A second, approved entry whose server refuses it: it counts retry attempts.

    A test that asserts something did *not* happen (no handshake, no
    reconnect) first waits until the witness was retried a few times: the
    event loop demonstrably ran several retry intervals (entries here retry
    every 0.1 s), so anything the entry under test would have done in that
    time has happened. Its server is its own, so the test's counts stay clean.
    """

    def __init__(
        self, add_entry: EntryFactory, server: RecordingWebSocketServer
    ) -> None:
        """Watch through `server`; the entry is added on first use."""
        self._add_entry = add_entry
        self.server = server
        self.entry: MockConfigEntry | None = None

    async def wait_retries(self, attempts: int = 5) -> None:
        """Wait until the witness made `attempts` more connection attempts."""
        if self.entry is None:
            self.entry = await self._add_entry(url=self.server.url, title="Witness")
        target = self.server.handshakes + attempts
        await wait_until(lambda: self.server.handshakes >= target)


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


# Snapshots: a fixed entry id keeps unique ids stable between runs.
SNAPSHOT_ENTRY_ID = "01JWSCLIENT0SNAPSHOT0ENTRY"
# What a registry entry and a state snapshot show: fields both supported Home
# Assistant releases (2025.4 and 2026.2) have. Newer releases add registry
# fields; leaving them out keeps one snapshot valid for both.
SNAPSHOT_FIELDS = frozenset(
    {
        # entity registry entries
        "aliases",
        "area_id",
        "capabilities",
        "config_entry_id",
        "config_subentry_id",
        "device_class",
        "device_id",
        "disabled_by",
        "domain",
        "entity_category",
        "entity_id",
        "has_entity_name",
        "hidden_by",
        "icon",
        "id",
        "labels",
        "name",
        "options",
        "original_device_class",
        "original_icon",
        "original_name",
        "platform",
        "previous_unique_id",
        "supported_features",
        "translation_key",
        "unique_id",
        "unit_of_measurement",
        # states
        "attributes",
        "context",
        "last_changed",
        "last_reported",
        "last_updated",
        "state",
    }
)
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00")


def _not_in_every_release(*, prop: Hashable, path: PropertyPath) -> bool:
    return not path and prop not in SNAPSHOT_FIELDS


def timestamps_as_any(*, data: SerializableData, path: PropertyPath) -> Any:
    """Snapshot matcher: a UTC timestamp (when the test connected) as ANY."""
    if isinstance(data, str) and _TIMESTAMP.fullmatch(data):
        return ANY
    return data


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


async def snapshot_connected_platform(
    hass: HomeAssistant,
    add_entry: EntryFactory,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    """Snapshot the entities of one platform of a connected entry.

    Needs `entity_registry_enabled_by_default`: every entity must be enabled.
    """
    with patch("custom_components.websocket_client.PLATFORMS", [platform]):
        entry = await add_entry(entry_id=SNAPSHOT_ENTRY_ID)
        await wait_until(lambda: entry.runtime_data.is_connected)
        await hass.async_block_till_done()
        await snapshot_platform(
            hass,
            er.async_get(hass),
            snapshot.with_defaults(
                exclude=_not_in_every_release, matcher=timestamps_as_any
            ),
            entry.entry_id,
        )
        # Unloaded while only this platform is known to the integration
        assert await hass.config_entries.async_unload(entry.entry_id)

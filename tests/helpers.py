"""Shared waits and helpers of the tests: what every test module may use.

Waiting for what a user or a server would see (`wait_until`,
`wait_connected`), the entities of the default entry and reading their states,
calling actions as a user, the consent notification, what a form shows and
submits, config entry data, the retry witness, taking snapshots, and the bad
message filters every caller refuses alike (`BAD_FILTERS`). The fixtures are in
conftest.py, the servers and peers in the `servers` package.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable
import re
from typing import Any, Final
from unittest.mock import ANY, patch

from homeassistant.auth.models import User
from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications,
)
from homeassistant.config_entries import ConfigSubentryDataWithId
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
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion
from syrupy.types import PropertyPath, SerializableData
import voluptuous as vol

from custom_components.websocket_client.connection import url_origin
from custom_components.websocket_client.consent import (
    CONF_CONSENT,
    CONSENT_DECIDED_AT,
    CONSENT_DECISION,
    CONSENT_ORIGIN,
    CONSENT_USER_ID,
)
from custom_components.websocket_client.const import CONF_ACCESS_REASON, DOMAIN
from custom_components.websocket_client.options_form import options_schema

from .servers.raw_peer import RawPeer
from .servers.thread_peer import ResettingPeer
from .servers.ws_server import RecordingWebSocketServer

type EntryFactory = Callable[..., Awaitable[MockConfigEntry]]
type PeerStarter = Callable[..., Awaitable[RawPeer]]
type ResettingPeerStarter = Callable[[bytes], ResettingPeer]

# Entities of the default entry ("Living room")
CONNECTED = "binary_sensor.living_room_connected"
STATUS = "sensor.living_room_status"
MESSAGE = "event.living_room_message"
SWITCH = "switch.living_room_connection"
BUTTON = "button.living_room_reconnect"
LAST_ERROR = "sensor.living_room_last_error"

# Bad message filters, and the one sentence that refuses each of them in the
# request action, the websocket_client trigger and the device trigger alike
BAD_FILTERS: tuple[tuple[dict[str, Any], str], ...] = (
    (
        {"match": {"a": 1}, "match_regex": "a"},
        "Give at most one of match or match_regex",
    ),
    (
        {"match_regex": "("},
        "match_regex is not a valid regular expression: "
        "missing ), unterminated subpattern at position 0",
    ),
)


async def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for something a user or the server would see, failing after `timeout`."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)  # poll interval; the predicate ends the wait


# Every option with its default, as the options table should say
# Message events are off unless a connection's options turn them on
EVENTS_ON: Final = {"message_events": "all"}

OPTION_DEFAULTS = {
    "retry_interval": 10,
    "heartbeat": 30,
    "idle_timeout": 60,
    "connect_timeout": 10,
    "max_message_size": 4 * 1024 * 1024,
    "event_payload_limit": 32 * 1024,
    "queue_size": 100,
    "queue_max_age": 60,
    "compression": False,
    "message_events": "none",
    "on_connect": None,
    "on_connect_reply": None,
    "on_connect_timeout": 10,
    "keepalive_message": None,
    "keepalive_interval": 0,
}


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


def notification_for(hass: HomeAssistant, entry_id: str) -> dict[str, str] | None:
    """The consent notification of an entry as the frontend would list it."""
    notifications = _async_get_or_create_notifications(hass)
    found = notifications.get(f"{DOMAIN}_consent_{entry_id}")
    if found is None:
        return None
    return {"title": str(found["title"]), "message": str(found["message"])}


async def push_all(
    entry: MockConfigEntry, server: RecordingWebSocketServer, *texts: str
) -> None:
    """Push messages and wait until the entry has handled every one."""
    target = entry.runtime_data.statistics.messages_received + len(texts)
    for text in texts:
        await server.push_text(text)
    await wait_until(lambda: entry.runtime_data.statistics.messages_received >= target)


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


def release_neutral(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots valid for both releases, connect times as ANY."""
    return snapshot.with_defaults(
        exclude=_not_in_every_release, matcher=timestamps_as_any
    )


# The registry fields of an entity from messages that are ours; the options
# differ between releases (2026.2 adds a sensor's display precision of its own)
OUR_REGISTRY_FIELDS = (
    "config_subentry_id",
    "unique_id",
    "original_name",
    "original_device_class",
    "unit_of_measurement",
    "capabilities",
    "entity_category",
)


def assert_entities_match_snapshot(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
    entity_ids: Iterable[str],
) -> None:
    """Entities on the entry's device: our registry fields and states as snapped."""
    registry = er.async_get(hass)
    for entity_id in entity_ids:
        registered = registry.async_get(entity_id)
        assert registered is not None
        ours = {field: getattr(registered, field) for field in OUR_REGISTRY_FIELDS}
        assert ours == snapshot(name=f"{entity_id}-entry")
        assert registered.device_id == device_of(hass, entry)
        assert hass.states.get(entity_id) == release_neutral(snapshot)(
            name=f"{entity_id}-state"
        )


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


def submitted_options(**protocol: Any) -> dict[str, Any]:
    """The options form as submitted with defaults, the protocol fields given."""
    submitted = submitted_as_shown(options_schema({}))
    assert submitted["protocol"] == {"on_connect_timeout": 10, "keepalive_interval": 0}
    submitted["protocol"] |= protocol
    return submitted


def entity_subentry(
    title: str, subentry_id: str, platform: str = "sensor", **data: Any
) -> ConfigSubentryDataWithId:
    """An entity subentry as the Add entity flow stores it."""
    return ConfigSubentryDataWithId(
        data={"platform": platform, **data},
        subentry_id=subentry_id,
        subentry_type="entity",
        title=title,
        unique_id=None,
    )

"""The options flow: every option, translated range errors, applied without reload."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.json import json_bytes
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.websocket_client.const import EVENT_MESSAGE
from custom_components.websocket_client.options import OPTIONS

from .helpers import (
    EVENTS_ON,
    EntryFactory,
    PeerStarter,
    RetryWitness,
    message_attribute,
    shown_values,
    state_of,
    submitted_as_shown,
    wait_connected,
    wait_until,
)
from .servers.raw_peer import RawPeer, drain_until_closed
from .servers.ws_server import RecordingWebSocketServer

# The form as the frontend submits it: sizes in KiB, sections as they are shown
ALL_OPTIONS: dict[str, Any] = {
    "retry_interval": 1,
    "message_events": "all",
    "connection_health": {"heartbeat": 30, "idle_timeout": 60, "connect_timeout": 10},
    "messages": {
        "max_message_size": 4096,
        "event_payload_limit": 32,
        "compression": False,
    },
    "send_queue": {"queue_size": 100, "queue_max_age": 60},
}
SECTION_OF = {
    key: name
    for name, fields in ALL_OPTIONS.items()
    if isinstance(fields, dict)
    for key in fields
}


def form_with(**changes: Any) -> dict[str, Any]:
    """ALL_OPTIONS with these fields changed, each in its own section."""
    form = {
        key: dict(value) if isinstance(value, dict) else value
        for key, value in ALL_OPTIONS.items()
    }
    for key, value in changes.items():
        if key in SECTION_OF:
            form[SECTION_OF[key]][key] = value
        else:
            form[key] = value
    return form


async def save_options(
    hass: HomeAssistant, entry_id: str, options: dict[str, Any]
) -> dict[str, Any]:
    """Open the options flow and submit it."""
    result = await hass.config_entries.options.async_init(entry_id)
    assert result["type"] is FlowResultType.FORM
    return dict(
        await hass.config_entries.options.async_configure(result["flow_id"], options)
    )


async def test_form_shows_defaults(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Every option is offered with its current value or default."""
    entry = await add_entry(options={"retry_interval": 7})
    result = await hass.config_entries.options.async_init(entry.entry_id)
    schema = result["data_schema"]
    assert schema is not None
    assert shown_values(schema) == {
        **{spec.key: spec.default for spec in OPTIONS},
        "retry_interval": 7,
        # Sizes in KiB: 4 MiB and 32 KiB
        "max_message_size": 4096,
        "event_payload_limit": 32,
        "on_connect": [],
    }
    assert list(schema.schema) == [
        "retry_interval",
        "message_events",
        "connection_health",
        "messages",
        "send_queue",
        "protocol",
    ]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("retry_interval", 0),
        ("heartbeat", -1),
        ("idle_timeout", 86401),
        ("connect_timeout", 0),
        ("queue_size", 0),
        ("queue_max_age", 86401),
        # In KiB: just below 0, just above 256 MiB and 16 MiB
        ("max_message_size", -0.001),
        ("max_message_size", 256 * 1024 + 0.001),
        ("event_payload_limit", 16 * 1024 + 0.001),
    ],
)
async def test_out_of_range_errors(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    key: str,
    value: float,
) -> None:
    """Each out-of-range option gets its own translated error and nothing saves.

    An option inside a section has its error repeated above the section, where
    the frontend shows it.
    """
    entry = await add_entry()
    result = await save_options(hass, entry.entry_id, form_with(**{key: value}))
    assert result["type"] is FlowResultType.FORM
    error = f"{key}_out_of_range"
    above = {SECTION_OF[key]: error} if key in SECTION_OF else {}
    assert result["errors"] == {key: error, **above}
    assert entry.options == {"retry_interval": 0.1}


async def test_sizes_at_their_limits_save_in_bytes(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The largest sizes the form takes, in KiB, are stored as the bytes they are."""
    entry = await add_entry()
    result = await save_options(
        hass,
        entry.entry_id,
        form_with(max_message_size=256 * 1024, event_payload_limit=16 * 1024),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["max_message_size"] == 256 * 1024 * 1024
    assert entry.options["event_payload_limit"] == 16 * 1024 * 1024


async def test_a_section_left_out_keeps_what_it_stores(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """An API caller that sends no section changes none of its options.

    Stored sizes stay the bytes they are: they do not pass through KiB.
    """
    stored = {
        "heartbeat": 5,
        "max_message_size": 100000,
        "event_payload_limit": 2000,
        "compression": True,
        "queue_size": 3,
        "keepalive_message": {"message": "ping"},
        "keepalive_interval": 7,
    }
    entry = await add_entry(options=stored)
    result = await save_options(
        hass, entry.entry_id, {"retry_interval": 2, "message_events": "none"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {**stored, "retry_interval": 2, "message_events": "none"}


async def test_a_stored_size_shows_in_kib_and_saves_unchanged(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Bytes that are no whole KiB show as a fraction and come back exactly."""
    entry = await add_entry(
        options={"max_message_size": 100000, "event_payload_limit": 1000}
    )
    result = await hass.config_entries.options.async_init(entry.entry_id)
    form = submitted_as_shown(result["data_schema"])
    assert form["messages"]["max_message_size"] == 97.65625
    assert form["messages"]["event_payload_limit"] == 0.9765625
    form["retry_interval"] = 10  # the fixture's is below what the form allows
    result = await hass.config_entries.options.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["max_message_size"] == 100000
    assert entry.options["event_payload_limit"] == 1000
    assert type(entry.options["max_message_size"]) is int


async def test_maximum_message_size_in_kib_closes_a_larger_message(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """1 KiB in the form lets 1024 bytes through; 1025 close the connection (1009)."""
    messages = async_capture_events(hass, EVENT_MESSAGE)
    entry = await add_entry()
    await wait_connected(hass)
    result = await save_options(hass, entry.entry_id, form_with(max_message_size=1))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await wait_until(lambda: ws_server.handshakes == 2)
    await wait_connected(hass)
    await ws_server.push_text("a" * 1024)
    await wait_until(lambda: len(messages) == 1)
    assert messages[0].data["size"] == 1024
    await ws_server.push_text("b" * 1025)
    await wait_until(lambda: ws_server.client_close_codes == [1000, 1009])
    assert len(messages) == 1


async def test_protocol_errors_show_above_their_section(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The frontend shows no error inside a section: its key repeats the first."""
    entry = await add_entry()
    protocol = {"on_connect": [{"text": "nope"}], "keepalive_interval": 5}
    result = await save_options(
        hass, entry.entry_id, {**form_with(heartbeat=-1), "protocol": protocol}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {
        "heartbeat": "heartbeat_out_of_range",
        "connection_health": "heartbeat_out_of_range",
        "on_connect": "on_connect_invalid",
        "keepalive_message": "keepalive_message_required",
        "protocol": "on_connect_invalid",
    }
    assert "on_connect" not in entry.options


async def test_emptied_field_stays_empty_when_the_form_comes_back(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Emptied on-connect messages, another field wrong: fixed and saved, gone."""
    entry = await add_entry(
        options={
            "on_connect": [{"json": {"type": "auth", "access_token": "SECRET"}}],
            "keepalive_message": {"message": "ping"},
            "keepalive_interval": 30,
        }
    )
    result = await hass.config_entries.options.async_init(entry.entry_id)
    form = submitted_as_shown(result["data_schema"])
    assert form["protocol"]["on_connect"] == ["*** 1"]
    del form["protocol"]["on_connect"]
    # The fixture's retry interval is below what the form allows
    form["retry_interval"] = 10
    form["connection_health"]["heartbeat"] = -1
    result = await hass.config_entries.options.async_configure(result["flow_id"], form)
    assert result["errors"] == {
        "heartbeat": "heartbeat_out_of_range",
        "connection_health": "heartbeat_out_of_range",
    }

    again = submitted_as_shown(result["data_schema"])
    assert "on_connect" not in again["protocol"]
    assert again["protocol"]["keepalive_message"] == {"message": "ping"}
    assert again["connection_health"]["heartbeat"] == -1
    again["connection_health"]["heartbeat"] = 30
    result = await hass.config_entries.options.async_configure(result["flow_id"], again)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "on_connect" not in entry.options
    assert entry.options["keepalive_message"] == {"message": "ping"}


async def test_masked_message_means_what_the_form_showed(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A masked message keeps what this form showed, whatever was saved meanwhile."""
    shown_login = {"json": {"type": "auth", "access_token": "SHOWN"}}
    entry = await add_entry(options={"on_connect": [shown_login]})
    first = await hass.config_entries.options.async_init(entry.entry_id)
    form = submitted_as_shown(first["data_schema"])
    form["retry_interval"] = 10  # the fixture's is below what the form allows
    # A second flow, opened and saved while the first is still open
    second = await hass.config_entries.options.async_init(entry.entry_id)
    other = submitted_as_shown(second["data_schema"])
    other["retry_interval"] = 10
    other["protocol"]["on_connect"] = [{"message": "other"}]
    await hass.config_entries.options.async_configure(second["flow_id"], other)
    assert entry.options["on_connect"] == [{"message": "other"}]

    result = await hass.config_entries.options.async_configure(first["flow_id"], form)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["on_connect"] == [shown_login]


async def test_timing_change_reconnects_without_reload(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A changed timing option makes the connection again; the entry is not reloaded."""
    entry = await add_entry()
    await wait_connected(hass)
    client = entry.runtime_data
    result = await save_options(hass, entry.entry_id, form_with(heartbeat=5))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await wait_until(lambda: ws_server.handshakes == 2)
    await wait_connected(hass)
    assert entry.runtime_data is client
    assert client.settings.heartbeat == 5
    assert ws_server.client_close_codes == [1000]


async def test_retry_and_connect_timeout_apply_without_reconnecting(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
) -> None:
    """Values read at each attempt need no new connection."""
    entry = await add_entry()
    await wait_connected(hass)
    await save_options(
        hass,
        entry.entry_id,
        form_with(retry_interval=30, connect_timeout=5),
    )
    assert entry.runtime_data.settings.retry_interval == 30
    assert entry.runtime_data.settings.connect_timeout == 5
    await retry_witness.wait_retries()
    assert ws_server.handshakes == 1
    assert ws_server.client_close_codes == []


async def test_options_do_not_retry_refused_credentials(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
) -> None:
    """After a 401, saving options does not try the same credentials again."""
    ws_server.reject_status = 401
    entry = await add_entry()
    await wait_until(lambda: entry.runtime_data.status.value == "authentication_failed")
    await save_options(hass, entry.entry_id, form_with(heartbeat=5))
    await retry_witness.wait_retries()
    assert ws_server.handshakes == 1


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_payload_limit_change_keeps_the_connection(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
) -> None:
    """The event payload limit applies at once without touching the connection.

    A 4000-byte message, whole in its event under the default 32 KiB, is cut to
    the new 1 KiB on the same connection, in the event and in the Message entity.
    """
    messages = async_capture_events(hass, EVENT_MESSAGE)
    entry = await add_entry(options=EVENTS_ON)
    await wait_connected(hass)
    text = "x" * 4000
    await ws_server.push_text(text)
    await wait_until(lambda: len(messages) == 1)
    assert messages[0].data["text"] == text
    assert "truncated" not in messages[0].data

    result = await save_options(hass, entry.entry_id, form_with(event_payload_limit=1))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.state is ConfigEntryState.LOADED
    await ws_server.push_text(text)
    await wait_until(lambda: len(messages) == 2)
    cut = messages[1].data
    assert cut["truncated"] is True
    assert cut["size"] == 4000
    assert 0 < len(cut["text"]) < 1024
    assert len(json_bytes(cut)) <= 1024
    await wait_until(lambda: message_attribute(hass, "truncated") is True)
    assert message_attribute(hass, "text") == cut["text"]
    await retry_witness.wait_retries()
    assert ws_server.handshakes == 1
    assert ws_server.client_close_codes == []


async def test_options_of_a_disconnected_entry_stay_disconnected(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
) -> None:
    """Saving options never starts a connection the user switched off."""
    entry = await add_entry(connection_enabled=False)
    await save_options(hass, entry.entry_id, form_with(heartbeat=5))
    state = hass.states.get("sensor.living_room_status")
    assert state is not None
    assert state.state == "disconnected"
    await retry_witness.wait_retries()
    assert ws_server.handshakes == 0


@pytest.fixture
async def silent_peer(start_peer: PeerStarter) -> RawPeer:
    """Accepts TCP and never answers the upgrade: every attempt hangs."""

    async def never_answer(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await drain_until_closed(reader)

    return await start_peer(never_answer, upgrade=False)


async def test_new_connect_timeout_restarts_a_hanging_attempt(
    hass: HomeAssistant, silent_peer: RawPeer, add_entry: EntryFactory
) -> None:
    """A shorter connect timeout ends the attempt in progress at once."""
    entry = await add_entry(url=silent_peer.url, options={"connect_timeout": 300})
    await wait_until(lambda: silent_peer.connections == 1)
    result = await save_options(hass, entry.entry_id, form_with(connect_timeout=1))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # The hanging attempt makes way for a new one, which then times out after
    # 1 s and is retried: three attempts long before the old 300 s are up.
    await wait_until(lambda: silent_peer.connections >= 3, timeout=10)
    assert state_of(hass, "sensor.living_room_last_error") == "timeout"


async def test_new_retry_interval_ends_the_wait(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A shorter retry interval applies to the wait in progress, not the next one."""
    ws_server.reject_status = 500
    entry = await add_entry(options={"retry_interval": 3600})
    await wait_until(lambda: entry.runtime_data.status.value == "waiting_to_retry")
    await save_options(hass, entry.entry_id, form_with(retry_interval=1))
    await wait_until(lambda: ws_server.handshakes == 2)
    assert entry.runtime_data.settings.retry_interval == 1

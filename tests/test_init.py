"""Set-up, migration and unload of an entry; the shared session always goes back."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.websocket_client.const import DOMAIN, EVENT_MESSAGE
from custom_components.websocket_client.session import DATA_SESSION

from .helpers import EntryFactory, entry_data, wait_connected, wait_until
from .servers.ws_server import RecordingWebSocketServer


async def test_failed_set_up_gives_the_session_back(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """An unusable stored CA fails set-up with a translated error; no session leaks."""
    healthy = await add_entry()
    shared = hass.data[DATA_SESSION]
    assert shared.users == 1

    broken = MockConfigEntry(
        domain=DOMAIN,
        title="Broken",
        data=entry_data(
            "wss://127.0.0.1:1/ws",
            decision="approved",
            ca_cert="-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----",
        ),
    )
    broken.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(broken.entry_id)
    assert broken.state is ConfigEntryState.SETUP_ERROR
    assert broken.error_reason_translation_key == "invalid_ca_cert"
    assert shared.users == 1

    await hass.config_entries.async_unload(healthy.entry_id)
    assert DATA_SESSION not in hass.data
    assert shared.session.closed


@pytest.mark.parametrize(
    ("stored", "expected"),
    [({}, "all"), ({"message_events": "none"}, "none")],
    ids=["never chose", "chose none"],
)
async def test_an_older_entry_keeps_its_message_events(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    stored: dict[str, Any],
    expected: str,
) -> None:
    """Stored before events became opt-in: what it had (every message) stays."""
    events = async_capture_events(hass, EVENT_MESSAGE)
    entry = await add_entry(options=stored, minor_version=1)
    assert entry.minor_version == 2
    assert entry.options["message_events"] == expected
    assert entry.options["retry_interval"] == 0.1
    await wait_connected(hass)
    await ws_server.push_text("doorbell")
    await wait_until(lambda: entry.runtime_data.statistics.messages_received == 1)
    assert [event.data["text"] for event in events] == (
        ["doorbell"] if expected == "all" else []
    )


async def test_an_entry_from_a_newer_version_is_not_set_up(
    hass: HomeAssistant,
) -> None:
    """A major version this code does not know is refused, not guessed at."""
    entry = MockConfigEntry(
        domain=DOMAIN, version=2, data=entry_data("ws://127.0.0.1:1/ws")
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR

"""Set-up and unload of an entry: the shared session is given back in every case."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.session import DATA_SESSION

from .helpers import EntryFactory, entry_data
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

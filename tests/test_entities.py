"""Lifecycle entities, diagnostic sensors, payload truncation and diagnostics."""

from __future__ import annotations

import base64
import json
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.json import json_bytes
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.websocket_client.const import DOMAIN, EVENT_MESSAGE

from .certificates import CertificateSet
from .conftest import EntryFactory
from .test_link import (
    CONNECTED,
    STATUS,
    message_attribute,
    state_of,
    wait_connected,
)
from .ws_server import RecordingWebSocketServer, wait_until

SWITCH = "switch.living_room_connection"
BUTTON = "button.living_room_reconnect"


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button as the UI does."""
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id}, blocking=True
    )


async def switch(hass: HomeAssistant, on: bool) -> None:
    """Flip the Connection switch as the UI does."""
    await hass.services.async_call(
        "switch",
        "turn_on" if on else "turn_off",
        {"entity_id": SWITCH},
        blocking=True,
    )


async def test_device_and_entities(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """One service device with translated entity names and stable unique ids."""
    entry = await add_entry()
    device = dr.async_get(hass).async_get_device({(DOMAIN, entry.entry_id)})
    assert device is not None
    assert device.name == "Living room"
    assert device.entry_type is dr.DeviceEntryType.SERVICE
    registry = er.async_get(hass)
    entities = er.async_entries_for_config_entry(registry, entry.entry_id)
    assert {e.unique_id.removeprefix(entry.entry_id + "_") for e in entities} == {
        "connected",
        "status",
        "message",
        "connection",
        "reconnect",
        "messages_received",
        "messages_sent",
        "last_connected",
        "reconnects",
        "last_error",
        "heartbeat_round_trip",
    }
    disabled = {e.entity_id for e in entities if e.disabled_by is not None}
    assert disabled == {
        "sensor.living_room_messages_received",
        "sensor.living_room_messages_sent",
        "sensor.living_room_heartbeat_round_trip_time",
    }


async def test_connection_switch_follows_and_drives_the_link(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Off disconnects and persists; on reconnects; the actions move it too."""
    entry = await add_entry()
    await wait_connected(hass)
    assert state_of(hass, SWITCH) == STATE_ON
    await switch(hass, on=False)
    assert state_of(hass, SWITCH) == STATE_OFF
    assert state_of(hass, CONNECTED) == STATE_OFF
    assert await hass.config_entries.async_reload(entry.entry_id)
    assert state_of(hass, SWITCH) == STATE_OFF
    await switch(hass, on=True)
    await wait_connected(hass)
    await hass.services.async_call(
        DOMAIN, "disconnect", {"config_entry_id": entry.entry_id}, blocking=True
    )
    assert state_of(hass, SWITCH) == STATE_OFF


async def test_switch_cannot_bypass_consent(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Turning the switch on while awaiting approval is refused."""
    await add_entry(decision=None)
    with pytest.raises(ServiceValidationError) as err:
        await switch(hass, on=True)
    assert err.value.translation_key == "awaiting_approval"
    assert ws_server.handshakes == 0


async def test_reconnect_button(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The button drops the link and connects again at once."""
    await add_entry(options={"retry_interval": 3600})
    await wait_connected(hass)
    await press(hass, BUTTON)
    await wait_until(lambda: ws_server.handshakes == 2)
    await wait_connected(hass)
    assert ws_server.client_close_codes == [1000]
    state = hass.states.get("sensor.living_room_reconnects")
    assert state is not None
    assert state.state == "1"

    await switch(hass, on=False)
    with pytest.raises(ServiceValidationError) as err:
        await press(hass, BUTTON)
    assert err.value.translation_key == "connection_switched_off"


async def test_diagnostic_sensors(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Counters, last connected, last error and round-trip time tell the story."""
    registry = er.async_get(hass)
    entry = await add_entry(options={"heartbeat": 0.1})
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if entity.disabled_by is not None:
            registry.async_update_entity(entity.entity_id, disabled_by=None)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await wait_connected(hass)

    await ws_server.push_text("a")
    await ws_server.push_text("b")
    await hass.services.async_call(
        DOMAIN,
        "send",
        {"config_entry_id": entry.entry_id, "message": "c"},
        blocking=True,
    )
    await wait_until(
        lambda: state_of(hass, "sensor.living_room_messages_received") == "2"
    )
    assert state_of(hass, "sensor.living_room_messages_sent") == "1"
    await wait_until(
        lambda: (
            state_of(hass, "sensor.living_room_heartbeat_round_trip_time")
            != STATE_UNKNOWN
        )
    )
    assert float(state_of(hass, "sensor.living_room_heartbeat_round_trip_time")) < 100
    assert state_of(hass, "sensor.living_room_last_connected") != STATE_UNKNOWN
    assert state_of(hass, "sensor.living_room_last_error") == STATE_UNKNOWN

    await ws_server.close_clients(1011, b"maintenance")
    await wait_until(
        lambda: state_of(hass, "sensor.living_room_last_error") == "maintenance"
    )


async def test_payload_limit_keeps_events_within_it(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Over the limit: json left out first, then text or base64 cut and flagged."""
    messages = async_capture_events(hass, EVENT_MESSAGE)
    await add_entry(options={"event_payload_limit": 1024})
    await wait_connected(hass)
    accented = "é" * 1000  # 2000 bytes
    mid_json = json.dumps({"k": "v" * 600})
    raw = bytes(range(256)) * 4
    await ws_server.push_text(accented)
    await ws_server.push_text(mid_json)
    await ws_server.push_bytes(raw)
    await ws_server.push_text('{"short": true}')
    await wait_until(lambda: len(messages) == 4)
    for message in messages:
        assert len(json_bytes(message.data)) <= 1024
    cut_text, no_json, cut_binary, short = (m.data for m in messages)
    assert cut_text["truncated"] is True
    assert cut_text["size"] == 2000
    assert 0 < len(cut_text["text"]) < 1000
    assert accented.startswith(cut_text["text"])
    assert no_json["truncated"] is True
    assert no_json["text"] == mid_json
    assert "json" not in no_json
    assert cut_binary["truncated"] is True
    kept = base64.b64decode(cut_binary["data_base64"])
    assert 0 < len(kept) < len(raw)
    assert raw.startswith(kept)
    assert short["json"] == {"short": True}
    assert "truncated" not in short
    await wait_until(lambda: message_attribute(hass, "json") == {"short": True})


async def test_status_of_a_denied_entry_and_unload(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Status covers consent; unloading leaves the entry not loaded."""
    entry = await add_entry(decision="denied")
    assert state_of(hass, STATUS) == "denied"
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_diagnostics_hold_no_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    certificates: CertificateSet,
) -> None:
    """URL credentials, query values, header values and the CA are redacted."""
    url = ws_server.url.replace("ws://", "ws://alice:pa55word@") + "?token=T0KEN"
    entry: MockConfigEntry = await add_entry(
        url=url,
        headers={"X-Api-Key": "HEADERSECRET"},
        ca_cert=certificates.ca_pem,
    )
    await wait_until(lambda: ws_server.handshakes >= 1)
    diagnostics: dict[str, Any] = await get_diagnostics_for_config_entry(
        hass, hass_client, entry
    )
    text = json.dumps(diagnostics)
    for secret in ("alice", "pa55word", "T0KEN", "HEADERSECRET", "BEGIN CERTIFICATE"):
        assert secret not in text
    assert diagnostics["entry"]["data"]["headers"] == {"X-Api-Key": "***"}
    assert diagnostics["link"]["url"] == (
        f"ws://***:***@127.0.0.1:{ws_server.port}/ws?token=***"
    )
    assert diagnostics["status"] in ("connected", "connecting", "waiting_to_retry")
    assert diagnostics["link"]["tls"] == "custom CA"

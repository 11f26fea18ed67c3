"""The actions: send (now), connect and disconnect; request is in test_request.py."""

from __future__ import annotations

from aiohttp import WSMsgType
from homeassistant.const import STATE_OFF
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest

from custom_components.websocket_client.const import DOMAIN

from .helpers import (
    CONNECTED,
    STATUS,
    EntryFactory,
    RetryWitness,
    state_of,
    wait_connected,
    wait_until,
)
from .servers.ws_server import ReceivedFrame, RecordingWebSocketServer


async def send_marker(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, entry_id: str
) -> None:
    """Send one good message and wait until it is the only frame the server has.

    Frames of one connection arrive in order, so a frame the refused call would
    have sent earlier would be there before the marker.
    """
    await hass.services.async_call(
        DOMAIN,
        "send",
        {"config_entry_id": entry_id, "message": "marker"},
        blocking=True,
    )
    await wait_until(lambda: len(ws_server.frames) >= 1)
    assert ws_server.frames == [ReceivedFrame(WSMsgType.TEXT, "marker")]


async def test_send_kinds_arrive_byte_exact(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """message, json and data_base64 arrive as the right frames, byte for byte."""
    entry = await add_entry()
    await wait_connected(hass)
    target = {"config_entry_id": entry.entry_id}

    await hass.services.async_call(
        DOMAIN, "send", {**target, "message": "plain ✓ text"}, blocking=True
    )
    await hass.services.async_call(
        DOMAIN,
        "send",
        {**target, "json": {"op": "set", "values": [1, 2.5, None, "x"]}},
        blocking=True,
    )
    await hass.services.async_call(
        DOMAIN, "send", {**target, "data_base64": "AAECA/8="}, blocking=True
    )
    await wait_until(lambda: len(ws_server.frames) == 3)
    assert ws_server.frames == [
        ReceivedFrame(WSMsgType.TEXT, "plain ✓ text"),
        ReceivedFrame(WSMsgType.TEXT, '{"op":"set","values":[1,2.5,null,"x"]}'),
        ReceivedFrame(WSMsgType.BINARY, b"\x00\x01\x02\x03\xff"),
    ]


@pytest.mark.parametrize(
    ("payload", "error_key"),
    [
        ({}, "exactly_one_payload"),
        ({"message": "a", "json": 1}, "exactly_one_payload"),
        ({"data_base64": "not base64!"}, "invalid_base64"),
        ({"json": object()}, "invalid_json"),
    ],
)
async def test_send_rejects_bad_input(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    payload: dict[str, object],
    error_key: str,
) -> None:
    """Bad payloads get a translated validation error and nothing is sent."""
    entry = await add_entry()
    await wait_connected(hass)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send",
            {"config_entry_id": entry.entry_id, **payload},
            blocking=True,
        )
    assert err.value.translation_key == error_key
    await send_marker(hass, ws_server, entry.entry_id)


async def test_send_errors_for_unknown_unloaded_and_disconnected(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Unknown entry, unloaded entry and a down connection each get their own error."""
    entry = await add_entry()
    await wait_connected(hass)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send",
            {"config_entry_id": "nope", "message": "x"},
            blocking=True,
        )
    assert err.value.translation_key == "entry_not_found"
    await send_marker(hass, ws_server, entry.entry_id)

    await hass.services.async_call(
        DOMAIN, "disconnect", {"config_entry_id": entry.entry_id}, blocking=True
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send",
            {"config_entry_id": entry.entry_id, "message": "x"},
            blocking=True,
        )
    assert err.value.translation_key == "not_connected"
    assert err.value.translation_placeholders == {
        "name": "Living room",
        "status": "disconnected",
    }

    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send",
            {"config_entry_id": entry.entry_id, "message": "x"},
            blocking=True,
        )
    assert err.value.translation_key == "entry_not_loaded"
    assert len(ws_server.frames) == 1  # the marker


async def test_disconnect_and_connect_actions_persist(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
) -> None:
    """After disconnect it stays down, also across a reload, until connect."""
    entry = await add_entry()
    await wait_connected(hass)
    await hass.services.async_call(
        DOMAIN, "disconnect", {"config_entry_id": entry.entry_id}, blocking=True
    )
    assert state_of(hass, STATUS) == "disconnected"
    assert state_of(hass, CONNECTED) == STATE_OFF
    await wait_until(lambda: ws_server.client_close_codes == [1000])

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await retry_witness.wait_retries()
    assert ws_server.handshakes == 1
    assert state_of(hass, STATUS) == "disconnected"

    await hass.services.async_call(
        DOMAIN, "connect", {"config_entry_id": entry.entry_id}, blocking=True
    )
    await wait_connected(hass)
    assert ws_server.handshakes == 2

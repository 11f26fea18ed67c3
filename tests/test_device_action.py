"""Device actions: send text, JSON and binary from the device page."""

from __future__ import annotations

from aiohttp import WSMsgType
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import async_get_device_automations

from custom_components.websocket_client import device_action
from custom_components.websocket_client.const import DOMAIN

from .conftest import EntryFactory
from .ws_server import RecordingWebSocketServer, wait_until


async def test_send_text_json_and_binary(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Each action sends its payload exactly; errors are the send action's."""
    entry = await add_entry()
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, entry.entry_id)})
    assert device is not None
    actions = await async_get_device_automations(
        hass, DeviceAutomationType.ACTION, device.id
    )
    assert sorted(a["type"] for a in actions if a["domain"] == DOMAIN) == [
        "send_binary",
        "send_json",
        "send_text",
    ]
    assert await device_action.async_get_actions(hass, "elsewhere") == []
    capabilities = await device_action.async_get_action_capabilities(
        hass, {"type": "send_json"}
    )
    assert [str(key) for key in capabilities["extra_fields"].schema] == ["json"]

    await wait_until(lambda: entry.runtime_data.is_connected)
    base = {"domain": DOMAIN, "device_id": device.id}
    for config in (
        {**base, "type": "send_text", "message": "  1.50  "},
        {**base, "type": "send_json", "json": {"op": "ack"}},
        {**base, "type": "send_binary", "data_base64": "AAH/"},
    ):
        await device_action.async_call_action_from_config(
            hass, device_action.ACTION_SCHEMA(config), {}, None
        )
    await wait_until(lambda: len(ws_server.frames) == 3)
    assert [(f.type, f.data) for f in ws_server.frames] == [
        (WSMsgType.TEXT, "  1.50  "),
        (WSMsgType.TEXT, '{"op":"ack"}'),
        (WSMsgType.BINARY, b"\x00\x01\xff"),
    ]
    await hass.services.async_call(
        DOMAIN, "disconnect", {"config_entry_id": entry.entry_id}, blocking=True
    )
    with pytest.raises(ServiceValidationError):
        await device_action.async_call_action_from_config(
            hass, device_action.ACTION_SCHEMA({**base, "type": "send_text"}), {}, None
        )

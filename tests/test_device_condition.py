"""The device condition: Is connected."""

from __future__ import annotations

from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import async_get_device_automations

from custom_components.websocket_client import device_condition
from custom_components.websocket_client.const import DOMAIN

from .helpers import EntryFactory, wait_until


async def test_is_connected(hass: HomeAssistant, add_entry: EntryFactory) -> None:
    """True while connected; false after disconnect, unload, or for other devices."""
    entry = await add_entry()
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, entry.entry_id)})
    assert device is not None
    conditions = await async_get_device_automations(
        hass, DeviceAutomationType.CONDITION, device.id
    )
    assert [c["type"] for c in conditions if c["domain"] == DOMAIN] == ["is_connected"]
    assert await device_condition.async_get_conditions(hass, "elsewhere") == []

    config = device_condition.CONDITION_SCHEMA(
        {
            "condition": "device",
            "domain": DOMAIN,
            "device_id": device.id,
            "type": "is_connected",
        }
    )
    check = device_condition.async_condition_from_config(hass, config)
    await wait_until(lambda: entry.runtime_data.is_connected)
    assert check(hass, {})
    await hass.services.async_call(
        DOMAIN, "disconnect", {"config_entry_id": entry.entry_id}, blocking=True
    )
    assert not check(hass, {})
    await hass.config_entries.async_unload(entry.entry_id)
    assert not check(hass, {})
    elsewhere = device_condition.async_condition_from_config(
        hass, {**config, "device_id": "elsewhere"}
    )
    assert not elsewhere(hass, {})

"""Device triggers and the device page's automation building blocks."""

from __future__ import annotations

from typing import Any

from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers.trigger import async_validate_trigger_config
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    async_get_device_automations,
    async_mock_service,
)
import voluptuous as vol

from custom_components.websocket_client import device_trigger
from custom_components.websocket_client.const import DOMAIN

from .helpers import BAD_FILTERS, EntryFactory, device_of, wait_until
from .servers.ws_server import RecordingWebSocketServer


async def record_device_triggers(
    hass: HomeAssistant, device_id: str, triggers: list[dict[str, Any]]
) -> list[ServiceCall]:
    """An automation per device trigger, recording the trigger type it saw."""
    calls = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "triggers": [
                        {
                            "platform": "device",
                            "domain": DOMAIN,
                            "device_id": device_id,
                            **trigger,
                        }
                    ],
                    "actions": [
                        {
                            "action": "test.automation",
                            "data": {"type": trigger["type"]},
                        }
                    ],
                }
                for trigger in triggers
            ]
        },
    )
    await hass.async_block_till_done()
    return calls


async def test_device_offers_every_trigger(
    hass: HomeAssistant, add_entry: EntryFactory
) -> None:
    """The device page lists the five triggers; other devices get none of ours."""
    entry = await add_entry()
    device_id = device_of(hass, entry)
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, device_id
    )
    ours = sorted(t["type"] for t in triggers if t["domain"] == DOMAIN)
    assert ours == [
        "approved",
        "connected",
        "denied",
        "disconnected",
        "message_received",
    ]
    assert await device_trigger.async_get_triggers(hass, "no-such-device") == []


async def test_message_received_capabilities(hass: HomeAssistant) -> None:
    """Message received offers type, JSON match and regex; the others nothing."""
    capabilities = await device_trigger.async_get_trigger_capabilities(
        hass, {"type": "message_received"}
    )
    fields = {str(key) for key in capabilities["extra_fields"].schema}
    assert fields == {"message_type", "match", "match_regex"}
    assert (
        await device_trigger.async_get_trigger_capabilities(hass, {"type": "connected"})
        == {}
    )


async def test_doorbell_answered_from_the_device_page(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """When {"op": "doorbell"} arrives, {"op": "ack"} goes back; nothing else does.

    The automation queues its runs, so every message the trigger let through
    is answered, in order: the answers after the last doorbell are the whole
    story. Each run also forwards its message, naming what it answered.
    """
    entry = await add_entry()
    await wait_until(lambda: entry.runtime_data.is_connected)
    device_id = device_of(hass, entry)
    target = {"domain": DOMAIN, "device_id": device_id}
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "mode": "queued",
                "max": 10,
                "triggers": [
                    {
                        "platform": "device",
                        **target,
                        "type": "message_received",
                        "message_type": "text",
                        "match": {"op": "doorbell"},
                    }
                ],
                "actions": [
                    {**target, "type": "send_json", "json": {"op": "ack"}},
                    {**target, "type": "forward"},
                ],
            }
        },
    )
    await ws_server.push_text('{"op": "other"}')
    await ws_server.push_text('{"op": "doorbell", "door": "front"}')
    await ws_server.push_text('{"op": "doorbell2"}')
    # The sentinel: once its answer is back, every earlier run has finished.
    await ws_server.push_text('{"op": "doorbell", "door": "back"}')
    await wait_until(
        lambda: (
            bool(ws_server.frames)
            and ws_server.frames[-1].data == '{"op": "doorbell", "door": "back"}'
        )
    )
    assert [frame.data for frame in ws_server.frames] == [
        '{"op":"ack"}',
        '{"op": "doorbell", "door": "front"}',
        '{"op":"ack"}',
        '{"op": "doorbell", "door": "back"}',
    ]


async def test_lifecycle_triggers(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Approved, connected, disconnected and denied fire for their own entry only."""
    entry = await add_entry(decision=None)
    other = await add_entry(decision=None, url=f"{ws_server.url}/other", title="Other")
    calls = await record_device_triggers(
        hass,
        device_of(hass, entry),
        [
            {"type": kind}
            for kind in ("approved", "connected", "disconnected", "denied")
        ],
    )
    await hass.services.async_call(
        DOMAIN, "approve", {"config_entry_id": entry.entry_id}, blocking=True
    )
    await wait_until(lambda: len(calls) == 2)
    await hass.services.async_call(
        DOMAIN, "deny", {"config_entry_id": other.entry_id}, blocking=True
    )
    await hass.services.async_call(
        DOMAIN, "disconnect", {"config_entry_id": entry.entry_id}, blocking=True
    )
    await wait_until(lambda: len(calls) == 3)
    await hass.async_block_till_done()
    assert [call.data["type"] for call in calls] == [
        "approved",
        "connected",
        "disconnected",
    ]


async def test_validation(hass: HomeAssistant, add_entry: EntryFactory) -> None:
    """A foreign device, two filters or a bad regex fail when saved."""
    entry = await add_entry()
    base = {"platform": "device", "domain": DOMAIN, "device_id": device_of(hass, entry)}
    config = {**base, "type": "message_received", "match_regex": "^A"}
    assert await device_trigger.async_validate_trigger_config(hass, config)
    bad: list[dict[str, Any]] = [
        {**base, "device_id": "elsewhere", "type": "connected"},
        {**base, "type": "message_received", "match": {}, "match_regex": "a"},
        {**base, "type": "message_received", "match_regex": "("},
        {**base, "type": "exploded"},
    ]
    for config in bad:
        with pytest.raises(vol.Invalid):
            await device_trigger.async_validate_trigger_config(hass, config)


@pytest.mark.parametrize(("bad_filter", "message"), BAD_FILTERS)
async def test_filter_errors_are_the_request_actions(
    hass: HomeAssistant,
    add_entry: EntryFactory,
    bad_filter: dict[str, Any],
    message: str,
) -> None:
    """A bad filter of Message received is refused as the request action does."""
    entry = await add_entry()
    config = {
        "platform": "device",
        "domain": DOMAIN,
        "device_id": device_of(hass, entry),
        "type": "message_received",
        **bad_filter,
    }
    with pytest.raises(vol.Invalid) as err:
        await device_trigger.async_validate_trigger_config(hass, config)
    assert str(err.value) == message
    # And so when Home Assistant validates it for an automation
    with pytest.raises(vol.Invalid) as err:
        await async_validate_trigger_config(hass, [config])
    assert str(err.value) == message

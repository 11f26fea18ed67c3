"""Device actions: send text, JSON and binary; forward the received message."""

from __future__ import annotations

from collections.abc import Sequence
import json
from typing import Any

from aiohttp import WSMsgType
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_get_device_automations,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.websocket_client import device_action
from custom_components.websocket_client.const import DOMAIN, EVENT_MESSAGE

from .helpers import EVENTS_ON, EntryFactory, call_action, device_of, wait_until
from .servers.ws_server import RecordingWebSocketServer

MIB = 1024 * 1024
# Texts the template engine changes or refuses (see the README's pitfalls)
TEMPLATE_PITFALLS = (
    "1.50",
    "+1",
    ".5",
    "-0",
    "12345678901234567890.5",
    "  padded  ",
    "line\n",
    "None",
)
SMALL_BINARY = b"\x00\x01 \xff\n"
LARGE_TEXT = " " + "1+" * (MIB // 2 - 1) + "\n"
LARGE_BINARY = bytes(range(256)) * (MIB // 256)
type Payloads = Sequence[str | bytes]


def as_frames(payloads: Payloads) -> list[tuple[WSMsgType, bytes]]:
    """The frames a server should record for these payloads, as bytes."""
    return [
        (WSMsgType.BINARY, payload)
        if isinstance(payload, bytes)
        else (WSMsgType.TEXT, payload.encode())
        for payload in payloads
    ]


def received_frames(server: RecordingWebSocketServer) -> list[tuple[WSMsgType, bytes]]:
    """What a server received, texts as their UTF-8 bytes."""
    return [
        (frame.type, frame.data.encode() if isinstance(frame.data, str) else frame.data)
        for frame in server.frames
    ]


async def push(server: RecordingWebSocketServer, payloads: Payloads) -> None:
    """Send each payload from the server to its clients, in order."""
    for payload in payloads:
        if isinstance(payload, bytes):
            await server.push_bytes(payload)
        else:
            await server.push_text(payload)


async def add_forwarding(
    hass: HomeAssistant, trigger: dict[str, Any], device_id: str
) -> None:
    """An automation that forwards what `trigger` received to `device_id`."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "forward",
                "alias": "Forward",
                "mode": "queued",
                "max": 100,
                "triggers": [trigger],
                "actions": [
                    {"domain": DOMAIN, "device_id": device_id, "type": "forward"}
                ],
            }
        },
    )


async def source_and_target(
    add_entry: EntryFactory, target_server: RecordingWebSocketServer
) -> tuple[MockConfigEntry, MockConfigEntry]:
    """A connection messages arrive on (events on), one to forward them to; both up."""
    source = await add_entry(options=EVENTS_ON)
    target = await add_entry(url=target_server.url, title="Target")
    await wait_until(lambda: target.runtime_data.is_connected)
    await wait_until(lambda: source.runtime_data.is_connected)
    return source, target


def forward_config(device_id: str, **extra: Any) -> dict[str, Any]:
    """The forward action's validated config for a device."""
    config: dict[str, Any] = device_action.ACTION_SCHEMA(
        {"domain": DOMAIN, "device_id": device_id, "type": "forward", **extra}
    )
    return config


def text_trigger(text: str) -> dict[str, Any]:
    """Run variables as the websocket_client trigger gives them for a text."""
    return {
        "trigger": {
            "platform": DOMAIN,
            "type": "text",
            "text": text,
            "size": len(text.encode()),
        }
    }


async def test_send_text_json_and_binary(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Each action sends its payload exactly; errors are the send action's."""
    entry = await add_entry()
    device_id = device_of(hass, entry)
    actions = await async_get_device_automations(
        hass, DeviceAutomationType.ACTION, device_id
    )
    assert sorted(a["type"] for a in actions if a["domain"] == DOMAIN) == [
        "forward",
        "send_binary",
        "send_json",
        "send_text",
    ]
    assert await device_action.async_get_actions(hass, "elsewhere") == []
    for action_type, fields in (
        ("send_json", ["json", "queue"]),
        ("forward", ["queue"]),
    ):
        capabilities = await device_action.async_get_action_capabilities(
            hass, {"type": action_type}
        )
        assert [str(key) for key in capabilities["extra_fields"].schema] == fields

    await wait_until(lambda: entry.runtime_data.is_connected)
    base = {"domain": DOMAIN, "device_id": device_id}
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
    await call_action(hass, "disconnect", entry.entry_id)
    now = {**base, "type": "send_text", "message": "now"}
    with pytest.raises(ServiceValidationError) as err:
        await device_action.async_call_action_from_config(
            hass, device_action.ACTION_SCHEMA(now), {}, None
        )
    assert err.value.translation_key == "not_connected"
    assert err.value.translation_placeholders == {
        "name": "Living room",
        "status": "disconnected",
    }
    queued = {**base, "type": "send_text", "message": "later", "queue": True}
    await device_action.async_call_action_from_config(
        hass, device_action.ACTION_SCHEMA(queued), {}, None
    )
    await call_action(hass, "connect", entry.entry_id)
    # The refused message was never queued: it is not there before "later".
    await wait_until(lambda: len(ws_server.frames) >= 4)
    assert [f.data for f in ws_server.frames] == [
        "  1.50  ",
        '{"op":"ack"}',
        b"\x00\x01\xff",
        "later",
    ]


async def test_forward_every_message_exactly(
    hass: HomeAssistant,
    target_server: RecordingWebSocketServer,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """What A receives reaches B byte for byte, same frame type, in order."""
    source, target = await source_and_target(add_entry, target_server)
    await add_forwarding(
        hass,
        {"trigger": DOMAIN, "config_entry_id": source.entry_id},
        device_of(hass, target),
    )
    payloads = (*TEMPLATE_PITFALLS, LARGE_TEXT, LARGE_BINARY)
    await push(ws_server, payloads)
    await wait_until(lambda: len(target_server.frames) >= len(payloads))
    assert received_frames(target_server) == as_frames(payloads)
    assert ws_server.frames == []


async def test_forward_from_the_device_trigger(
    hass: HomeAssistant,
    target_server: RecordingWebSocketServer,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """Device trigger "Message received", then "Send the received message"."""
    source, target = await source_and_target(add_entry, target_server)
    await add_forwarding(
        hass,
        {
            "platform": "device",
            "domain": DOMAIN,
            "device_id": device_of(hass, source),
            "type": "message_received",
        },
        device_of(hass, target),
    )
    payloads = ("  padded  ", "None", SMALL_BINARY)
    await push(ws_server, payloads)
    await wait_until(lambda: len(target_server.frames) >= len(payloads))
    assert received_frames(target_server) == as_frames(payloads)


async def test_forward_from_the_message_event(
    hass: HomeAssistant,
    target_server: RecordingWebSocketServer,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """An event trigger on websocket_client_message forwards whole messages."""
    source, target = await source_and_target(add_entry, target_server)
    await add_forwarding(
        hass,
        {
            "trigger": "event",
            "event_type": EVENT_MESSAGE,
            "event_data": {"entry_id": source.entry_id},
        },
        device_of(hass, target),
    )
    payloads = (*TEMPLATE_PITFALLS, SMALL_BINARY)
    await push(ws_server, payloads)
    await wait_until(lambda: len(target_server.frames) >= len(payloads))
    assert received_frames(target_server) == as_frames(payloads)


async def test_event_without_json_but_whole_text_is_forwarded(
    hass: HomeAssistant,
    target_server: RecordingWebSocketServer,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """An event that left out only `json` (flagged truncated) still forwards."""
    _, target = await source_and_target(add_entry, target_server)
    events = async_capture_events(hass, EVENT_MESSAGE)
    await add_forwarding(
        hass,
        {"trigger": "event", "event_type": EVENT_MESSAGE},
        device_of(hass, target),
    )
    # 20 KiB of JSON: with its parsed copy the event would pass 32 KiB
    whole = json.dumps({"values": list(range(3500))})
    await push(ws_server, (whole,))
    await wait_until(lambda: len(target_server.frames) >= 1)
    assert received_frames(target_server) == as_frames([whole])
    assert events[0].data["truncated"] is True
    assert "json" not in events[0].data
    assert events[0].data["text"] == whole


async def test_cut_event_is_not_forwarded(
    hass: HomeAssistant,
    target_server: RecordingWebSocketServer,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A message cut to the event payload limit is refused; the trace says why."""
    source = await add_entry(options={**EVENTS_ON, "event_payload_limit": 1024})
    target = await add_entry(url=target_server.url, title="Target")
    await wait_until(lambda: target.runtime_data.is_connected)
    await wait_until(lambda: source.runtime_data.is_connected)
    await add_forwarding(
        hass,
        {"trigger": "event", "event_type": EVENT_MESSAGE},
        device_of(hass, target),
    )
    await push(ws_server, ("x" * 4000, "after"))
    # The queued automation handles "after" only once the cut message failed.
    await wait_until(lambda: len(target_server.frames) >= 1)
    assert received_frames(target_server) == as_frames(["after"])

    # What the automation's trace list in the UI shows
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "trace/list", "domain": "automation"})
    traces = (await client.receive_json())["result"]
    assert [trace.get("error") for trace in traces] == [
        "The message from Living room (4000 bytes) was cut to fit the event payload "
        "limit and was not sent. Trigger on the message itself (the websocket_client "
        "trigger or the device trigger Message received), which carries it whole, or "
        "raise the connection's event payload limit",
        None,
    ]


async def test_forward_back_to_the_sender(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Forwarding to the triggering connection's own device echoes the message."""
    entry = await add_entry()
    await wait_until(lambda: entry.runtime_data.is_connected)
    await add_forwarding(
        hass,
        {"trigger": DOMAIN, "config_entry_id": entry.entry_id},
        device_of(hass, entry),
    )
    payloads = ("line\n", "12345678901234567890.5", SMALL_BINARY)
    await push(ws_server, payloads)
    await wait_until(lambda: len(ws_server.frames) >= len(payloads))
    assert received_frames(ws_server) == as_frames(payloads)


@pytest.mark.parametrize(
    "variables",
    [
        None,
        {},
        # The automation.trigger action, and a trigger that is no message
        {"trigger": {"platform": None}},
        {
            "trigger": {
                "platform": "event",
                "event": Event("websocket_client_connected"),
            }
        },
        {"trigger": {"platform": DOMAIN, "type": "binary", "text": "not base64"}},
    ],
)
async def test_forward_without_a_received_message(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    variables: dict[str, Any] | None,
) -> None:
    """A run that no message started has nothing to forward: a clear error."""
    entry = await add_entry()
    await wait_until(lambda: entry.runtime_data.is_connected)
    with pytest.raises(ServiceValidationError) as err:
        await device_action.async_call_action_from_config(
            hass, forward_config(device_of(hass, entry)), variables, None
        )
    assert err.value.translation_key == "no_received_message"
    assert "There is no received message to send" in str(err.value)


async def test_forward_size_and_queue(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Over the target's maximum message size: refused; queue: sent once connected."""
    entry = await add_entry(options={"max_message_size": 16})
    await wait_until(lambda: entry.runtime_data.is_connected)
    device_id = device_of(hass, entry)
    with pytest.raises(ServiceValidationError) as err:
        await device_action.async_call_action_from_config(
            hass, forward_config(device_id), text_trigger("x" * 17), None
        )
    assert err.value.translation_key == "message_too_large"

    await call_action(hass, "disconnect", entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await device_action.async_call_action_from_config(
            hass, forward_config(device_id), text_trigger("now"), None
        )
    assert err.value.translation_key == "not_connected"
    await device_action.async_call_action_from_config(
        hass, forward_config(device_id, queue=True), text_trigger(" " * 16), None
    )
    await call_action(hass, "connect", entry.entry_id)
    await wait_until(lambda: len(ws_server.frames) >= 1)
    assert received_frames(ws_server) == as_frames([" " * 16])

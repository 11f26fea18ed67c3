"""The live link: connect, receive, send, reconnect, idle timeout, stop."""

from __future__ import annotations

import asyncio
import base64
import logging

from aiohttp import WSMsgType
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.websocket_client.bus import EVENT_CONNECTED, EVENT_DISCONNECTED
from custom_components.websocket_client.const import DOMAIN, EVENT_MESSAGE
from custom_components.websocket_client.options import CONF_HEARTBEAT, CONF_IDLE_TIMEOUT

from .conftest import EntryFactory
from .ws_server import ReceivedFrame, RecordingWebSocketServer, wait_until

CONNECTED = "binary_sensor.living_room_connected"
STATUS = "sensor.living_room_status"
MESSAGE = "event.living_room_message"


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


async def wait_connected(hass: HomeAssistant) -> None:
    """Wait until the user would see the link as connected."""
    await wait_until(lambda: state_of(hass, CONNECTED) == STATE_ON)
    assert state_of(hass, STATUS) == "connected"


async def test_approved_entry_connects_and_reports(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """An approved entry connects, shows Connected/connected and fires the event."""
    connected = async_capture_events(hass, EVENT_CONNECTED)
    entry = await add_entry(url=f"{ws_server.url}?token=s3cret")
    await wait_connected(hass)
    assert ws_server.handshakes == 1
    assert ws_server.request_paths == ["/ws?token=s3cret"]
    await wait_until(lambda: len(connected) == 1)
    assert connected[0].data == {
        "entry_id": entry.entry_id,
        "name": "Living room",
        "url": f"{ws_server.url}?token=***",
    }


async def test_receive_text_json_and_binary(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Every received message reaches the bus and the Message event entity."""
    messages = async_capture_events(hass, EVENT_MESSAGE)
    entry = await add_entry()
    await wait_connected(hass)

    await ws_server.push_text("hello wörld")
    await wait_until(lambda: len(messages) == 1)
    assert messages[0].data == {
        "entry_id": entry.entry_id,
        "name": "Living room",
        "type": "text",
        "text": "hello wörld",
        "size": len("hello wörld".encode()),
    }
    event_state = hass.states.get(MESSAGE)
    assert event_state is not None
    assert event_state.attributes["event_type"] == "text"
    assert event_state.attributes["text"] == "hello wörld"

    await ws_server.push_text('{"temp": 21.5, "on": true}')
    await wait_until(lambda: len(messages) == 2)
    assert messages[1].data["json"] == {"temp": 21.5, "on": True}
    assert messages[1].data["text"] == '{"temp": 21.5, "on": true}'

    await ws_server.push_bytes(b"\x00\x01\xfe\xff")
    await wait_until(lambda: len(messages) == 3)
    assert messages[2].data == {
        "entry_id": entry.entry_id,
        "name": "Living room",
        "type": "binary",
        "data_base64": base64.b64encode(b"\x00\x01\xfe\xff").decode(),
        "size": 4,
    }
    await wait_until(lambda: message_attribute(hass, "event_type") == "binary")
    assert message_attribute(hass, "data_base64") == "AAH+/w=="


async def test_message_entity_is_paced_but_shows_the_latest(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A burst is every bus event but only a few state writes, ending on the last."""
    messages = async_capture_events(hass, EVENT_MESSAGE)
    writes = async_capture_events(hass, "state_changed")
    await add_entry()
    await wait_connected(hass)
    writes.clear()
    for n in range(50):
        await ws_server.push_text(f"burst {n}")
    await wait_until(lambda: len(messages) == 50)
    await wait_until(lambda: message_attribute(hass, "text") == "burst 49")
    entity_writes = [w for w in writes if w.data["entity_id"] == MESSAGE]
    assert 1 <= len(entity_writes) <= 3


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
    assert ws_server.frames == []


async def test_send_errors_for_unknown_unloaded_and_disconnected(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Unknown entry, unloaded entry and a down link each get their own error."""
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
    assert ws_server.frames == []


async def test_reconnects_after_server_closes(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A server close fires disconnected, then the link comes back by itself."""
    caplog.set_level(logging.INFO, logger="custom_components.websocket_client")
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    connected = async_capture_events(hass, EVENT_CONNECTED)
    entry = await add_entry()
    await wait_connected(hass)

    await ws_server.close_clients(code=1011, message=b"server restarting")
    await wait_until(lambda: len(disconnected) == 1)
    assert disconnected[0].data == {
        "entry_id": entry.entry_id,
        "name": "Living room",
        "close_code": 1011,
        "reason": "server restarting",
    }
    await wait_until(lambda: len(connected) == 2)
    await wait_connected(hass)
    assert ws_server.handshakes == 2
    down = [r for r in caplog.records if "no connection" in r.getMessage()]
    back = [r for r in caplog.records if "again" in r.getMessage()]
    assert len(down) == 1
    assert len(back) == 1


async def test_retries_while_server_is_down_logging_once(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Refused connects are retried at the interval, with one log line per outage."""
    caplog.set_level(logging.INFO, logger="custom_components.websocket_client")
    url = ws_server.url
    await ws_server.stop()
    await add_entry(url=url)
    await wait_until(lambda: state_of(hass, STATUS) == "waiting_to_retry")
    assert state_of(hass, CONNECTED) == STATE_OFF
    # Several retry intervals (0.1 s) pass: still a single line for the outage.
    await asyncio.sleep(0.6)
    lines = [
        r.getMessage() for r in caplog.records if "no connection" in r.getMessage()
    ]
    assert len(lines) == 1
    assert "retrying every 0.1 s" in lines[0]

    ws_server.port = int(url.split(":")[2].split("/")[0])
    await ws_server.start()
    await wait_connected(hass)
    assert any("again" in r.getMessage() for r in caplog.records)


async def test_idle_timeout_drops_and_reconnects(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A server that sends nothing, not even pongs, is dropped after the idle time."""
    ws_server.autoping = False
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    await add_entry(options={CONF_IDLE_TIMEOUT: 0.3, CONF_HEARTBEAT: 0})
    await wait_connected(hass)
    await wait_until(lambda: len(disconnected) == 1)
    assert disconnected[0].data["close_code"] == 1001
    assert disconnected[0].data["reason"] == "no traffic from the server for 0.3 s"
    await wait_until(lambda: ws_server.handshakes >= 2)


async def test_pushed_traffic_keeps_an_idle_link_alive(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Traffic within the idle time keeps the link open."""
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    await add_entry(options={CONF_IDLE_TIMEOUT: 0.5, CONF_HEARTBEAT: 0})
    await wait_connected(hass)
    for _ in range(8):
        await ws_server.push_text("tick")
        await asyncio.sleep(0.2)
    assert disconnected == []
    assert ws_server.handshakes == 1


async def test_heartbeat_pongs_count_as_traffic(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Pongs answering our heartbeat are traffic: the idle rule does not fire."""
    disconnected = async_capture_events(hass, EVENT_DISCONNECTED)
    await add_entry(options={CONF_IDLE_TIMEOUT: 0.5, CONF_HEARTBEAT: 0.2})
    await wait_connected(hass)
    await asyncio.sleep(1.5)
    assert disconnected == []
    assert ws_server.handshakes == 1


async def test_disconnect_and_connect_actions_persist(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """After disconnect the link stays down, also across a reload, until connect."""
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
    await asyncio.sleep(0.3)
    assert ws_server.handshakes == 1
    assert state_of(hass, STATUS) == "disconnected"

    await hass.services.async_call(
        DOMAIN, "connect", {"config_entry_id": entry.entry_id}, blocking=True
    )
    await wait_connected(hass)
    assert ws_server.handshakes == 2


async def test_unload_closes_going_away_and_leaves_nothing_running(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Unloading closes with 1001; the cleanup checks find no lingering tasks."""
    entry = await add_entry()
    await wait_connected(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    await wait_until(lambda: ws_server.client_close_codes == [1001])
    assert ws_server.clients == []


async def test_home_assistant_stop_closes_going_away(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Home Assistant stopping closes the link with 1001."""
    await add_entry()
    await wait_connected(hass)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    await wait_until(lambda: ws_server.client_close_codes == [1001])

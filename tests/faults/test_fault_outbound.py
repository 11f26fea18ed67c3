"""Fault family 5: sending while the connection is in trouble.

Without `queue`, a send on a down connection fails at once with a translated error.
With it, messages wait in a bounded queue and go out in order on reconnect;
overflow, expiry and unloading are reported, and nothing is sent twice.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.websocket_client.const import DOMAIN, EVENT_SEND_DROPPED
from tests.helpers import EntryFactory, wait_connected, wait_until
from tests.servers.ws_server import RecordingWebSocketServer


async def send(hass: HomeAssistant, entry_id: str, **data: Any) -> None:
    """Call the send action."""
    await hass.services.async_call(
        DOMAIN, "send", {"config_entry_id": entry_id, **data}, blocking=True
    )


async def server_down(ws_server: RecordingWebSocketServer) -> None:
    """Stop the server, keeping its port for the restart."""
    await ws_server.stop()


async def test_send_while_disconnected_fails_by_default(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """No queue asked for: a clear error, nothing kept."""
    entry = await add_entry(options={"retry_interval": 3600})
    await wait_connected(hass)
    await server_down(ws_server)
    await wait_until(lambda: not entry.runtime_data.is_connected)
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, entry.entry_id, message="lost?")
    assert err.value.translation_key == "not_connected"


async def test_queued_messages_go_out_in_order_on_reconnect(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Queued while down, flushed in order once connected again; live sends follow."""
    entry = await add_entry()
    await wait_connected(hass)
    await server_down(ws_server)
    await wait_until(lambda: not entry.runtime_data.is_connected)
    for n in range(5):
        await send(hass, entry.entry_id, message=f"m{n}", queue=True)
    await send(hass, entry.entry_id, data_base64="AAE=", queue=True)
    await ws_server.start()
    await wait_until(lambda: len(ws_server.frames) == 6)
    await send(hass, entry.entry_id, message="live", queue=True)
    await wait_until(lambda: len(ws_server.frames) == 7)
    assert [frame.data for frame in ws_server.frames] == [
        "m0",
        "m1",
        "m2",
        "m3",
        "m4",
        b"\x00\x01",
        "live",
    ]


async def test_queue_overflow_is_an_error_for_the_caller(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A full queue refuses the next message with a translated error."""
    entry = await add_entry(connection_enabled=False, options={"queue_size": 2})
    await send(hass, entry.entry_id, message="a", queue=True)
    await send(hass, entry.entry_id, message="b", queue=True)
    with pytest.raises(HomeAssistantError) as err:
        await send(hass, entry.entry_id, message="c", queue=True)
    assert err.value.translation_key == "send_queue_full"


async def test_expired_messages_are_reported(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Messages older than the maximum age are dropped with an event."""
    dropped = async_capture_events(hass, EVENT_SEND_DROPPED)
    entry = await add_entry(connection_enabled=False, options={"queue_max_age": 0.2})
    await send(hass, entry.entry_id, message="stale", queue=True)
    await send(hass, entry.entry_id, data_base64="AAEC", queue=True)
    await wait_until(lambda: len(dropped) == 2)
    assert dropped[0].data == {
        **dropped[0].data,
        "entry_id": entry.entry_id,
        "name": "Living room",
        "reason": "expired",
        "type": "text",
        "size": 5,
    }
    assert dropped[1].data["type"] == "binary"
    assert dropped[1].data["size"] == 3
    await hass.services.async_call(
        DOMAIN, "connect", {"config_entry_id": entry.entry_id}, blocking=True
    )
    await wait_connected(hass)
    # Queued behind anything still waiting: once the server has it, a flush of
    # the expired messages would have come first.
    await send(hass, entry.entry_id, message="fresh", queue=True)
    await wait_until(lambda: len(ws_server.frames) >= 1)
    assert [frame.data for frame in ws_server.frames] == ["fresh"]


async def test_unloading_reports_what_was_still_queued(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Never silent: unloading with a queue fires a drop event per message."""
    dropped = async_capture_events(hass, EVENT_SEND_DROPPED)
    entry = await add_entry(connection_enabled=False)
    await send(hass, entry.entry_id, message="pending", queue=True)
    await hass.config_entries.async_unload(entry.entry_id)
    assert [event.data["reason"] for event in dropped] == ["unloaded"]


async def test_nothing_is_sent_twice_across_a_reconnect(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The server drops the connection every 10 frames during the flush.

    Every queued message is accounted for: sent once (counted by the client)
    or dropped (with an event); none is both, none neither. Every frame the
    server records is unique and in order. (Frames written while the server is
    already closing are lost in the socket: WebSocket has no acknowledgements,
    so that loss cannot be seen by the sender.)
    """
    dropped = async_capture_events(hass, EVENT_SEND_DROPPED)
    entry = await add_entry(options={"queue_size": 100})
    await wait_connected(hass)
    await server_down(ws_server)
    await wait_until(lambda: not entry.runtime_data.is_connected)
    statistics = entry.runtime_data.statistics
    sent_before = statistics.messages_sent
    for n in range(50):
        await send(hass, entry.entry_id, message=str(n), queue=True)
    ws_server.close_after_frames = 10
    await ws_server.start()
    await wait_until(lambda: entry.runtime_data.queued_messages == 0, timeout=10)
    assert statistics.messages_sent - sent_before + len(dropped) == 50
    assert dropped == []
    # A marker on a connection the server keeps open: once it is there, everything
    # sent before it has reached the server, or was lost in a closed connection.
    # One written into a connection the server was already closing is lost too; the
    # client then reconnects, and the marker goes again.
    ws_server.close_after_frames = None

    def marker_arrived() -> bool:
        return any(frame.data == "marker" for frame in ws_server.frames)

    async def send_marker() -> None:
        handshakes = ws_server.handshakes
        await wait_until(lambda: entry.runtime_data.is_connected)
        await send(hass, entry.entry_id, message="marker", queue=True)
        await wait_until(lambda: marker_arrived() or ws_server.handshakes > handshakes)

    for _ in range(3):
        await send_marker()
        if marker_arrived():
            break
    assert marker_arrived()
    received = [int(frame.data) for frame in ws_server.frames if frame.data != "marker"]
    assert received[:10] == list(range(10))  # the first connection's, before it closed
    assert received == sorted(set(received))
    assert set(received) <= set(range(50))


async def test_outgoing_size_is_bounded(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Message and data_base64 larger than the maximum message size are refused."""
    entry = await add_entry(options={"max_message_size": 16})
    await wait_connected(hass)
    await send(hass, entry.entry_id, message="x" * 16)
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, entry.entry_id, message="é" * 9)  # 18 bytes
    assert err.value.translation_key == "message_too_large"
    assert err.value.translation_placeholders == {"size": "18", "limit": "16"}
    with pytest.raises(ServiceValidationError):
        await send(hass, entry.entry_id, data_base64="A" * 24)  # 18 bytes
    await wait_until(lambda: len(ws_server.frames) == 1)

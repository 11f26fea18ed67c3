"""Fault family 4: a flood of messages.

100,000 sequence-numbered messages as fast as a server in another thread can
send them: each becomes exactly one bus event, in order, and memory stays
bounded. The event loop's lag meanwhile is a benchmark figure; what the recorder
stores is in test_fault_recorder.py.
"""

from __future__ import annotations

from collections.abc import Generator
import gc
import json
from pathlib import Path

from aiohttp import web
from homeassistant.core import Event, HomeAssistant, callback
import pytest

from custom_components.websocket_client.const import EVENT_MESSAGE
from tests.helpers import EVENTS_ON, EntryFactory, wait_until
from tests.servers.ws_server import RecordingWebSocketServer, ServerThread

FLOOD = 100_000


def resident_memory() -> int:
    """Bytes of resident memory of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


async def push_flood(ws: web.WebSocketResponse) -> None:
    """Send the whole flood, as fast as the socket takes it."""
    for seq in range(FLOOD):
        await ws.send_str(json.dumps({"seq": seq, "v": 23.5, "id": "sensor.kitchen"}))


@pytest.fixture
def flood_server(socket_enabled: None) -> Generator[RecordingWebSocketServer]:
    """A server in its own thread that floods every client that connects."""
    thread = ServerThread(RecordingWebSocketServer(on_connect=push_flood))
    thread.start()
    yield thread.server
    thread.stop()


async def test_flood_delivered_once_in_order(
    hass: HomeAssistant,
    flood_server: RecordingWebSocketServer,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """Every message once and in order; memory bounded.

    How responsive the event loop stays meanwhile is a speed figure: the
    benchmark measures it (scripts/bench), not a timed test.
    """
    expected = 0
    out_of_order: list[int] = []

    @callback
    def check(event: Event) -> None:
        nonlocal expected
        seq = event.data["json"]["seq"]
        if seq != expected:
            out_of_order.append(seq)
        expected = seq + 1

    hass.bus.async_listen(EVENT_MESSAGE, check)
    # Objects left by earlier tests are not this integration's.
    gc.collect()
    memory_before = resident_memory()
    await add_entry(url=flood_server.url, options=EVENTS_ON)
    await wait_until(lambda: expected == FLOOD, timeout=120)
    assert out_of_order == []
    growth = resident_memory() - memory_before
    assert growth < 64 * 1024 * 1024, f"memory grew {growth / 1e6:.0f} MB"

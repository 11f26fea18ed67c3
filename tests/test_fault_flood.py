"""Fault family 4: a flood of messages.

100,000 sequence-numbered messages as fast as a server in another thread can
send them: each becomes exactly one bus event, in order, while the event loop
stays responsive and memory stays bounded. (What the recorder stores meanwhile
is in test_fault_recorder.py.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
import gc
import json
from pathlib import Path
import time

from aiohttp import web
from homeassistant.core import Event, HomeAssistant, callback
import pytest

from custom_components.websocket_client.const import EVENT_MESSAGE

from .conftest import EntryFactory
from .ws_server import RecordingWebSocketServer, ServerThread, wait_until

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


class LoopLagProbe:
    """Measures how late a 10 ms timer fires: the loop's responsiveness.

    Also notes the longest garbage collection meanwhile, to tell a lag our code
    caused from one the collector did.
    """

    def __init__(self) -> None:
        """Start with no lag seen."""
        self.worst = 0.0
        self.worst_gc = 0.0
        self._gc_started = 0.0
        self._task: asyncio.Task[None] | None = None

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.worst_gc = max(self.worst_gc, time.perf_counter() - self._gc_started)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            # How late a fixed 10 ms timer fires is the lag measured.
            await asyncio.sleep(0.01)  # fixed on purpose: its lateness is the lag
            self.worst = max(self.worst, loop.time() - start - 0.01)

    @property
    def started(self) -> bool:
        """Whether probing began."""
        return self._task is not None

    def start(self) -> None:
        """Begin probing."""
        gc.callbacks.append(self._on_gc)
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop probing."""
        assert self._task is not None
        gc.callbacks.remove(self._on_gc)
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def test_flood_delivered_once_in_order_with_a_responsive_loop(
    hass: HomeAssistant,
    flood_server: RecordingWebSocketServer,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """Every message once and in order; loop lag < 100 ms; memory bounded."""
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
    probe = LoopLagProbe()
    # Objects left by earlier tests are not this integration's: a full garbage
    # collection over them (170 ms late in a long session) must not count.
    gc.collect()
    gc.freeze()
    memory_before = resident_memory()
    try:
        # Setting the entry up (platforms, registries) is not the flood.
        await add_entry(url=flood_server.url)
        probe.start()
        await wait_until(lambda: expected == FLOOD, timeout=120)
    finally:
        if probe.started:
            await probe.stop()
        gc.unfreeze()
    assert out_of_order == []
    assert probe.worst < 0.1, (
        f"event loop lag {probe.worst * 1000:.0f} ms "
        f"(longest garbage collection {probe.worst_gc * 1000:.0f} ms)"
    )
    growth = resident_memory() - memory_before
    assert growth < 64 * 1024 * 1024, f"memory grew {growth / 1e6:.0f} MB"

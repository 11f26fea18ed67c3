"""The benchmark's shared set-up: sizes, helper processes, entries, MQTT, probes.

Used by the benchmark tests (bench/test_*.py) and their fixtures (conftest.py).
The WebSocket server, the MQTT broker and every baseline client run as processes
of their own; this module starts them and reads what they print.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import json
import math
import os
from pathlib import Path
import resource
import socket
import statistics
import subprocess
import sys
import time
from typing import Any
import uuid

import aiohttp
from homeassistant.components import mqtt
from homeassistant.components.mqtt.const import (
    CONFIG_ENTRY_MINOR_VERSION,
    CONFIG_ENTRY_VERSION,
)
from homeassistant.components.mqtt.models import DATA_MQTT
from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.config_flow import WebSocketClientConfigFlow
from custom_components.websocket_client.connection import url_origin
from custom_components.websocket_client.const import DOMAIN

ROOT = Path(__file__).resolve().parent.parent
SMOKE = os.environ.get("BENCH_SMOKE") == "1"
REPEATS = 1 if SMOKE else 3


def bench_size(name: str, smoke: float, full: float) -> float:
    """A size from BENCH_<NAME>, else the smoke run's or the full run's."""
    return float(os.environ.get(f"BENCH_{name}", smoke if SMOKE else full))


TIMEOUT = bench_size("TIMEOUT", 300, 300)  # any one wait, seconds


EVENTS_OFF: dict[str, Any] = {}  # the default: message_events "none"
EVENTS_ON = {"message_events": "all"}
OFF_LABEL = "defaults (message events off)"
ON_LABEL = "message events on"
BARE = "bare aiohttp client (own process)"


def median(values: list[float]) -> float:
    """The median of repeated measurements."""
    return statistics.median(values)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values lie (NaN: none)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def per_second(count: int, times: list[float]) -> float:
    """Messages a second from the first of `count` times to the last (NaN: too few)."""
    if len(times) < 2 or times[-1] <= times[0]:
        return math.nan
    return (count - 1) / (times[-1] - times[0])


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def wait_for(predicate: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    """Poll a condition."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)


# Helper processes


def spawn(script: str, *arguments: str) -> subprocess.Popen[str]:
    """A helper process (bench/SCRIPT) whose lines are read with read_line."""
    return subprocess.Popen(
        [sys.executable, "-m", f"bench.{script.removesuffix('.py')}", *arguments],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


async def read_line(process: subprocess.Popen[str]) -> str:
    """The next line a helper process prints (read off the event loop)."""
    assert process.stdout is not None
    async with asyncio.timeout(TIMEOUT):
        line: str = await asyncio.get_running_loop().run_in_executor(
            None, process.stdout.readline
        )
    return line.strip()


async def exited(process: subprocess.Popen[str]) -> None:
    """Until a helper process has exited."""
    await asyncio.get_running_loop().run_in_executor(None, process.wait)


async def expect(process: subprocess.Popen[str], expected: str) -> None:
    """Until a helper process prints a line, which must be `expected`."""
    line = await read_line(process)
    assert line == expected, line


async def finish(process: subprocess.Popen[str], expected: str) -> None:
    """Until a helper process prints its last line, `expected`, and exits."""
    await expect(process, expected)
    await exited(process)


async def sent_rate(process: subprocess.Popen[str]) -> float:
    """A sending process's last line (SENT and its rate), once it has exited."""
    line = await read_line(process)
    assert line.startswith("SENT "), line
    await exited(process)
    return float(line.removeprefix("SENT "))


@dataclass
class BenchServer:
    """The benchmark WebSocket server process (bench/server.py)."""

    port: int
    process: subprocess.Popen[str] | None = None

    def url(self, path: str) -> str:
        """A ws:// URL of one of the server's endpoints."""
        return f"ws://127.0.0.1:{self.port}{path}"

    async def start(self) -> None:
        """Start the process and wait until it listens."""
        self.process = spawn("server.py", "--port", str(self.port))
        assert await read_line(self.process) == "READY"

    def kill(self) -> None:
        """Stop the process at once."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    async def get(self, path: str, **params: str) -> Any:
        """GET one of the server's HTTP endpoints; its JSON answer."""
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{self.port}/{path}", params=params) as got,
        ):
            assert got.status == 200
            return await got.json()

    async def order(self, run: str, **query: float | str) -> str:
        """Order a send on the /burst connection of a run; the order's name."""
        name = uuid.uuid4().hex
        params = {key: str(value) for key, value in query.items()}
        await self.get("go", run=run, order=name, **params)
        return name

    async def send(self, run: str, **query: float) -> float:
        """An order on a run's /burst connection; the rate it was sent at."""
        return await self.sent(await self.order(run, **query))

    async def sent(self, order: str) -> float:
        """The rate the server sent an order at, once it was sent."""
        async with asyncio.timeout(TIMEOUT):
            while (rate := (await self.get("sent", order=order))["rate"]) is None:
                await asyncio.sleep(0.02)
        return float(rate)


@dataclass
class Broker:
    """The MQTT broker process (mosquitto) on 127.0.0.1."""

    port: int
    process: subprocess.Popen[bytes]


async def bare_client(server: BenchServer, path: str, count: int) -> dict[str, Any]:
    """The out-of-process baseline on a /flood or /steady path (its query given).

    Its result (bench/bare_client.py), with the server's rate as "sent".
    """
    order = uuid.uuid4().hex
    url = server.url(f"{path}&order={order}")
    process = spawn("bare_client.py", "--url", url, "--count", str(count))
    result: dict[str, Any] = json.loads(await read_line(process))
    await exited(process)
    assert result["received"] == count, result
    return result | {"sent": await server.sent(order)}


# Our entries


async def add_approved(
    hass: HomeAssistant,
    url: str,
    title: str,
    options: dict[str, Any] | None = None,
    subentries: list[ConfigSubentryDataWithId] | None = None,
) -> MockConfigEntry:
    """An approved entry, set up through its config entry like a user's."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=title,
        subentries_data=subentries,
        data={
            "url": url,
            "access_reason": "Benchmark of the WebSocket Client",
            "consent": {
                "decision": "approved",
                "origin": url_origin(url),
                "user_id": None,
                "decided_at": "2026-01-01T00:00:00+00:00",
            },
        },
        options=options or {},
        # As the flow stores a new entry today (an older one is migrated)
        minor_version=WebSocketClientConfigFlow.MINOR_VERSION,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    return entry


async def remove(hass: HomeAssistant, *entries: MockConfigEntry) -> None:
    """Unload and delete entries."""
    for entry in entries:
        await hass.config_entries.async_remove(entry.entry_id)


def all_connected(entries: list[MockConfigEntry]) -> bool:
    """Whether every entry's link is up."""
    return all(entry.runtime_data.is_connected for entry in entries)


async def connect_sides(
    hass: HomeAssistant,
    server: BenchServer,
    options: dict[str, dict[str, Any]],
    subentries: Callable[[], list[ConfigSubentryDataWithId]] | None = None,
) -> dict[str, MockConfigEntry]:
    """One connected entry per side, on the server's /burst connection `side`.

    `options` gives each side's entry options; `subentries` each side's entities.
    """
    entries = {
        side: await add_approved(
            hass,
            server.url(f"/burst?run={side}"),
            f"Side {side}",
            side_options,
            subentries() if subentries else None,
        )
        for side, side_options in options.items()
    }
    await wait_for(lambda: all_connected(list(entries.values())), 60)
    return entries


# Home Assistant's MQTT integration against the benchmark's broker


async def setup_mqtt(hass: HomeAssistant, broker: Broker) -> None:
    """Home Assistant's MQTT integration, connected to the broker, defaults.

    The test needs the mock_hass_config fixture: MQTT reads configuration.yaml.
    """
    # MQTT depends on http; keep its server on 127.0.0.1 and a free port.
    assert await async_setup_component(
        hass,
        "http",
        {"http": {"server_host": ["127.0.0.1"], "server_port": free_port()}},
    )
    entry = MockConfigEntry(
        domain=mqtt.DOMAIN,
        title="MQTT",
        data={"broker": "127.0.0.1", "port": broker.port},
        version=CONFIG_ENTRY_VERSION,
        minor_version=CONFIG_ENTRY_MINOR_VERSION,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait_for(lambda: hass.data[DATA_MQTT].client.connected, 30)


async def mqtt_subscribed(hass: HomeAssistant) -> None:
    """Until every subscription the MQTT client queued was acknowledged."""
    client = hass.data[DATA_MQTT].client
    pending = ("_pending_subscriptions", "_pending_operations")
    await wait_for(lambda: not any(getattr(client, name) for name in pending), 30)


# Measuring Home Assistant's process


def cpu_seconds() -> float:
    """CPU time of this process so far (all threads, the recorder's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class LagProbe:
    """Event-loop lag from a 5 ms timer: how late each tick came, in ms."""

    def __init__(self) -> None:
        """Start sampling."""
        self.lags: list[tuple[float, float]] = []
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self._probe())

    async def _probe(self) -> None:
        while not self._stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            after = time.perf_counter()
            self.lags.append((after, (after - before - 0.005) * 1000))

    async def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        await self._task

    def p99_between(self, start: float, end: float = math.inf) -> float:
        """The p99 of the lags sampled from `start` to `end` (perf_counter times)."""
        return percentile([lag for at, lag in self.lags if start <= at <= end], 0.99)

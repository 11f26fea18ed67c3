"""The benchmark: each figure beside its bare-aiohttp baseline, median of repeats.

Home Assistant is a real core (the test plugin's) with the recorder on and the
integration's default options; the server is a separate process (bench/server.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import gc
import json
import os
from pathlib import Path
import resource
import statistics
import time
from typing import Any
import uuid

import aiohttp
from homeassistant.core import Event, HomeAssistant, ServiceCall, callback
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.bus import EVENT_CONNECTED
from custom_components.websocket_client.const import DOMAIN, EVENT_MESSAGE
from custom_components.websocket_client.url import url_origin

from .conftest import SMOKE, BenchServer, record

REPEATS = 1 if SMOKE else 3
INGEST_MESSAGES = 2_000 if SMOKE else 100_000
LATENCY_RATE, LATENCY_SECONDS = (200, 1) if SMOKE else (1_000, 10)
SEND_MESSAGES = 200 if SMOKE else 20_000
FLOOR_CALLS = 200 if SMOKE else 5_000
SCALE_LINKS = int(os.environ.get("BENCH_SCALE_LINKS", "5" if SMOKE else "200"))
IDLE_SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "1" if SMOKE else "30"))
BASELINE_IDLE_SECONDS = 1 if SMOKE else 5
LAG_RATE, LAG_SECONDS = (1_000, 1) if SMOKE else (10_000, 3)
RETRY_INTERVAL = 1 if SMOKE else 10  # 10 s is the default


def median(values: list[float]) -> float:
    """The median of repeated measurements."""
    return statistics.median(values)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values lie."""
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


async def add_approved(
    hass: HomeAssistant, url: str, title: str, options: dict[str, Any] | None = None
) -> MockConfigEntry:
    """An approved entry, set up through its config entry like a user's."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=title,
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
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    return entry


async def remove(hass: HomeAssistant, *entries: MockConfigEntry) -> None:
    """Unload and delete entries."""
    for entry in entries:
        await hass.config_entries.async_remove(entry.entry_id)


async def wait_for(predicate: Callable[[], bool], timeout: float = 120) -> None:
    """Poll a condition."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)


async def repeat(measure: Callable[[], Awaitable[float]]) -> list[float]:
    """Run a measurement REPEATS times."""
    return [await measure() for _ in range(REPEATS)]


async def bare_receive(
    url: str, total: int, handle: Callable[[Any], None] | None = None
) -> None:
    """The baseline: a bare aiohttp receive loop, json.loads per message."""
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(url)
        count = 0
        async for msg in ws:
            parsed = json.loads(msg.data)
            if handle is not None:
                handle(parsed)
            count += 1
            if count == total:
                break
        await ws.close()


# 1. Ingest throughput


async def ingest_ours(hass: HomeAssistant, server: BenchServer) -> float:
    """Messages per second from connect until the bus listener saw them all."""
    times: dict[str, float] = {}
    seen = 0

    @callback
    def connected(event: Event) -> None:
        times["start"] = time.perf_counter()

    @callback
    def message(event: Event) -> None:
        nonlocal seen
        seen += 1
        if seen == INGEST_MESSAGES:
            times["end"] = time.perf_counter()

    unsubscribe = [
        hass.bus.async_listen(EVENT_CONNECTED, connected),
        hass.bus.async_listen(EVENT_MESSAGE, message),
    ]
    entry = await add_approved(
        hass, server.url(f"/flood?n={INGEST_MESSAGES}&k={uuid.uuid4().hex}"), "Ingest"
    )
    await wait_for(lambda: "end" in times)
    for remove_listener in unsubscribe:
        remove_listener()
    await remove(hass, entry)
    return INGEST_MESSAGES / (times["end"] - times["start"])


async def ingest_bare(server: BenchServer) -> float:
    """The same with a bare aiohttp receive loop doing json.loads."""
    start = time.perf_counter()
    await bare_receive(server.url(f"/flood?n={INGEST_MESSAGES}"), INGEST_MESSAGES)
    return INGEST_MESSAGES / (time.perf_counter() - start)


async def test_ingest_throughput(
    hass: HomeAssistant, bench_server: BenchServer
) -> None:
    """Figure 1."""
    ours = await repeat(lambda: ingest_ours(hass, bench_server))
    bare = await repeat(lambda: ingest_bare(bench_server))
    record(
        "ingest_throughput",
        f"Ingest, {INGEST_MESSAGES:,} JSON messages",
        ours,
        "msg/s",
        baseline_samples=bare,
        ratio=True,
        target="ratio ≥ 0.5",
        meets=lambda ratio: ratio >= 0.5,
    )


# 2. Latency


async def latency_ours(hass: HomeAssistant, server: BenchServer) -> list[float]:
    """Milliseconds from the server's send to the bus listener, every message."""
    total = LATENCY_RATE * LATENCY_SECONDS
    delays: list[float] = []

    @callback
    def message(event: Event) -> None:
        delays.append((time.monotonic_ns() - event.data["json"]["t"]) / 1e6)

    unsubscribe = hass.bus.async_listen(EVENT_MESSAGE, message)
    entry = await add_approved(
        hass,
        server.url(f"/steady?rate={LATENCY_RATE}&seconds={LATENCY_SECONDS}"),
        "Latency",
    )
    await wait_for(lambda: len(delays) == total)
    unsubscribe()
    await remove(hass, entry)
    return delays


async def latency_bare(server: BenchServer) -> list[float]:
    """The same with a bare aiohttp loop."""
    total = LATENCY_RATE * LATENCY_SECONDS
    delays: list[float] = []
    await bare_receive(
        server.url(f"/steady?rate={LATENCY_RATE}&seconds={LATENCY_SECONDS}"),
        total,
        lambda parsed: delays.append((time.monotonic_ns() - parsed["t"]) / 1e6),
    )
    return delays


async def test_latency(hass: HomeAssistant, bench_server: BenchServer) -> None:
    """Figure 2."""
    ours_runs = [await latency_ours(hass, bench_server) for _ in range(REPEATS)]
    bare_runs = [await latency_bare(bench_server) for _ in range(REPEATS)]
    for label, share in (("p50", 0.5), ("p99", 0.99), ("max", 1.0)):
        ours = [percentile(run, share) for run in ours_runs]
        bare = [percentile(run, share) for run in bare_runs]
        is_p99 = label == "p99"
        record(
            f"latency_{label}",
            f"Latency {label} at {LATENCY_RATE:,} msg/s",
            ours,
            "ms",
            baseline_samples=bare,
            target="< 2 ms" if is_p99 else None,
            meets=(lambda value: value < 2) if is_p99 else None,
        )


# 3. Send throughput


async def server_received(server: BenchServer, run: str) -> int:
    """How many messages the server's sink counted for a run."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{server.port}/stats?run={run}") as response,
    ):
        received: int = (await response.json())["received"]
        return received


async def wait_received(server: BenchServer, run: str, count: int) -> None:
    """Until the server has every message of a run."""
    async with asyncio.timeout(120):
        while await server_received(server, run) < count:
            await asyncio.sleep(0.01)


async def send_ours(hass: HomeAssistant, server: BenchServer) -> float:
    """websocket_client.send (blocking) messages per second, until all arrived."""
    run = uuid.uuid4().hex
    entry = await add_approved(hass, server.url(f"/sink?run={run}"), "Send")
    await wait_for(lambda: entry.runtime_data.is_connected)
    start = time.perf_counter()
    for n in range(SEND_MESSAGES):
        await hass.services.async_call(
            DOMAIN,
            "send",
            {"config_entry_id": entry.entry_id, "message": f"message {n}"},
            blocking=True,
        )
    await wait_received(server, run, SEND_MESSAGES)
    elapsed = time.perf_counter() - start
    await remove(hass, entry)
    return SEND_MESSAGES / elapsed


async def send_bare(server: BenchServer) -> float:
    """The same with bare send_str."""
    run = uuid.uuid4().hex
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(server.url(f"/sink?run={run}"))
        start = time.perf_counter()
        for n in range(SEND_MESSAGES):
            await ws.send_str(f"message {n}")
        await wait_received(server, run, SEND_MESSAGES)
        elapsed = time.perf_counter() - start
        await ws.close()
    return SEND_MESSAGES / elapsed


async def send_floor(hass: HomeAssistant) -> float:
    """Blocking calls per second of an action that does nothing.

    What Home Assistant itself spends on a call (context, the call_service
    event the recorder stores, the handler task): the floor under any action.
    """

    async def nothing(call: ServiceCall) -> None:
        """Accept the call."""

    hass.services.async_register("bench", "nothing", nothing)
    start = time.perf_counter()
    for n in range(FLOOR_CALLS):
        await hass.services.async_call(
            "bench", "nothing", {"message": f"message {n}"}, blocking=True
        )
    return FLOOR_CALLS / (time.perf_counter() - start)


async def test_send_throughput(hass: HomeAssistant, bench_server: BenchServer) -> None:
    """Figure 3, with Home Assistant's own floor for an action beside it."""
    floor = await repeat(lambda: send_floor(hass))
    ours = await repeat(lambda: send_ours(hass, bench_server))
    bare = await repeat(lambda: send_bare(bench_server))
    record(
        "send_throughput",
        f"Send, {SEND_MESSAGES:,} blocking actions",
        ours,
        "msg/s",
        baseline_samples=bare,
        ratio=True,
        target="ratio ≥ 0.3",
        meets=lambda ratio: ratio >= 0.3,
    )
    record(
        "send_floor",
        f"Reference: {FLOOR_CALLS:,} calls of an action that does nothing",
        floor,
        "calls/s",
        baseline_samples=bare,
        ratio=True,
    )


# 4. Scale and 5. Reconnect


def resident_memory() -> int:
    """Bytes of resident memory of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def cpu_seconds() -> float:
    """CPU time of this process so far (all threads, the recorder's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def cpu_share(seconds: float) -> float:
    """Share of one core this process used over `seconds` of waiting."""
    cpu_before, wall_before = cpu_seconds(), time.perf_counter()
    await asyncio.sleep(seconds)
    return (cpu_seconds() - cpu_before) / (time.perf_counter() - wall_before)


def all_connected(entries: list[MockConfigEntry]) -> bool:
    """Whether every entry's link is up."""
    return all(entry.runtime_data.is_connected for entry in entries)


async def add_links(
    hass: HomeAssistant, server: BenchServer, round_number: int
) -> tuple[list[MockConfigEntry], float, float]:
    """SCALE_LINKS entries; seconds until all connected and bytes per link."""
    gc.collect()
    memory_before = resident_memory()
    start = time.perf_counter()
    entries = [
        await add_approved(
            hass,
            server.url(f"/idle?round={round_number}&n={n}"),
            f"Idle {n}",
            options={"retry_interval": RETRY_INTERVAL},
        )
        for n in range(SCALE_LINKS)
    ]
    await wait_for(lambda: all_connected(entries))
    elapsed = time.perf_counter() - start
    gc.collect()
    return entries, elapsed, (resident_memory() - memory_before) / SCALE_LINKS


async def test_scale_and_reconnect(
    hass: HomeAssistant, bench_server: BenchServer
) -> None:
    """Figures 4 and 5: many idle links, then a server restart."""
    warm = await add_approved(hass, bench_server.url("/idle?warm"), "Warm")
    await wait_for(lambda: all_connected([warm]))
    idle_before = [await cpu_share(BASELINE_IDLE_SECONDS) for _ in range(REPEATS)]

    # Each round's links stay while the next is measured, so freed memory is
    # not reused and every round pays for its own links.
    rounds = [await add_links(hass, bench_server, n) for n in range(REPEATS)]
    setup_times = [seconds for _, seconds, _ in rounds]
    per_link = [memory / 1024 for _, _, memory in rounds]
    for entries, _, _ in rounds[1:]:
        await remove(hass, *entries)
    links = rounds[0][0]
    idle_with = [await cpu_share(IDLE_SECONDS) for _ in range(REPEATS)]
    idle_cost = [100 * (with_links - median(idle_before)) for with_links in idle_with]

    reconnects: list[float] = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        bench_server.kill()
        await bench_server.start()
        await wait_for(lambda: all_connected(links))
        reconnects.append(time.perf_counter() - start)
    await remove(hass, warm, *links)

    record(
        "scale_memory",
        f"Memory per link, {SCALE_LINKS} links",
        per_link,
        "KiB",
        target="< 150 KiB",
        meets=lambda value: value < 150,
    )
    record(
        "scale_setup",
        f"Set-up to all {SCALE_LINKS} connected",
        setup_times,
        "s",
        target="< 5 s",
        meets=lambda value: value < 5,
    )
    record(
        "scale_idle_cpu",
        f"CPU of {SCALE_LINKS} idle links over {IDLE_SECONDS} s",
        idle_cost,
        "% of a core",
        target="< 1 %",
        meets=lambda value: value < 1,
    )
    record(
        "reconnect",
        f"Server restart to all {SCALE_LINKS} reconnected",
        reconnects,
        "s",
        target=f"< {RETRY_INTERVAL + 0.5:g} s (retry interval + 0.5 s)",
        meets=lambda value: value < RETRY_INTERVAL + 0.5,
    )


# 6. Event-loop health


async def loop_lag(hass: HomeAssistant, server: BenchServer, ours: bool) -> float:
    """p99 of how late a 5 ms timer fires while LAG_RATE msg/s come in (ms)."""
    lags: list[float] = []
    stop = asyncio.Event()

    async def probe() -> None:
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            start = loop.time()
            await asyncio.sleep(0.005)
            lags.append((loop.time() - start - 0.005) * 1000)

    url = server.url(f"/steady?rate={LAG_RATE}&seconds={LAG_SECONDS}")
    total = LAG_RATE * LAG_SECONDS
    task = asyncio.create_task(probe())
    if ours:
        seen = 0

        @callback
        def message(event: Event) -> None:
            nonlocal seen
            seen += 1

        unsubscribe = hass.bus.async_listen(EVENT_MESSAGE, message)
        entry = await add_approved(hass, url, "Lag")
        await wait_for(lambda: seen == total)
        unsubscribe()
        await remove(hass, entry)
    else:
        await bare_receive(url, total)
    stop.set()
    await task
    return percentile(lags, 0.99)


async def test_event_loop_lag(hass: HomeAssistant, bench_server: BenchServer) -> None:
    """Figure 6."""
    ours = [await loop_lag(hass, bench_server, ours=True) for _ in range(REPEATS)]
    bare = [await loop_lag(hass, bench_server, ours=False) for _ in range(REPEATS)]
    record(
        "loop_lag_p99",
        f"Event-loop lag p99 at {LAG_RATE:,} msg/s",
        ours,
        "ms",
        baseline_samples=bare,
        target="< 50 ms",
        meets=lambda value: value < 50,
    )

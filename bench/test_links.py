"""Many links: memory, set-up and idle CPU of 200, then reconnecting them.

Idle CPU is sampled only once Home Assistant and its recorder are idle (see
`settle`), and given as the median and the highest sample. Reconnecting is
timed per link from its scheduled attempt (its status turning to connecting,
after the wait to retry) to connected, so the retry interval, a wait by
design, is not in the figure.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import gc
import math
from pathlib import Path
import time

from homeassistant.components.recorder.core import Recorder
from homeassistant.components.recorder.tasks import CommitTask
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, flush_store

from custom_components.websocket_client.client import WebSocketClient
from custom_components.websocket_client.const import ClientStatus

from .figures import record
from .harness import (
    REPEATS,
    SMOKE,
    BenchServer,
    add_approved,
    all_connected,
    bench_size,
    cpu_seconds,
    median,
    remove,
    wait_for,
)

SCALE_LINKS = int(bench_size("SCALE_LINKS", 5, 200))
IDLE_SECONDS = bench_size("IDLE_SECONDS", 1, 30)
BASELINE_IDLE_SECONDS = 1 if SMOKE else 5
RETRY_INTERVAL = 1 if SMOKE else 10  # 10 s is the default
# Home Assistant counts as idle once this many samples in a row, each of
# SETTLE_SAMPLE seconds, used less than IDLE_CEILING of a core; it is given
# SETTLE_LIMIT seconds to get there.
SETTLE_SAMPLES, SETTLE_SAMPLE, IDLE_CEILING, SETTLE_LIMIT = 3, 0.5, 0.05, 60.0


def resident_memory() -> int:
    """Bytes of resident memory of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


async def cpu_share(seconds: float) -> float:
    """Share of one core this process used over `seconds` of waiting."""
    cpu_before, wall_before = cpu_seconds(), time.perf_counter()
    await asyncio.sleep(seconds)
    return (cpu_seconds() - cpu_before) / (time.perf_counter() - wall_before)


async def settle(hass: HomeAssistant, recorder: Recorder) -> None:
    """Until Home Assistant and its recorder are idle (or SETTLE_LIMIT passed).

    The recorder's queue empty and committed, the registries' delayed saves
    (due 10 s after the last change) written now, then SETTLE_SAMPLES samples
    in a row below IDLE_CEILING of a core.
    """
    await hass.async_block_till_done()
    recorder.queue_task(CommitTask())
    await recorder.async_block_till_done()
    # The delayed saves would otherwise land in the samples, as a one-off cost of
    # the set-up or the removal, not of idle links.
    stores = (
        er.async_get(hass)._store,  # noqa: SLF001
        dr.async_get(hass)._store,  # noqa: SLF001
        hass.config_entries._store,  # noqa: SLF001
    )
    for store in stores:
        await flush_store(store)
    low = 0
    deadline = time.monotonic() + SETTLE_LIMIT
    while low < SETTLE_SAMPLES:
        if time.monotonic() > deadline:
            print(f"Home Assistant not idle after {SETTLE_LIMIT} s; measuring anyway")
            return
        low = low + 1 if await cpu_share(SETTLE_SAMPLE) < IDLE_CEILING else 0


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


@dataclass
class LinkAttempt:
    """When a link's latest attempt began, and how long the one that connected took."""

    began: float = math.nan
    took: float | None = None


def watch_attempt(client: WebSocketClient) -> tuple[LinkAttempt, CALLBACK_TYPE]:
    """A link's attempts, from its client's status (what the Status sensor shows).

    An attempt begins when the status turns to connecting, after the wait to
    retry; the one that succeeds ends when it turns to connected. Returns the
    attempt and the remover of the watch.
    """
    attempt = LinkAttempt()

    def changed() -> None:
        now = time.perf_counter()
        status = client.status
        if status is ClientStatus.CONNECTING:
            attempt.began = now
        # Only the first connect, of an attempt seen from its beginning, counts.
        elif status is ClientStatus.CONNECTED and attempt.took is None:
            attempt.took = None if math.isnan(attempt.began) else now - attempt.began

    return attempt, client.status_listeners.add(changed)


async def restart_server(
    server: BenchServer, links: list[MockConfigEntry]
) -> list[float]:
    """Restart the server; each link's reconnect, ms beyond its scheduled attempt."""
    watches = [watch_attempt(link.runtime_data) for link in links]
    server.kill()
    await server.start()
    await wait_for(lambda: all(attempt.took is not None for attempt, _ in watches))
    for _, stop_watching in watches:
        stop_watching()
    return [1000 * (attempt.took or 0) for attempt, _ in watches]


async def test_scale_and_reconnect(
    hass: HomeAssistant, recorder_mock: Recorder, bench_server: BenchServer
) -> None:
    """Many idle links: memory, set-up, idle CPU; then a server restart."""
    warm = await add_approved(hass, bench_server.url("/idle?warm"), "Warm")
    await wait_for(lambda: all_connected([warm]))
    await settle(hass, recorder_mock)
    idle_before = [await cpu_share(BASELINE_IDLE_SECONDS) for _ in range(REPEATS)]

    # Each round's links stay while the next is measured, so freed memory is
    # not reused and every round pays for its own links.
    rounds = [await add_links(hass, bench_server, n) for n in range(REPEATS)]
    for entries, _, _ in rounds[1:]:
        await remove(hass, *entries)
    links = rounds[0][0]
    await settle(hass, recorder_mock)
    idle_with = [await cpu_share(IDLE_SECONDS) for _ in range(REPEATS)]
    idle_cost = [100 * (with_links - median(idle_before)) for with_links in idle_with]
    reconnects = [await restart_server(bench_server, links) for _ in range(REPEATS)]
    await remove(hass, warm, *links)

    record(
        "scale_memory",
        f"Memory per link, {SCALE_LINKS} links",
        [memory / 1024 for _, _, memory in rounds],
        "KiB",
        target="< 150 KiB",
        meets=lambda value, _: value < 150,
    )
    record(
        "scale_setup",
        f"Set-up to all {SCALE_LINKS} connected",
        [seconds for _, seconds, _ in rounds],
        "s",
        target="< 5 s",
        meets=lambda value, _: value < 5,
    )
    record_idle(idle_cost)
    record_reconnects(reconnects)


def record_idle(idle_cost: list[float]) -> None:
    """Idle CPU of the links: the median of the samples, and the highest."""
    name = f"CPU of {SCALE_LINKS} idle links, samples of {IDLE_SECONDS:g} s"
    record(
        "scale_idle_cpu",
        f"{name} once Home Assistant was idle, median",
        idle_cost,
        "% of a core",
        target="< 1 %",
        meets=lambda value, _: value < 1,
    )
    record(
        "scale_idle_cpu_max",
        f"{name}, highest",
        idle_cost,
        "% of a core",
        statistic=max,
    )


def record_reconnects(reconnects: list[list[float]]) -> None:
    """The median link's time beyond its attempt, and the slowest's.

    Each the median over the restarts.
    """
    name = (
        f"Reconnect after a server restart, from a link's scheduled attempt to "
        f"connected, {SCALE_LINKS} links"
    )
    record(
        "reconnect_p50",
        f"{name}, p50",
        [median(times) for times in reconnects],
        "ms",
        target="< 20 ms",
        meets=lambda value, _: value < 20,
    )
    record(
        "reconnect_max",
        f"{name}, slowest",
        [max(times) for times in reconnects],
        "ms",
        target="< 250 ms",
        meets=lambda value, _: value < 250,
    )

"""The benchmark: each figure beside what a user would compare it with, same run.

Home Assistant is a real core (the test plugin's) with the recorder on at its
defaults; the WebSocket server, the MQTT broker and publisher, and the bare
aiohttp baseline are separate processes. Each figure is the median of REPEATS
runs, the sides of a comparison taking turns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
import gc
import json
import os
from pathlib import Path
import resource
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
from homeassistant.components.recorder.core import Recorder
from homeassistant.components.recorder.tasks import CommitTask
from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.core import Event, HomeAssistant, ServiceCall, callback
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.config_flow import WebSocketClientConfigFlow
from custom_components.websocket_client.connection import url_origin
from custom_components.websocket_client.const import DOMAIN, EVENT_MESSAGE

from .conftest import ROOT, SMOKE, BenchServer, Broker, free_port, record

REPEATS = 1 if SMOKE else 3
INGEST_MESSAGES = 2_000 if SMOKE else 50_000
# Bursts into automations, and the latency run, are sized so the recorder
# (Home Assistant 2025.4.4's) empties its queue within the run: see README.
AUTOMATION_MESSAGES = int(
    os.environ.get("BENCH_AUTOMATION_MESSAGES", "500" if SMOKE else "2000")
)
LATENCY_RATE = 200 if SMOKE else 1_000
LATENCY_SECONDS = float(os.environ.get("BENCH_LATENCY_SECONDS", "1" if SMOKE else "3"))
SEND_MESSAGES = int(os.environ.get("BENCH_SEND_MESSAGES", "200" if SMOKE else "20000"))
SCALE_LINKS = int(os.environ.get("BENCH_SCALE_LINKS", "5" if SMOKE else "200"))
IDLE_SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "1" if SMOKE else "30"))
BASELINE_IDLE_SECONDS = 1 if SMOKE else 5
RETRY_INTERVAL = 1 if SMOKE else 10  # 10 s is the default
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "300"))  # any one wait, seconds
# How long the recorder may take to empty its queue after a burst before the
# drain is recorded as this bound (a miss) instead of measured.
DRAIN_LIMIT = float(os.environ.get("BENCH_DRAIN_LIMIT", "60"))
# The sides through the integration's trigger run once the trigger exists.

EVENTS_OFF: dict[str, Any] = {}  # the default: message_events "none"
EVENTS_ON = {"message_events": "all"}
OFF_LABEL = "defaults (message events off)"
ON_LABEL = "message events on"
BARE = "bare aiohttp client (own process)"
MQTT_TOPIC = "bench/x"
PAYLOAD = json.dumps({"v": 23.5, "id": "sensor.kitchen"})


def median(values: list[float]) -> float:
    """The median of repeated measurements."""
    return statistics.median(values)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values lie."""
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


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


async def wait_for(predicate: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    """Poll a condition."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)


async def read_line(process: subprocess.Popen[str]) -> str:
    """The next line a helper process prints (read off the event loop)."""
    assert process.stdout is not None
    async with asyncio.timeout(TIMEOUT):
        line: str = await asyncio.get_running_loop().run_in_executor(
            None, process.stdout.readline
        )
    return line.strip()


def spawn(script: str, *arguments: str) -> subprocess.Popen[str]:
    """A helper process (bench/SCRIPT) whose lines are read with read_line."""
    return subprocess.Popen(
        [sys.executable, "-m", f"bench.{script.removesuffix('.py')}", *arguments],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


async def bare_client(url: str, count: int) -> dict[str, Any]:
    """Run the out-of-process baseline against a server URL; its result."""
    process = spawn("bare_client.py", "--url", url, "--count", str(count))
    result: dict[str, Any] = json.loads(await read_line(process))
    await asyncio.get_running_loop().run_in_executor(None, process.wait)
    assert result["received"] == count, result
    return result


async def order(server: BenchServer, run: str, **query: float) -> None:
    """Ask the server for a burst on the /burst connection of a run."""
    params = {"run": run, **{key: str(value) for key, value in query.items()}}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{server.port}/go", params=params) as response,
    ):
        assert response.status == 200


# MQTT: Home Assistant's own integration against the benchmark's broker


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


def mqtt_publisher(broker: Broker, *arguments: str) -> subprocess.Popen[str]:
    """The MQTT publisher process (bench/mqtt_peer.py publish)."""
    return spawn(
        "mqtt_peer.py", "publish", "--port", str(broker.port), "--topic", MQTT_TOPIC,
        *arguments,
    )  # fmt: skip


async def expect(process: subprocess.Popen[str], expected: str) -> None:
    """Until a helper process prints a line, which must be `expected`."""
    line = await read_line(process)
    assert line == expected, line


async def finish(process: subprocess.Popen[str], expected: str) -> None:
    """Until a helper process prints its last line and exits."""
    await expect(process, expected)
    await asyncio.get_running_loop().run_in_executor(None, process.wait)


# 1. Ingest throughput: the bus event, as today, against the bare client


async def ingest_ours(hass: HomeAssistant, server: BenchServer) -> float:
    """Messages a second from the first to the last bus event."""
    times: list[float] = []

    @callback
    def message(event: Event) -> None:
        times.append(time.perf_counter())

    unsubscribe = hass.bus.async_listen(EVENT_MESSAGE, message)
    entry = await add_approved(
        hass,
        server.url(f"/flood?n={INGEST_MESSAGES}&k={uuid.uuid4().hex}"),
        "Ingest",
        EVENTS_ON,
    )
    await wait_for(lambda: len(times) == INGEST_MESSAGES)
    unsubscribe()
    await remove(hass, entry)
    return (INGEST_MESSAGES - 1) / (times[-1] - times[0])


async def test_ingest_throughput(
    hass: HomeAssistant, recorder_mock: Recorder, bench_server: BenchServer
) -> None:
    """Figure 1: bus ingest with message events on against the bare client."""
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(REPEATS):
        ours.append(await ingest_ours(hass, bench_server))
        await recorder_mock.async_block_till_done()
        url = bench_server.url(f"/flood?n={INGEST_MESSAGES}")
        bare.append((await bare_client(url, INGEST_MESSAGES))["rate"])
    record(
        "ingest_throughput",
        f"Bus ingest, {INGEST_MESSAGES:,} JSON messages, {ON_LABEL}",
        ours,
        "msg/s",
        baselines={BARE: bare},
        ratio=True,
        target="ratio ≥ 0.5",
        meets=lambda value, reference: value >= 0.5 * (reference or 0),
    )


# 2. Into automations: the trigger against MQTT's, one counting automation


@dataclass
class Counter:
    """The counting automation's action: a Python service that counts calls."""

    times: list[float] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)

    @callback
    def count(self, call: ServiceCall) -> None:
        """bench.count: when each run reached its action."""
        self.times.append(time.perf_counter())

    @callback
    def stamp(self, call: ServiceCall) -> None:
        """bench.stamp: milliseconds since the message's send stamp."""
        self.delays.append((time.monotonic_ns() - int(call.data["t"])) / 1e6)

    def reset(self) -> None:
        """Start a new run."""
        self.times.clear()
        self.delays.clear()


def counting_automation(
    automation_id: str, trigger: dict[str, Any], data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The same automation on every side: a trigger, then one bench action.

    Mode parallel with room for every message: the default (single) drops
    the runs that come while one is in progress.
    """
    action: dict[str, Any] = {"action": "bench.stamp" if data else "bench.count"}
    if data:
        action["data"] = data
    return {
        "id": automation_id,
        "alias": automation_id,
        "mode": "parallel",
        "max": max(AUTOMATION_MESSAGES, int(LATENCY_RATE * LATENCY_SECONDS)) + 1,
        "triggers": [trigger],
        "actions": [action],
    }


def ws_trigger(entry: MockConfigEntry) -> dict[str, Any]:
    """The integration's trigger on one entry's messages."""
    return {"trigger": DOMAIN, "config_entry_id": entry.entry_id}


async def setup_counting(
    hass: HomeAssistant, automations: list[dict[str, Any]]
) -> Counter:
    """The bench services and the automations."""
    counter = Counter()
    hass.services.async_register("bench", "count", counter.count)
    hass.services.async_register("bench", "stamp", counter.stamp)
    assert await async_setup_component(hass, "automation", {"automation": automations})
    await hass.async_block_till_done()
    for automation in automations:
        state = hass.states.get(f"automation.{automation['id']}")
        assert state is not None, automation["id"]
        assert state.state == "on", f"{automation['id']} did not set up"
    return counter


@dataclass
class Burst:
    """What one burst into an automation measured."""

    rate: float
    lag_p99: float
    drain: float


async def burst_into_automation(
    recorder: Recorder, counter: Counter, start: Callable[[], Awaitable[None]]
) -> Burst:
    """Runs a second, loop lag p99 and recorder drain of one burst.

    The rate is from the first run to the last; the lag is sampled by a 5 ms
    timer from the first run until the recorder's queue is empty again; the
    drain is from the last run until then.
    """
    counter.reset()
    lags: list[tuple[float, float]] = []
    stop = asyncio.Event()

    async def probe() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            after = time.perf_counter()
            lags.append((after, (after - before - 0.005) * 1000))

    sampler = asyncio.create_task(probe())
    try:
        await start()
        await wait_for(lambda: len(counter.times) >= AUTOMATION_MESSAGES)
        first, last = counter.times[0], counter.times[-1]
        try:
            await wait_for(lambda: recorder.backlog == 0, DRAIN_LIMIT)
        except TimeoutError:
            print(f"recorder backlog {recorder.backlog} after {DRAIN_LIMIT} s")
        drained = time.perf_counter()
    finally:
        stop.set()
        await sampler
    assert len(counter.times) == AUTOMATION_MESSAGES
    # Each burst starts with the recorder's session committed.
    recorder.queue_task(CommitTask())
    await recorder.async_block_till_done()
    return Burst(
        rate=(AUTOMATION_MESSAGES - 1) / (last - first),
        lag_p99=percentile([lag for at, lag in lags if at >= first], 0.99),
        drain=drained - last,
    )


async def setup_sides(
    hass: HomeAssistant, bench_server: BenchServer, broker: Broker
) -> dict[str, MockConfigEntry]:
    """MQTT, and one connected entry per message-events setting, by side."""
    await setup_mqtt(hass, broker)
    entries = {
        "off": await add_approved(
            hass, bench_server.url("/burst?run=off"), "Events off", EVENTS_OFF
        ),
        "on": await add_approved(
            hass, bench_server.url("/burst?run=on"), "Events on", EVENTS_ON
        ),
    }
    await wait_for(lambda: all(e.runtime_data.is_connected for e in entries.values()))
    return entries


async def test_automations(
    hass: HomeAssistant,
    recorder_mock: Recorder,
    bench_server: BenchServer,
    broker: Broker,
    mock_hass_config: None,
) -> None:
    """Figure 2: the trigger (events off, and on) against MQTT's, same automation."""
    entries = await setup_sides(hass, bench_server, broker)
    counter = await setup_counting(
        hass,
        [
            *(
                counting_automation(f"count_ws_{side}", ws_trigger(entries[side]))
                for side in entries
            ),
            counting_automation("count_mqtt", {"trigger": "mqtt", "topic": MQTT_TOPIC}),
        ],
    )
    await mqtt_subscribed(hass)

    async def mqtt_burst() -> None:
        publisher = mqtt_publisher(broker, "--count", str(AUTOMATION_MESSAGES))
        await expect(publisher, "READY")
        await finish(publisher, "DONE")

    results: dict[str, list[Burst]] = {"off": [], "on": [], "mqtt": []}
    size = f"{AUTOMATION_MESSAGES:,} messages"
    for _ in range(REPEATS):
        for side in entries:
            results[side].append(
                await burst_into_automation(
                    recorder_mock,
                    counter,
                    partial(order, bench_server, side, n=AUTOMATION_MESSAGES),
                )
            )
        results["mqtt"].append(
            await burst_into_automation(recorder_mock, counter, mqtt_burst)
        )
    await remove(hass, *entries.values())

    mqtt_label = "MQTT trigger"
    for side, label, judged in (("off", OFF_LABEL, True), ("on", ON_LABEL, False)):
        bursts, theirs = results[side], results["mqtt"]
        record(
            f"automation_rate_{side}",
            f"Automation runs, {size}, trigger, {label}",
            [b.rate for b in bursts],
            "runs/s",
            baselines={mqtt_label: [b.rate for b in theirs]},
            ratio=True,
            target="ratio ≥ 1.1" if judged else None,
            meets=(lambda v, r: v >= 1.1 * (r or 0)) if judged else None,
        )
        record(
            f"automation_lag_p99_{side}",
            f"Event-loop lag p99 during those runs, {label}",
            [b.lag_p99 for b in bursts],
            "ms",
            baselines={mqtt_label: [b.lag_p99 for b in theirs]},
            ratio=True,
            target="≤ 2× MQTT's and < 10 ms" if judged else None,
            meets=(lambda v, r: v <= 2 * (r or 0) and v < 10) if judged else None,
        )
        record(
            f"automation_drain_{side}",
            f"Recorder drain after the last run, {label}",
            [b.drain for b in bursts],
            "s",
            baselines={mqtt_label: [b.drain for b in theirs]},
            target="≤ MQTT's + 1 s" if judged else None,
            meets=(lambda v, r: v <= (r or 0) + 1) if judged else None,
        )


# 3. Latency through the trigger at a steady rate


async def test_latency(
    hass: HomeAssistant,
    recorder_mock: Recorder,
    bench_server: BenchServer,
    broker: Broker,
    mock_hass_config: None,
) -> None:
    """Figure 3: send stamp to the automation's action, every message."""
    entries = await setup_sides(hass, bench_server, broker)
    counter = await setup_counting(
        hass,
        [
            *(
                counting_automation(
                    f"stamp_ws_{side}",
                    ws_trigger(entries[side]),
                    {"t": "{{ trigger.json.t }}"},
                )
                for side in entries
            ),
            counting_automation(
                "stamp_mqtt",
                {"trigger": "mqtt", "topic": MQTT_TOPIC},
                {"t": "{{ trigger.payload_json.t }}"},
            ),
        ],
    )
    await mqtt_subscribed(hass)
    total = int(LATENCY_RATE * LATENCY_SECONDS)
    steady = {"rate": LATENCY_RATE, "seconds": LATENCY_SECONDS}

    async def delays_of(start: Callable[[], Awaitable[None]]) -> list[float]:
        counter.reset()
        await start()
        await wait_for(lambda: len(counter.delays) >= total)
        await recorder_mock.async_block_till_done()
        return list(counter.delays)

    async def mqtt_steady() -> None:
        publisher = mqtt_publisher(
            broker, "--rate", str(LATENCY_RATE), "--seconds", str(LATENCY_SECONDS)
        )
        await expect(publisher, "READY")
        await finish(publisher, "DONE")

    runs: dict[str, list[list[float]]] = {"off": [], "on": [], "mqtt": []}
    bare: list[dict[str, Any]] = []
    for _ in range(REPEATS):
        for side in entries:
            runs[side].append(
                await delays_of(partial(order, bench_server, side, **steady))
            )
        runs["mqtt"].append(await delays_of(mqtt_steady))
        url = bench_server.url(f"/steady?rate={LATENCY_RATE}&seconds={LATENCY_SECONDS}")
        bare.append(await bare_client(url, total))
    await remove(hass, *entries.values())

    for side, label, judged in (("off", OFF_LABEL, True), ("on", ON_LABEL, False)):
        for name, share in (("p50", 0.5), ("p99", 0.99)):
            target = judged and name == "p99"
            record(
                f"latency_{name}_{side}",
                f"Latency {name} at {LATENCY_RATE:,} msg/s, trigger, {label}",
                [percentile(run, share) for run in runs[side]],
                "ms",
                baselines={
                    BARE: [result[name] for result in bare],
                    "MQTT trigger": [percentile(run, share) for run in runs["mqtt"]],
                },
                target="< 2 ms" if target else None,
                meets=(lambda value, _: value < 2) if target else None,
            )


# 4. Sending: websocket_client.send against mqtt.publish, one script each


async def send_script(
    hass: HomeAssistant, script_id: str, start: Callable[[], Awaitable[None]] | None,
    done: Callable[[], Awaitable[None]],
) -> float:  # fmt: skip
    """Actions a second: the script's start until the far end received all."""
    if start is not None:
        await start()
    began = time.perf_counter()
    await hass.services.async_call("script", script_id, blocking=True)
    await done()
    return SEND_MESSAGES / (time.perf_counter() - began)


async def nothing_to_wait_for() -> None:
    """An action that does nothing leaves nothing to arrive."""


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
    async with asyncio.timeout(TIMEOUT):
        while await server_received(server, run) < count:
            await asyncio.sleep(0.01)


async def test_send(
    hass: HomeAssistant,
    recorder_mock: Recorder,
    bench_server: BenchServer,
    broker: Broker,
    mock_hass_config: None,
) -> None:
    """Figure 4: 20,000 websocket_client.send against 20,000 mqtt.publish."""
    await setup_mqtt(hass, broker)
    run = uuid.uuid4().hex
    entry = await add_approved(hass, bench_server.url(f"/sink?run={run}"), "Send")
    await wait_for(lambda: entry.runtime_data.is_connected)

    def repeat(action: str, data: dict[str, Any]) -> dict[str, Any]:
        step = {"action": action, "data": data}
        return {"sequence": [{"repeat": {"count": SEND_MESSAGES, "sequence": [step]}}]}

    async def nothing(call: ServiceCall) -> None:
        """Accept the call: what Home Assistant spends on any action."""

    hass.services.async_register("bench", "nothing", nothing)
    scripts = {
        "send_ws": repeat(
            "websocket_client.send",
            {"config_entry_id": entry.entry_id, "message": PAYLOAD},
        ),
        "send_mqtt": repeat(
            "mqtt.publish", {"topic": "bench/send", "payload": PAYLOAD, "qos": 0}
        ),
        "send_nothing": repeat("bench.nothing", {"message": PAYLOAD}),
    }
    assert await async_setup_component(hass, "script", {"script": scripts})

    ours: list[float] = []
    theirs: list[float] = []
    floor: list[float] = []
    for n in range(REPEATS):
        expected = (n + 1) * SEND_MESSAGES
        ours.append(
            await send_script(
                hass,
                "send_ws",
                None,
                partial(wait_received, bench_server, run, expected),
            )
        )
        await recorder_mock.async_block_till_done()
        counter = spawn(
            "mqtt_peer.py", "count", "--port", str(broker.port),
            "--topic", "bench/send", "--count", str(SEND_MESSAGES),
        )  # fmt: skip
        theirs.append(
            await send_script(
                hass,
                "send_mqtt",
                partial(expect, counter, "READY"),
                partial(finish, counter, "GOT"),
            )
        )
        await recorder_mock.async_block_till_done()
        floor.append(await send_script(hass, "send_nothing", None, nothing_to_wait_for))
        await recorder_mock.async_block_till_done()
    await remove(hass, entry)
    record(
        "send_throughput",
        f"Send, {SEND_MESSAGES:,} actions from one script",
        ours,
        "actions/s",
        baselines={
            "mqtt.publish (QoS 0)": theirs,
            "an action that does nothing": floor,
        },
        ratio=True,
        target="ratio ≥ 1.0",
        meets=lambda value, reference: value >= (reference or 0),
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
        meets=lambda value, _: value < 150,
    )
    record(
        "scale_setup",
        f"Set-up to all {SCALE_LINKS} connected",
        setup_times,
        "s",
        target="< 5 s",
        meets=lambda value, _: value < 5,
    )
    record(
        "scale_idle_cpu",
        f"CPU of {SCALE_LINKS} idle links over {IDLE_SECONDS} s",
        idle_cost,
        "% of a core",
        target="< 1 %",
        meets=lambda value, _: value < 1,
    )
    record(
        "reconnect",
        f"Server restart to all {SCALE_LINKS} reconnected",
        reconnects,
        "s",
        target=f"< {RETRY_INTERVAL + 0.5:g} s (retry interval + 0.5 s)",
        meets=lambda value, _: value < RETRY_INTERVAL + 0.5,
    )

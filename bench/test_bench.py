"""Into automations, latency and sending: the trigger and `send` against MQTT's.

Home Assistant is a real core (the test plugin's) with the recorder on at its
defaults; the WebSocket server, the MQTT broker and publisher, and the bare
aiohttp baseline are separate processes (bench/harness.py). Each figure is the
median of REPEATS runs, the sides of a comparison taking turns; figures.py
lists them and applies the rule for ratios against a sender's rate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
import math
import subprocess
import time
from typing import Any
import uuid

from homeassistant.components.recorder.core import Recorder
from homeassistant.components.recorder.tasks import CommitTask
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.const import DOMAIN

from .figures import fell_short, record
from .frames import flood_text
from .harness import (
    BARE,
    EVENTS_OFF,
    EVENTS_ON,
    OFF_LABEL,
    ON_LABEL,
    REPEATS,
    TIMEOUT,
    BenchServer,
    Broker,
    LagProbe,
    add_approved,
    bare_client,
    bench_size,
    connect_sides,
    expect,
    finish,
    median,
    mqtt_subscribed,
    per_second,
    percentile,
    remove,
    sent_rate,
    setup_mqtt,
    spawn,
    wait_for,
)

# Bursts into automations, and the latency run, are sized so the recorder
# (Home Assistant 2025.4.4's) empties its queue within the run: see README.
AUTOMATION_MESSAGES = int(bench_size("AUTOMATION_MESSAGES", 500, 2_000))
# A rate every side's automation path sustains: see README.
LATENCY_RATE = bench_size("LATENCY_RATE", 200, 500)
LATENCY_SECONDS = bench_size("LATENCY_SECONDS", 1, 3)
SEND_MESSAGES = int(bench_size("SEND_MESSAGES", 200, 20_000))
# How long the recorder may take to empty its queue after a burst before the
# drain is recorded as this bound (a miss) instead of measured.
DRAIN_LIMIT = bench_size("DRAIN_LIMIT", 60, 60)

MQTT_TOPIC = "bench/x"
MQTT_LABEL = "MQTT trigger"
PAYLOAD = flood_text(0)


def mqtt_publisher(broker: Broker, *arguments: str) -> subprocess.Popen[str]:
    """The MQTT publisher process (bench/mqtt_peer.py publish) on MQTT_TOPIC."""
    return spawn(
        "mqtt_peer.py", "publish", "--port", str(broker.port), "--topic", MQTT_TOPIC,
        *arguments,
    )  # fmt: skip


async def mqtt_send(broker: Broker, *arguments: str) -> float:
    """Run the MQTT publisher once it is connected; the rate it sent at."""
    publisher = mqtt_publisher(broker, *arguments)
    await expect(publisher, "READY")
    return await sent_rate(publisher)


# 1. Into automations: the trigger against MQTT's, one counting automation


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
        """bench.stamp: when, and milliseconds since the message's send stamp."""
        self.times.append(time.perf_counter())
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


async def setup_sides(
    hass: HomeAssistant,
    bench_server: BenchServer,
    broker: Broker,
    sides: dict[str, dict[str, Any]],
) -> dict[str, MockConfigEntry]:
    """MQTT, and one connected entry per side with its options."""
    await setup_mqtt(hass, broker)
    return await connect_sides(hass, bench_server, sides)


@dataclass
class Burst:
    """What one burst into an automation measured."""

    rate: float
    sent: float
    lag_p99: float
    lag_p99_drain: float
    drain: float


async def burst_into_automation(
    recorder: Recorder, counter: Counter, send: Callable[[], Awaitable[float]]
) -> Burst:
    """Runs a second, loop lag p99 and recorder drain of one burst.

    The rate is from the first run to the last; the lag is sampled by a 5 ms
    timer, from the first run to the last, and again until the recorder's
    queue is empty; the drain is from the last run until then. `send` returns
    the sender's rate.
    """
    counter.reset()
    probe = LagProbe()
    try:
        sent = await send()
        await wait_for(lambda: len(counter.times) >= AUTOMATION_MESSAGES)
        first, last = counter.times[0], counter.times[-1]
        try:
            await wait_for(lambda: recorder.backlog == 0, DRAIN_LIMIT)
        except TimeoutError:
            print(f"recorder backlog {recorder.backlog} after {DRAIN_LIMIT} s")
        drained = time.perf_counter()
    finally:
        await probe.stop()
    assert len(counter.times) == AUTOMATION_MESSAGES
    # Each burst starts with the recorder's session committed.
    recorder.queue_task(CommitTask())
    await recorder.async_block_till_done()
    return Burst(
        rate=per_second(AUTOMATION_MESSAGES, counter.times),
        sent=sent,
        lag_p99=probe.p99_between(first, last),
        lag_p99_drain=probe.p99_between(first),
        drain=drained - last,
    )


async def test_automations(
    hass: HomeAssistant,
    recorder_mock: Recorder,
    bench_server: BenchServer,
    broker: Broker,
    mock_hass_config: None,
) -> None:
    """The trigger at the defaults against MQTT's, the same automation."""
    # Message events on, a row per message more, has no side here: bursts
    # then take minutes to drain (the ingest benchmark shows that cost).
    entries = await setup_sides(hass, bench_server, broker, {"off": EVENTS_OFF})
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
    results: dict[str, list[Burst]] = {"off": [], "mqtt": []}
    for _ in range(REPEATS):
        for side in entries:
            results[side].append(
                await burst_into_automation(
                    recorder_mock,
                    counter,
                    partial(bench_server.send, side, n=AUTOMATION_MESSAGES),
                )
            )
        results["mqtt"].append(
            await burst_into_automation(
                recorder_mock,
                counter,
                partial(mqtt_send, broker, "--count", str(AUTOMATION_MESSAGES)),
            )
        )
    await remove(hass, *entries.values())
    record_automations("off", OFF_LABEL, results["off"], results["mqtt"], judged=True)


def record_automations(
    side: str, label: str, bursts: list[Burst], theirs: list[Burst], *, judged: bool
) -> None:
    """The rate, lag and drain rows of one of our sides against MQTT's."""
    size = f"{AUTOMATION_MESSAGES:,} messages"
    record(
        f"automation_rate_{side}",
        f"Automation runs, {size}, trigger, {label}",
        [b.rate for b in bursts],
        "runs/s",
        baselines={MQTT_LABEL: [b.rate for b in theirs]},
        senders={
            "WebSocket server": [b.sent for b in bursts],
            "MQTT publisher": [b.sent for b in theirs],
        },
        ratio=True,
        target="ratio ≥ 1.1" if judged else None,
        meets=(lambda v, r: v >= 1.1 * (r or math.inf)) if judged else None,
    )
    record(
        f"automation_lag_p99_{side}",
        f"Event-loop lag p99 during those runs, {label}",
        [b.lag_p99 for b in bursts],
        "ms",
        baselines={MQTT_LABEL: [b.lag_p99 for b in theirs]},
        ratio=True,
        target="≤ 2× MQTT's and < 10 ms" if judged else None,
        meets=(lambda v, r: v <= 2 * (r or 0) and v < 10) if judged else None,
    )
    record(
        f"automation_lag_p99_drain_{side}",
        f"Event-loop lag p99 from the first run until the recorder drained, {label}",
        [b.lag_p99_drain for b in bursts],
        "ms",
        baselines={MQTT_LABEL: [b.lag_p99_drain for b in theirs]},
        ratio=True,
    )
    record(
        f"automation_drain_{side}",
        f"Recorder drain after the last run, {label}",
        [b.drain for b in bursts],
        "s",
        baselines={MQTT_LABEL: [b.drain for b in theirs]},
        target="≤ MQTT's + 1 s" if judged else None,
        meets=(lambda v, r: v <= (r or 0) + 1) if judged else None,
    )


# 2. Latency through the trigger at a rate every side sustains


@dataclass
class SteadyRun:
    """One side's run of stamped messages: its delays, and the rates kept."""

    delays: dict[str, float]  # ms, by percentile name
    rate: float  # messages a second into the side, first to last
    sent: float  # the rate its sender reached


PERCENTILES = {"p50": 0.5, "p99": 0.99}


def delay_percentiles(delays: list[float]) -> dict[str, float]:
    """The delays' percentiles by name."""
    return {name: percentile(delays, share) for name, share in PERCENTILES.items()}


async def test_latency(
    hass: HomeAssistant,
    recorder_mock: Recorder,
    bench_server: BenchServer,
    broker: Broker,
    mock_hass_config: None,
) -> None:
    """Send stamp to the automation's action, every message, at a steady rate."""
    entries = await setup_sides(
        hass, bench_server, broker, {"off": EVENTS_OFF, "on": EVENTS_ON}
    )
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

    async def run(send: Callable[[], Awaitable[float]]) -> SteadyRun:
        counter.reset()
        sent = await send()
        await wait_for(lambda: len(counter.delays) >= total)
        await recorder_mock.async_block_till_done()
        return SteadyRun(
            delay_percentiles(counter.delays), per_second(total, counter.times), sent
        )

    async def bare() -> SteadyRun:
        path = f"/steady?rate={LATENCY_RATE}&seconds={LATENCY_SECONDS}"
        result = await bare_client(bench_server, path, total)
        delays = {name: result[name] for name in PERCENTILES}
        return SteadyRun(delays, result["rate"], result["sent"])

    mqtt_steady = (
        "--rate", str(LATENCY_RATE), "--seconds", str(LATENCY_SECONDS)
    )  # fmt: skip
    runs: dict[str, list[SteadyRun]] = {"off": [], "on": [], "mqtt": [], "bare": []}
    for _ in range(REPEATS):
        for side in entries:
            runs[side].append(await run(partial(bench_server.send, side, **steady)))
        runs["mqtt"].append(await run(partial(mqtt_send, broker, *mqtt_steady)))
        runs["bare"].append(await bare())
    await remove(hass, *entries.values())
    record_latency(runs)


def record_latency(runs: dict[str, list[SteadyRun]]) -> None:
    """Every side's rate, then p50 and p99 of each of our sides."""
    labels = {"off": OFF_LABEL, "on": ON_LABEL, "mqtt": MQTT_LABEL, "bare": BARE}
    rates = {side: [run.rate for run in side_runs] for side, side_runs in runs.items()}
    sent = {
        "WebSocket server": [
            run.sent for side in ("off", "on", "bare") for run in runs[side]
        ],
        "MQTT publisher": [run.sent for run in runs["mqtt"]],
    }
    steady = f"{LATENCY_RATE:,.0f} msg/s for {LATENCY_SECONDS:g} s"
    record(
        "latency_rate",
        f"Messages a second into each side during the latency runs ({steady})",
        rates["off"],
        "msg/s",
        baselines={labels[side]: rates[side] for side in ("on", "bare", "mqtt")},
        senders=sent,
    )
    kept = {labels[side]: median(rates[side]) for side in runs} | {
        f"{label} sent": median(values) for label, values in sent.items()
    }
    short = fell_short(kept, LATENCY_RATE)
    suffix = f" — not every side kept the rate: {short}" if short else ""
    for side, judged in (("off", True), ("on", False)):
        for name in PERCENTILES:
            target = judged and name == "p99"
            record(
                f"latency_{name}_{side}",
                f"Latency {name} at {LATENCY_RATE:,.0f} msg/s, trigger, "
                f"{labels[side]}{suffix}",
                [run.delays[name] for run in runs[side]],
                "ms",
                baselines={
                    label: [run.delays[name] for run in runs[key]]
                    for key, label in (("bare", BARE), ("mqtt", MQTT_LABEL))
                },
                target="< 2 ms" if target else None,
                meets=(lambda value, _: value < 2) if target else None,
            )


# 3. Sending: websocket_client.send against mqtt.publish, one script each


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


async def wait_received(server: BenchServer, run: str, count: int) -> None:
    """Until the server's sink has every message of a run."""
    async with asyncio.timeout(TIMEOUT):
        while (await server.get("stats", run=run))["received"] < count:
            await asyncio.sleep(0.01)


async def test_send(
    hass: HomeAssistant,
    recorder_mock: Recorder,
    bench_server: BenchServer,
    broker: Broker,
    mock_hass_config: None,
) -> None:
    """20,000 websocket_client.send against 20,000 mqtt.publish."""
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
        meets=lambda value, reference: value >= (reference or math.inf),
    )

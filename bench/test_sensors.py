"""The sensors benchmark: 100 sensors from messages against 100 MQTT sensors.

Both sides are set up the way a user would: one approved connection with one
entity subentry per sensor (filter `match` on the sensor's id, value at
`data.temperature`, a unit and the measurement state class), and Home
Assistant's MQTT integration with the same sensors from YAML (`mqtt: sensor:`),
each on its own topic with a `value_template` reading the same field. The
WebSocket server and the MQTT publisher send the same feed
(bench/sensor_feed.py) at the same steady rate, in their own processes; the
sides take turns, REPEATS times.

Per run: the messages a second into the sensors (from the first state write,
message 0, to the last, the last message), the generator's own rate beside it,
Home Assistant's CPU time per message (the process's, from the order to send
until the recorder has committed everything), event-loop lag p99 (5 ms timer,
from the first write until then), and the state writes (state_changed events of
the side's sensors), which must equal the changed values the feed carries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import math
import subprocess
import time
from typing import Any, Protocol
import uuid

from homeassistant.components.recorder.core import Recorder
from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .figures import fell_short, record
from .harness import (
    EVENTS_OFF,
    EVENTS_ON,
    OFF_LABEL,
    ON_LABEL,
    REPEATS,
    TIMEOUT,
    BenchServer,
    Broker,
    LagProbe,
    bench_size,
    connect_sides,
    cpu_seconds,
    expect,
    median,
    mqtt_subscribed,
    remove,
    sent_rate,
    setup_mqtt,
    spawn,
    wait_for,
)
from .sensor_feed import changed_values, last_value, sensor_id

SENSORS = int(bench_size("SENSORS", 100, 100))
SENSOR_RATE = bench_size("SENSOR_RATE", 1_000, 1_000)  # messages a second
SENSOR_SECONDS = bench_size("SENSOR_SECONDS", 1, 10)
MESSAGES = int(SENSOR_RATE * SENSOR_SECONDS)
# Every sensor gets the same, even number of messages: its last one is a change.
assert MESSAGES % (2 * SENSORS) == 0, "rate × seconds must be a multiple of 2 × sensors"
SENSOR_TOPIC = "bench/sensors"
# What a user sets for a temperature sensor, the same on both sides
SENSOR_CLASS = {
    "device_class": "temperature",
    "state_class": "measurement",
    "unit_of_measurement": "°C",
}
# The sides: ours at the defaults (judged), ours with message events on (a
# user's choice, which the recorder pays for; shown), and MQTT's
OURS = "ours"
OURS_ON = "ours_on"
MQTT = "mqtt"
GENERATOR = {
    OURS: "WebSocket server",
    OURS_ON: "WebSocket server (message events on)",
    MQTT: "MQTT publisher",
}
MQTT_LABEL = "MQTT sensors"


def our_subentries() -> list[ConfigSubentryDataWithId]:
    """One entity subentry per sensor, as the Add entity flow saves it."""
    return [
        ConfigSubentryDataWithId(
            data={
                "platform": "sensor",
                "value_path": "data.temperature",
                "match": {"id": sensor_id(n)},
                **SENSOR_CLASS,
                "unavailable_when_disconnected": True,
                "expire_after": 0,
                "force_update": False,
            },
            subentry_id=uuid.uuid4().hex,
            subentry_type="entity",
            title=f"Sensor {sensor_id(n)}",
            unique_id=None,
        )
        for n in range(SENSORS)
    ]


def mqtt_sensors() -> list[dict[str, Any]]:
    """The same sensors in configuration.yaml's `mqtt: sensor:`."""
    return [
        {
            "name": f"MQTT {sensor_id(n)}",
            "unique_id": f"bench_mqtt_{sensor_id(n)}",
            "state_topic": f"{SENSOR_TOPIC}/{sensor_id(n)}",
            "value_template": "{{ value_json.data.temperature }}",
            **SENSOR_CLASS,
        }
        for n in range(SENSORS)
    ]


class Feed(Protocol):
    """A generator of the sensors feed in its own process."""

    async def ready(self, base: float) -> None:
        """Prepare a run whose values start at `base` (outside the measurement)."""

    async def go(self) -> None:
        """Start sending."""

    async def sent(self) -> float:
        """Once all was sent: the rate the generator reached."""


@dataclass
class ServerFeed:
    """The WebSocket server's feed on the entry's /burst connection."""

    server: BenchServer
    run: str
    base: float = 0.0
    order: str = ""

    async def ready(self, base: float) -> None:
        """Note the values of the next order."""
        self.base = base

    async def go(self) -> None:
        """Order the feed."""
        self.order = await self.server.order(
            self.run, rate=SENSOR_RATE, seconds=SENSOR_SECONDS, sensors=SENSORS,
            base=self.base,
        )  # fmt: skip

    async def sent(self) -> float:
        """The server's rate, once it has sent everything."""
        return await self.server.sent(self.order)


@dataclass
class MqttFeed:
    """The MQTT publisher process, one topic per sensor."""

    broker: Broker
    process: subprocess.Popen[str] | None = None

    async def ready(self, base: float) -> None:
        """Start the publisher; it sends a moment after it is connected."""
        self.process = spawn(
            "mqtt_peer.py", "sensors", "--port", str(self.broker.port),
            "--topic", SENSOR_TOPIC, "--rate", str(SENSOR_RATE),
            "--seconds", str(SENSOR_SECONDS), "--sensors", str(SENSORS),
            "--base", str(base),
        )  # fmt: skip
        await expect(self.process, "READY")

    async def go(self) -> None:
        """It is already on its way."""

    async def sent(self) -> float:
        """The publisher's rate, from its last line."""
        assert self.process is not None
        return await sent_rate(self.process)


@dataclass
class SensorRun:
    """What one run of one side measured."""

    received: float  # messages a second into the sensors
    sent: float  # the generator's own rate
    cpu_per_message: float  # µs of Home Assistant's process CPU time
    lag_p99: float  # ms
    writes: int
    changed: int


def count_writes(
    hass: HomeAssistant, entity_ids: set[str], expected: int
) -> tuple[list[float], asyncio.Event, Callable[[], None]]:
    """When each state of the sensors was written; set once `expected` were."""
    writes: list[float] = []
    done = asyncio.Event()

    @callback
    def ours(data: EventStateChangedData) -> bool:
        return data["entity_id"] in entity_ids

    @callback
    def written(event: Event[EventStateChangedData]) -> None:
        writes.append(time.perf_counter())
        if len(writes) == expected:
            done.set()

    return writes, done, hass.bus.async_listen(EVENT_STATE_CHANGED, written, ours)


async def sensor_run(
    hass: HomeAssistant,
    recorder: Recorder,
    entity_ids: set[str],
    feed: Feed,
    base: float,
) -> SensorRun:
    """One run of one side: from the order to send until the recorder committed."""
    expected = changed_values(MESSAGES, SENSORS, base)
    writes, done, unsubscribe = count_writes(hass, entity_ids, expected)
    await feed.ready(base)
    cpu_before = cpu_seconds()
    probe = LagProbe()
    await feed.go()
    try:
        async with asyncio.timeout(TIMEOUT):
            await done.wait()
    except TimeoutError:
        print(f"only {len(writes)} of {expected} state writes after {TIMEOUT} s")
    sent = await feed.sent()
    # Waits for the recorder's queue, then commits (the commit is the costly part).
    await recorder.async_block_till_done()
    cpu = cpu_seconds() - cpu_before
    await probe.stop()
    unsubscribe()
    return SensorRun(
        received=(MESSAGES - 1) / (writes[-1] - writes[0]) if writes else math.nan,
        sent=sent,
        cpu_per_message=cpu / MESSAGES * 1e6,
        lag_p99=probe.p99_between(writes[0] if writes else math.inf),
        writes=len(writes),
        changed=expected,
    )


async def setup_sides(
    hass: HomeAssistant, bench_server: BenchServer, broker: Broker
) -> tuple[list[MockConfigEntry], dict[str, set[str]]]:
    """Every side's sensors, set up and following; their entity ids by side."""
    await setup_mqtt(hass, broker)
    entries = await connect_sides(
        hass, bench_server, {OURS: EVENTS_OFF, OURS_ON: EVENTS_ON}, our_subentries
    )
    registry = er.async_get(hass)

    def sensors_of(entry: MockConfigEntry) -> set[str]:
        return {
            entity.entity_id
            for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
            if entity.config_subentry_id is not None
        }

    def entity_ids() -> dict[str, set[str]]:
        theirs = {
            entity_id
            for n in range(SENSORS)
            if (
                entity_id := registry.async_get_entity_id(
                    "sensor", "mqtt", f"bench_mqtt_{sensor_id(n)}"
                )
            )
        }
        return {side: sensors_of(entry) for side, entry in entries.items()} | {
            MQTT: theirs
        }

    def all_there() -> bool:
        found = entity_ids()
        return all(
            len(ids) == SENSORS and all(hass.states.get(i) for i in ids)
            for ids in found.values()
        )

    await wait_for(all_there, 60)
    await mqtt_subscribed(hass)
    return list(entries.values()), entity_ids()


@pytest.mark.parametrize("hass_config", [{"mqtt": {"sensor": mqtt_sensors()}}])
async def test_sensors(
    hass: HomeAssistant,
    recorder_mock: Recorder,
    bench_server: BenchServer,
    broker: Broker,
    mock_hass_config: None,
) -> None:
    """100 sensors from messages against 100 MQTT sensors, the same feed."""
    entries, entity_ids = await setup_sides(hass, bench_server, broker)
    feeds: dict[str, Feed] = {
        OURS: ServerFeed(bench_server, OURS),
        OURS_ON: ServerFeed(bench_server, OURS_ON),
        MQTT: MqttFeed(broker),
    }
    runs: dict[str, list[SensorRun]] = {side: [] for side in feeds}
    base = 0.0
    for _ in range(REPEATS):
        # Every run's values lie above the last run's: its first is a change.
        base = math.floor(last_value(MESSAGES, SENSORS, base)) + 100
        for side, feed in feeds.items():
            await recorder_mock.async_block_till_done()
            runs[side].append(
                await sensor_run(hass, recorder_mock, entity_ids[side], feed, base)
            )
    await remove(hass, *entries)
    record_sensors(runs)
    for side, side_runs in runs.items():
        for run in side_runs:
            assert run.writes == run.changed, (side, run)


def shortfall(runs: dict[str, list[SensorRun]], side: str) -> str | None:
    """Whether a side's generator or MQTT's fell short of the rate (medians)."""
    sent = {
        f"the {GENERATOR[generator]} sent": median(
            [run.sent for run in runs[generator]]
        )
        for generator in (side, MQTT)
    }
    return fell_short(sent, SENSOR_RATE)


def record_sensors(runs: dict[str, list[SensorRun]]) -> None:
    """The sensors rows of each of our sides: rate, CPU, lag; then state writes.

    Ours at the defaults is judged; with message events on it is shown. A
    comparison whose generators did not both reach the rate has no ratio,
    and says why. The rate rows have none anyway: the generators set the pace
    (figures.record).
    """
    theirs = runs[MQTT]
    size = f"{SENSORS} sensors at {SENSOR_RATE:,.0f} msg/s for {SENSOR_SECONDS:g} s"
    for side, key_end, label, judged in (
        (OURS, "", OFF_LABEL, True),
        (OURS_ON, "_on", ON_LABEL, False),
    ):
        ours = runs[side]
        short = shortfall(runs, side)
        suffix = f" — not compared: {short}" if short else ""
        record(
            f"sensors_rate{key_end}",
            f"Messages a second into {SENSORS} sensors from messages ("
            f"{SENSOR_RATE:,.0f} msg/s sent for {SENSOR_SECONDS:g} s), {label}{suffix}",
            [run.received for run in ours],
            "msg/s",
            baselines={MQTT_LABEL: [run.received for run in theirs]},
            senders={
                GENERATOR[side]: [run.sent for run in ours],
                GENERATOR[MQTT]: [run.sent for run in theirs],
            },
            ratio=short is None,
        )
        for key, name, unit, attribute in (
            ("sensors_cpu", "Home Assistant CPU per message", "µs", "cpu_per_message"),
            ("sensors_lag_p99", "Event-loop lag p99", "ms", "lag_p99"),
        ):
            record(
                f"{key}{key_end}",
                f"{name}, {size}, {label}{suffix}",
                [getattr(run, attribute) for run in ours],
                unit,
                baselines={MQTT_LABEL: [getattr(run, attribute) for run in theirs]},
                ratio=short is None,
                target="≤ MQTT's" if judged else None,
                meets=no_worse_than_mqtt(short is None) if judged else None,
            )
    record_writes(runs, size)


def no_worse_than_mqtt(compared: bool) -> Callable[[float, float | None], bool]:
    """The judgement of a CPU or lag figure: compared, and at most MQTT's."""
    return lambda value, reference: compared and value <= (reference or 0)


def record_writes(runs: dict[str, list[SensorRun]], size: str) -> None:
    """State writes a second of every side beside the changed values."""

    def per_second(side: str, count: Callable[[SensorRun], int]) -> list[float]:
        return [count(run) / SENSOR_SECONDS for run in runs[side]]

    exact = all(run.writes == run.changed for run in runs[OURS])
    record(
        "sensors_writes",
        f"State writes a second, {size}, {OFF_LABEL}; counted over the run's length",
        per_second(OURS, lambda run: run.writes),
        "writes/s",
        baselines={
            "changed values sent": per_second(OURS, lambda run: run.changed),
            ON_LABEL: per_second(OURS_ON, lambda run: run.writes),
            MQTT_LABEL: per_second(MQTT, lambda run: run.writes),
        },
        ratio=True,
        target="= changed values, every run",
        meets=lambda value, reference: exact,
    )

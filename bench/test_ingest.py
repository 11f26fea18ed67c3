"""Ingest: a flood into one trigger, and into recorded bus events, against bare.

The trigger-path figure is what the integration itself costs per message when
nothing is recorded: one `websocket_client` trigger, attached as an
automation's would be, whose action only notes the time (message events off,
the default). The bus figure is the same flood into `websocket_client_message`
events with message events on, each recorded: the recorder's cost more than
ours. Both against the bare aiohttp client in its own process, on the same
server and the same flood, with the server's own sending rate beside each.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from homeassistant.components.recorder.core import Recorder
from homeassistant.core import CALLBACK_TYPE, Context, Event, HomeAssistant, callback
from homeassistant.helpers.trigger import (
    async_initialize_triggers,
    async_validate_trigger_config,
)
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.const import DOMAIN, EVENT_MESSAGE

from .figures import record
from .harness import (
    BARE,
    EVENTS_OFF,
    EVENTS_ON,
    OFF_LABEL,
    ON_LABEL,
    REPEATS,
    BenchServer,
    bare_client,
    bench_size,
    connect_sides,
    per_second,
    remove,
    wait_for,
)

_LOGGER = logging.getLogger(__name__)

INGEST_MESSAGES = int(bench_size("INGEST_MESSAGES", 10_000, 50_000))


def log_trigger_problem(level: int, message: str, **kwargs: Any) -> None:
    """Where Home Assistant reports a trigger it could not attach."""
    _LOGGER.log(level, message, **kwargs)


async def attach_counting_trigger(
    hass: HomeAssistant, entry: MockConfigEntry, times: list[float]
) -> CALLBACK_TYPE:
    """One `websocket_client` trigger, attached as an automation's would be.

    Its action does the least an action can: it notes when it was called.
    """

    @callback
    def action(run_variables: dict[str, Any], context: Context | None = None) -> None:
        times.append(time.perf_counter())

    config = await async_validate_trigger_config(
        hass, [{"platform": DOMAIN, "config_entry_id": entry.entry_id}]
    )
    detach = await async_initialize_triggers(
        hass, config, action, "bench", "trigger ingest", log_trigger_problem
    )
    assert detach is not None
    return detach


def listen_to_message_events(hass: HomeAssistant, times: list[float]) -> CALLBACK_TYPE:
    """Note when each `websocket_client_message` event was fired."""

    @callback
    def message(event: Event) -> None:
        times.append(time.perf_counter())

    return hass.bus.async_listen(EVENT_MESSAGE, message)


async def flood_into(
    server: BenchServer, run: str, times: list[float]
) -> tuple[float, float]:
    """A flood on a side's connection: the rate received (times) and sent."""
    times.clear()
    sent = await server.send(run, n=INGEST_MESSAGES)
    await wait_for(lambda: len(times) >= INGEST_MESSAGES)
    assert len(times) == INGEST_MESSAGES
    return per_second(INGEST_MESSAGES, times), sent


async def test_ingest(
    hass: HomeAssistant, recorder_mock: Recorder, bench_server: BenchServer
) -> None:
    """Trigger-path ingest (judged) and recorded bus ingest against the bare client."""
    entries = await connect_sides(
        hass, bench_server, {"trigger": EVENTS_OFF, "recorded": EVENTS_ON}
    )
    times: dict[str, list[float]] = {"trigger": [], "recorded": []}
    detach = await attach_counting_trigger(hass, entries["trigger"], times["trigger"])
    unlisten = listen_to_message_events(hass, times["recorded"])
    received: dict[str, list[float]] = {side: [] for side in (*times, "bare")}
    sent: dict[str, list[float]] = {side: [] for side in received}
    for _ in range(REPEATS):
        for side, side_times in times.items():
            rate, server_rate = await flood_into(bench_server, side, side_times)
            received[side].append(rate)
            sent[side].append(server_rate)
            await recorder_mock.async_block_till_done()
        bare = await bare_client(
            bench_server, f"/flood?n={INGEST_MESSAGES}", INGEST_MESSAGES
        )
        received["bare"].append(bare["rate"])
        sent["bare"].append(bare["sent"])
    detach()
    unlisten()
    await remove(hass, *entries.values())

    size = f"{INGEST_MESSAGES:,} JSON messages"
    to_bare = {"WebSocket server, to the bare client": sent["bare"]}
    record(
        "trigger_ingest",
        f"Trigger-path ingest, {size} into one trigger whose action only counts, "
        f"{OFF_LABEL}",
        received["trigger"],
        "msg/s",
        baselines={BARE: received["bare"]},
        senders={"WebSocket server, to ours": sent["trigger"], **to_bare},
        ratio=True,
        target="ratio ≥ 0.5",
        meets=lambda value, reference: value >= 0.5 * (reference or math.inf),
    )
    record(
        "ingest_recorded",
        f"Bus ingest with every message recorded as an event (the recorder's cost), "
        f"{size}, {ON_LABEL}",
        received["recorded"],
        "msg/s",
        baselines={BARE: received["bare"]},
        senders={"WebSocket server, to ours": sent["recorded"], **to_bare},
        ratio=True,
    )

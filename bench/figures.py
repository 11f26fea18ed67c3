"""The benchmark's figures: how each is recorded, and which must exist.

Every figure is recorded through `record`, which applies the benchmark's one rule
for comparing receivers: a rate figure whose receivers were fed by a sending
process (the WebSocket server, the MQTT publisher) gives a ratio only where each
sender sent at least SENDER_MARGIN times faster than the fastest receiver of the
row; otherwise the sender may have set the pace, and the row says so instead.

EXPECTED lists, once, the figures each benchmark test records; `problems` tells
what is wrong with the figures of a run (conftest.py fails the run on any).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import math
import statistics
from typing import Any, Final

from .harness import SMOKE

# A sender must be this many times faster than the fastest receiver it fed.
SENDER_MARGIN: Final = 3
SERVER_LIMITED: Final = "server-limited, no ratio"
# A paced sender, or a receiver of a paced stream, below this share of the rate
# asked for did not keep it.
REACHED: Final = 0.97

FIGURES: list[dict[str, Any]] = []

# The figures of each benchmark test, by the test function's name
EXPECTED: Final[dict[str, tuple[str, ...]]] = {
    "test_ingest": ("trigger_ingest", "ingest_recorded"),
    "test_automations": (
        "automation_rate_off",
        "automation_lag_p99_off",
        "automation_lag_p99_drain_off",
        "automation_drain_off",
    ),
    "test_latency": (
        "latency_rate",
        "latency_p50_off",
        "latency_p99_off",
        "latency_p50_on",
        "latency_p99_on",
    ),
    "test_send": ("send_throughput",),
    "test_scale_and_reconnect": (
        "scale_memory",
        "scale_setup",
        "scale_idle_cpu",
        "scale_idle_cpu_max",
        "reconnect_p50",
        "reconnect_max",
    ),
    "test_sensors": (
        "sensors_rate",
        "sensors_cpu",
        "sensors_lag_p99",
        "sensors_rate_on",
        "sensors_cpu_on",
        "sensors_lag_p99_on",
        "sensors_writes",
    ),
}


def _summary(values: list[float]) -> dict[str, Any]:
    return {"value": statistics.median(values), "samples": values}


def record(
    key: str,
    name: str,
    samples: list[float],
    unit: str,
    *,
    baselines: dict[str, list[float]] | None = None,
    senders: dict[str, list[float]] | None = None,
    ratio: bool = False,
    target: str | None = None,
    meets: Callable[[float, float | None], bool] | None = None,
    statistic: Callable[[list[float]], float] = statistics.median,
) -> None:
    """Keep one figure for the results file and table.

    The figure is `statistic` (the median) of its samples, shown beside each
    baseline's median (the first is the reference: with `ratio`, the figure is
    also given as a ratio to it) and each sender's (messages a second, for a
    rate figure). `meets(value, reference)` judges the figure; a figure whose
    senders may have set the pace is given no ratio and not judged.
    """
    value = statistic(samples)
    compared = {label: _summary(values) for label, values in (baselines or {}).items()}
    sent = {label: _summary(values) for label, values in (senders or {}).items()}
    receivers = [value, *(baseline["value"] for baseline in compared.values())]
    limited = bool(sent) and not all(
        sender["value"] >= SENDER_MARGIN * max(receivers) for sender in sent.values()
    )
    reference = next(iter(compared.values()))["value"] if compared else None
    FIGURES.append(
        {
            "key": key,
            "name": f"{name} — {SERVER_LIMITED}" if limited else name,
            "value": value,
            "unit": unit,
            "samples": samples,
            "baselines": compared,
            "senders": sent,
            "server_limited": limited,
            "ratio": value / reference if ratio and reference and not limited else None,
            "target": target,
            "met": None
            if SMOKE or meets is None or limited
            else meets(value, reference),
        }
    )


def fell_short(rates: dict[str, float], wanted: float) -> str | None:
    """Which of a paced stream's senders or receivers did not keep its rate."""
    short = [
        f"{label} only {rate:,.0f} msg/s" if math.isfinite(rate) else f"{label} none"
        for label, rate in rates.items()
        if not rate >= REACHED * wanted  # NaN (no rate measured) is short too
    ]
    return f"{'; '.join(short)} of {wanted:,.0f}" if short else None


def _numbers(figure: dict[str, Any]) -> Iterable[float]:
    yield figure["value"]
    yield from figure["samples"]
    for group in ("baselines", "senders"):
        for summary in figure[group].values():
            yield summary["value"]
            yield from summary["samples"]
    if figure["ratio"] is not None:
        yield figure["ratio"]


def problems(tests: Iterable[str], *, all_tests: bool) -> list[str]:
    """What is wrong with the recorded figures of a run of `tests`.

    Every figure the tests should have recorded must be there, and nothing
    else; every number in it must be finite. With `all_tests`, every test of
    EXPECTED must have run.
    """
    found: list[str] = []
    ran = set(tests)
    if all_tests and (missing_tests := set(EXPECTED) - ran):
        found.append(f"benchmark tests that did not run: {sorted(missing_tests)}")
    expected = {key for test in ran for key in EXPECTED.get(test, ())}
    recorded = [figure["key"] for figure in FIGURES]
    if missing := expected - set(recorded):
        found.append(f"figures missing: {sorted(missing)}")
    if unexpected := set(recorded) - expected:
        found.append(f"figures not in figures.EXPECTED: {sorted(unexpected)}")
    if twice := {key for key in recorded if recorded.count(key) > 1}:
        found.append(f"figures recorded twice: {sorted(twice)}")
    found.extend(
        f"figure {figure['key']} has a number that is not finite: {figure}"
        for figure in FIGURES
        if not all(math.isfinite(number) for number in _numbers(figure))
    )
    return found

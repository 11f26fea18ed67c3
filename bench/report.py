"""The benchmark table, from bench/results.json (also: python -m bench.report)."""

from __future__ import annotations

import json
import math
from pathlib import Path
import sys
from typing import Any


def _number(value: float | None, unit: str = "") -> str:
    if value is None or math.isnan(value):  # not measured
        return "–"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{text} {unit}".strip()


def _listed(group: dict[str, Any], unit: str) -> str:
    return "; ".join(
        f"{label}: {_number(summary['value'], unit)}"
        for label, summary in group.items()
    )


def _met(figure: dict[str, Any]) -> str:
    if figure.get("server_limited") and figure["target"]:
        return "not judged"
    return {True: "yes", False: "**missed**", None: "–"}[figure["met"]]


def markdown_table(results: dict[str, Any]) -> str:
    """A markdown table of every figure beside its baselines, senders and target."""
    machine = results["machine"]
    lines = [
        f"Measured {results['date']} on {machine['cpu']} ({machine['cores']} cores), "
        f"Python {machine['python']}, Home Assistant {machine['home_assistant']}, "
        "recorder on, default options"
        + (" — SMOKE RUN, sizes too small to mean anything" * results["smoke"]),
        "",
        "| Figure | WebSocket Client | Compared with, same run "
        "| Sent at (the sender's own rate) | Ratio | Target | Met |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for figure in results["figures"]:
        ratio = "–" if figure["ratio"] is None else f"{figure['ratio']:.2f}"
        compared = _listed(figure["baselines"], figure["unit"])
        sent = _listed(figure.get("senders", {}), "msg/s")
        lines.append(
            f"| {figure['name']} | {_number(figure['value'], figure['unit'])} "
            f"| {compared or '–'} | {sent or '–'} | {ratio} "
            f"| {figure['target'] or '–'} | {_met(figure)} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Print the table of a results file (default bench/results.json)."""
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results.json")
    print(markdown_table(json.loads(path.read_text())))


if __name__ == "__main__":
    main()

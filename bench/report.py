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


def markdown_table(results: dict[str, Any]) -> str:
    """A markdown table of every figure beside its baseline and target."""
    machine = results["machine"]
    lines = [
        f"Measured {results['date']} on {machine['cpu']} ({machine['cores']} cores), "
        f"Python {machine['python']}, Home Assistant {machine['home_assistant']}, "
        "recorder on, default options"
        + (" — SMOKE RUN, sizes too small to mean anything" * results["smoke"]),
        "",
        "| Figure | WebSocket Client | Compared with, same run "
        "| Ratio | Target | Met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for figure in results["figures"]:
        met = {True: "yes", False: "**missed**", None: "–"}[figure["met"]]
        ratio = "–" if figure["ratio"] is None else f"{figure['ratio']:.2f}"
        compared = "; ".join(
            f"{label}: {_number(baseline['value'], figure['unit'])}"
            for label, baseline in figure["baselines"].items()
        )
        lines.append(
            f"| {figure['name']} | {_number(figure['value'], figure['unit'])} "
            f"| {compared or '–'} | {ratio} | {figure['target'] or '–'} | {met} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Print the table of a results file (default bench/results.json)."""
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results.json")
    print(markdown_table(json.loads(path.read_text())))


if __name__ == "__main__":
    main()

"""Benchmark fixtures, and the results file and table at the end.

A real Home Assistant core with the recorder on disk; the benchmark server as a
separate process.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
import datetime as dt
import json
import logging
import os
from pathlib import Path
import platform
import socket
import statistics
import subprocess
import sys
from typing import Any

from homeassistant.components.recorder.core import Recorder
import pytest

from .report import markdown_table

ROOT = Path(__file__).resolve().parent.parent
SMOKE = os.environ.get("BENCH_SMOKE") == "1"
RESULTS_PATH = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results.json"))
FIGURES: list[dict[str, Any]] = []


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """Recorder on, as users run Home Assistant, started before the core."""


@pytest.fixture(autouse=True)
def quiet_logs() -> None:
    """Only warnings, as in a default installation.

    The test plugin turns on SQL statement logging, which would cost the
    recorder thread (and so the measurements) more than the recording itself.
    """
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


@pytest.fixture
def recorder_config() -> dict[str, Any]:
    """The recorder's default commit interval.

    The test plugin commits after every event, which costs a real installation's
    recorder many times what it does at its default of 5 s.
    """
    return {"commit_interval": 5}


@pytest.fixture
def persistent_database() -> bool:
    """The recorder writes an SQLite file, as in a real installation."""
    return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class BenchServer:
    """The benchmark WebSocket server process."""

    port: int
    process: subprocess.Popen[str] | None = None

    def url(self, path: str) -> str:
        """A ws:// URL of one of the server's endpoints."""
        return f"ws://127.0.0.1:{self.port}{path}"

    async def start(self) -> None:
        """Start the process and wait until it listens."""
        command = [sys.executable, str(ROOT / "bench" / "server.py")]
        self.process = subprocess.Popen(  # noqa: ASYNC220 - its output is read off-loop
            [*command, "--port", str(self.port)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = await asyncio.get_running_loop().run_in_executor(
            None, self.process.stdout.readline
        )
        assert line.strip() == "READY", line

    def kill(self) -> None:
        """Stop the process at once."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
async def bench_server(socket_enabled: None) -> AsyncGenerator[BenchServer]:
    """A running benchmark server process."""
    server = BenchServer(_free_port())
    await server.start()
    yield server
    server.kill()


def record(
    key: str,
    name: str,
    samples: list[float],
    unit: str,
    *,
    baseline_samples: list[float] | None = None,
    ratio: bool = False,
    target: str | None = None,
    meets: Callable[[float], bool] | None = None,
) -> None:
    """Keep one figure for the results file and table.

    The figure is the median of its samples; with `ratio`, it is also given as
    a ratio to the baseline's median, and `meets` judges that ratio.
    """
    value = statistics.median(samples)
    baseline = statistics.median(baseline_samples) if baseline_samples else None
    figure_ratio = value / baseline if ratio and baseline else None
    judged = figure_ratio if ratio else value
    FIGURES.append(
        {
            "key": key,
            "name": name,
            "value": value,
            "unit": unit,
            "samples": samples,
            "baseline": baseline,
            "baseline_samples": baseline_samples,
            "ratio": figure_ratio,
            "target": target,
            "met": None if SMOKE or meets is None or judged is None else meets(judged),
        }
    )


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write bench/results.json and print the table."""
    if not FIGURES:
        return
    from homeassistant.const import __version__ as ha_version  # noqa: PLC0415

    results = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "smoke": SMOKE,
        "machine": {
            "cpu": _cpu_model(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "home_assistant": ha_version,
        },
        "figures": FIGURES,
    }
    RESULTS_PATH.write_text(json.dumps(results, indent=2) + "\n")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    table = markdown_table(results)
    if reporter is not None:
        reporter.write_line("")
        for line in table.splitlines():
            reporter.write_line(line)
        reporter.write_line(f"\nResults: {RESULTS_PATH}")

"""Benchmark fixtures, and the results file and table at the end.

A real Home Assistant core with the recorder on disk; the benchmark server, the
MQTT broker (Debian's mosquitto) and every baseline client as separate processes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
import datetime as dt
from importlib import metadata
import json
import logging
import os
from pathlib import Path
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

import homeassistant
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
async def enable_event_loop_debug() -> None:
    """Asyncio's debug mode off, as in a user's installation.

    Replaces the test plugin's fixture of the same name, which turns it on: it
    records a stack trace for every future, handle and task, which made the
    loop several times slower than a real installation's.
    """
    asyncio.get_running_loop().set_debug(False)


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


def pytest_sessionstart(session: pytest.Session) -> None:
    """Check that paho-mqtt is the version Home Assistant's MQTT integration pins."""
    manifest = Path(homeassistant.__file__).parent / "components/mqtt/manifest.json"
    wanted = [
        requirement
        for requirement in json.loads(manifest.read_text())["requirements"]
        if requirement.startswith("paho-mqtt==")
    ]
    installed = f"paho-mqtt=={metadata.version('paho-mqtt')}"
    if wanted and installed not in wanted:
        pytest.exit(
            f"The MQTT integration pins {wanted[0]}, the environment has {installed}:"
            " update requirements_bench.txt",
            returncode=1,
        )


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
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
        self.process = subprocess.Popen(  # noqa: ASYNC220 - its output is read off-loop
            [sys.executable, "-m", "bench.server", "--port", str(self.port)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
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
    server = BenchServer(free_port())
    await server.start()
    yield server
    server.kill()


MOSQUITTO_CONFIG = """\
listener {port} 127.0.0.1
allow_anonymous true
persistence false
# QoS 0 messages to a subscriber that falls behind are kept, not dropped.
max_queued_messages 0
log_dest stderr
log_type error
log_type warning
"""


@dataclass
class Broker:
    """The MQTT broker process (mosquitto) on 127.0.0.1."""

    port: int
    process: subprocess.Popen[bytes]


def _mosquitto() -> str:
    found = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin")
    if found is None:
        pytest.exit(
            "The benchmark needs mosquitto (Debian package 'mosquitto'); "
            "scripts/bench installs it when run as root",
            returncode=1,
        )
    return found


@pytest.fixture
async def broker(socket_enabled: None, tmp_path: Path) -> AsyncGenerator[Broker]:
    """A mosquitto broker of its own, without persistence, stopped afterwards."""
    port = free_port()
    config = tmp_path / "mosquitto.conf"
    config.write_text(MOSQUITTO_CONFIG.format(port=port))
    process = subprocess.Popen([_mosquitto(), "-c", str(config)])  # noqa: ASYNC220
    try:
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None, "mosquitto exited"
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                assert time.monotonic() < deadline, "mosquitto did not listen"
                await asyncio.sleep(0.02)
                continue
            writer.close()
            await writer.wait_closed()
            break
        yield Broker(port, process)
    finally:
        process.terminate()
        await asyncio.get_running_loop().run_in_executor(None, process.wait, 10)


def record(
    key: str,
    name: str,
    samples: list[float],
    unit: str,
    *,
    baselines: dict[str, list[float]] | None = None,
    ratio: bool = False,
    target: str | None = None,
    meets: Callable[[float, float | None], bool] | None = None,
) -> None:
    """Keep one figure for the results file and table.

    The figure is the median of its samples, shown beside each baseline's median
    (the first is the reference: with `ratio`, the figure is also given as a
    ratio to it). `meets(value, reference)` judges the figure.
    """
    value = statistics.median(samples)
    compared = {
        label: {"value": statistics.median(values), "samples": values}
        for label, values in (baselines or {}).items()
    }
    medians = [statistics.median(values) for values in (baselines or {}).values()]
    reference = medians[0] if medians else None
    FIGURES.append(
        {
            "key": key,
            "name": name,
            "value": value,
            "unit": unit,
            "samples": samples,
            "baselines": compared,
            "ratio": value / reference if ratio and reference else None,
            "target": target,
            "met": None if SMOKE or meets is None else meets(value, reference),
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

"""Benchmark fixtures; at the end, the check of every figure, the results and table.

A real Home Assistant core with the recorder on disk; the benchmark server, the
MQTT broker (Debian's mosquitto) and every baseline client as separate processes.
A run fails when a figure its tests record is missing or holds a number that is
not finite (figures.problems).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
import datetime as dt
from importlib import metadata
import json
import logging
import os
from pathlib import Path
import platform
import shutil
import subprocess
import time
from typing import Any

import homeassistant
from homeassistant.components.recorder.core import Recorder
import pytest

from .figures import FIGURES, problems
from .harness import ROOT, SMOKE, BenchServer, Broker, free_port
from .report import markdown_table

RESULTS_PATH = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results.json"))


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


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _runs_every_test(config: pytest.Config) -> bool:
    """Whether the run selects the whole benchmark (no -k, -m or single tests)."""
    selects = any("::" in arg or arg.endswith(".py") for arg in config.args)
    return not (config.option.keyword or config.option.markexpr or selects)


def _write_results() -> dict[str, Any]:
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
    return results


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Check the figures, write bench/results.json and print the table.

    A missing figure, or one with a number that is not finite, fails the run.
    """
    if session.config.option.collectonly or not session.items:
        return
    tests = {getattr(item, "originalname", item.name) for item in session.items}
    found = problems(tests, all_tests=_runs_every_test(session.config))
    results = _write_results()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("")
        for line in markdown_table(results).splitlines():
            reporter.write_line(line)
        reporter.write_line(f"\nResults: {RESULTS_PATH}")
        for problem in found:
            reporter.write_line(f"BENCHMARK FIGURES: {problem}", red=True, bold=True)
    if found and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

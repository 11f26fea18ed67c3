"""A real Home Assistant process (with its frontend), the demo server and Chromium.

Run with scripts/test --e2e; in the ordinary test run these tests are skipped.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
import json
import os
from pathlib import Path
import shutil
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, Any
import urllib.error
import urllib.request

import pytest

from tests.servers.processes import (
    answers,
    child_environment,
    free_port,
    hass_command,
    onboard_owner,
    post_json,
    wait_for,
)

if TYPE_CHECKING:
    from .browser import Journey

ROOT = Path(__file__).resolve().parents[2]
ENABLED = os.environ.get("WEBSOCKET_CLIENT_E2E") == "1"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OWNER = {"name": "Alex Owner", "username": "owner", "password": "e2e-Passw0rd!"}


# Only scripts/test --e2e runs these: elsewhere Playwright is not even installed.
collect_ignore_glob = [] if ENABLED else ["test_*.py"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the browser tests."""
    for item in items:
        item.add_marker(pytest.mark.e2e)


@dataclass
class DemoServer:
    """scripts/demo_server.py in its own process; what it printed, line by line."""

    port: int
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        """A URL on the demo server."""
        return f"ws://127.0.0.1:{self.port}/{path}"

    def received(self, text: str) -> bool:
        """Whether the server received this text message."""
        return f"received text: {text}" in self.lines

    def received_json(self, value: Any) -> bool:
        """Whether the server received a text message holding this JSON value."""
        return self.times_received_json(value) > 0

    def times_received_json(self, value: Any) -> int:
        """How many text messages holding this JSON value the server received."""
        prefix = "received text: "
        times = 0
        for line in list(self.lines):
            if line.startswith(prefix):
                try:
                    times += json.loads(line.removeprefix(prefix)) == value
                except ValueError:
                    continue
        return times


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    """The demo server of scripts/develop, pushing a tick every 2 s."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "scripts" / "demo_server.py"),
            "--port",
            str(port),
            "--interval",
            "2",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    server = DemoServer(port, process)

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            server.lines.append(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    wait_for(
        lambda: any(line.startswith("Demo WebSocket server") for line in server.lines)
    )
    yield server
    process.kill()
    process.wait()


@dataclass
class HomeAssistantProcess:
    """A running hass process, onboarded, with an owner's access token."""

    base: str
    token: str
    config_dir: Path

    def api(self, method: str, path: str, data: Any = None) -> Any:
        """Call the REST API as the owner."""
        request = urllib.request.Request(
            self.base + path,
            data=None if data is None else json.dumps(data).encode(),
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
            },
            method=method,
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            return json.loads(body) if body else None

    def messages_received(self, entry_id: str) -> int:
        """How many messages a connection received, from its diagnostics download."""
        diagnostics = self.api("GET", f"/api/diagnostics/config_entry/{entry_id}")
        return int(diagnostics["data"]["statistics"]["messages_received"])

    def state(self, entity_id: str) -> str:
        """An entity's state as Home Assistant itself holds it (not the frontend).

        "missing" while the entity does not exist (yet).
        """
        try:
            return str(self.api("GET", f"/api/states/{entity_id}")["state"])
        except urllib.error.HTTPError as err:
            if err.code != HTTPStatus.NOT_FOUND:
                raise
            return "missing"


@pytest.fixture(scope="session")
def home_assistant(
    tmp_path_factory: pytest.TempPathFactory,
) -> Generator[HomeAssistantProcess]:
    """A hass process with the frontend and this integration, in a new config."""
    config_dir = tmp_path_factory.mktemp("config")
    (config_dir / "custom_components").mkdir()
    shutil.copytree(
        ROOT / "custom_components" / "websocket_client",
        config_dir / "custom_components" / "websocket_client",
    )
    # Where the automation editor saves, as in a new installation
    (config_dir / "automations.yaml").write_text("[]\n")
    port = free_port()
    (config_dir / "configuration.yaml").write_text(
        f"""
homeassistant:
  name: Home
  time_zone: UTC
  country: US
  currency: USD
  unit_system: metric
http:
  server_host: 127.0.0.1
  server_port: {port}
frontend:
config:
repairs:
automation: !include automations.yaml
logger:
  default: warning
"""
    )
    log = (config_dir / "hass.log").open("w")
    process = subprocess.Popen(
        hass_command(config_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=config_dir,
        env=child_environment(),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answers(f"{base}/api/onboarding"), timeout=180)
        token = onboard_owner(base, OWNER)
        post_json(f"{base}/api/onboarding/core_config", {}, token=token)
        post_json(f"{base}/api/onboarding/analytics", {}, token=token)
        post_json(
            f"{base}/api/onboarding/integration",
            {"client_id": f"{base}/", "redirect_uri": f"{base}/?auth_callback=1"},
            token=token,
        )
        yield HomeAssistantProcess(base, token, config_dir)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def journey(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Journey]:
    """A fresh Chromium profile; light unless parametrized indirectly with "dark"."""
    from .browser import open_journey  # noqa: PLC0415 - Playwright: e2e env only

    theme: str = getattr(request, "param", "light")
    with open_journey(tmp_path, theme) as journey:
        yield journey

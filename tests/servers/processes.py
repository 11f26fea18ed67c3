"""Processes the tests start: free ports; a real Home Assistant: command, onboarding.

Shared by the browser tests (tests/e2e) and the tests that use a second Home
Assistant as a WebSocket server. Standard library only: the browser tests'
environment and the test environments have different packages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import json
import os
from pathlib import Path
import socket
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

# Compiled modules of the child processes, outside every source tree
PYCACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "websocket-client"
    / "pycache"
)
_TCP_LISTEN = "0A"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def free_ports(count: int) -> list[int]:
    """`count` different free TCP ports on 127.0.0.1."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def listening_addresses(port: int) -> set[str]:
    """The local addresses on which a TCP port listens (Linux's /proc/net).

    0.0.0.0 or :: would mean every interface, beyond 127.0.0.1.
    """
    found: set[str] = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            address, local_port = fields[1].split(":")
            state = fields[3]
            if state == _TCP_LISTEN and int(local_port, 16) == port:
                raw = bytes.fromhex(address)
                # The kernel prints each 32-bit word in host (little-endian) order
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(socket.inet_ntop(family, words))
    return found


def wait_for(
    predicate: Callable[[], bool],
    timeout: float = 60,
    describe: Callable[[], str] | None = None,
) -> None:
    """Poll a condition from outside the process under test.

    On timeout, `describe` says what was seen instead, for the failure report.
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(describe() if describe else None)
        time.sleep(0.1)  # poll interval; the predicate ends the wait


def child_environment() -> dict[str, str]:
    """The environment of a Python child process, made to start fast.

    Without byte-code caching (PYTHONDONTWRITEBYTECODE) Home Assistant compiles
    its thousands of modules on every start: half a minute on two busy cores.
    Its compiled modules go to a cache of their own instead (PYTHONPYCACHEPREFIX),
    so no source tree gets __pycache__ directories. pytest-cov's settings are
    left out: the child runs none of the integration's code.
    """
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("COV_CORE_")
    }
    if environment.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        environment.setdefault("PYTHONPYCACHEPREFIX", str(PYCACHE))
    return environment


def hass_command(config_dir: Path) -> list[str]:
    """The command that runs this environment's Home Assistant on a configuration.

    Run it in `config_dir`: `python -m` puts the working directory first on
    sys.path, where a custom_components package would shadow the configuration's.
    """
    return [
        sys.executable,
        "-m",
        "homeassistant",
        "--config",
        str(config_dir),
        "--skip-pip",
    ]


def post_json(
    url: str, data: Mapping[str, Any], *, form: bool = False, token: str = ""
) -> Any:
    """POST JSON (or a form) and return the JSON answer."""
    body = urllib.parse.urlencode(data).encode() if form else json.dumps(data).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded"
        if form
        else "application/json"
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    # Only the http://127.0.0.1 URLs the tests build
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read() or b"null")


def answers(url: str) -> bool:
    """Whether a GET of `url` succeeds."""
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def onboard_owner(base: str, owner: Mapping[str, str]) -> str:
    """Create the owner of a new Home Assistant at `base`; their access token.

    `owner` has name, username and password. Only the onboarding's first
    step: the rest (location, analytics, integrations) is the caller's choice.
    """
    client = {"client_id": f"{base}/"}
    created = post_json(
        f"{base}/api/onboarding/users", {**client, **owner, "language": "en"}
    )
    tokens = post_json(
        f"{base}/auth/token",
        {"grant_type": "authorization_code", "code": created["auth_code"], **client},
        form=True,
    )
    token: str = tokens["access_token"]
    return token


async def stop_process(
    process: asyncio.subprocess.Process | None, timeout: float
) -> None:
    """SIGTERM and wait, so the process can save what it holds; SIGKILL if it hangs."""
    if process is None or process.returncode is not None:
        return
    process.terminate()
    try:
        async with asyncio.timeout(timeout):
            await process.wait()
    except TimeoutError:
        process.kill()
        await process.wait()

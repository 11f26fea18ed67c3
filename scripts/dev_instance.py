"""First-start set-up of the development instance that scripts/develop runs.

Talks to Home Assistant's own HTTP APIs on 127.0.0.1, the way the frontend does:

  wait                 until Home Assistant answers (or the timeout passes)
  create-user          onboarding's first step: the development login (exit 3 when
                       onboarding was already past it)
  finish-onboarding    marks the remaining onboarding steps done in .storage while
                       Home Assistant is stopped (see below)
  add-demo             adds the demo connection through the config flow, once

Onboarding's core_config step would start config flows for google_translate, met,
radio_browser and shopping_list, whose requirements the development environment does
not have (and two of which reach the internet): a newcomer would see their
tracebacks. Marking the steps done in onboarding's store, which Home Assistant reads
when it starts, gives the same onboarded instance without them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
from pathlib import Path
import sys
import time
from typing import Any
import urllib.parse

DEV_USER = {"name": "Developer", "username": "dev", "password": "dev"}
DEMO_REASON = (
    "Development demo: the server pushes a temperature every 5 seconds, has a "
    "switch, and echoes what it receives."
)
ALREADY_ONBOARDED = 3


class HttpStatusError(RuntimeError):
    """A non-2xx answer."""

    def __init__(self, status: int, message: str) -> None:
        """Keep the status for callers that expect some."""
        super().__init__(message)
        self.status = status


class HomeAssistantClient:
    """Plain HTTP calls to one Home Assistant on 127.0.0.1."""

    def __init__(self, port: int) -> None:
        """Talk to http://127.0.0.1:PORT."""
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.client_id = f"{self.base}/"

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        token: str = "",
        form: bool = False,
    ) -> Any:
        """One request; the decoded JSON answer. Raises on a non-2xx status."""
        headers = {}
        payload = None
        if body is not None:
            if form:
                payload = urllib.parse.urlencode(body).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                payload = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        if not 200 <= response.status < 300:
            message = f"{method} {path}: HTTP {response.status} {data[:300]!r}"
            raise HttpStatusError(response.status, message)
        return json.loads(data) if data else None

    def answers(self) -> bool:
        """Whether Home Assistant's HTTP server answers (it listens once started)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            # Any answer will do: once onboarded, /api/onboarding is a 404.
            connection.request("GET", "/api/onboarding")
            connection.getresponse().read()
        except OSError:
            return False
        finally:
            connection.close()
        return True

    def token_for_code(self, code: str) -> str:
        """An access token for an authorization code."""
        tokens = self.call(
            "POST",
            "/auth/token",
            {
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            },
            form=True,
        )
        return str(tokens["access_token"])

    def login(self, username: str, password: str) -> str:
        """Log in through the login flow, as the frontend does; an access token."""
        flow = self.call(
            "POST",
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.base}/?auth_callback=1",
            },
        )
        result = self.call(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            {"username": username, "password": password, "client_id": self.client_id},
        )
        if result.get("type") != "create_entry":
            message = f"login as {username!r} failed: {result.get('errors')}"
            raise RuntimeError(message)
        return self.token_for_code(str(result["result"]))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait(client: HomeAssistantClient, timeout: float, pid: int | None) -> int:
    """Poll until Home Assistant answers; give up early when its process ended."""
    deadline = time.monotonic() + timeout
    while not client.answers():
        if pid is not None and not _running(pid):
            print("Home Assistant stopped before it answered")
            return 1
        if time.monotonic() > deadline:
            print(f"Home Assistant did not answer on {client.base} in {timeout:.0f} s")
            return 1
        time.sleep(0.5)
    return 0


def create_user(client: HomeAssistantClient) -> int:
    """Onboarding's user step with the development login."""
    try:
        steps = client.call("GET", "/api/onboarding")
    except HttpStatusError as err:
        # Home Assistant serves onboarding's views only until it is onboarded.
        if err.status == 404:
            return ALREADY_ONBOARDED
        raise
    if any(step["step"] == "user" and step["done"] for step in steps):
        return ALREADY_ONBOARDED
    client.call(
        "POST",
        "/api/onboarding/users",
        {**DEV_USER, "language": "en", "client_id": client.client_id},
    )
    print(f"Created the development login {DEV_USER['username']!r}")
    return 0


def finish_onboarding(config_dir: Path) -> int:
    """Mark every onboarding step done in the store (Home Assistant is stopped)."""
    store = config_dir / ".storage" / "onboarding"
    content = json.loads(store.read_text())
    done: list[str] = content["data"]["done"]
    # The steps Home Assistant itself defines, so a new release's steps are included.
    from homeassistant.components.onboarding.const import (  # noqa: PLC0415
        STEPS,
    )

    content["data"]["done"] = done + [step for step in STEPS if step not in done]
    store.write_text(json.dumps(content, indent=4))
    print(f"Onboarding marked done: {', '.join(content['data']['done'])}")
    return 0


def add_demo(client: HomeAssistantClient, demo_url: str) -> int:
    """Add the demo connection through the config flow; it waits for consent."""
    token = client.login(DEV_USER["username"], DEV_USER["password"])
    entries = client.call(
        "GET", "/api/config/config_entries/entry?domain=websocket_client", token=token
    )
    if entries:
        print("A WebSocket Client connection exists already; no demo added")
        return 0
    flow = client.call(
        "POST",
        "/api/config/config_entries/flow",
        {"handler": "websocket_client", "show_advanced_options": False},
        token=token,
    )
    result = client.call(
        "POST",
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        {"name": "Demo server", "url": demo_url, "access_reason": DEMO_REASON},
        token=token,
    )
    if result.get("type") != "create_entry":
        print(f"Adding the demo connection failed: {result.get('errors')}")
        return 1
    print(f"Added the demo connection to {demo_url}; it waits for approval")
    return 0


def main() -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8123)
    commands = parser.add_subparsers(dest="command", required=True)
    waiting = commands.add_parser("wait")
    waiting.add_argument("--timeout", type=float, default=300)
    waiting.add_argument("--pid", type=int, help="Home Assistant's process")
    commands.add_parser("create-user")
    commands.add_parser("finish-onboarding").add_argument("config_dir", type=Path)
    commands.add_parser("add-demo").add_argument("demo_url")
    args = parser.parse_args()
    client = HomeAssistantClient(args.port)
    if args.command == "wait":
        return wait(client, args.timeout, args.pid)
    if args.command == "create-user":
        return create_user(client)
    if args.command == "finish-onboarding":
        return finish_onboarding(args.config_dir)
    return add_demo(client, args.demo_url)


if __name__ == "__main__":
    sys.exit(main())

"""A second Home Assistant, run by a test, as a WebSocket server (its own API).

The test environment's own `hass` on a configuration of its own, onboarded
through the REST API, with a long-lived access token (made over the WebSocket
API) that outlives restarts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any, Final

import aiohttp

from .processes import (
    child_environment,
    hass_command,
    onboard_owner,
    stop_process,
)

SERVER_CONFIGURATION: Final = """\
homeassistant:
  name: Server
  time_zone: UTC
  country: US
  currency: USD
  unit_system: metric
http:
  server_host: 127.0.0.1
  server_port: {port}
api:
onboarding:
websocket_api:
logger:
  default: warning
"""
# Home Assistant falls back to recovery mode, without the API, when `frontend`
# does not set up, and the test environments lack its package
# (home-assistant-frontend): an empty integration of that name stands in.
NO_FRONTEND_MANIFEST: Final = {
    "domain": "frontend",
    "name": "No frontend (tests)",
    "version": "1.0.0",
}
NO_FRONTEND_MODULE: Final = '''\
"""Stands in for the frontend, which the test environments do not have."""


async def async_setup(hass, config):
    return True
'''
OWNER: Final = {"name": "Server Owner", "username": "owner", "password": "Passw0rd!"}
# Compiling on a busy machine without a byte-code cache takes most of it
START_TIMEOUT: Final = 180.0
STOP_TIMEOUT: Final = 30.0


class WebSocketAPIError(Exception):
    """The server's WebSocket API answered something unexpected."""


async def receive_json(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    """The next message, which must be a JSON object."""
    message = await ws.receive(timeout=30)
    if message.type is not aiohttp.WSMsgType.TEXT:
        raise WebSocketAPIError(f"not a text message: {message!r}")
    value = json.loads(message.data)
    if not isinstance(value, dict):
        raise WebSocketAPIError(f"not a JSON object: {message.data}")
    return value


async def log_in(ws: aiohttp.ClientWebSocketResponse, token: str) -> None:
    """Authenticate a new WebSocket API connection."""
    required = await receive_json(ws)
    if required.get("type") != "auth_required":
        raise WebSocketAPIError(f"no auth_required: {required}")
    await ws.send_json({"type": "auth", "access_token": token})
    answer = await receive_json(ws)
    if answer.get("type") != "auth_ok":
        raise WebSocketAPIError(f"login refused: {answer}")


async def command(
    ws: aiohttp.ClientWebSocketResponse, message_id: int, **fields: Any
) -> Any:
    """Run one command on a logged-in connection; its result."""
    await ws.send_json({"id": message_id, **fields})
    answer = await receive_json(ws)
    if answer.get("id") != message_id or not answer.get("success"):
        raise WebSocketAPIError(f"command failed: {answer}")
    return answer["result"]


@dataclass
class HomeAssistantServer:
    """A Home Assistant process serving on 127.0.0.1:`port` from `config_dir`."""

    config_dir: Path
    port: int
    # A long-lived access token of the owner, set by the first start
    token: str = ""
    process: asyncio.subprocess.Process | None = None

    @property
    def base(self) -> str:
        """The HTTP base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The WebSocket API."""
        return f"ws://127.0.0.1:{self.port}/api/websocket"

    async def start(self) -> None:
        """Start; the first start also onboards and makes the token."""
        first = not (self.config_dir / "configuration.yaml").exists()
        if first:
            self._write_configuration()
        with (self.config_dir / "console.log").open("ab") as console:
            self.process = await asyncio.create_subprocess_exec(
                *hass_command(self.config_dir),
                stdout=console,
                stderr=console,
                cwd=self.config_dir,
                env=child_environment(),
            )
        async with asyncio.timeout(START_TIMEOUT):
            if first:
                await self._poll(self._onboarding_answers)
                access_token = await asyncio.to_thread(onboard_owner, self.base, OWNER)
                self.token = await self._long_lived_token(access_token)
            # Until then SIGTERM would kill it before it saves anything
            await self._poll(self._running)

    async def stop(self) -> None:
        """Stop; it saves its storage first."""
        await stop_process(self.process, STOP_TIMEOUT)

    async def restart(self) -> None:
        """Stop, and start again on the same configuration and port."""
        await self.stop()
        await self.start()

    async def fire_event(self, event_type: str, data: dict[str, Any]) -> None:
        """Fire an event on the server's bus, through its REST API."""
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{self.base}/api/events/{event_type}",
                json=data,
                headers={"Authorization": f"Bearer {self.token}"},
            ) as response,
        ):
            response.raise_for_status()

    def log(self) -> str:
        """What the server printed (startup errors land here first)."""
        return (self.config_dir / "console.log").read_text()

    def _write_configuration(self) -> None:
        frontend = self.config_dir / "custom_components" / "frontend"
        frontend.mkdir(parents=True)
        (frontend / "manifest.json").write_text(json.dumps(NO_FRONTEND_MANIFEST))
        (frontend / "__init__.py").write_text(NO_FRONTEND_MODULE)
        (self.config_dir / "configuration.yaml").write_text(
            SERVER_CONFIGURATION.format(port=self.port)
        )

    async def _poll(self, ready: Callable[[], Awaitable[bool]]) -> None:
        while not await ready():
            if self.process is None or self.process.returncode is not None:
                raise RuntimeError(f"Home Assistant exited:\n{self.log()}")
            await asyncio.sleep(0.1)  # poll interval; readiness ends the wait

    async def _get(self, path: str, token: str = "") -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"{self.base}{path}", headers=headers) as response,
            ):
                if response.status != 200:
                    return None
                return await response.json()
        except aiohttp.ClientError:
            return None

    async def _onboarding_answers(self) -> bool:
        return await self._get("/api/onboarding") is not None

    async def _running(self) -> bool:
        config = await self._get("/api/config", self.token)
        return config is not None and config.get("state") == "RUNNING"

    async def _long_lived_token(self, access_token: str) -> str:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(self.url) as ws,
        ):
            await log_in(ws, access_token)
            token: str = await command(
                ws,
                1,
                type="auth/long_lived_access_token",
                client_name="websocket_client tests",
                lifespan=1,
            )
            return token

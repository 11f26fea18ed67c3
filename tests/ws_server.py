"""A real aiohttp WebSocket server on 127.0.0.1 that records what clients do."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web


@dataclass
class ReceivedFrame:
    """One frame as the server saw it."""

    type: WSMsgType
    data: str | bytes


@dataclass
class RecordingWebSocketServer:
    """Counts handshakes, records frames and close codes, pushes on demand."""

    handshakes: int = 0
    request_paths: list[str] = field(default_factory=list)
    frames: list[ReceivedFrame] = field(default_factory=list)
    client_close_codes: list[int | None] = field(default_factory=list)
    clients: list[web.WebSocketResponse] = field(default_factory=list)
    autoping: bool = True
    port: int = 0
    _runner: web.AppRunner | None = None
    _stopping: bool = False

    @property
    def url(self) -> str:
        """Where clients connect."""
        return f"ws://127.0.0.1:{self.port}/ws"

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._handle)
        self._stopping = False
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        server = site._server
        assert server is not None
        sockets = server.sockets  # type: ignore[attr-defined]
        self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Close every client and stop listening."""
        self._stopping = True
        for ws in list(self.clients):
            await ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.handshakes += 1
        self.request_paths.append(request.path_qs)
        ws = web.WebSocketResponse(autoping=self.autoping)
        await ws.prepare(request)
        if self._stopping:
            await ws.close(code=1001)
            return ws
        self.clients.append(ws)
        try:
            async for msg in ws:
                if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    self.frames.append(ReceivedFrame(msg.type, msg.data))
        finally:
            self.clients.remove(ws)
            self.client_close_codes.append(ws.close_code)
        return ws

    async def push_text(self, text: str) -> None:
        """Send a text frame to every connected client."""
        for ws in self.clients:
            await ws.send_str(text)

    async def push_bytes(self, data: bytes) -> None:
        """Send a binary frame to every connected client."""
        for ws in self.clients:
            await ws.send_bytes(data)

    async def close_clients(self, code: int = 1000, message: bytes = b"") -> None:
        """Close every client connection from the server side."""
        for ws in list(self.clients):
            await ws.close(code=code, message=message)


async def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for something a user or the server would see, failing after `timeout`."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)

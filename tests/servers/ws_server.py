"""A real aiohttp WebSocket server on 127.0.0.1 that records what clients do."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import ssl
import threading

from aiohttp import WSMsgType, web


@dataclass
class ReceivedFrame:
    """One frame as the server saw it."""

    type: WSMsgType
    data: str | bytes


@dataclass
class RecordingWebSocketServer:
    """Counts handshakes, records frames and close codes, pushes on demand.

    `reject_status` makes the server answer upgrades with that HTTP status;
    `replies` maps a received text to the text the server answers with.
    """

    handshakes: int = 0
    request_paths: list[str] = field(default_factory=list)
    request_headers: list[dict[str, str]] = field(default_factory=list)
    frames: list[ReceivedFrame] = field(default_factory=list)
    client_close_codes: list[int | None] = field(default_factory=list)
    clients: list[web.WebSocketResponse] = field(default_factory=list)
    autoping: bool = True
    protocols: tuple[str, ...] = ()
    reject_status: int | None = None
    reject_path_prefix: str | None = None
    close_after_frames: int | None = None
    replies: dict[str, list[str]] = field(default_factory=dict)
    ssl_context: ssl.SSLContext | None = None
    # Runs right after each upgrade, before frames are read
    on_connect: Callable[[web.WebSocketResponse], Awaitable[None]] | None = None
    port: int = 0
    _runner: web.AppRunner | None = None
    _stopping: bool = False

    @property
    def url(self) -> str:
        """Where clients connect."""
        scheme = "wss" if self.ssl_context else "ws"
        return f"{scheme}://127.0.0.1:{self.port}/ws"

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1 (or the port used before)."""
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._handle)
        self._stopping = False
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner, "127.0.0.1", self.port, ssl_context=self.ssl_context
        )
        await site.start()
        self.port = self._runner.addresses[0][1]

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
        self.request_headers.append(dict(request.headers))
        rejected_path = self.reject_path_prefix and request.path.startswith(
            self.reject_path_prefix
        )
        if self.reject_status is not None or rejected_path:
            return web.Response(status=self.reject_status or 500)
        ws = web.WebSocketResponse(autoping=self.autoping, protocols=self.protocols)
        await ws.prepare(request)
        if self._stopping:
            await ws.close(code=1001)
            return ws
        self.clients.append(ws)
        try:
            if self.on_connect is not None:
                await self.on_connect(ws)
            async for msg in ws:
                if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    self.frames.append(ReceivedFrame(msg.type, msg.data))
                    if self.close_after_frames and (
                        len(self.frames) % self.close_after_frames == 0
                    ):
                        await ws.close(code=1012, message=b"restarting")
                if msg.type is WSMsgType.TEXT:
                    for reply in self.replies.get(msg.data, []):
                        await ws.send_str(reply)
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


class ServerThread:
    """Runs a server on its own event loop, as a separate machine would.

    Needed where the server's own errors (failed TLS handshakes, aborted
    connections) must not land in Home Assistant's loop.
    """

    def __init__(self, server: RecordingWebSocketServer) -> None:
        """Prepare the loop and thread; nothing runs before start()."""
        self.server = server
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="test websocket server"
        )

    def start(self) -> None:
        """Start the loop and the server in it."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self._loop).result(5)

    def stop(self) -> None:
        """Stop the server, the loop and the thread."""
        asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

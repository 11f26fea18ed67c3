"""Demo WebSocket server for development: echoes what it receives, pushes a tick.

Run: python scripts/demo_server.py [--host 127.0.0.1] [--port 8765] [--interval 5]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
import json
import time

from aiohttp import WSMsgType, web


async def _serve_client(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    request.app["clients"].add(ws)
    print(f"client connected from {request.remote}", flush=True)
    try:
        async for msg in ws:
            if msg.type is WSMsgType.TEXT:
                print(f"received text: {msg.data}", flush=True)
                await ws.send_str(msg.data)
            elif msg.type is WSMsgType.BINARY:
                print(f"received binary: {msg.data.hex()}", flush=True)
                await ws.send_bytes(msg.data)
    finally:
        request.app["clients"].discard(ws)
        print(f"client disconnected (close code {ws.close_code})", flush=True)
    return ws


async def _push_ticks(app: web.Application, interval: float) -> None:
    seq = 0
    while True:
        await asyncio.sleep(interval)
        seq += 1
        tick = json.dumps({"type": "tick", "seq": seq, "time": time.time()})
        for ws in list(app["clients"]):
            await ws.send_str(tick)


def build_app(interval: float) -> web.Application:
    """The demo application: any path accepts a WebSocket."""
    app = web.Application()
    app["clients"] = set()
    app.router.add_get("/{tail:.*}", _serve_client)

    async def ticker(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_push_ticks(app, interval))
        yield
        task.cancel()

    app.cleanup_ctx.append(ticker)
    return app


def main() -> None:
    """Parse arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--interval", type=float, default=5.0)
    args = parser.parse_args()
    print(f"Demo WebSocket server: ws://{args.host}:{args.port}/", flush=True)
    web.run_app(build_app(args.interval), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()

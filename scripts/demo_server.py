"""Demo WebSocket server for development: a small device that talks JSON.

Every few seconds it pushes a tick with a temperature and a humidity:

    {"type": "tick", "temperature": 21.3, "humidity": 43, "seq": 3, "time": 1764.1}

It has a switch: `{"op": "on"}` or `{"op": "off"}` turns it, and every client
is then told `{"type": "switch", "state": "on"}`, as it is on connecting and,
like a device's periodic report, with every sixth tick. Everything it receives is
echoed back first, so an action's message shows up as a received one.

Run: python scripts/demo_server.py [--host 127.0.0.1] [--port 8765] [--interval 5]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
import json
import time
from typing import Any, Final

from aiohttp import WSMsgType, web

SWITCH_STATES = ("on", "off")


# Ticks between the switch's periodic state reports
SWITCH_REPORT_TICKS: Final = 6


def tick(seq: int) -> dict[str, Any]:
    """The n-th tick: readings that drift slowly, so entities have news."""
    return {
        "type": "tick",
        "temperature": round(21 + (seq % 10) / 10, 1),
        "humidity": 40 + seq % 7,
        "seq": seq,
        "time": round(time.time(), 3),
    }


def switch_command(text: str) -> str | None:
    """The state a switch command asks for ("on", "off"), or None."""
    try:
        command = json.loads(text)
    except ValueError:
        return None
    if isinstance(command, dict) and command.get("op") in SWITCH_STATES:
        return str(command["op"])
    return None


async def _broadcast(app: web.Application, message: dict[str, Any]) -> None:
    text = json.dumps(message)
    for ws in list(app["clients"]):
        await ws.send_str(text)


async def _on_text(app: web.Application, ws: web.WebSocketResponse, text: str) -> None:
    print(f"received text: {text}", flush=True)
    await ws.send_str(text)
    if (state := switch_command(text)) is not None:
        app["switch"] = state
        await _broadcast(app, {"type": "switch", "state": state})


async def _serve_client(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    app = request.app
    app["clients"].add(ws)
    print(f"client connected from {request.remote}", flush=True)
    try:
        await ws.send_str(json.dumps({"type": "switch", "state": app["switch"]}))
        async for msg in ws:
            if msg.type is WSMsgType.TEXT:
                await _on_text(app, ws, msg.data)
            elif msg.type is WSMsgType.BINARY:
                print(f"received binary: {msg.data.hex()}", flush=True)
                await ws.send_bytes(msg.data)
    finally:
        app["clients"].discard(ws)
        print(f"client disconnected (close code {ws.close_code})", flush=True)
    return ws


async def _push_ticks(app: web.Application, interval: float) -> None:
    seq = 0
    while True:
        await asyncio.sleep(interval)
        seq += 1
        await _broadcast(app, tick(seq))
        # The connection keeps only its last messages: a switch report stays
        # among them for Add entity to point at.
        if seq % SWITCH_REPORT_TICKS == 0:
            await _broadcast(app, {"type": "switch", "state": app["switch"]})


def build_app(interval: float) -> web.Application:
    """The demo application: any path accepts a WebSocket."""
    app = web.Application()
    app["clients"] = set()
    app["switch"] = "off"
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

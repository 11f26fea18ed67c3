"""The benchmark's WebSocket server, run as its own process on 127.0.0.1.

Paths:
  /flood?n=N              send N small JSON messages as fast as possible
  /steady?rate=R&seconds=S  send R stamped messages a second for S seconds
  /sink?run=K             count received messages under K (GET /stats?run=K)
  /idle                   keep the connection open, answer pings

Prints "READY" once listening. Run: python bench/server.py --port P
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
import json
import time

from aiohttp import WSMsgType, web

SAMPLE = {"v": 23.5, "id": "sensor.kitchen"}


async def _prepare(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(max_msg_size=0)
    await ws.prepare(request)
    return ws


async def flood(request: web.Request) -> web.WebSocketResponse:
    """Send n messages as fast as the socket takes them."""
    ws = await _prepare(request)
    for seq in range(int(request.query["n"])):
        await ws.send_str(json.dumps({"seq": seq, **SAMPLE}))
    async for _ in ws:
        pass
    return ws


async def steady(request: web.Request) -> web.WebSocketResponse:
    """Send stamped messages at a steady rate."""
    ws = await _prepare(request)
    rate = float(request.query["rate"])
    total = int(rate * float(request.query["seconds"]))
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2  # let the client settle first
    for seq in range(total):
        delay = start + seq / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        await ws.send_str(json.dumps({"seq": seq, "t": time.monotonic_ns(), **SAMPLE}))
    async for _ in ws:
        pass
    return ws


async def sink(request: web.Request) -> web.WebSocketResponse:
    """Count what the client sends."""
    ws = await _prepare(request)
    counter: Counter[str] = request.app["received"]
    run = request.query.get("run", "")
    async for msg in ws:
        if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
            counter[run] += 1
    return ws


async def idle(request: web.Request) -> web.WebSocketResponse:
    """Hold the connection; aiohttp answers pings."""
    ws = await _prepare(request)
    async for _ in ws:
        pass
    return ws


async def stats(request: web.Request) -> web.Response:
    """How many messages a sink run received."""
    counter: Counter[str] = request.app["received"]
    return web.json_response({"received": counter[request.query.get("run", "")]})


def build_app() -> web.Application:
    """All benchmark endpoints."""
    app = web.Application()
    app["received"] = Counter()
    app.router.add_get("/flood", flood)
    app.router.add_get("/steady", steady)
    app.router.add_get("/sink", sink)
    app.router.add_get("/idle", idle)
    app.router.add_get("/stats", stats)
    return app


async def serve(port: int) -> None:
    """Serve until killed."""
    runner = web.AppRunner(build_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, reuse_address=True).start()
    print("READY", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    """Parse the port and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()

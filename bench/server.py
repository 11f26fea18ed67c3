"""The benchmark's WebSocket server, run as its own process on 127.0.0.1.

Paths:
  /flood?n=N              send N small JSON messages as fast as possible
  /steady?rate=R&seconds=S  send R stamped messages a second for S seconds
  /burst?run=K            hold the connection; on each GET /go?run=K&n=N send N
                          messages as fast as possible, on GET
                          /go?run=K&rate=R&seconds=S stamped ones at a steady rate,
                          on GET /go?run=K&order=O&rate=R&seconds=S&sensors=N&base=B
                          the sensors feed (bench/sensor_feed.py) at a steady rate
  /sent?order=O           the rate a sensors feed reached (null until it ended)
  /sink?run=K             count received messages under K (GET /stats?run=K)
  /idle                   keep the connection open, answer pings

Prints "READY" once listening. Run: python -m bench.server --port P
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
import json
import time

from aiohttp import WSMsgType, web

from bench.sensor_feed import Pacer, payloads

SAMPLE = {"v": 23.5, "id": "sensor.kitchen"}


async def _prepare(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(max_msg_size=0)
    await ws.prepare(request)
    return ws


async def _send_flood(ws: web.WebSocketResponse, count: int) -> None:
    for seq in range(count):
        await ws.send_str(json.dumps({"seq": seq, **SAMPLE}))


async def _send_steady(ws: web.WebSocketResponse, rate: float, seconds: float) -> None:
    """Stamped messages (t: time.monotonic_ns(), the same clock in every process)."""
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2  # let the client settle first
    for seq in range(int(rate * seconds)):
        delay = start + seq / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        await ws.send_str(json.dumps({"seq": seq, "t": time.monotonic_ns(), **SAMPLE}))


async def flood(request: web.Request) -> web.WebSocketResponse:
    """Send n messages as fast as the socket takes them."""
    ws = await _prepare(request)
    await _send_flood(ws, int(request.query["n"]))
    async for _ in ws:
        pass
    return ws


async def steady(request: web.Request) -> web.WebSocketResponse:
    """Send stamped messages at a steady rate."""
    ws = await _prepare(request)
    await _send_steady(
        ws, float(request.query["rate"]), float(request.query["seconds"])
    )
    async for _ in ws:
        pass
    return ws


async def _send_sensors(
    ws: web.WebSocketResponse, query: dict[str, str], sent: dict[str, float]
) -> None:
    """The sensors feed at a steady rate; its rate reached goes to `sent`."""
    rate = float(query["rate"])
    count = int(rate * float(query["seconds"]))
    feed = payloads(count, int(query["sensors"]), float(query["base"]))
    pacer = Pacer(rate)
    for _, text in feed:
        if (delay := pacer.delay()) > 0:
            await asyncio.sleep(delay)
        await ws.send_str(text)
        pacer.sent_one()
    sent[query["order"]] = pacer.reached()


def _orders(app: web.Application, run: str) -> asyncio.Queue[dict[str, str]]:
    queues: dict[str, asyncio.Queue[dict[str, str]]] = app["orders"]
    return queues.setdefault(run, asyncio.Queue())


async def burst(request: web.Request) -> web.WebSocketResponse:
    """Hold the connection and send a burst on each order from GET /go."""
    ws = await _prepare(request)
    orders = _orders(request.app, request.query["run"])
    closed = asyncio.create_task(ws.receive())  # the client's close, or anything
    while True:
        order = asyncio.create_task(orders.get())
        await asyncio.wait({order, closed}, return_when=asyncio.FIRST_COMPLETED)
        if not order.done():
            order.cancel()
            break
        query = order.result()
        if "sensors" in query:
            await _send_sensors(ws, query, request.app["sent"])
        elif "rate" in query:
            await _send_steady(ws, float(query["rate"]), float(query["seconds"]))
        else:
            await _send_flood(ws, int(query["n"]))
    await ws.close()
    return ws


async def go(request: web.Request) -> web.Response:
    """Order a burst on the /burst connection of a run."""
    _orders(request.app, request.query["run"]).put_nowait(dict(request.query))
    return web.json_response({"ordered": True})


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


async def sent(request: web.Request) -> web.Response:
    """The rate a sensors feed reached, or null while it is being sent."""
    rates: dict[str, float] = request.app["sent"]
    return web.json_response({"rate": rates.get(request.query["order"])})


def build_app() -> web.Application:
    """All benchmark endpoints."""
    app = web.Application()
    app["received"] = Counter()
    app["orders"] = {}
    app["sent"] = {}
    app.router.add_get("/flood", flood)
    app.router.add_get("/steady", steady)
    app.router.add_get("/burst", burst)
    app.router.add_get("/go", go)
    app.router.add_get("/sink", sink)
    app.router.add_get("/idle", idle)
    app.router.add_get("/stats", stats)
    app.router.add_get("/sent", sent)
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

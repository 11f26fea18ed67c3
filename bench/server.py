"""The benchmark's WebSocket server, run as its own process on 127.0.0.1.

Paths:
  /flood?n=N&order=O      send N small JSON messages as fast as possible
  /steady?rate=R&seconds=S&order=O
                          send R stamped messages a second for S seconds
  /burst?run=K            hold the connection; on each GET /go?run=K&order=O&n=N
                          send N messages as fast as possible, on GET
                          /go?run=K&order=O&rate=R&seconds=S stamped ones at a
                          steady rate, on GET
                          /go?run=K&order=O&rate=R&seconds=S&sensors=N&base=B the
                          sensors feed (bench/sensor_feed.py) at a steady rate
  /sent?order=O           the rate order O was sent at (null until it was sent)
  /sink?run=K             count received messages under K (GET /stats?run=K)
  /idle                   keep the connection open, answer pings

The server must never be what limits a receiver, so it does no work per message
while its clock runs: every message of an order is encoded into a complete frame
first (bench/frames.py), a flood's frames are joined into large chunks, and the
chunks are written straight to the connection's transport (the frames are
whole, so aiohttp's own frames, a pong or the closing one, fall between them).
Its sending rate is the messages over the time from the first write to the last
write handed over; a steady stream's is the rate its schedule reached (see
Pacer). An order without `order` is sent the same way, its rate not kept.

Prints "READY" once listening. Run: python -m bench.server --port P
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Callable, Mapping
import time

from aiohttp import WSMsgType, web

from bench.frames import StampedFrame, flood_chunks, text_frame
from bench.sensor_feed import Pacer, payloads

type Sent = dict[str, float]


async def _prepare(request: web.Request) -> web.WebSocketResponse:
    # No compression: the frames written to the transport are plain ones.
    ws = web.WebSocketResponse(max_msg_size=0, compress=False)
    await ws.prepare(request)
    return ws


def _transport(request: web.Request) -> asyncio.Transport:
    transport = request.transport
    if transport is None:
        raise ConnectionResetError("the client went away")
    assert isinstance(transport, asyncio.Transport)
    return transport


def _write_flood(transport: asyncio.Transport, count: int) -> float:
    """Write a flood of `count` messages; its sending rate.

    The chunks go to the transport without waiting for the client to read
    them: what the socket does not take at once waits in the transport's
    buffer, which the event loop, with nothing else to do, writes on.
    """
    writes = flood_chunks(count)
    start = time.perf_counter()
    for chunk in writes:
        transport.write(chunk)
    return count / (time.perf_counter() - start)


async def _write_paced(
    transport: asyncio.Transport, count: int, rate: float, frame: Callable[[int], bytes]
) -> float:
    """Write frame(0) … frame(count - 1) at `rate` a second; the rate reached."""
    pacer = Pacer(rate)
    for seq in range(count):
        if (delay := pacer.delay()) > 0:
            await asyncio.sleep(delay)
        transport.write(frame(seq))
        pacer.sent_one()
    return pacer.reached()


async def _write_steady(
    transport: asyncio.Transport, rate: float, seconds: float
) -> float:
    """Stamped messages at a steady rate (see StampedFrame); the rate reached."""
    frames = [StampedFrame(seq) for seq in range(int(rate * seconds))]
    return await _write_paced(
        transport, len(frames), rate, lambda seq: frames[seq].stamped()
    )


async def _write_sensors(
    transport: asyncio.Transport, query: Mapping[str, str]
) -> float:
    """The sensors feed at a steady rate; the rate reached."""
    rate = float(query["rate"])
    count = int(rate * float(query["seconds"]))
    feed = payloads(count, int(query["sensors"]), float(query["base"]))
    frames = [text_frame(text) for _, text in feed]
    return await _write_paced(transport, count, rate, frames.__getitem__)


async def _send_order(
    transport: asyncio.Transport, query: Mapping[str, str], sent: Sent
) -> None:
    """Send what an order asks for; its rate goes to `sent` under its name."""
    if "sensors" in query:
        rate = await _write_sensors(transport, query)
    elif "rate" in query:
        rate = await _write_steady(
            transport, float(query["rate"]), float(query["seconds"])
        )
    else:
        rate = _write_flood(transport, int(query["n"]))
    if "order" in query:
        sent[query["order"]] = rate


async def _until_closed(ws: web.WebSocketResponse) -> None:
    """Read until the client closes (aiohttp answers its pings and its close)."""
    async for _ in ws:
        pass


async def on_connect(request: web.Request) -> web.WebSocketResponse:
    """/flood and /steady: send the order the URL carries, then wait for the close."""
    ws = await _prepare(request)
    await _send_order(_transport(request), request.query, request.app["sent"])
    await _until_closed(ws)
    return ws


def _orders(app: web.Application, run: str) -> asyncio.Queue[dict[str, str]]:
    queues: dict[str, asyncio.Queue[dict[str, str]]] = app["orders"]
    return queues.setdefault(run, asyncio.Queue())


async def burst(request: web.Request) -> web.WebSocketResponse:
    """Hold the connection and send what each order from GET /go asks for."""
    ws = await _prepare(request)
    orders = _orders(request.app, request.query["run"])
    closed = asyncio.create_task(ws.receive())  # the client's close, or anything
    while True:
        order = asyncio.create_task(orders.get())
        await asyncio.wait({order, closed}, return_when=asyncio.FIRST_COMPLETED)
        if not order.done():
            order.cancel()
            break
        await _send_order(_transport(request), order.result(), request.app["sent"])
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
    await _until_closed(ws)
    return ws


async def stats(request: web.Request) -> web.Response:
    """How many messages a sink run received."""
    counter: Counter[str] = request.app["received"]
    return web.json_response({"received": counter[request.query.get("run", "")]})


async def sent(request: web.Request) -> web.Response:
    """The rate an order was sent at, or null until it was sent."""
    rates: Sent = request.app["sent"]
    return web.json_response({"rate": rates.get(request.query["order"])})


def build_app() -> web.Application:
    """All benchmark endpoints."""
    app = web.Application()
    app["received"] = Counter()
    app["orders"] = {}
    app["sent"] = {}
    app.router.add_get("/flood", on_connect)
    app.router.add_get("/steady", on_connect)
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

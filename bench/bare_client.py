"""The out-of-process baseline: a bare aiohttp client, its own process and loop.

Receives `count` messages from a benchmark server URL, json.loads each, and
prints one JSON line: the rate from the first message to the last and, for
stamped messages, the delay percentiles from the server's send to here.

Run: python -m bench.bare_client --url URL --count N
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

import aiohttp


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values lie."""
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


async def receive(url: str, count: int) -> dict[str, Any]:
    """Receive and parse `count` messages."""
    delays: list[float] = []
    first = last = 0.0
    seen = 0
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(url, max_msg_size=0)
        async for msg in ws:
            parsed = json.loads(msg.data)
            last = time.perf_counter()
            if "t" in parsed:
                delays.append((time.monotonic_ns() - parsed["t"]) / 1e6)
            if seen == 0:
                first = last
            seen += 1
            if seen == count:
                break
        await ws.close()
    result: dict[str, Any] = {
        "received": seen,
        "rate": (seen - 1) / (last - first) if seen > 1 and last > first else None,
    }
    if delays:
        result |= {
            "p50": percentile(delays, 0.5),
            "p99": percentile(delays, 0.99),
            "max": max(delays),
        }
    return result


def main() -> None:
    """Parse the arguments, receive, print the result."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--count", type=int, required=True)
    arguments = parser.parse_args()
    print(json.dumps(asyncio.run(receive(arguments.url, arguments.count))), flush=True)


if __name__ == "__main__":
    main()

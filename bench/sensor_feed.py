"""The messages of the sensors benchmark, the same for every generator.

The WebSocket server (bench/server.py) and the MQTT publisher (bench/mqtt_peer.py)
both send this feed, so the 100 sensors of each side get the same values in the
same order. Message `seq` goes to sensor `seq % sensors`; that sensor's `round`
is `seq // sensors`. Its temperature changes on round 0 (from the previous run's
values, which are all below `base`) and then on every odd round, so with an even
number of rounds each sensor's last message is a change, and the number of
changed values is known exactly (`changed_values`).

Plain Python: the generators run it in their own processes.
"""

from __future__ import annotations

import json
import time

# Each round of every sensor raises the value by this much at most
STEP = 0.5


def sensor_id(index: int) -> str:
    """The id a sensor's messages carry (the WebSocket side's `match`)."""
    return f"s{index:03d}"


def temperature(base: float, round_number: int) -> float:
    """A sensor's value in a round: the same on rounds 2k-1 and 2k."""
    return base + STEP * ((round_number + 1) // 2)


def payloads(count: int, sensors: int, base: float) -> list[tuple[str, str]]:
    """(sensor id, JSON text) of every message of a run, in sending order."""
    feed = []
    for seq in range(count):
        sensor = sensor_id(seq % sensors)
        value = temperature(base, seq // sensors)
        message = {"id": sensor, "seq": seq, "data": {"temperature": value}}
        feed.append((sensor, json.dumps(message)))
    return feed


def changed_values(count: int, sensors: int, base: float) -> int:
    """How many messages carry a value their sensor did not have before.

    Every sensor starts a run with a value below `base` (or none).
    """
    changed = 0
    for index in range(sensors):
        rounds = range(index, count, sensors)
        values = [temperature(base, seq // sensors) for seq in rounds]
        changed += sum(
            1 for n, value in enumerate(values) if n == 0 or value != values[n - 1]
        )
    return changed


def last_value(count: int, sensors: int, base: float) -> float:
    """The highest value of a run (the next run's base must be above it)."""
    return temperature(base, (count - 1) // sensors)


class Pacer:
    """When each message of a steady stream is due, and the rate reached.

    Message n is due `n / rate` seconds after the start, a moment from now
    (the receiver settles first); a late one is sent at once, to catch up.
    """

    def __init__(self, rate: float) -> None:
        """Start the schedule."""
        self.rate = rate
        self.start = time.monotonic() + 0.2
        self.sent = 0
        self.first = self.last = 0.0

    def delay(self) -> float:
        """Seconds until the next message is due (≤ 0: now)."""
        return self.start + self.sent / self.rate - time.monotonic()

    def sent_one(self) -> None:
        """Note that a message left."""
        self.last = time.monotonic()
        if self.sent == 0:
            self.first = self.last
        self.sent += 1

    def reached(self) -> float:
        """(messages - 1) / (last send - first send): `rate` when all were on time."""
        if self.last <= self.first:
            return float("nan")
        return (self.sent - 1) / (self.last - self.first)

"""The statistics behind the diagnostic sensors: counts, and their paced updates.

What the sensors show of them is in test_sensor.py; here the counting, and
that a burst of messages wakes the sensors once per interval, not per message.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from homeassistant.util import dt as dt_util
import pytest

from custom_components.websocket_client import statistics
from custom_components.websocket_client.statistics import ClientStatistics
from tests.helpers import wait_until

# Short enough to wait for, long enough for a burst to fall within it
INTERVAL = 0.05


@pytest.fixture(autouse=True)
def short_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    """Updates follow counts within INTERVAL instead of a second."""
    monkeypatch.setattr(statistics, "STATISTICS_INTERVAL", INTERVAL)


def counted(stats: ClientStatistics) -> list[tuple[int, int, float | None]]:
    """What the listeners saw each time they were told: received, sent, round trip."""
    seen: list[tuple[int, int, float | None]] = []
    stats.listeners.add(
        lambda: seen.append(
            (stats.messages_received, stats.messages_sent, stats.heartbeat_round_trip)
        )
    )
    return seen


async def wait_one_interval() -> None:
    """Until a witness scheduled now has been told: a full interval has passed."""
    witness = ClientStatistics(asyncio.get_running_loop())
    told = counted(witness)
    witness.count_received()
    await wait_until(lambda: bool(told))


async def test_a_burst_is_reported_once_with_all_of_it() -> None:
    """A hundred counts in one interval: one update, showing all of them."""
    stats = ClientStatistics(asyncio.get_running_loop())
    seen = counted(stats)
    for _ in range(60):
        stats.count_received()
    for _ in range(40):
        stats.count_sent()
    stats.set_round_trip(0.012)
    await wait_until(lambda: bool(seen))
    await wait_one_interval()
    assert seen == [(60, 40, 0.012)]

    stats.count_sent()
    await wait_until(lambda: len(seen) == 2)
    assert seen[1] == (60, 41, 0.012)


async def test_a_cancelled_update_never_comes() -> None:
    """The entry unloads: the pending update is dropped."""
    stats = ClientStatistics(asyncio.get_running_loop())
    seen = counted(stats)
    stats.count_received()
    stats.cancel()
    await wait_one_interval()
    assert seen == []
    assert stats.messages_received == 1


async def test_connects_and_reconnects() -> None:
    """The first connection is no reconnect; each later one is."""
    stats = ClientStatistics(asyncio.get_running_loop())
    assert (stats.connects, stats.reconnects, stats.last_connected) == (0, 0, None)
    before = dt_util.utcnow()
    stats.count_connect()
    assert (stats.connects, stats.reconnects) == (1, 0)
    assert stats.last_connected is not None
    assert before <= stats.last_connected <= dt_util.utcnow()
    assert stats.last_connected.utcoffset() == timedelta(0)
    stats.count_connect()
    stats.count_connect()
    assert (stats.connects, stats.reconnects) == (3, 2)

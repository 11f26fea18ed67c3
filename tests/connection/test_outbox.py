"""The send queue on its own, on a real event loop: bounds, order, expiry, drops."""

from __future__ import annotations

import asyncio

import pytest

from custom_components.websocket_client.connection.outbox import (
    Outbox,
    OutboxFullError,
    QueuedMessage,
)
from tests.helpers import wait_until


class Drops:
    """Records every reported drop as (payload, reason)."""

    def __init__(self) -> None:
        """Nothing dropped yet."""
        self.seen: list[tuple[str | bytes, str]] = []

    def __call__(self, message: QueuedMessage, reason: str) -> None:
        """Record one drop."""
        self.seen.append((message.payload, reason))


class GatedSend:
    """A send that blocks until released, then records the payload."""

    def __init__(self) -> None:
        """Closed, nothing sent."""
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.sent: list[str | bytes] = []

    async def __call__(self, payload: str | bytes) -> None:
        """Wait at the gate, then count the payload as sent."""
        self.started.set()
        await self.release.wait()
        self.sent.append(payload)


def outbox(max_size: int = 10, max_age: float = 60) -> tuple[Outbox, Drops]:
    """An outbox on the running loop and what it reports."""
    drops = Drops()
    return Outbox(asyncio.get_running_loop(), max_size, max_age, drops), drops


async def test_size_limit() -> None:
    """A full outbox refuses the next message and keeps what it has."""
    box, drops = outbox(max_size=2)
    box.put("a")
    box.put(b"b")
    with pytest.raises(OutboxFullError):
        box.put("c")
    assert len(box) == 2
    assert drops.seen == []
    box.drop_all("test over")


async def test_flush_sends_in_order_and_empties() -> None:
    """Text and binary go out first in, first out."""
    box, drops = outbox()
    for payload in ("one", b"two", "three"):
        box.put(payload)
    sent: list[str | bytes] = []

    async def send(payload: str | bytes) -> None:
        sent.append(payload)

    await box.flush(send)
    assert sent == ["one", b"two", "three"]
    assert len(box) == 0
    assert drops.seen == []


async def test_flush_stops_at_the_first_failure_and_keeps_the_rest() -> None:
    """The failed message stays first; the next flush resumes with it."""
    box, _ = outbox()
    for payload in ("a", "b", "c"):
        box.put(payload)
    sent: list[str | bytes] = []

    async def send_twice_then_fail(payload: str | bytes) -> None:
        if len(sent) == 1:
            raise ConnectionError("connection dropped")
        sent.append(payload)

    with pytest.raises(ConnectionError):
        await box.flush(send_twice_then_fail)
    assert sent == ["a"]
    assert len(box) == 2

    async def send(payload: str | bytes) -> None:
        sent.append(payload)

    await box.flush(send)
    assert sent == ["a", "b", "c"]
    assert len(box) == 0


async def test_a_second_flush_while_flushing_does_nothing() -> None:
    """Only one flush runs: nothing is sent twice."""
    box, _ = outbox()
    box.put("a")
    box.put("b")
    send = GatedSend()
    first = asyncio.create_task(box.flush(send))
    await send.started.wait()
    await box.flush(send)  # returns at once
    assert send.sent == []
    send.release.set()
    await first
    assert send.sent == ["a", "b"]


async def test_expiry_drops_and_reports_oldest_first() -> None:
    """Messages older than the maximum age are reported as expired, in order."""
    box, drops = outbox(max_age=0.1)
    box.put("old")
    box.put(b"older?")
    await wait_until(lambda: len(drops.seen) == 2)
    assert drops.seen == [("old", "expired"), (b"older?", "expired")]
    assert len(box) == 0


async def test_expired_messages_are_not_flushed() -> None:
    """A flush after the maximum age sends nothing old."""
    box, drops = outbox(max_age=0.1)
    box.put("stale")
    await wait_until(lambda: len(drops.seen) == 1)
    box.put("fresh")
    sent: list[str | bytes] = []

    async def send(payload: str | bytes) -> None:
        sent.append(payload)

    await box.flush(send)
    assert sent == ["fresh"]


async def test_put_drops_what_expired_meanwhile() -> None:
    """A put first drops expired messages, so they do not count against the size."""
    box, drops = outbox(max_size=1, max_age=0.1)
    box.put("first")
    # The expiry timer and a later put both drop it; whichever comes first.
    await wait_until(lambda: len(drops.seen) == 1)
    box.put("second")
    assert len(box) == 1
    assert drops.seen == [("first", "expired")]
    box.drop_all("test over")


async def test_drop_all_reports_every_message_with_the_reason() -> None:
    """drop_all reports each waiting message once and cancels the expiry timer."""
    box, drops = outbox(max_age=0.1)
    box.put("a")
    box.put(b"b")
    box.drop_all("unloaded")
    assert drops.seen == [("a", "unloaded"), (b"b", "unloaded")]
    assert len(box) == 0
    # A later message expires on its own timer; nothing reported twice.
    box.put("c")
    await wait_until(lambda: len(drops.seen) == 3)
    assert drops.seen[2] == ("c", "expired")


async def test_expiry_waits_while_a_flush_is_running() -> None:
    """The expiry timer does not pull a message from under a running flush."""
    box, drops = outbox(max_age=0.1)
    box.put("in flight")
    send = GatedSend()
    flush = asyncio.create_task(box.flush(send))
    await send.started.wait()
    # A witness queued later with the same age limit expires first: then the
    # message in flight is past its deadline too, and must still be there.
    witness, witness_drops = outbox(max_age=0.1)
    witness.put("witness")
    await wait_until(lambda: len(witness_drops.seen) == 1)
    assert drops.seen == []
    send.release.set()
    await flush
    assert send.sent == ["in flight"]
    assert drops.seen == []


async def test_expiry_during_a_stuck_flush_does_not_spin() -> None:
    """A message passing its age while a send hangs arms no timer until the end.

    Counted, not timed: the expiry callback runs once, however long the flush.
    """
    box, drops = outbox(max_age=0.05)
    expiries = 0
    on_expiry = box._on_expiry

    def counting_expiry() -> None:
        nonlocal expiries
        expiries += 1
        on_expiry()

    box._on_expiry = counting_expiry  # type: ignore[method-assign]
    box.put("stuck")
    send = GatedSend()
    flush = asyncio.create_task(box.flush(send))
    await wait_until(lambda: expiries == 1)
    # Twenty later timers of the loop fire meanwhile: a spinning expiry timer
    # would have run again before each of them.
    ticks = 0
    loop = asyncio.get_running_loop()

    def tick() -> None:
        nonlocal ticks
        ticks += 1
        if ticks < 20:
            loop.call_later(0.005, tick)

    tick()
    await wait_until(lambda: ticks == 20)
    assert expiries == 1
    send.release.set()
    await flush
    assert send.sent == ["stuck"]
    assert len(box) == 0
    assert drops.seen == []

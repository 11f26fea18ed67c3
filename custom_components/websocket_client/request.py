"""Request/response: matching received messages to pending `request` actions."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import json
from typing import Any

from .const import ATTR_DATA_BASE64, ATTR_JSON, ATTR_TEXT, ATTR_TYPE
from .message import MessageFanout, ReceivedMessage
from .message_filter import MessageFilter


class ReplyLostError(Exception):
    """The connection closed while a request waited for its reply."""


class RequestIds:
    """Request ids of one entry: whole numbers that only grow.

    Never reused, not even across reconnects, and always above the ids of the
    on-connect messages, which servers such as Home Assistant's count too.
    """

    def __init__(self) -> None:
        """Start below the first id."""
        self._last = 0
        # The highest on-connect id per key, for the on-connect messages in use:
        # parsed once per options change, not per request.
        self._on_connect: tuple[str | bytes, ...] = ()
        self._floors: dict[str, int] = {}

    def next_id(self, on_connect: tuple[str | bytes, ...], id_key: str) -> int:
        """A fresh id for a request whose id goes under `id_key`."""
        if on_connect is not self._on_connect:
            self._on_connect, self._floors = on_connect, {}
        if id_key not in self._floors:
            self._floors[id_key] = _highest_id(on_connect, id_key)
        self._last = max(self._last, self._floors[id_key]) + 1
        return self._last


def _highest_id(payloads: tuple[str | bytes, ...], id_key: str) -> int:
    highest = 0
    for payload in payloads:
        try:
            value = json.loads(payload)
        except ValueError:
            continue
        if isinstance(value, dict) and type(found := value.get(id_key)) is int:
            highest = max(highest, found)
    return highest


@dataclass(slots=True)
class PendingRequest:
    """A request waiting for its reply."""

    matcher: MessageFilter
    reply: asyncio.Future[dict[str, Any]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class PendingRequests:
    """Pending requests of one entry, oldest first; each reply goes to one request.

    Subscribed to the entry's messages only while a request waits.
    """

    def __init__(self, messages: MessageFanout) -> None:
        """Start with nothing pending."""
        self._messages = messages
        self._pending: list[PendingRequest] = []
        self._unsubscribe: Callable[[], None] | None = None

    async def async_request(
        self,
        send: Callable[[str | bytes], Awaitable[None]],
        payload: str | bytes,
        matcher: MessageFilter,
        reply_timeout: float,
    ) -> dict[str, Any]:
        """Send `payload`, then wait for the first message `matcher` accepts."""
        # Registered before sending: a fast server may answer before send returns.
        request = self.add(matcher)
        try:
            await send(payload)
            async with asyncio.timeout(reply_timeout):
                return await request.reply
        finally:
            self.discard(request)

    def add(self, matcher: MessageFilter) -> PendingRequest:
        """Wait for a reply matching `matcher`."""
        request = PendingRequest(matcher)
        self._pending.append(request)
        if self._unsubscribe is None:
            self._unsubscribe = self._messages.subscribe(self._offer)
        return request

    def discard(self, request: PendingRequest) -> None:
        """Stop waiting (done, timed out or cancelled)."""
        if request in self._pending:
            self._pending.remove(request)
        self._unsubscribe_if_idle()

    def _offer(self, message: ReceivedMessage) -> None:
        """Hand a received message to the oldest request it answers."""
        for request in self._pending:
            if not request.reply.done() and request.matcher.matches(message):
                request.reply.set_result(
                    {
                        ATTR_TYPE: message.type,
                        ATTR_TEXT: message.text,
                        ATTR_JSON: message.json,
                        ATTR_DATA_BASE64: message.data_base64,
                    }
                )
                self._pending.remove(request)
                break
        self._unsubscribe_if_idle()

    def fail_all(self) -> None:
        """The connection ended: no reply can come any more."""
        for request in self._pending:
            if not request.reply.done():
                request.reply.set_exception(ReplyLostError())
        self._pending.clear()
        self._unsubscribe_if_idle()

    def _unsubscribe_if_idle(self) -> None:
        if not self._pending and self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

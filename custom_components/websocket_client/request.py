"""Request/response: matching received messages to pending `request` actions."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import re
from typing import Any

from .const import ATTR_DATA_BASE64, ATTR_JSON, ATTR_TEXT, ATTR_TYPE


class ReplyLostError(Exception):
    """The link closed while a request waited for its reply."""


@dataclass(slots=True)
class ReplyMatcher:
    """What a reply must look like; no criteria means the next message."""

    match: dict[str, Any] | None = None
    match_regex: re.Pattern[str] | None = None

    def matches(self, text: str | None, parsed: Any, has_json: bool) -> bool:
        """Whether a received message is the awaited reply."""
        if self.match is not None:
            return has_json and is_subset(self.match, parsed)
        if self.match_regex is not None:
            return text is not None and self.match_regex.search(text) is not None
        return True


def is_subset(expected: Any, actual: Any) -> bool:
    """Whether every key of `expected` is in `actual` with a matching value.

    Objects match recursively by subset; every other value must be equal.
    """
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and is_subset(value, actual[key])
            for key, value in expected.items()
        )
    return bool(expected == actual) and type(expected) is type(actual)


@dataclass(slots=True)
class PendingRequest:
    """A request waiting for its reply."""

    matcher: ReplyMatcher
    reply: asyncio.Future[dict[str, Any]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class PendingRequests:
    """Pending requests of one link, oldest first; each reply goes to one request."""

    def __init__(self) -> None:
        """Start with nothing pending."""
        self._pending: list[PendingRequest] = []

    def __bool__(self) -> bool:
        """Whether any request is waiting (checked per message, so kept cheap)."""
        return bool(self._pending)

    def add(self, matcher: ReplyMatcher) -> PendingRequest:
        """Wait for a reply matching `matcher`."""
        request = PendingRequest(matcher)
        self._pending.append(request)
        return request

    def discard(self, request: PendingRequest) -> None:
        """Stop waiting (done, timed out or cancelled)."""
        if request in self._pending:
            self._pending.remove(request)

    def offer(
        self,
        message_type: str,
        text: str | None,
        parsed: Any,
        has_json: bool,
        data_base64: str | None,
    ) -> None:
        """Hand a received message to the oldest request it answers."""
        for request in self._pending:
            if not request.reply.done() and request.matcher.matches(
                text, parsed, has_json
            ):
                request.reply.set_result(
                    {
                        ATTR_TYPE: message_type,
                        ATTR_TEXT: text,
                        ATTR_JSON: parsed if has_json else None,
                        ATTR_DATA_BASE64: data_base64,
                    }
                )
                self._pending.remove(request)
                return

    def fail_all(self) -> None:
        """The link ended: no reply can come any more."""
        for request in self._pending:
            if not request.reply.done():
                request.reply.set_exception(ReplyLostError())
        self._pending.clear()

"""Received messages: the one value every subscriber gets, and the fan-out point.

A connection's client turns each received frame into one `ReceivedMessage` and
publishes it on the entry's `MessageFanout`. Everything that reacts to messages
(bus events, the Message entity, triggers, pending requests) subscribes there;
nothing else looks at raw frames. The fan-out belongs to the entry id, not to
the client, so automations attached before the entry loads, or across a
reload, keep listening. A subscriber that only wants JSON objects with a
given top-level field (an entity whose filter matches `{"id": "s17"}`) can
say so with a route: the fan-out then finds it by that field in one look-up
instead of calling it for every message.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.json import json_loads

from .const import DOMAIN, MESSAGE_TYPE_BINARY, MESSAGE_TYPE_TEXT

DATA_FANOUTS: Final = HassKey[dict[str, "MessageFanout"]](f"{DOMAIN}_fanouts")

_UNPARSED: Final = object()

# JSON values a route can name: they are hashable, and a route compares type
# and value, as a filter's `match` does (1 is neither 1.0 nor true)
type RouteValue = str | int | float | bool | None
ROUTE_VALUE_TYPES: Final = (str, int, float, bool, type(None))
# A top-level key of a JSON object and the value it must have
type Route = tuple[str, RouteValue]


def payload_size(payload: str | bytes) -> int:
    """Bytes a payload takes on the wire."""
    if isinstance(payload, bytes):
        return len(payload)
    return len(payload) if payload.isascii() else len(payload.encode())


class ReceivedMessage:
    """One received message; its JSON is parsed at most once, when first asked."""

    __slots__ = ("_base64", "_json", "data", "entry_id", "name", "size", "text")

    def __init__(self, entry_id: str, name: str, payload: str | bytes) -> None:
        """Wrap a received text (str) or binary (bytes) payload."""
        self.entry_id = entry_id
        self.name = name
        self.text: str | None = payload if isinstance(payload, str) else None
        self.data: bytes | None = payload if isinstance(payload, bytes) else None
        self.size = payload_size(payload)
        self._json: Any = _UNPARSED
        self._base64: str | None = None

    @property
    def type(self) -> str:
        """The message type: text or binary."""
        return MESSAGE_TYPE_TEXT if self.text is not None else MESSAGE_TYPE_BINARY

    @property
    def payload(self) -> str | bytes:
        """The message exactly as received."""
        return self.text if self.text is not None else self.data or b""

    @property
    def is_json(self) -> bool:
        """Whether the message is a text holding one JSON value."""
        self._parse()
        return self._json is not None

    @property
    def json(self) -> Any:
        """The parsed JSON value, or None when the message is not JSON."""
        self._parse()
        return None if self._json is None else self._json[0]

    def _parse(self) -> None:
        if self._json is not _UNPARSED:
            return
        # Boxed, so a JSON null is told apart from "not JSON".
        self._json = None
        if self.text is None:
            return
        try:
            value = json_loads(self.text)
        except ValueError:
            return
        self._json = (value,)

    @property
    def data_base64(self) -> str | None:
        """A binary message's bytes as base64."""
        if self.data is not None and self._base64 is None:
            self._base64 = base64.b64encode(self.data).decode("ascii")
        return self._base64


type MessageSubscriber = Callable[[ReceivedMessage], None]
# Subscribers by token, under (type, value) of the routed field, by key
type _Routes = dict[str, dict[tuple[type, RouteValue], dict[int, MessageSubscriber]]]


class MessageFanout:
    """Hands every received message of one entry to each subscriber, in order.

    Each subscriber gets its messages in the order they arrived; routed
    subscribers are called after the others.
    """

    __slots__ = ("_next_key", "_routed", "_routes", "_snapshot", "_subscribers")

    def __init__(self) -> None:
        """Start without subscribers."""
        self._subscribers: dict[int, MessageSubscriber] = {}
        self._snapshot: tuple[MessageSubscriber, ...] | None = ()
        self._routes: _Routes = {}
        self._routed = 0
        self._next_key = 0

    def __len__(self) -> int:
        """How many subscribers listen."""
        return len(self._subscribers) + self._routed

    @callback
    def subscribe(
        self, subscriber: MessageSubscriber, route: Route | None = None
    ) -> Callable[[], None]:
        """Call `subscriber` for every message; returns the unsubscribe function.

        With a route (key, value), only for JSON objects whose field `key`
        has that value, of the same type.
        """
        key = self._next_key
        self._next_key += 1
        if route is not None:
            return self._subscribe_routed(key, subscriber, route)
        self._subscribers[key] = subscriber
        self._snapshot = None

        @callback
        def unsubscribe() -> None:
            if self._subscribers.pop(key, None) is not None:
                self._snapshot = None

        return unsubscribe

    def _subscribe_routed(
        self, key: int, subscriber: MessageSubscriber, route: Route
    ) -> Callable[[], None]:
        field, value = route
        by_value = self._routes.setdefault(field, {})
        bucket = by_value.setdefault((type(value), value), {})
        bucket[key] = subscriber
        self._routed += 1

        @callback
        def unsubscribe() -> None:
            if bucket.pop(key, None) is None:
                return
            self._routed -= 1
            # Only an empty bucket still in place is dropped.
            if not bucket and by_value.get((type(value), value)) is bucket:
                del by_value[(type(value), value)]
                if not by_value and self._routes.get(field) is by_value:
                    del self._routes[field]

        return unsubscribe

    def publish(self, message: ReceivedMessage) -> None:
        """Give the message to every subscriber."""
        # A subscriber may unsubscribe itself (an answered request) while we
        # iterate: iterate over a snapshot, rebuilt only after a change.
        snapshot = self._snapshot
        if snapshot is None:
            snapshot = self._snapshot = tuple(self._subscribers.values())
        for subscriber in snapshot:
            subscriber(message)
        if self._routes:
            self._publish_routed(message)

    def _publish_routed(self, message: ReceivedMessage) -> None:
        fields = message.json
        if not isinstance(fields, dict):
            return
        for field, by_value in tuple(self._routes.items()):
            value = fields.get(field, _UNPARSED)
            if not isinstance(value, ROUTE_VALUE_TYPES):
                continue  # absent, or an object or a list: no route names it
            bucket = by_value.get((type(value), value))
            if bucket:
                for subscriber in tuple(bucket.values()):
                    subscriber(message)


@callback
def async_fanout(hass: HomeAssistant, entry_id: str) -> MessageFanout:
    """The fan-out point of an entry, created on first use."""
    fanouts = hass.data.setdefault(DATA_FANOUTS, {})
    if (fanout := fanouts.get(entry_id)) is None:
        fanout = fanouts[entry_id] = MessageFanout()
    return fanout


@callback
def async_forget_fanout(hass: HomeAssistant, entry_id: str) -> None:
    """Drop the fan-out of a removed entry."""
    hass.data.get(DATA_FANOUTS, {}).pop(entry_id, None)

"""Received messages (lazy JSON, base64, size) and the fan-out to subscribers.

Routes are checked against the filters that make them in test_message_filter.py.

The message event's data is in test_bus.py.
"""

from __future__ import annotations

from typing import Any

from homeassistant.util.json import json_loads
import pytest

from custom_components.websocket_client import message as message_module
from custom_components.websocket_client.message import (
    MessageFanout,
    ReceivedMessage,
    payload_size,
)


def received(payload: str | bytes) -> ReceivedMessage:
    """A message of the entry "Living room"."""
    return ReceivedMessage("entry", "Living room", payload)


@pytest.mark.parametrize(
    ("payload", "size"),
    [("", 0), ("ascii", 5), ("é", 2), ("✓", 3), (b"\x00\xff", 2), (b"", 0)],
)
def test_payload_size_is_bytes_on_the_wire(payload: str | bytes, size: int) -> None:
    """Text counts its UTF-8 bytes, binary its length."""
    assert payload_size(payload) == size


@pytest.mark.parametrize(
    ("text", "is_json", "value"),
    [
        ('{"a": 1}', True, {"a": 1}),
        ("[1, 2]", True, [1, 2]),
        ('"s"', True, "s"),
        ("0", True, 0),
        ("null", True, None),
        ("not json", False, None),
        ("", False, None),
        ("{", False, None),
    ],
)
def test_json_null_is_told_apart_from_not_json(
    text: str, is_json: bool, value: object
) -> None:
    """A JSON null is JSON (with the value None); a non-JSON text is not."""
    message = received(text)
    assert message.is_json is is_json
    assert message.json == value
    assert message.type == "text"
    assert message.payload == text
    assert message.data is None
    assert message.data_base64 is None


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts received messages hand to the JSON parser, counted."""
    parsed: list[str] = []

    def counting_json_loads(text: str) -> Any:
        parsed.append(text)
        return json_loads(text)

    monkeypatch.setattr(message_module, "json_loads", counting_json_loads)
    return parsed


def test_json_is_parsed_once_and_only_when_asked(parses: list[str]) -> None:
    """The text is parsed on first use; later reads reuse the result."""
    message = received('{"n": [1]}')
    assert message.text == '{"n": [1]}'
    assert message.size == 10
    assert parses == []  # created and read as text: nothing parsed
    first = message.json
    assert first == {"n": [1]}
    assert parses == ['{"n": [1]}']
    second = message.json
    assert message.is_json
    assert parses == ['{"n": [1]}']
    assert second is first


def test_not_json_is_parsed_once_too(parses: list[str]) -> None:
    """A failed parse is remembered: no second attempt; binary is never parsed."""
    message = received("not json")
    assert not message.is_json
    assert message.json is None
    assert parses == ["not json"]
    binary = received(b'{"n": 1}')
    assert binary.json is None
    assert not binary.is_json
    assert parses == ["not json"]


def test_binary_message() -> None:
    """Binary: base64 on demand (cached), never JSON."""
    message = received(b"\x00\x01\xfe\xff")
    assert message.type == "binary"
    assert message.text is None
    assert message.payload == b"\x00\x01\xfe\xff"
    assert message.is_json is False
    assert message.json is None
    assert message.data_base64 == "AAH+/w=="
    assert message.data_base64 is message.data_base64
    assert message.size == 4
    assert received(b"").data_base64 == ""
    assert received(b"").payload == b""


def test_fanout_in_order_and_unsubscribe_while_publishing() -> None:
    """Every subscriber gets every message; one may leave from its own callback."""
    fanout = MessageFanout()
    assert not fanout
    seen: list[tuple[str, object]] = []

    def once(message: ReceivedMessage) -> None:
        seen.append(("once", message.payload))
        remove_once()

    remove_once = fanout.subscribe(once)
    remove_all = fanout.subscribe(lambda m: seen.append(("all", m.payload)))
    assert fanout
    fanout.publish(received("1"))
    fanout.publish(received("2"))
    assert seen == [("once", "1"), ("all", "1"), ("all", "2")]
    remove_all()
    remove_all()  # harmless twice
    assert not fanout


def test_routed_subscribers_get_only_their_field_value() -> None:
    """By key and value, type included; after the others; they may leave."""
    fanout = MessageFanout()
    seen: list[tuple[str, object]] = []

    def routed(name: str) -> Any:
        return lambda message: seen.append((name, message.payload))

    remove_s1 = fanout.subscribe(routed("s1"), ("id", "s1"))
    fanout.subscribe(routed("s1 again"), ("id", "s1"))
    fanout.subscribe(routed("one"), ("id", 1))
    fanout.subscribe(routed("kind"), ("kind", "x"))
    fanout.subscribe(routed("every"))
    assert len(fanout) == 5
    for payload in (
        '{"id": "s1"}', '{"id": "s2"}', '{"id": 1}', '{"id": 1.0}', '{"id": true}',
        '{"id": "s1", "kind": "x"}', '{"data": {"id": "s1"}}', '["s1"]', "s1",
        b"s1",
    ):  # fmt: skip
        fanout.publish(received(payload))
    assert [name for name, _ in seen if name != "every"] == [
        "s1", "s1 again", "one", "s1", "s1 again", "kind",
    ]  # fmt: skip
    assert [payload for name, payload in seen if name == "every"] == [
        '{"id": "s1"}', '{"id": "s2"}', '{"id": 1}', '{"id": 1.0}', '{"id": true}',
        '{"id": "s1", "kind": "x"}', '{"data": {"id": "s1"}}', '["s1"]', "s1",
        b"s1",
    ]  # fmt: skip
    assert seen[:2] == [("every", '{"id": "s1"}'), ("s1", '{"id": "s1"}')]
    remove_s1()
    remove_s1()  # harmless twice
    assert len(fanout) == 4
    seen.clear()
    fanout.publish(received('{"id": "s1"}'))
    assert seen == [("every", '{"id": "s1"}'), ("s1 again", '{"id": "s1"}')]


def test_routed_subscriber_leaves_while_publishing_and_comes_back() -> None:
    """Leaving from its own callback; the emptied route is dropped and made anew."""
    fanout = MessageFanout()
    seen: list[str] = []

    def once(message: ReceivedMessage) -> None:
        seen.append("once")
        remove_once()

    remove_once = fanout.subscribe(once, ("id", "s1"))
    remove_other = fanout.subscribe(lambda m: seen.append("other"), ("id", "s1"))
    fanout.publish(received('{"id": "s1"}'))
    fanout.publish(received('{"id": "s1"}'))
    assert seen == ["once", "other", "other"]
    remove_other()
    assert not fanout
    fanout.publish(received('{"id": "s1"}'))
    assert seen == ["once", "other", "other"]
    remove_again = fanout.subscribe(lambda m: seen.append("again"), ("id", "s1"))
    fanout.publish(received('{"id": "s1"}'))
    assert seen[-1] == "again"
    remove_again()
    remove_once()  # an old remover changes nothing
    assert not fanout

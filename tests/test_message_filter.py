"""The one message filter: what it accepts, how it is built and checked."""

from __future__ import annotations

import re
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
import voluptuous as vol

from custom_components.websocket_client.message import MessageFanout, ReceivedMessage
from custom_components.websocket_client.message_filter import (
    InvalidFilterError,
    MessageFilter,
    async_validate_filter,
    filter_fields,
    filter_from_config,
)

from .helpers import BAD_FILTERS

PAYLOADS: tuple[str | bytes, ...] = (
    '{"op": "doorbell", "door": "front"}',
    '{"op": "other"}',
    "ALARM kitchen",
    "not json",
    "[1, 2]",
    b"ALARM",
)


def received(payload: str | bytes) -> ReceivedMessage:
    """A message of the entry "Living room"."""
    return ReceivedMessage("entry", "Living room", payload)


def accepted(criteria: MessageFilter) -> list[str | bytes]:
    """The sample payloads a filter lets through."""
    return [p for p in PAYLOADS if criteria.matches(received(p))]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, list(PAYLOADS)),
        ({"type": "binary"}, [b"ALARM"]),
        ({"type": "text"}, list(PAYLOADS[:5])),
        ({"match": {"op": "doorbell"}}, [PAYLOADS[0]]),
        # An empty subset: any JSON object, no other JSON value
        ({"match": {}}, list(PAYLOADS[:2])),
        ({"match_regex": "^ALARM"}, ["ALARM kitchen"]),
        ({"match_regex": "o"}, [*PAYLOADS[:2], "not json"]),
        ({"type": "binary", "match_regex": "ALARM"}, []),
        ({"type": "text", "match": {"op": "other"}}, ['{"op": "other"}']),
    ],
)
def test_every_criterion_must_hold(
    config: dict[str, Any], expected: list[str | bytes]
) -> None:
    """Type, JSON subset and pattern each narrow; a binary message has no text."""
    assert accepted(filter_from_config(config)) == expected


def test_the_type_field_is_named_by_the_caller() -> None:
    """A device trigger names it message_type; the request action has none."""
    device = filter_from_config(
        {"type": "message_received", "message_type": "binary"}, "message_type"
    )
    assert device == MessageFilter(type="binary")
    assert filter_from_config({"type": "json"}, type_field=None) == MessageFilter()


def test_requiring_adds_to_the_json_subset() -> None:
    """A request's id is required on top of the user's criteria, which stay."""
    users = filter_from_config({"match": {"result": "ok"}})
    with_id = users.requiring({"id": 7})
    assert with_id.match == {"result": "ok", "id": 7}
    assert users.match == {"result": "ok"}
    assert not with_id.matches(received('{"result": "ok", "id": 6}'))
    assert with_id.matches(received('{"result": "ok", "id": 7}'))
    by_pattern = filter_from_config({"match_regex": "ok"}).requiring({"id": 7})
    assert by_pattern.match == {"id": 7}
    assert by_pattern.match_regex == re.compile("ok")
    assert not by_pattern.matches(received('{"id": 7, "result": "no"}'))


# Values of one field that only a type-exact match tells apart, and shapes
# no route can name
ROUTED_PAYLOADS: tuple[str | bytes, ...] = (
    '{"id": 1}',
    '{"id": 1.0}',
    '{"id": true}',
    '{"id": "1"}',
    '{"id": null}',
    '{"id": 1, "data": {"id": 2}}',
    '{"data": {"id": 1}}',
    '{"id": [1]}',
    '{"id": {"id": 1}}',
    "[1]",
    "1",
    "not json",
    b'{"id": 1}',
)


@pytest.mark.parametrize(
    ("config", "route"),
    [
        ({"match": {"id": "s17"}}, ("id", "s17")),
        ({"match": {"id": 1, "kind": "x"}}, ("id", 1)),
        # A field with an object is no route; a scalar after it is
        ({"match": {"data": {"id": 1}, "id": None}}, ("id", None)),
        ({"match": {"data": {"id": 1}}}, None),
        ({"match": {"ids": [1]}}, None),
        ({"match": {}}, None),
        ({"match_regex": "id"}, None),
        ({"type": "text"}, None),
        ({}, None),
    ],
)
def test_route_is_a_top_level_field_of_the_match(
    config: dict[str, Any], route: tuple[str, Any] | None
) -> None:
    """The first field of `match` with a text, number, true, false or null."""
    assert filter_from_config(config).route() == route


@pytest.mark.parametrize(
    ("match", "count"),
    [
        ({"id": 1}, 2),
        ({"id": 1.0}, 1),
        ({"id": True}, 1),
        ({"id": "1"}, 1),
        ({"id": None}, 1),
        ({"id": 1, "data": {"id": 2}}, 1),
        ({"data": {"id": 1}}, 1),
        # Only the nested field has it: no message
        ({"id": 2}, 0),
    ],
)
def test_a_routed_subscriber_gets_exactly_what_the_filter_accepts(
    match: dict[str, Any], count: int
) -> None:
    """Routing only narrows: 1, 1.0, true and "1" stay apart, as `matches` has it."""
    criteria = filter_from_config({"match": match})
    routed: list[str | bytes] = []
    fanout = MessageFanout()
    fanout.subscribe(
        lambda message: (
            routed.append(message.payload) if criteria.matches(message) else None
        ),
        criteria.route(),
    )
    for payload in ROUTED_PAYLOADS:
        fanout.publish(received(payload))
    expected = [p for p in ROUTED_PAYLOADS if criteria.matches(received(p))]
    assert len(expected) == count
    assert routed == expected


@pytest.mark.parametrize(
    ("config", "reason", "placeholders"),
    [
        ({"type": "json"}, "invalid_message_type", {"type": "json"}),
        ({"match": [1]}, "match_not_object", {}),
        ({"match": None}, "match_not_object", {}),
        ({"match": {}, "match_regex": "a"}, "one_matcher", {}),
        ({"match": {}, "match_regex": "("}, "one_matcher", {}),
        (
            {"match_regex": "(?P<x"},
            "invalid_regex",
            {"error": "missing >, unterminated name at position 4"},
        ),
        ({"match_regex": b"a"}, "invalid_regex", {"error": "it is not text"}),
        ({"match_regex": None}, "invalid_regex", {"error": "it is not text"}),
    ],
)
def test_unusable_filters(
    config: dict[str, Any], reason: str, placeholders: dict[str, str]
) -> None:
    """Each problem has its translation key and placeholders."""
    with pytest.raises(InvalidFilterError) as err:
        filter_from_config(config)
    assert err.value.reason == reason
    assert err.value.placeholders == placeholders
    assert isinstance(err.value, ValueError)


def test_schema_fields_check_shapes() -> None:
    """The fields take the filter's shapes; the rules between them come later."""
    schema = vol.Schema(filter_fields())
    both = {"match": {"a": 1}, "match_regex": "("}
    assert schema({**both, "type": "text"}) == {**both, "type": "text"}
    assert schema({"match_regex": 5}) == {"match_regex": "5"}
    for bad in ({"type": "json"}, {"match": [1]}, {"match_regex": None}):
        with pytest.raises(vol.Invalid):
            schema(bad)
    without_type = vol.Schema(filter_fields(type_field=None))
    with pytest.raises(vol.Invalid, match="extra keys not allowed"):
        without_type({"type": "text"})
    assert set(vol.Schema(filter_fields("message_type")).schema) == {
        "message_type",
        "match",
        "match_regex",
    }


@pytest.mark.parametrize(("config", "message"), BAD_FILTERS)
async def test_saved_automations_get_the_translated_sentence(
    hass: HomeAssistant, config: dict[str, Any], message: str
) -> None:
    """As vol.Invalid, in the words the request action uses."""
    with pytest.raises(vol.Invalid) as err:
        await async_validate_filter(hass, config)
    assert str(err.value) == message
    assert err.value.path == []


async def test_validated_filter_is_the_filter(hass: HomeAssistant) -> None:
    """A usable config gives the same filter as filter_from_config."""
    config = {"type": "text", "match": {"op": "doorbell"}}
    assert await async_validate_filter(hass, config) == filter_from_config(config)
    with pytest.raises(vol.Invalid) as err:
        await async_validate_filter(hass, {"type": "json"})
    assert str(err.value) == "The message type must be text or binary, not json"

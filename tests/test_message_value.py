"""The value of an entity from a message: paths, templates, attributes, failures."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
import pytest

from custom_components.websocket_client.message import ReceivedMessage
from custom_components.websocket_client.message_value import (
    NO_VALUE,
    Failure,
    InvalidValueError,
    MessageValue,
    as_number,
    check_template,
    json_fields,
    parse_path,
    shown,
    value_at,
)

READING = '{"data": {"temperature": 21.5, "unit": "°C"}, "items": [{"name": "a"}]}'


def received(payload: str | bytes) -> ReceivedMessage:
    """A message of the entry "Living room"."""
    return ReceivedMessage("entry", "Living room", payload)


def reader(
    hass: HomeAssistant, *, numeric: bool = False, **config: Any
) -> MessageValue:
    """A reader of the entity "Kitchen"."""
    return MessageValue(hass, config, "Kitchen", numeric=numeric)


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("data.temperature", ("data", "temperature")),
        ("items.0.name", ("items", 0, "name")),
        (" a ", ("a",)),
    ],
)
def test_paths(path: str, parts: tuple[object, ...]) -> None:
    """Keys joined by dots; digits are list indexes."""
    assert parse_path(path) == parts


@pytest.mark.parametrize("path", ["", ".", "a..b", "a.", " "])
def test_bad_paths_are_refused(path: str) -> None:
    """An empty part is no path."""
    with pytest.raises(InvalidValueError) as caught:
        parse_path(path)
    assert caught.value.reason == "invalid_path"


def test_value_at_and_missing_fields() -> None:
    """A field is found by keys and indexes; anything else is a LookupError."""
    value = {"a": [{"b": 1}], "0": "zero"}
    assert value_at(value, ("a", 0, "b")) == 1
    assert value_at(value, (0,)) == "zero"
    for parts in (("x",), ("a", 1), ("a", "b"), ("a", 0, "b", "c")):
        with pytest.raises(LookupError):
            value_at(value, parts)


@pytest.mark.parametrize(
    ("value", "number"), [(1, 1), (2.5, 2.5), ("3", 3), ("-4.5", -4.5)]
)
def test_numbers(value: object, number: float) -> None:
    """Numbers and texts holding one are numbers."""
    assert as_number(value) == number


@pytest.mark.parametrize(
    "value", [True, "warm", None, [1], "", "nan", "inf", "1e400", float("nan")]
)
def test_not_numbers(value: object) -> None:
    """Booleans, words, null, lists and what is not finite are not."""
    with pytest.raises(ValueError, match=r"."):
        as_number(value)


async def test_template_check(hass: HomeAssistant) -> None:
    """A template that does not compile is refused with the error."""
    assert check_template(hass, "{{ value_json.a }}").template == "{{ value_json.a }}"
    with pytest.raises(InvalidValueError) as caught:
        check_template(hass, "{{ value_json.a ")
    assert caught.value.reason == "invalid_template"
    assert caught.value.placeholders["error"]


def test_fields_are_leaves_with_their_paths() -> None:
    """Objects and lists are walked in order; only leaves are listed."""
    assert json_fields({"a": {"b": 1, "c": [True, None]}, "d": "x", "e": {}}) == [
        ("a.b", 1),
        ("a.c.0", True),
        ("a.c.1", None),
        ("d", "x"),
    ]
    assert json_fields(21.5) == []
    assert len(json_fields({str(n): n for n in range(500)})) == 100
    assert json_fields([[1, 2], 3], limit=2) == [("0.0", 1), ("0.1", 2)]


def test_shown_values_are_json_and_short() -> None:
    """Texts in quotes, long values cut."""
    assert shown("kitchen") == '"kitchen"'
    assert shown(21.5) == "21.5"
    assert shown("x" * 100) == '"' + "x" * 58 + "…"


async def test_path_template_and_whole_message(hass: HomeAssistant) -> None:
    """A path, a template with value and value_json, or the whole text."""
    message = received(READING)
    assert reader(hass, value_path="data.temperature").value(message) == 21.5
    assert reader(hass, value_path="items.0.name").value(message) == "a"
    template = "{{ value_json.data.temperature * 2 }} {{ value | length > 5 }}"
    assert reader(hass, value_template=template).value(message) == "43.0 True"
    assert reader(hass).value(received("on")) == "on"
    assert reader(hass, numeric=True).value(received("7")) == 7
    numeric = reader(
        hass, numeric=True, value_template="{{ value_json.data.temperature }}"
    )
    assert numeric.value(message) == 21.5
    assert numeric.failures == {}


async def test_attributes(hass: HomeAssistant) -> None:
    """The object at the attributes path; no path, no attributes."""
    message = received(READING)
    assert reader(hass, json_attributes_path="data").attributes(message) == {
        "temperature": 21.5,
        "unit": "°C",
    }
    assert reader(hass).attributes(message) is None


@pytest.mark.parametrize(
    ("config", "payload", "failure"),
    [
        ({"value_path": "data.temperature"}, "not json", Failure.NOT_JSON),
        ({"value_path": "data.temperature"}, b"\x00", Failure.NOT_JSON),
        ({"value_path": "data.humidity"}, READING, Failure.MISSING_FIELD),
        ({"value_path": "items.3"}, READING, Failure.MISSING_FIELD),
        (
            {"value_template": "{{ value_json.nothing.deeper }}"},
            READING,
            Failure.TEMPLATE_ERROR,
        ),
        (
            {"value_template": "{{ value_json.data.unit }}"},
            READING,
            Failure.NOT_A_NUMBER,
        ),
        ({"value_path": "data.unit"}, READING, Failure.NOT_A_NUMBER),
    ],
)
async def test_unusable_values_are_counted_and_logged_once(
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    config: dict[str, str],
    payload: str | bytes,
    failure: Failure,
) -> None:
    """NO_VALUE, never an exception; one log line per kind, every one counted."""
    value = reader(hass, numeric=True, **config)
    for _ in range(3):
        assert value.value(received(payload)) is NO_VALUE
    assert value.failures == {failure: 3}
    lines = [r.getMessage() for r in caplog.records if "Kitchen" in r.getMessage()]
    assert len(lines) == 1
    assert failure.value in lines[0]


@pytest.mark.parametrize(
    ("path", "payload", "failure"),
    [
        ("data", "[", Failure.NOT_JSON),
        ("nothing", READING, Failure.MISSING_FIELD),
        ("data.temperature", READING, Failure.ATTRIBUTES_NOT_OBJECT),
    ],
)
async def test_unusable_attributes(
    hass: HomeAssistant, path: str, payload: str, failure: Failure
) -> None:
    """Attributes that cannot be used are None, counted."""
    value = reader(hass, json_attributes_path=path)
    assert value.attributes(received(payload)) is None
    assert value.failures == {failure: 1}

"""The preview: what each platform would show from the newest matching message.

The flow's own tests (test_entity_flow) show the preview step with real
messages; these go through every platform's way of showing a value and every
reason a value cannot be used.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
import pytest

from custom_components.websocket_client.entity_preview import (
    NOTHING,
    Preview,
    entity_preview,
    shown_state,
)
from custom_components.websocket_client.message_value import Failure
from custom_components.websocket_client.recent_messages import RecentMessages


def preview(hass: HomeAssistant, *texts: str, **data: Any) -> Preview | None:
    """The preview of the entity "Kitchen" after `texts` arrived (the last newest)."""
    recent = RecentMessages("entry", "Living room")
    for text in texts:
        recent.add(text)
    return entity_preview(hass, data, "Kitchen", recent.newest_first())


@pytest.mark.parametrize(
    ("platform", "state", "text"),
    [
        ("sensor", 21.5, "21.5"),
        ("sensor", "hello", "hello"),
        ("sensor", "1", "1"),
        ("binary_sensor", True, "on"),
        ("switch", False, "off"),
        ("number", 7, "7"),
        ("select", "eco", "eco"),
    ],
)
def test_states_as_the_preview_shows_them(platform: str, state: Any, text: str) -> None:
    """On or off; a text as it is (an option too); a number as JSON."""
    assert shown_state(platform, state) == text


async def test_the_newest_matching_message(hass: HomeAssistant) -> None:
    """Its value and attributes; none matching: no preview."""
    shown = preview(
        hass,
        '{"type": "level", "level": 3, "info": {"room": "hall"}}',
        '{"type": "other", "level": 9}',
        platform="number",
        value_path="level",
        json_attributes_path="info",
        match={"type": "level"},
    )
    assert shown == Preview(
        {
            "name": "Kitchen",
            "message": '{"type": "level", "level": 3, "info": {"room": "hall"}}',
            "value": "3",
            "attributes": '{"room":"hall"}',
            "detail": NOTHING,
        }
    )
    assert preview(hass, "hello", platform="sensor", match_regex="^bye") is None
    assert preview(hass, platform="sensor") is None


@pytest.mark.parametrize(
    ("text", "data", "failure", "detail"),
    [
        ("hello", {"value_path": "a"}, Failure.NOT_JSON, '"hello"'),
        ('{"b": 1}', {"value_path": "a"}, Failure.MISSING_FIELD, "'a'"),
        ("1", {"value_template": "{{ value_json.a.b }}"}, Failure.TEMPLATE_ERROR, ""),
        ('"warm"', {"platform": "number"}, Failure.NOT_A_NUMBER, '"\\"warm\\""'),
        ("11", {"platform": "number", "max": 10.0}, Failure.OUT_OF_RANGE, "11"),
        (
            "boost",
            {"platform": "select", "options": ["eco"]},
            Failure.NOT_AN_OPTION,
            "",
        ),
        ("ajar", {"platform": "binary_sensor"}, Failure.NOT_ON_OR_OFF, '"ajar"'),
        (
            "mid",
            {"device_class": "enum", "options": ["low"]},
            Failure.NOT_AN_OPTION,
            '"mid"',
        ),
    ],
)
async def test_why_the_value_cannot_be_used(
    hass: HomeAssistant, text: str, data: dict[str, Any], failure: Failure, detail: str
) -> None:
    """The failure kind and its detail; no value shown."""
    shown = preview(hass, text, **{"platform": "sensor", **data})
    assert shown is not None
    assert shown.failure is failure
    assert shown.placeholders["value"] == NOTHING
    assert shown.placeholders["detail"]
    if detail:
        assert shown.placeholders["detail"] == detail


async def test_attributes_that_are_no_object(hass: HomeAssistant) -> None:
    """The value is shown; the attributes' failure is the one explained."""
    shown = preview(
        hass,
        '{"a": 1, "b": [1]}',
        platform="sensor",
        value_path="a",
        json_attributes_path="b",
    )
    assert shown is not None
    assert shown.failure is Failure.ATTRIBUTES_NOT_OBJECT
    assert shown.placeholders["value"] == "1"
    assert shown.placeholders["detail"] == "[1]"
    assert shown.placeholders["attributes"] == NOTHING


async def test_a_value_failure_comes_before_the_attributes(
    hass: HomeAssistant,
) -> None:
    """Both fail: the value's reason is shown."""
    shown = preview(
        hass,
        '{"a": "x", "b": 1}',
        platform="number",
        value_path="a",
        json_attributes_path="b",
    )
    assert shown is not None
    assert shown.failure is Failure.NOT_A_NUMBER

"""What each platform makes of a value: its state, or the failure kind."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.websocket_client.message_value import Failure
from custom_components.websocket_client.platform_state import (
    MAX_STATE,
    UnusableValueError,
    enum_options,
    needs_number,
    state_rule,
)


def state(value: Any, platform: str, **config: Any) -> Any:
    """The state the platform's rule makes of `value`."""
    return state_rule({"platform": platform, **config})(value)


def failure(value: Any, platform: str, **config: Any) -> Failure:
    """The failure kind the platform's rule refuses `value` with."""
    with pytest.raises(UnusableValueError) as err:
        state(value, platform, **config)
    assert err.value.detail
    return err.value.failure


@pytest.mark.parametrize(
    ("config", "number"),
    [
        ({"platform": "number"}, True),
        ({"platform": "sensor", "unit_of_measurement": "°C"}, True),
        ({"platform": "sensor"}, False),
        ({"platform": "select"}, False),
        ({"platform": "switch"}, False),
    ],
)
def test_which_platforms_need_a_number(config: dict[str, Any], number: bool) -> None:
    """Numbers and numeric sensors."""
    assert needs_number(config) is number


def test_sensor_texts_numbers_and_enum_options() -> None:
    """A text cut to a state's length, JSON for others; an enum's options only."""
    assert state("x" * 300, "sensor") == "x" * MAX_STATE
    assert state({"a": 1}, "sensor") == '{"a":1}'
    assert state(21.5, "sensor", unit_of_measurement="°C") == 21.5
    enum = {"device_class": "enum", "options": ["low", "high"]}
    assert state("low", "sensor", **enum) == "low"
    assert failure("mid", "sensor", **enum) is Failure.NOT_AN_OPTION
    assert enum_options(enum) == ["low", "high"]
    assert enum_options({"device_class": "enum"}) == []
    assert enum_options({"options": ["a"]}) is None


@pytest.mark.parametrize("platform", ["binary_sensor", "switch"])
def test_on_and_off(platform: str) -> None:
    """The value as text (JSON true as true) compared with on and off."""
    assert state("on", platform) is True
    assert state("off", platform) is False
    assert state(True, platform, payload_on="true") is True
    assert failure("ajar", platform) is Failure.NOT_ON_OR_OFF


def test_number_within_its_range() -> None:
    """Between min and max, both included; the default range is 0 to 100."""
    assert state(0, "number") == 0
    assert state(100, "number") == 100
    assert state(-1.5, "number", min=-2.0, max=2.0) == -1.5
    assert failure(100.5, "number") is Failure.OUT_OF_RANGE
    assert failure(-3, "number", min=-2.0, max=2.0) is Failure.OUT_OF_RANGE


def test_select_options_compared_as_text() -> None:
    """An option as text; a number as its JSON text; anything else refused."""
    options = {"options": ["eco", "1", "true"]}
    assert state("eco", "select", **options) == "eco"
    assert state(1, "select", **options) == "1"
    assert state(True, "select", **options) == "true"
    assert failure("ECO", "select", **options) is Failure.NOT_AN_OPTION
    assert failure("eco", "select") is Failure.NOT_AN_OPTION


def test_no_rule_for_a_button_or_no_platform() -> None:
    """A button takes no state from messages."""
    for config in ({"platform": "button"}, {}):
        with pytest.raises(ValueError, match="no state from messages"):
            state_rule(config)

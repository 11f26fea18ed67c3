"""The options forms of the Add entity flow: each platform's options and checks."""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path
from typing import Any

import pytest
import voluptuous as vol

from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.platform_form import (
    FORMS,
    binary_sensor_schema,
    checked_options,
    number_schema,
    select_schema,
    sensor_error,
    sensor_schema,
    switch_schema,
)

STRINGS: dict[str, Any] = json.loads(
    (
        Path(__file__).parent.parent / "custom_components" / DOMAIN / "strings.json"
    ).read_text()
)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({}, None),
        ({"device_class": "enum", "options": ["a"]}, None),
        ({"options": ["a"]}, "options_need_enum"),
        ({"device_class": "enum"}, "enum_needs_options"),
        (
            {"device_class": "enum", "options": ["a"], "unit_of_measurement": "%"},
            "enum_not_numeric",
        ),
    ],
)
def test_sensor_errors(options: dict[str, object], error: str | None) -> None:
    """Options go with the enumeration device class only, without a unit."""
    assert sensor_error(options) == error


@pytest.mark.parametrize(
    ("schema", "key"),
    [
        (sensor_schema, "device_class_sensor"),
        (binary_sensor_schema, "device_class_binary_sensor"),
        (number_schema, "device_class_number"),
    ],
)
def test_device_classes_offered_are_translated(
    schema: Callable[[dict[str, Any]], vol.Schema], key: str
) -> None:
    """Every device class this Home Assistant offers has its label."""
    selector = {str(k): v for k, v in schema({}).schema.items()}["device_class"]
    offered = set(selector.config["options"])
    assert selector.config["translation_key"] == key
    assert offered <= set(STRINGS["selector"][key]["options"])
    assert "timestamp" not in offered


def test_switch_state_form_shows_the_saved_values() -> None:
    """The on and off values as saved."""
    assert switch_schema({"payload_on": "yes"})({})["payload_on"] == "yes"


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"min": 0.0, "max": 10.0, "step": 0.5}, None),
        ({"min": 10.0, "max": 10.0, "step": 1.0}, "min_not_below_max"),
        ({"min": 10.0, "max": -10.0, "step": 1.0}, "min_not_below_max"),
        ({"min": 0.0, "max": 10.0, "step": 0.0}, "step_not_positive"),
        ({"min": 0.0, "max": 10.0, "step": -1.0}, "step_not_positive"),
    ],
)
def test_number_errors(options: dict[str, float], error: str | None) -> None:
    """The minimum below the maximum; a step above 0."""
    assert checked_options("number", options) == (options, error)


def test_select_options_each_once() -> None:
    """Typed options kept in order, each once, empty ones left out; one needed."""
    chosen, error = checked_options("select", {"options": ["eco", "", "off", "eco"]})
    assert chosen == {"options": ["eco", "off"]}
    assert error is None
    assert checked_options("select", {"options": [""]})[1] == "select_needs_options"
    assert checked_options("select", {})[1] == "select_needs_options"


def test_other_platforms_options_need_no_check() -> None:
    """On and off values are any texts."""
    chosen = {"payload_on": "yes"}
    assert checked_options("switch", chosen) == (chosen, None)
    assert checked_options("binary_sensor", chosen) == (chosen, None)


def test_number_and_select_forms_show_the_saved_values() -> None:
    """Defaults for a new number; saved settings; the modes translated."""
    shown = number_schema({})({})
    assert (shown["min"], shown["max"], shown["step"], shown["mode"]) == (
        0.0,
        100.0,
        1.0,
        "auto",
    )
    saved = {"min": -5.0, "max": 5.0, "step": 0.5, "mode": "slider"}
    assert number_schema(saved)({}) | saved == number_schema(saved)({})
    fields = {str(key): value for key, value in number_schema({}).schema.items()}
    assert fields["mode"].config["translation_key"] == "number_mode"
    assert set(fields["mode"].config["options"]) == set(
        STRINGS["selector"]["number_mode"]["options"]
    )
    options = {str(key): key for key in select_schema({"options": ["a"]}).schema}
    assert options["options"].description == {"suggested_value": ["a"]}


def test_an_optimistic_entity_is_asked_only_about_disconnects() -> None:
    """It neither expires nor writes values from messages."""
    availability = {"unavailable_when_disconnected", "expire_after", "force_update"}
    for schema in (number_schema, select_schema):
        optimistic = {str(key) for key in schema({"optimistic": True}).schema}
        from_messages = {str(key) for key in schema({}).schema}
        assert availability <= from_messages
        assert optimistic & availability == {"unavailable_when_disconnected"}


def test_every_platform_with_state_has_its_form() -> None:
    """Button excepted: it has no state and no options step."""
    assert set(FORMS) == {"sensor", "binary_sensor", "switch", "number", "select"}
    for schema, keys in FORMS.values():
        assert set(keys) <= {str(key) for key in schema({}).schema}

"""JSON subset matching, and matching a received text against a subset."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.websocket_client.connection.json_subset import (
    is_subset,
    text_matches,
)


@pytest.mark.parametrize(
    ("expected", "actual", "result"),
    [
        ({"id": 7}, {"id": 7, "x": 1}, True),
        ({"id": 7}, {"id": 8}, False),
        ({"id": 7}, {"other": 7}, False),
        ({"id": 1}, {"id": True}, False),
        ({"id": 1}, {"id": 1.0}, False),
        ({"a": {"b": 1}}, {"a": {"b": 1, "c": 2}}, True),
        ({"a": {"b": 1}}, {"a": 5}, False),
        ({"a": [1, 2]}, {"a": [1, 2]}, True),
        ({"a": [1]}, {"a": [1, 2]}, False),
        ({}, [1], False),
        ({}, {}, True),
    ],
)
def test_is_subset(expected: Any, actual: Any, result: bool) -> None:
    """Objects match by subset, recursively; everything else by equal value and type."""
    assert is_subset(expected, actual) is result


@pytest.mark.parametrize(
    ("payload", "result"),
    [
        ('{"type": "auth_ok", "ha_version": "2026.2.3"}', True),
        ('{"type": "auth_invalid"}', False),
        ("auth_ok", False),
        (b'{"type": "auth_ok"}', False),
    ],
)
def test_text_matches(payload: str | bytes, result: bool) -> None:
    """Only a text that is JSON containing the subset matches; binary never does."""
    assert text_matches({"type": "auth_ok"}, payload) is result


def test_text_nested_too_deep_does_not_match() -> None:
    """A text nested deeper than the parser goes is not JSON, not an error."""
    assert text_matches({"type": "auth_ok"}, "[" * 100_000 + "]" * 100_000) is False

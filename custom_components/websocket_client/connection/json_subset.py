"""JSON subset matching: whether a received JSON value holds what is expected.

Plain Python, shared by the socket layer (the on-connect reply) and the layers
above (request replies, trigger filters).
"""

from __future__ import annotations

import json
from typing import Any


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


def text_matches(expected: Any, payload: str | bytes) -> bool:
    """Whether a text payload is JSON containing `expected`."""
    if not isinstance(payload, str):
        return False
    try:
        actual = json.loads(payload)
    # A server may nest deeper than the parser recurses: not JSON either
    except (ValueError, RecursionError):
        return False
    return is_subset(expected, actual)

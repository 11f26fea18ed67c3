"""Outgoing payloads: message, json or data_base64 into one frame, or a reason."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.websocket_client.payload import (
    InvalidPayloadError,
    encode_payload,
)


@pytest.mark.parametrize(
    ("data", "frame"),
    [
        ({"message": "  1.50  "}, "  1.50  "),
        ({"json": {"a": [1, 2.5]}}, '{"a":[1,2.5]}'),
        ({"data_base64": "wA A=\n"}, b"\xc0\x00"),
    ],
)
def test_each_field_gives_its_frame(data: dict[str, Any], frame: str | bytes) -> None:
    """Text as is, JSON compact, base64 decoded (whitespace ignored)."""
    assert encode_payload(data) == frame


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({}, "exactly_one_payload"),
        ({"message": "a", "json": 1}, "exactly_one_payload"),
        ({"message": 1.5}, "invalid_message"),
        ({"json": {1j}}, "invalid_json"),
        ({"data_base64": "%%%"}, "invalid_base64"),
    ],
)
def test_invalid_payloads_name_their_reason(data: dict[str, Any], reason: str) -> None:
    """Each problem has its own translation key."""
    with pytest.raises(InvalidPayloadError) as err:
        encode_payload(data)
    assert err.value.reason == reason

"""Extra handshake headers: the form's text, masking, keeping stored secrets.

What reaches the server is in test_handshake.py; here the text a user typed.
"""

from __future__ import annotations

import pytest

from custom_components.websocket_client.connection import (
    MASK,
    InvalidHeadersError,
    is_token,
    mask_headers,
    masked_headers_text,
    parse_headers,
)


def test_name_value_lines_become_headers() -> None:
    """One header a line; blank lines and spaces around the parts ignored."""
    text = "Authorization: Bearer abc\n\n  X-Api-Key :k3y:with:colons  \n"
    assert parse_headers(text) == {
        "Authorization": "Bearer abc",
        "X-Api-Key": "k3y:with:colons",
    }
    assert parse_headers("") == {}
    assert parse_headers("X-Empty:") == {"X-Empty": ""}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("no separator", "invalid_headers"),
        (": value", "invalid_headers"),
        ("Bad Name: value", "invalid_headers"),
        ("Naïve: value", "invalid_headers"),
        ("Host: example.org", "reserved_header"),
        ("sec-websocket-protocol: v1", "reserved_header"),
        ("Upgrade: h2c", "reserved_header"),
        ("X-Key: café", "invalid_header_value"),
        ("X-Key: a\x07b", "invalid_header_value"),
        (f"X-New: {MASK}", "masked_header_unknown"),
    ],
)
def test_unusable_lines_name_their_problem(text: str, reason: str) -> None:
    """Each problem is its own translation key; the input is never echoed."""
    with pytest.raises(InvalidHeadersError) as err:
        parse_headers(f"X-Fine: yes\n{text}")
    assert err.value.reason == reason
    assert str(err.value) == reason


def test_a_masked_value_keeps_the_stored_one() -> None:
    """The form shows stored values masked; submitting the mask keeps them."""
    stored = {"Authorization": "Bearer s3cret", "X-Old": "gone"}
    shown = masked_headers_text(stored)
    assert shown == f"Authorization: {MASK}\nX-Old: {MASK}"
    assert "s3cret" not in shown
    # The name's case may change; a header left out is dropped.
    assert parse_headers(f"authorization: {MASK}\nX-New: 1", stored) == {
        "authorization": "Bearer s3cret",
        "X-New": "1",
    }


def test_masked_for_logs_and_diagnostics() -> None:
    """Names stay, values go."""
    assert mask_headers({"Authorization": "Bearer s3cret", "X-Id": "7"}) == {
        "Authorization": MASK,
        "X-Id": MASK,
    }
    assert mask_headers({}) == {}
    assert masked_headers_text({}) == ""


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("X-Api-Key", True),
        ("mqtt", True),
        ("v1.json+msgpack", True),
        ("!#$%&'*+-.^_`|~09", True),
        ("", False),
        ("two words", False),
        ("a,b", False),
        ("a:b", False),
        ("a/b", False),
        ("é", False),
    ],
)
def test_tokens(text: str, token: bool) -> None:
    """RFC 9110 tokens: header names and subprotocols are made of these."""
    assert is_token(text) is token

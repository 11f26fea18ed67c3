"""The one base of invalid-input errors: a ValueError that names its problem."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from custom_components.websocket_client import connection
from custom_components.websocket_client.connection import (
    InvalidInputError,
    build_ca_context,
    parse_headers,
    parse_websocket_url,
)


def test_the_reason_is_kept_and_is_the_message() -> None:
    """The layers above translate `reason`; the message says no more."""
    err = InvalidInputError("invalid_url")
    assert err.reason == "invalid_url"
    assert str(err) == "invalid_url"
    assert isinstance(err, ValueError)


@pytest.mark.parametrize(
    ("use", "reason"),
    [
        (lambda: parse_websocket_url("http://example.org/"), "invalid_scheme"),
        (lambda: parse_headers("Host: example.org"), "reserved_header"),
        (lambda: build_ca_context("not a certificate"), "invalid_ca_cert"),
    ],
    ids=["url", "headers", "ca certificate"],
)
def test_every_input_problem_is_caught_by_the_one_base(
    use: Callable[[], object], reason: str
) -> None:
    """Callers catch InvalidInputError once for every kind of input."""
    with pytest.raises(InvalidInputError) as err:
        use()
    assert err.value.reason == reason


def test_every_invalid_error_of_the_socket_layer_has_the_base() -> None:
    """An error class added later for input cannot bypass the base."""
    invalid = [
        name
        for name in connection.__all__
        if name.startswith("Invalid")
        and isinstance(value := getattr(connection, name), type)
        and issubclass(value, Exception)
    ]
    assert len(invalid) >= 4
    assert [
        name
        for name in invalid
        if not issubclass(getattr(connection, name), InvalidInputError)
    ] == []

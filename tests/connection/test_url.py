"""URL validation, origins and masking."""

from __future__ import annotations

import pytest

from custom_components.websocket_client.connection.url import (
    InvalidWebSocketUrlError,
    mask_url,
    parse_websocket_url,
    url_origin,
)


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (
            "ws://user:pw@host:8080/p?token=abc&x=1#frag",
            "ws://***:***@host:8080/p?token=***&x=***#***",
        ),
        ("ws://user@host/", "ws://***@host/"),
        ("wss://host/path", "wss://host/path"),
        ("ws://host:99999/", "***"),
    ],
)
def test_mask_url(url: str, masked: str) -> None:
    """Credentials and every query value are masked; unparsable URLs entirely."""
    assert mask_url(url) == masked


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("ws://Host.Example/x", "ws://host.example:80"),
        ("WSS://host/x?y=1", "wss://host:443"),
        ("ws://[::1]:81/x", "ws://[::1]:81"),
        ("ws://a:b@host:9/x", "ws://host:9"),
    ],
)
def test_origin(url: str, origin: str) -> None:
    """The origin is scheme, lower-case host and explicit port."""
    assert url_origin(url) == origin


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://h/", "invalid_scheme"),
        ("ws://", "missing_host"),
        ("", "invalid_url"),
        ("ws://h:70000/", "invalid_url"),
        ("ws://a b/", "invalid_url"),
    ],
)
def test_rejects(url: str, reason: str) -> None:
    """Only absolute ws:// and wss:// URLs with a host pass."""
    with pytest.raises(InvalidWebSocketUrlError) as err:
        parse_websocket_url(url)
    assert err.value.reason == reason

"""Validation, origin and secret-free display of WebSocket URLs."""

from __future__ import annotations

from typing import Final

from yarl import URL

from .errors import InvalidInputError

ALLOWED_SCHEMES: Final = frozenset({"ws", "wss"})
MASK: Final = "***"


class InvalidWebSocketUrlError(InvalidInputError):
    """A URL that cannot be used; `reason` is a translation key of the config flow."""


def parse_websocket_url(raw: str) -> URL:
    """Return the URL if it is an absolute ws:// or wss:// URL with a host."""
    text = raw.strip()
    try:
        url = URL(text)
        # yarl validates the port lazily; reading it surfaces a bad one here.
        _ = url.port
    except (ValueError, TypeError) as err:
        raise InvalidWebSocketUrlError("invalid_url") from err
    if not text or not url.scheme:
        raise InvalidWebSocketUrlError("invalid_url")
    if url.scheme.lower() not in ALLOWED_SCHEMES:
        raise InvalidWebSocketUrlError("invalid_scheme")
    if not url.host:
        raise InvalidWebSocketUrlError("missing_host")
    if any(character.isspace() for character in url.raw_host or ""):
        raise InvalidWebSocketUrlError("invalid_url")
    return url


def url_origin(raw: str) -> str:
    """Scheme, host and port: what a consent decision is bound to."""
    url = parse_websocket_url(raw)
    host = url.host or ""
    if ":" in host:
        host = f"[{host}]"
    return f"{url.scheme.lower()}://{host.lower()}:{url.port}"


def mask_url(raw: str) -> str:
    """The URL with user info and every query value replaced by a mask.

    Query values are masked wholesale because a token's parameter name is not
    predictable (token, key, auth, sig, ...), and a masked harmless value costs
    the reader nothing.
    """
    try:
        url = URL(raw.strip())
    except (ValueError, TypeError):
        return MASK
    if url.user is not None or url.password is not None:
        url = url.with_user(MASK).with_password(
            MASK if url.password is not None else None
        )
    if url.query_string:
        url = url.with_query([(key, MASK) for key in url.query])
    if url.fragment:
        url = url.with_fragment(MASK)
    return str(url)

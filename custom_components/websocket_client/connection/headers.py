"""Extra handshake headers: parsing the form's text, masking, keeping secrets.

Plain Python: no Home Assistant.
"""

from __future__ import annotations

from collections.abc import Mapping
import re
from typing import Final

from .errors import InvalidInputError
from .url import MASK

# RFC 9110 token: what a header name or a subprotocol may be made of
_TOKEN: Final = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
# Headers the WebSocket handshake itself sets; overriding them breaks it.
RESERVED_HEADERS: Final = frozenset(
    {
        "host",
        "upgrade",
        "connection",
        "content-length",
        "transfer-encoding",
        "sec-websocket-key",
        "sec-websocket-version",
        "sec-websocket-extensions",
        "sec-websocket-protocol",
    }
)


class InvalidHeadersError(InvalidInputError):
    """Header text that cannot be used; `reason` is a translation key."""


def is_token(text: str) -> bool:
    """Whether `text` is an RFC 9110 token (a header name, a subprotocol)."""
    return _TOKEN.match(text) is not None


def parse_headers(
    text: str, previous: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Headers from "Name: value" lines.

    A value of exactly the mask keeps the previously stored value, so forms can
    show stored headers without revealing them.
    """
    previous_by_name = {name.lower(): value for name, value in (previous or {}).items()}
    headers: dict[str, str] = {}
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        name, separator, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not separator or not is_token(name):
            raise InvalidHeadersError("invalid_headers")
        if name.lower() in RESERVED_HEADERS:
            raise InvalidHeadersError("reserved_header")
        if not value.isascii() or not value.isprintable():
            raise InvalidHeadersError("invalid_header_value")
        if value == MASK:
            if name.lower() not in previous_by_name:
                raise InvalidHeadersError("masked_header_unknown")
            value = previous_by_name[name.lower()]
        headers[name] = value
    return headers


def masked_headers_text(headers: Mapping[str, str]) -> str:
    """The form text of stored headers with every value masked."""
    return "\n".join(f"{name}: {MASK}" for name in headers)


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names with masked values, for diagnostics and logs."""
    return dict.fromkeys(headers, MASK)

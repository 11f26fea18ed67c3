"""Protocol options: on-connect messages, the login reply, keep-alive messages.

How the options form shows them, how its input is checked, and what the
connection gets. On-connect messages often carry a token, so the form never
shows them again: stored message n appears as `*** n`, which keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
import re
from typing import Any, Final

from .connection import MASK, InvalidInputError
from .payload import PAYLOAD_FIELDS, InvalidPayloadError, encode_payload

_MASKED_MESSAGE: Final = re.compile(rf"^{re.escape(MASK)}\s*(\d+)$")


class InvalidOptionError(InvalidInputError):
    """Form input an option cannot take; `reason` is a translation key."""


def _is_empty(value: Any) -> bool:
    return value is None or value in ("", [], {})


def parse_message(value: Any, reason: str) -> dict[str, Any]:
    """One message as the send action takes it: exactly one payload field."""
    if not isinstance(value, dict) or value.keys() - set(PAYLOAD_FIELDS):
        raise InvalidOptionError(reason)
    try:
        encode_payload(value)
    except InvalidPayloadError as err:
        raise InvalidOptionError(reason) from err
    return dict(value)


def parse_on_connect(value: Any, stored: Any) -> list[dict[str, Any]] | None:
    """On-connect messages from the form; `*** n` keeps stored message n."""
    if _is_empty(value):
        return None
    if not isinstance(value, list):
        raise InvalidOptionError("on_connect_invalid")
    kept: Sequence[dict[str, Any]] = stored or ()
    messages: list[dict[str, Any]] = []
    for item in value:
        if isinstance(item, str) and (masked := _MASKED_MESSAGE.match(item.strip())):
            number = int(masked[1])
            if not 1 <= number <= len(kept):
                raise InvalidOptionError("on_connect_mask_unknown")
            messages.append(kept[number - 1])
        else:
            messages.append(parse_message(item, "on_connect_invalid"))
    return messages


def masked_on_connect(stored: Any) -> list[str]:
    """What the form shows of stored on-connect messages."""
    return [f"{MASK} {number}" for number in range(1, len(stored or ()) + 1)]


def parse_reply(value: Any, stored: Any) -> dict[str, Any] | None:
    """The JSON subset a login reply must contain, or None (no waiting)."""
    if _is_empty(value):
        return None
    if not isinstance(value, dict):
        raise InvalidOptionError("on_connect_reply_invalid")
    return dict(value)


def parse_keepalive_message(value: Any, stored: Any) -> dict[str, Any] | None:
    """The keep-alive message, or None."""
    if _is_empty(value):
        return None
    return parse_message(value, "keepalive_message_invalid")


def encoded_messages(stored: Any) -> tuple[str | bytes, ...]:
    """The frames of stored on-connect messages, in order."""
    return tuple(encode_payload(message) for message in stored or ())


def encoded_message(stored: Any) -> str | bytes | None:
    """The frame of a stored keep-alive message, if there is one."""
    return None if stored is None else encode_payload(stored)

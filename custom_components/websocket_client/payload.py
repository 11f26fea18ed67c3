"""Outgoing payloads: the one way a `message`, `json` or `data_base64` becomes a frame.

Shared by the send and request actions, device actions and the protocol options
(on-connect and keep-alive messages), so every place accepts the same shapes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any, Final

from homeassistant.helpers.json import json_dumps

from .connection import InvalidInputError
from .const import ATTR_DATA_BASE64, ATTR_JSON, ATTR_MESSAGE

PAYLOAD_FIELDS: Final = (ATTR_MESSAGE, ATTR_JSON, ATTR_DATA_BASE64)


class InvalidPayloadError(InvalidInputError):
    """A payload that cannot be sent; `reason` is a translation key."""


def encode_payload(data: Mapping[str, Any]) -> str | bytes:
    """The frame payload from exactly one of message, json or data_base64."""
    given = [field for field in PAYLOAD_FIELDS if field in data]
    if len(given) != 1:
        raise InvalidPayloadError("exactly_one_payload")
    field = given[0]
    if field == ATTR_MESSAGE:
        if not isinstance(text := data[ATTR_MESSAGE], str):
            raise InvalidPayloadError("invalid_message")
        return text
    if field == ATTR_JSON:
        try:
            return json_dumps(data[ATTR_JSON])
        except (TypeError, ValueError) as err:
            raise InvalidPayloadError("invalid_json") from err
    encoded = data[ATTR_DATA_BASE64]
    try:
        return base64.b64decode("".join(str(encoded).split()), validate=True)
    except (binascii.Error, ValueError) as err:
        raise InvalidPayloadError("invalid_base64") from err

"""The one message filter: which received messages a trigger or a request wants.

Three criteria, each optional, all of which must hold: the message `type`
(text or binary), `match` (a JSON subset: every key and value given must be in
the message's JSON object) and `match_regex` (a regular expression searched in
the text). No criterion means every message.

The `websocket_client` trigger, the device trigger "Message received" and the
`request` action all build their filter with `filter_from_config`, so the same
bad input is refused with the same translated sentence everywhere: as
vol.Invalid when an automation is saved (`async_validate_filter`), as a
ServiceValidationError from an action (services.request_filter).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
import re
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .connection import InvalidInputError, is_subset
from .const import ATTR_MATCH, ATTR_MATCH_REGEX, MESSAGE_TYPE_BINARY, MESSAGE_TYPE_TEXT
from .errors import async_invalid_config
from .message import ROUTE_VALUE_TYPES, ReceivedMessage, Route

MESSAGE_TYPES: Final = (MESSAGE_TYPE_TEXT, MESSAGE_TYPE_BINARY)
# The field that holds the message type: `type` in a websocket_client trigger;
# a device trigger uses `type` for its own kind and names it otherwise.
TYPE_FIELD: Final = "type"


class InvalidFilterError(InvalidInputError):
    """A filter that cannot be used (a key of the translated `exceptions`)."""


@dataclass(frozen=True, slots=True)
class MessageFilter:
    """What a wanted message looks like; no criteria means every message."""

    type: str | None = None
    match: dict[str, Any] | None = None
    match_regex: re.Pattern[str] | None = None

    def matches(self, message: ReceivedMessage) -> bool:
        """Whether a received message meets every criterion."""
        if self.type is not None and message.type != self.type:
            return False
        if self.match is not None and not (
            message.is_json and is_subset(self.match, message.json)
        ):
            return False
        return self.match_regex is None or (
            message.text is not None
            and self.match_regex.search(message.text) is not None
        )

    def route(self) -> Route | None:
        """A top-level field every wanted message has (for the fan-out), if any.

        The first field of `match` whose value is text, a number, true, false
        or null; the fan-out then calls the subscriber only for messages with
        it, and `matches` still checks every criterion.
        """
        for key, value in (self.match or {}).items():
            if isinstance(key, str) and isinstance(value, ROUTE_VALUE_TYPES):
                return key, value
        return None

    def requiring(self, fields: Mapping[str, Any]) -> MessageFilter:
        """A copy that also requires `fields` in the JSON (a request's id)."""
        return replace(self, match={**(self.match or {}), **fields})


def filter_fields(type_field: str | None = TYPE_FIELD) -> dict[vol.Marker, Any]:
    """The filter's fields of a voluptuous schema (their shapes only).

    `type_field` names the field of the message type; None leaves it out. The
    rules between fields (filter_from_config) need the translated errors, so
    they run in the async validation, not in the schema.
    """
    fields: dict[vol.Marker, Any] = {
        vol.Optional(ATTR_MATCH): dict,
        vol.Optional(ATTR_MATCH_REGEX): cv.string,
    }
    if type_field is not None:
        fields[vol.Optional(type_field)] = vol.In(MESSAGE_TYPES)
    return fields


def filter_from_config(
    config: Mapping[str, Any], type_field: str | None = TYPE_FIELD
) -> MessageFilter:
    """The filter a config describes; other keys of the config are ignored.

    Raises InvalidFilterError: an unknown message type, a `match` that is no
    object, both `match` and `match_regex`, or a pattern that does not compile.
    """
    message_type = config.get(type_field) if type_field is not None else None
    if message_type is not None and message_type not in MESSAGE_TYPES:
        raise InvalidFilterError("invalid_message_type", type=str(message_type))
    if ATTR_MATCH in config and ATTR_MATCH_REGEX in config:
        raise InvalidFilterError("one_matcher")
    match = config.get(ATTR_MATCH)
    if ATTR_MATCH in config and not isinstance(match, dict):
        raise InvalidFilterError("match_not_object")
    return MessageFilter(type=message_type, match=match, match_regex=_compiled(config))


def _compiled(config: Mapping[str, Any]) -> re.Pattern[str] | None:
    if ATTR_MATCH_REGEX not in config:
        return None
    if not isinstance(pattern := config[ATTR_MATCH_REGEX], str):
        raise InvalidFilterError("invalid_regex", error="it is not text")
    try:
        return re.compile(pattern)
    except re.error as err:
        raise InvalidFilterError("invalid_regex", error=str(err)) from err


async def async_validate_filter(
    hass: HomeAssistant,
    config: Mapping[str, Any],
    type_field: str | None = TYPE_FIELD,
) -> MessageFilter:
    """The filter of an automation's config; vol.Invalid with the translated text.

    For `async_validate_trigger_config`: the automation editor shows the same
    sentence the request action raises for the same input.
    """
    try:
        return filter_from_config(config, type_field)
    except InvalidFilterError as err:
        raise await async_invalid_config(hass, err.reason, err.placeholders) from err

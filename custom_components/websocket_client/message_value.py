"""The value an entity takes from a message: a JSON path or a template.

A path names a field of the JSON message: keys joined by dots, list indexes
as numbers (`items.0.name`). A template gets `value` (the text) and
`value_json` (the parsed JSON), like MQTT's `value_template`. Neither means
the whole message text. A JSON attributes path names an object whose keys
become the entity's attributes.

A value that cannot be used never raises in the receive path: the reader
returns NO_VALUE (the entity keeps its state), logs the first failure of each
kind and counts every failure for diagnostics.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from enum import StrEnum
import logging
import math
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import TemplateError
from homeassistant.helpers.json import json_dumps
from homeassistant.helpers.template import Template

from .connection import InvalidInputError
from .message import ReceivedMessage

_LOGGER = logging.getLogger(__name__)

CONF_VALUE_PATH: Final = "value_path"
CONF_VALUE_TEMPLATE: Final = "value_template"
CONF_ATTRIBUTES_PATH: Final = "json_attributes_path"

# The flow lists at most this many fields of a message
MAX_FIELDS: Final = 100
# A value shown in the flow is cut after this many characters
MAX_SHOWN: Final = 60

type PathPart = str | int


class Failure(StrEnum):
    """Why a message gave no usable value (diagnostics show the counts)."""

    NOT_JSON = "not_json"
    MISSING_FIELD = "missing_field"
    TEMPLATE_ERROR = "template_error"
    NOT_A_NUMBER = "not_a_number"
    ATTRIBUTES_NOT_OBJECT = "attributes_not_object"
    # Found by the platforms (platform_state): an enum sensor's or a select's
    # value that is not an option, a binary sensor's or a switch's value that
    # is neither on nor off, a number's outside its minimum and maximum
    NOT_AN_OPTION = "not_an_option"
    NOT_ON_OR_OFF = "not_on_or_off"
    OUT_OF_RANGE = "out_of_range"
    # Home Assistant refused the state (a bug of ours; logged with its error)
    NOT_WRITTEN = "not_written"


class InvalidValueError(InvalidInputError):
    """A path or template that cannot be used (a key of the flow's errors)."""


NO_VALUE: Final = object()


def parse_path(path: str) -> tuple[PathPart, ...]:
    """The parts of a dotted path; digits are list indexes. Raises InvalidValueError."""
    parts = path.strip().split(".")
    if not all(part.strip() for part in parts):
        raise InvalidValueError("invalid_path", path=path)
    return tuple(int(part) if part.isdigit() else part.strip() for part in parts)


def check_template(hass: HomeAssistant, text: str) -> Template:
    """A template that compiles. Raises InvalidValueError."""
    template = Template(text, hass)
    try:
        template.ensure_valid()
    except TemplateError as err:
        raise InvalidValueError("invalid_template", error=str(err)) from err
    return template


def value_at(value: Any, parts: tuple[PathPart, ...]) -> Any:
    """The field at `parts`. Raises LookupError when it is not there."""
    for part in parts:
        if isinstance(value, dict):
            value = value[str(part)]
        elif isinstance(value, list) and isinstance(part, int):
            value = value[part]
        else:
            raise LookupError(part)
    return value


def as_number(value: Any) -> int | float:
    """A finite number from a number or a text holding one. Raises ValueError.

    Home Assistant refuses to write NaN or infinity as a numeric state.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(value)
    number: int | float
    if isinstance(value, str):
        try:
            number = int(value)
        except ValueError:
            number = float(value)
    else:
        number = value
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def json_fields(value: Any, limit: int = MAX_FIELDS) -> list[tuple[str, Any]]:
    """The leaves of a JSON value as (path, value) pairs, at most `limit`."""
    fields: list[tuple[str, Any]] = []
    pending: list[tuple[str, Any]] = [("", value)]
    while pending and len(fields) < limit:
        path, current = pending.pop()
        if isinstance(current, dict | list):
            items = current.items() if isinstance(current, dict) else enumerate(current)
            children = [(f"{path}.{key}" if path else str(key), v) for key, v in items]
            pending.extend(reversed(children))
        elif path:
            fields.append((path, current))
    return fields


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """A value as the flow shows it: JSON, cut to `limit` characters."""
    text = json_dumps(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


class MessageValue:
    """Reads one entity's value and attributes from messages; counts failures."""

    def __init__(
        self,
        hass: HomeAssistant,
        config: Mapping[str, Any],
        name: str,
        *,
        numeric: bool = False,
    ) -> None:
        """Read as `config` says; `numeric` when the state must be a number."""
        path = config.get(CONF_VALUE_PATH)
        template = config.get(CONF_VALUE_TEMPLATE)
        attributes = config.get(CONF_ATTRIBUTES_PATH)
        self._path = parse_path(path) if path else None
        self._template = Template(template, hass) if template else None
        self._attributes = parse_path(attributes) if attributes else None
        self._name = name
        self._numeric = numeric
        self.failures: Counter[Failure] = Counter()
        # The latest detail of each kind (the flow's preview shows it)
        self.details: dict[Failure, str] = {}

    def value(self, message: ReceivedMessage) -> Any:
        """The entity's value from a message, or NO_VALUE (logged, counted)."""
        try:
            value = self._raw_value(message)
        except _UnusableError as err:
            self.fail(err.failure, err.detail)
            return NO_VALUE
        if not self._numeric:
            return value
        try:
            return as_number(value)
        except ValueError:
            self.fail(Failure.NOT_A_NUMBER, shown(value))
            return NO_VALUE

    def attributes(self, message: ReceivedMessage) -> dict[str, Any] | None:
        """The JSON attributes from a message, None without a path or on failure."""
        if self._attributes is None:
            return None
        try:
            found = value_at(self._json(message), self._attributes)
        except _UnusableError as err:
            self.fail(err.failure, err.detail)
            return None
        except LookupError:
            self.fail(Failure.MISSING_FIELD, "json_attributes_path")
            return None
        if not isinstance(found, dict):
            self.fail(Failure.ATTRIBUTES_NOT_OBJECT, shown(found))
            return None
        return found

    def _raw_value(self, message: ReceivedMessage) -> Any:
        if self._template is not None:
            variables = {"value": message.text, "value_json": message.json}
            try:
                return self._template.async_render(
                    variables, parse_result=False, strict=True
                )
            except TemplateError as err:
                raise _UnusableError(Failure.TEMPLATE_ERROR, str(err)) from err
        if self._path is None:
            return message.text
        try:
            return value_at(self._json(message), self._path)
        except LookupError as err:
            raise _UnusableError(Failure.MISSING_FIELD, str(err)) from err

    @staticmethod
    def _json(message: ReceivedMessage) -> Any:
        if not message.is_json:
            raise _UnusableError(Failure.NOT_JSON, shown(message.text or message.type))
        return message.json

    def fail(self, failure: Failure, detail: str) -> None:
        """Count a failure; log the first of its kind."""
        self.failures[failure] += 1
        self.details[failure] = detail
        if self.failures[failure] == 1:
            _LOGGER.warning(
                "%s: a message gave no usable value (%s: %s); the state stays as"
                " it was, later failures of this kind are only counted",
                self._name,
                failure.value,
                detail,
            )


class _UnusableError(Exception):
    """A message that gives no value: why, and a detail for the log."""

    def __init__(self, failure: Failure, detail: str) -> None:
        super().__init__(detail)
        self.failure = failure
        self.detail = detail

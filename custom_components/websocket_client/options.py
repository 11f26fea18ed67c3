"""The options of a connection: one table from which everything else is derived.

The options form (options_form.py), the defaults, the range checks, the
connection's settings and the "does this change need a new connection?"
decision all read `OPTIONS`. Adding an option means one row here plus its
texts in strings.json.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
import ssl
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HEADERS, CONF_URL

from .connection import ConnectionSettings
from .const import CONF_SUBPROTOCOLS
from .protocol_options import (
    encoded_message,
    encoded_messages,
    masked_on_connect,
    parse_keepalive_message,
    parse_on_connect,
    parse_reply,
)

CONF_RETRY_INTERVAL: Final = "retry_interval"
CONF_HEARTBEAT: Final = "heartbeat"
CONF_IDLE_TIMEOUT: Final = "idle_timeout"
CONF_CONNECT_TIMEOUT: Final = "connect_timeout"
CONF_MAX_MESSAGE_SIZE: Final = "max_message_size"
CONF_EVENT_PAYLOAD_LIMIT: Final = "event_payload_limit"
CONF_QUEUE_SIZE: Final = "queue_size"
CONF_QUEUE_MAX_AGE: Final = "queue_max_age"
CONF_COMPRESSION: Final = "compression"
CONF_MESSAGE_EVENTS: Final = "message_events"
CONF_ON_CONNECT: Final = "on_connect"
CONF_ON_CONNECT_REPLY: Final = "on_connect_reply"
CONF_ON_CONNECT_TIMEOUT: Final = "on_connect_timeout"
CONF_KEEPALIVE_MESSAGE: Final = "keepalive_message"
CONF_KEEPALIVE_INTERVAL: Final = "keepalive_interval"
# The options form's sections (the retry interval and message events are above
# them): how a dead server is noticed, what is received, what waits to be sent,
# and what a protocol needs on every connection.
SECTION_CONNECTION_HEALTH: Final = "connection_health"
SECTION_MESSAGES: Final = "messages"
SECTION_SEND_QUEUE: Final = "send_queue"
SECTION_PROTOCOL: Final = "protocol"
# Sizes are stored in bytes and shown in KiB
KIB: Final = 1024

MESSAGE_EVENTS_ALL: Final = "all"
MESSAGE_EVENTS_NONE: Final = "none"

type OptionValue = int | float | bool | str | None
# Form input and the stored value -> the value to store (InvalidOptionError)
type OptionParser = Callable[[Any, Any], Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionSpec:
    """One option: its default, what it accepts, and what it drives."""

    key: str
    default: OptionValue
    # Inclusive range of a number; a number option without one is unbounded.
    minimum: float | None = None
    maximum: float | None = None
    # The unit the form shows and takes the value in
    unit: str | None = None
    # Stored units in one unit of the form (1024 for bytes shown in KiB)
    form_scale: int = 1
    # A choice among fixed values (shown as a translated list)
    choices: tuple[str, ...] = ()
    # The ConnectionSettings field it sets, if the connection uses it
    setting: str | None = None
    # Changing it needs a new connection (settings read once per connection)
    reconnect: bool = False
    # A structured value (messages, JSON), edited as YAML and checked by `parse`
    parse: OptionParser | None = None
    # The setting's value from the stored one, when they differ
    to_setting: Callable[[Any], Any] | None = None
    # What the form shows of a stored value that must not be shown again
    mask: Callable[[Any], Any] | None = None
    # The form section it appears in (None: the top of the form)
    section: str | None = None

    def to_form(self, value: Any) -> Any:
        """A stored value as the form shows it (bytes as KiB)."""
        if self.form_scale == 1 or not _is_number(value):
            return value
        return whole_if_integral(value / self.form_scale)

    def from_form(self, value: Any) -> Any:
        """What the form took, in stored units (KiB as bytes, exactly)."""
        if self.form_scale == 1 or not _is_number(value):
            return value
        return whole_if_integral(value * self.form_scale)

    def error(self, value: Any) -> str | None:
        """The translation key of what is wrong with `value`, if anything."""
        if self.choices:
            return None if value in self.choices else f"{self.key}_invalid"
        if self.minimum is None or self.maximum is None:
            return None
        if not self.minimum <= value <= self.maximum:
            return f"{self.key}_out_of_range"
        return None


OPTIONS: Final[tuple[OptionSpec, ...]] = (
    OptionSpec(
        key=CONF_RETRY_INTERVAL,
        default=10,
        minimum=1,
        maximum=86400,
        unit="s",
        setting="retry_interval",
    ),
    # Off unless asked for: the recorder stores every message event, which grows
    # the database and stalls Home Assistant at high rates. Entries from before
    # this default store "all" (migrated), so they keep their events.
    OptionSpec(
        key=CONF_MESSAGE_EVENTS,
        default=MESSAGE_EVENTS_NONE,
        choices=(MESSAGE_EVENTS_ALL, MESSAGE_EVENTS_NONE),
    ),
    OptionSpec(
        key=CONF_HEARTBEAT,
        default=30,
        minimum=0,
        maximum=3600,
        unit="s",
        setting="heartbeat",
        reconnect=True,
        section=SECTION_CONNECTION_HEALTH,
    ),
    OptionSpec(
        key=CONF_IDLE_TIMEOUT,
        default=60,
        minimum=0,
        maximum=86400,
        unit="s",
        setting="idle_timeout",
        reconnect=True,
        section=SECTION_CONNECTION_HEALTH,
    ),
    OptionSpec(
        key=CONF_CONNECT_TIMEOUT,
        default=10,
        minimum=1,
        maximum=300,
        unit="s",
        setting="connect_timeout",
        section=SECTION_CONNECTION_HEALTH,
    ),
    OptionSpec(
        key=CONF_MAX_MESSAGE_SIZE,
        default=4 * 1024 * KIB,
        minimum=0,
        maximum=256 * 1024 * KIB,
        unit="KiB",
        form_scale=KIB,
        setting="max_message_size",
        reconnect=True,
        section=SECTION_MESSAGES,
    ),
    # The recorder drops event data over 32 KiB; payloads beyond this are cut.
    OptionSpec(
        key=CONF_EVENT_PAYLOAD_LIMIT,
        default=32 * KIB,
        minimum=0,
        maximum=16 * 1024 * KIB,
        unit="KiB",
        form_scale=KIB,
        section=SECTION_MESSAGES,
    ),
    OptionSpec(
        key=CONF_COMPRESSION,
        default=False,
        setting="compress",
        reconnect=True,
        section=SECTION_MESSAGES,
    ),
    OptionSpec(
        key=CONF_QUEUE_SIZE,
        default=100,
        minimum=1,
        maximum=10000,
        unit="messages",
        section=SECTION_SEND_QUEUE,
    ),
    OptionSpec(
        key=CONF_QUEUE_MAX_AGE,
        default=60,
        minimum=1,
        maximum=86400,
        unit="s",
        section=SECTION_SEND_QUEUE,
    ),
    OptionSpec(
        key=CONF_ON_CONNECT,
        default=None,
        parse=parse_on_connect,
        to_setting=encoded_messages,
        mask=masked_on_connect,
        setting="on_connect",
        reconnect=True,
        section=SECTION_PROTOCOL,
    ),
    OptionSpec(
        key=CONF_ON_CONNECT_REPLY,
        default=None,
        parse=parse_reply,
        setting="on_connect_reply",
        reconnect=True,
        section=SECTION_PROTOCOL,
    ),
    OptionSpec(
        key=CONF_ON_CONNECT_TIMEOUT,
        default=10,
        minimum=1,
        maximum=300,
        unit="s",
        setting="on_connect_timeout",
        reconnect=True,
        section=SECTION_PROTOCOL,
    ),
    OptionSpec(
        key=CONF_KEEPALIVE_MESSAGE,
        default=None,
        parse=parse_keepalive_message,
        to_setting=encoded_message,
        setting="keepalive_message",
        reconnect=True,
        section=SECTION_PROTOCOL,
    ),
    OptionSpec(
        key=CONF_KEEPALIVE_INTERVAL,
        default=0,
        minimum=0,
        maximum=86400,
        unit="s",
        setting="keepalive_interval",
        reconnect=True,
        section=SECTION_PROTOCOL,
    ),
)
OPTIONS_BY_KEY: Final = {spec.key: spec for spec in OPTIONS}
SECTIONS: Final = tuple(dict.fromkeys(spec.section for spec in OPTIONS if spec.section))
# The section of each option inside one
SECTION_OF: Final = {spec.key: spec.section for spec in OPTIONS if spec.section}


def option_value(entry: ConfigEntry, key: str) -> Any:
    """An option's value, or its default."""
    return entry.options.get(key, OPTIONS_BY_KEY[key].default)


def option_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """A translated error for every given option it cannot take."""
    errors: dict[str, str] = {}
    for key, value in values.items():
        if key in OPTIONS_BY_KEY and (error := OPTIONS_BY_KEY[key].error(value)):
            errors[key] = error
    return errors


def whole_if_integral(value: Any) -> Any:
    """A float that is a whole number as int (the form sends floats)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def redacted_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Options with every secret one masked, for diagnostics."""
    redacted = dict(options)
    for spec in OPTIONS:
        if spec.mask is not None and spec.key in redacted:
            redacted[spec.key] = spec.mask(redacted[spec.key])
    return redacted


def connection_settings(
    entry: ConfigEntry, tls: ssl.SSLContext | bool
) -> ConnectionSettings:
    """Connection settings from entry data and options, with TLS already set up."""
    data = entry.data
    from_options: dict[str, Any] = {}
    for spec in OPTIONS:
        if spec.setting:
            value = option_value(entry, spec.key)
            from_options[spec.setting] = (
                spec.to_setting(value) if spec.to_setting else value
            )
    return ConnectionSettings(
        url=data[CONF_URL],
        headers=dict(data.get(CONF_HEADERS, {})),
        subprotocols=tuple(data.get(CONF_SUBPROTOCOLS, ())),
        ssl=tls,
        **from_options,
    )


def needs_reconnect(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether a change from `old` to `new` options needs a new connection."""
    return any(
        old.get(spec.key, spec.default) != new.get(spec.key, spec.default)
        for spec in OPTIONS
        if spec.reconnect
    )

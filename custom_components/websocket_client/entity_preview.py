"""The Add entity flow's preview: what the entity would show from a recent message.

The newest recent message the filter lets through is read as the entity
would read it (message_value, then its platform's rule in platform_state):
the state as the entity would show it, or why the entity would keep its
state instead, as a failure kind the preview step translates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from homeassistant.core import HomeAssistant

from .entity_form import excerpt
from .message_filter import filter_from_config
from .message_value import NO_VALUE, Failure, MessageValue, shown
from .platform_state import UnusableValueError, needs_number, state_rule
from .recent_messages import RecentMessage
from .subentry import (
    CONF_PLATFORM,
    PLATFORM_BINARY_SENSOR,
    PLATFORM_SWITCH,
)

# Shown where there is nothing to show
NOTHING: Final = "—"


@dataclass(frozen=True, slots=True)
class Preview:
    """The preview step's placeholders, and the failure kind if any."""

    placeholders: dict[str, str]
    failure: Failure | None = None


def shown_state(platform: str, state: Any) -> str:
    """A state as the entity would show it: on or off, a text, a number."""
    if platform in (PLATFORM_BINARY_SENSOR, PLATFORM_SWITCH):
        return "on" if state else "off"
    return state if isinstance(state, str) else shown(state)


def entity_preview(
    hass: HomeAssistant,
    data: Mapping[str, Any],
    name: str,
    recent: list[RecentMessage],
) -> Preview | None:
    """What the entity would show from the newest matching message; None: none."""
    message_filter = filter_from_config(data, None)
    newest = next(
        (kept.message for kept in recent if message_filter.matches(kept.message)),
        None,
    )
    if newest is None:
        return None
    reader = MessageValue(hass, data, name, numeric=needs_number(data))
    value = reader.value(newest)
    attributes = reader.attributes(newest)
    placeholders = {
        "name": name,
        "message": excerpt(newest),
        "value": NOTHING,
        "attributes": NOTHING if attributes is None else shown(attributes, 200),
        "detail": NOTHING,
    }
    failure: Failure | None = None
    if value is not NO_VALUE:
        try:
            state = state_rule(data)(value)
        except UnusableValueError as err:
            failure = err.failure
            placeholders["detail"] = err.detail
        else:
            placeholders["value"] = shown_state(data[CONF_PLATFORM], state)
    # The value's failure first; then one of the attributes (the value is shown)
    if failure is None and reader.failures:
        failure = next(iter(reader.failures))
        placeholders["detail"] = reader.details[failure]
    return Preview(placeholders, failure)

"""The Repairs advice for a chatty connection whose message events are recorded.

Every message event is a row the recorder writes; its commits hold the
interpreter lock and stall all of Home Assistant. When a connection keeps up a
high rate while its message events are recorded, a Repairs issue says so and
offers to turn message events off. It goes away by itself when the rate drops,
the events are off, or the recorder excludes them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.recorder import DATA_INSTANCE

from .client import WebSocketClient
from .const import EVENT_MESSAGE
from .options import CONF_MESSAGE_EVENTS, MESSAGE_EVENTS_ALL, option_value
from .repair_issues import ISSUE_RECORDED_EVENTS, async_clear_issue, async_raise_issue

RATE_WINDOW: Final = timedelta(minutes=1)
HIGH_RATE: Final = 50  # messages a second, sustained over the window


def events_recorded(hass: HomeAssistant, client: WebSocketClient) -> bool:
    """Whether the client fires message events and the recorder stores them."""
    if option_value(client.entry, CONF_MESSAGE_EVENTS) != MESSAGE_EVENTS_ALL:
        return False
    if (recorder := hass.data.get(DATA_INSTANCE)) is None:
        return False
    return EVENT_MESSAGE not in recorder.exclude_event_types


@callback
def async_watch_message_rate(
    hass: HomeAssistant, client: WebSocketClient
) -> Callable[[], None]:
    """Check the client's message rate once a window; returns the stopper."""
    entry_id = client.entry.entry_id
    counted = client.statistics.messages_received

    @callback
    def check(_now: datetime) -> None:
        nonlocal counted
        received = client.statistics.messages_received
        rate = (received - counted) / RATE_WINDOW.total_seconds()
        counted = received
        if rate > HIGH_RATE and events_recorded(hass, client):
            async_raise_issue(
                hass,
                ISSUE_RECORDED_EVENTS,
                entry_id,
                "recorded_message_events",
                {"name": client.name, "rate": f"{rate:.0f}"},
            )
        else:
            async_clear_issue(hass, ISSUE_RECORDED_EVENTS, entry_id)

    stop_timer = async_track_time_interval(
        hass, check, RATE_WINDOW, name=f"{client.name} message rate"
    )

    @callback
    def stop() -> None:
        stop_timer()
        async_clear_issue(hass, ISSUE_RECORDED_EVENTS, entry_id)

    return stop

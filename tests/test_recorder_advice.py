"""The Repairs advice for a chatty connection whose message events are recorded."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.components.recorder.core import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.websocket_client import recorder_advice
from custom_components.websocket_client.const import DOMAIN, EVENT_MESSAGE
from custom_components.websocket_client.repair_issues import (
    ISSUE_RECORDED_EVENTS,
    issue_id,
)
from custom_components.websocket_client.repairs import (
    MessageEventsRepairFlow,
    async_create_fix_flow,
)

from .helpers import EVENTS_ON, EntryFactory, wait_until
from .servers.ws_server import RecordingWebSocketServer

# A lower threshold than the real 50/s keeps the recorded bursts small; the
# logic does not depend on the number.
TEST_HIGH_RATE = 2
# Just over the high rate, sustained for a whole minute
BURST = TEST_HIGH_RATE * 60 + 30


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder,
    enable_custom_integrations: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The recorder must start before Home Assistant does."""
    monkeypatch.setattr(recorder_advice, "HIGH_RATE", TEST_HIGH_RATE)


async def flood(
    server: RecordingWebSocketServer, entry: MockConfigEntry, count: int
) -> None:
    """Push `count` messages and wait until the client has them all."""
    statistics = entry.runtime_data.statistics
    expected = statistics.messages_received + count
    for index in range(count):
        await server.push_text(f'{{"seq": {index}}}')
    await wait_until(lambda: statistics.messages_received == expected, timeout=30)


def advice(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """The entry's advisory issue, if Repairs shows one."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, issue_id(ISSUE_RECORDED_EVENTS, entry.entry_id)
    )


async def minute_of(
    hass: HomeAssistant,
    server: RecordingWebSocketServer,
    entry: MockConfigEntry,
    count: int,
    minute: int,
) -> None:
    """`count` messages, then the end of the entry's `minute`th rate window."""
    await flood(server, entry, count)
    later = dt_util.utcnow() + timedelta(minutes=minute, seconds=1)
    async_fire_time_changed(hass, later)
    await hass.async_block_till_done()


async def connected(add_entry: EntryFactory) -> MockConfigEntry:
    """An approved entry whose connection is open, its message events on."""
    entry = await add_entry(options=EVENTS_ON)
    await wait_until(lambda: entry.runtime_data.is_connected)
    return entry


async def test_advice_appears_fixes_and_clears(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A sustained high rate opens the issue; its fix turns message events off."""
    events = async_capture_events(hass, EVENT_MESSAGE)
    entry = await connected(add_entry)
    await minute_of(hass, ws_server, entry, BURST, 1)
    # Counted once the client has them: a message's event fires as it arrives.
    assert len(events) == BURST
    issue = advice(hass, entry)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {"name": "Living room", "rate": "2"}

    flow = await async_create_fix_flow(hass, issue.issue_id, issue.data)
    assert isinstance(flow, MessageEventsRepairFlow)
    flow.hass = hass
    # Repairs opens the flow with the issue as input: that is no confirmation.
    form = await flow.async_step_init({"issue_id": issue.issue_id})
    assert form["type"] == "form"
    assert form["step_id"] == "confirm"
    assert form["description_placeholders"] == {"name": "Living room"}
    assert entry.options.get("message_events", "all") == "all"
    done = await flow.async_step_confirm({})
    assert done["type"] == "create_entry"
    assert entry.options["message_events"] == "none"
    assert advice(hass, entry) is None

    # Off now: the messages still arrive, no event reaches the bus (or the
    # database), and however fast they come, no advice.
    await minute_of(hass, ws_server, entry, BURST, 2)
    assert entry.runtime_data.statistics.messages_received == 2 * BURST
    assert len(events) == BURST
    assert advice(hass, entry) is None


async def test_advice_goes_when_the_rate_drops(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A quiet minute after a busy one removes the issue by itself."""
    entry = await connected(add_entry)
    await minute_of(hass, ws_server, entry, BURST, 1)
    assert advice(hass, entry) is not None
    await minute_of(hass, ws_server, entry, 10, 2)
    assert advice(hass, entry) is None


async def test_no_advice_when_excluded_from_the_recorder(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Events the recorder excludes cost nothing: no advice."""
    get_instance(hass).exclude_event_types.add(EVENT_MESSAGE)
    entry = await connected(add_entry)
    await minute_of(hass, ws_server, entry, BURST, 1)
    assert advice(hass, entry) is None

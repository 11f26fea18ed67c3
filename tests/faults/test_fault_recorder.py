"""Fault family 4, continued: what the recorder is asked to store.

Measured with the recorder on, as users run Home Assistant: message events stay
within the recorder's 32 KiB event-data limit, cut and flagged when larger.
"""

from __future__ import annotations

import json

from homeassistant.components.recorder.core import Recorder
from homeassistant.components.recorder.db_schema import (
    EventData,
    Events,
    EventTypes,
    StateAttributes,
    States,
    StatesMeta,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance, session_scope
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.websocket_client.const import EVENT_MESSAGE
from tests.helpers import (
    EVENTS_ON,
    MESSAGE,
    EntryFactory,
    message_attribute,
    wait_until,
)
from tests.servers.ws_server import RecordingWebSocketServer


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """The recorder must start before Home Assistant does."""


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_recorder_gets_nothing_over_the_limit(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """Large messages reach the database cut to the limit; payload attributes never."""
    entry = await add_entry(options=EVENTS_ON)
    await wait_until(lambda: entry.runtime_data.is_connected)
    big = json.dumps({"rows": ["r" * 64] * 2000})  # ~136 KB
    await ws_server.push_text(big)
    await ws_server.push_bytes(bytes(100_000))
    await ws_server.push_text('{"small": 1}')
    await wait_until(lambda: entry.runtime_data.statistics.messages_received == 3)
    # The Message entity is paced: wait for its write of the last message.
    await wait_until(lambda: message_attribute(hass, "json") == {"small": 1})
    await async_wait_recording_done(hass)

    def stored_event_data() -> list[str]:
        with session_scope(hass=hass, read_only=True) as session:
            return [
                row.shared_data
                for row in session.query(EventData.shared_data)
                .join(Events, Events.data_id == EventData.data_id)
                .join(EventTypes, Events.event_type_id == EventTypes.event_type_id)
                .filter(EventTypes.event_type == EVENT_MESSAGE)
            ]

    def stored_message_attributes() -> list[str]:
        with session_scope(hass=hass, read_only=True) as session:
            return [
                row.shared_attrs
                for row in session.query(StateAttributes.shared_attrs)
                .join(States, States.attributes_id == StateAttributes.attributes_id)
                .join(StatesMeta, States.metadata_id == StatesMeta.metadata_id)
                .filter(StatesMeta.entity_id == MESSAGE)
                .order_by(States.state_id)
            ]

    recorder = get_instance(hass)
    stored = await recorder.async_add_executor_job(stored_event_data)
    assert len(stored) == 3
    assert all(len(data.encode()) <= 32 * 1024 for data in stored)
    decoded = [json.loads(data) for data in stored]
    assert [d.get("truncated", False) for d in decoded] == [True, True, False]

    # The entity showed the payload; its recorded rows hold only the event type.
    rows = await recorder.async_add_executor_job(stored_message_attributes)
    recorded = [json.loads(attributes) for attributes in rows]
    assert recorded[-1] == {
        "event_type": "text",
        "friendly_name": "Living room Message",
    }
    for attributes in recorded:
        assert attributes.keys() == {"event_type", "friendly_name"}, attributes

"""Entities from messages that send commands: the queue, optimistic state, errors.

Shared by switches, numbers and selects (each platform's own tests send their
commands); here a number stands for them: queued while disconnected, the send
action's translated errors, a command template that cannot be rendered.
"""

from __future__ import annotations

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest

from .helpers import (
    EntryFactory,
    call_action,
    entity_subentry,
    state_of,
    wait_connected,
    wait_until,
)
from .servers.ws_server import RecordingWebSocketServer

LEVEL = "number.living_room_level"


async def set_value(hass: HomeAssistant, value: float, entity_id: str = LEVEL) -> None:
    """Set a number as the UI does."""
    await hass.services.async_call(
        "number", "set_value", {"entity_id": entity_id, "value": value}, blocking=True
    )


async def test_queue_and_errors_of_the_send_action(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Queued: available, sent once connected; else not_connected; too large."""
    queued = entity_subentry("Level", "n1", "number", optimistic=True, queue=True)
    direct = entity_subentry(
        "Direct", "d1", "number", optimistic=True, unavailable_when_disconnected=False
    )
    large = entity_subentry(
        "Large", "l1", "number", optimistic=True, command_template="{{ 'x' * 40 }}"
    )
    entry = await add_entry(
        options={"max_message_size": 16}, subentries=[queued, direct, large]
    )
    await wait_connected(hass)
    with pytest.raises(ServiceValidationError) as err:
        await set_value(hass, 1, "number.living_room_large")
    assert err.value.translation_key == "message_too_large"
    assert state_of(hass, "number.living_room_large") == STATE_UNKNOWN
    await call_action(hass, "disconnect", entry.entry_id)
    assert state_of(hass, "number.living_room_large") == STATE_UNAVAILABLE
    with pytest.raises(ServiceValidationError) as err:
        await set_value(hass, 1, "number.living_room_direct")
    assert err.value.translation_key == "not_connected"
    assert state_of(hass, "number.living_room_direct") == STATE_UNKNOWN
    await set_value(hass, 8)
    assert state_of(hass, LEVEL) == "8"
    assert ws_server.frames == []
    await call_action(hass, "connect", entry.entry_id)
    await wait_until(lambda: len(ws_server.frames) == 1)
    assert ws_server.frames[0].data == "8"


async def test_a_template_that_fails_is_a_translated_error(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Rendering fails (a name it does not know): translated, nothing sent."""
    level = entity_subentry(
        "Level", "n1", "number", optimistic=True, command_template="{{ levle }}"
    )
    await add_entry(subentries=[level])
    await wait_connected(hass)
    with pytest.raises(HomeAssistantError) as err:
        await set_value(hass, 3)
    assert err.value.translation_key == "command_template_error"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["entity_id"] == LEVEL
    assert "levle" in err.value.translation_placeholders["error"]
    assert state_of(hass, LEVEL) == STATE_UNKNOWN
    assert ws_server.frames == []

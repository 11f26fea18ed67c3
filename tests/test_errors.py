"""Expected failures of the actions, as each kind of caller receives them.

REST callers get HTTP 400 for an error in what they asked and HTTP 500 for a
failure while carrying the action out, both with the translated message and no
traceback in the log. The frontend (WebSocket API) gets the translation key;
automations carry on past them with continue_on_error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import logging
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_mock_service
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)
import voluptuous as vol

from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.errors import (
    action_error,
    async_invalid_config,
    validation_error,
)

from .helpers import EntryFactory, wait_connected
from .servers.ws_server import RecordingWebSocketServer

# What the user asked for, on the default entry (whose id is filled in)
type Arrange = Callable[[HomeAssistant, EntryFactory], Awaitable[str]]


async def switched_off(hass: HomeAssistant, add_entry: EntryFactory) -> str:
    """An entry whose Connection switch is off."""
    return (await add_entry(connection_enabled=False)).entry_id


async def connected(hass: HomeAssistant, add_entry: EntryFactory) -> str:
    """An entry connected to a server that never answers requests."""
    return (await add_entry(options={"max_message_size": 16})).entry_id


async def unloaded(hass: HomeAssistant, add_entry: EntryFactory) -> str:
    """An entry that is not loaded."""
    entry = await add_entry()
    assert await hass.config_entries.async_unload(entry.entry_id)
    return entry.entry_id


async def denied(hass: HomeAssistant, add_entry: EntryFactory) -> str:
    """An entry the user denied."""
    return (await add_entry(decision="denied")).entry_id


async def queue_of_one_taken(hass: HomeAssistant, add_entry: EntryFactory) -> str:
    """A switched-off entry whose send queue (one message) is full."""
    entry = await add_entry(connection_enabled=False, options={"queue_size": 1})
    await hass.services.async_call(
        DOMAIN,
        "send",
        {"config_entry_id": entry.entry_id, "message": "waits", "queue": True},
        blocking=True,
    )
    return entry.entry_id


# (arrange, action, fields, HTTP status, translation key)
FAILURES: list[tuple[Arrange, str, dict[str, Any], int, str]] = [
    (switched_off, "send", {"message": "hi"}, 400, "not_connected"),
    (unloaded, "send", {"message": "hi"}, 400, "entry_not_loaded"),
    (connected, "send", {"message": "hi", "json": 1}, 400, "exactly_one_payload"),
    (connected, "send", {"message": "x" * 17}, 400, "message_too_large"),
    (denied, "connect", {}, 400, "consent_denied"),
    (
        queue_of_one_taken,
        "send",
        {"message": "hi", "queue": True},
        500,
        "send_queue_full",
    ),
    (connected, "request", {"message": "hi", "timeout": 0.1}, 500, "request_timeout"),
]


@pytest.fixture
async def http_apis(hass: HomeAssistant) -> None:
    """Home Assistant's REST and WebSocket APIs (set up before any client)."""
    assert await async_setup_component(hass, "api", {})
    assert await async_setup_component(hass, "websocket_api", {})


def tracebacks_and_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log lines that are errors or carry a traceback."""
    return [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.ERROR or record.exc_info
    ]


@pytest.mark.parametrize(("arrange", "action", "fields", "status", "key"), FAILURES)
async def test_rest_caller_gets_the_status_and_message(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    http_apis: None,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
    arrange: Arrange,
    action: str,
    fields: dict[str, Any],
    status: int,
    key: str,
) -> None:
    """400 or 500 with the translated message as JSON; nothing in the log."""
    entry_id = await arrange(hass, add_entry)
    client = await hass_client()
    query = "?return_response" if action == "request" else ""
    response = await client.post(
        f"/api/services/{DOMAIN}/{action}{query}",
        json={"config_entry_id": entry_id, **fields},
    )
    assert response.status == status
    assert response.content_type == "application/json"
    message = (await response.json())["message"]
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            DOMAIN,
            action,
            {"config_entry_id": entry_id, **fields},
            blocking=True,
            return_response=action == "request",
        )
    assert raised.value.translation_key == key
    assert message == str(raised.value)
    assert tracebacks_and_errors(caplog) == []


async def test_frontend_gets_the_translation(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    http_apis: None,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Through the WebSocket API: Home Assistant's error codes and our translation."""
    entry = await add_entry(connection_enabled=False)
    websocket = await hass_ws_client(hass)
    await websocket.send_json_auto_id(
        {
            "type": "call_service",
            "domain": DOMAIN,
            "service": "send",
            "service_data": {"config_entry_id": entry.entry_id, "message": "hi"},
        }
    )
    answer = await websocket.receive_json()
    assert answer["success"] is False
    assert answer["error"] == {
        "code": "service_validation_error",
        "message": "Validation error: The connection Living room is not connected "
        "(status: disconnected). The message was not sent",
        "translation_domain": DOMAIN,
        "translation_key": "not_connected",
        "translation_placeholders": {"name": "Living room", "status": "disconnected"},
    }

    await hass.services.async_call(
        DOMAIN, "connect", {"config_entry_id": entry.entry_id}, blocking=True
    )
    await wait_connected(hass)
    await websocket.send_json_auto_id(
        {
            "type": "call_service",
            "domain": DOMAIN,
            "service": "request",
            "service_data": {
                "config_entry_id": entry.entry_id,
                "message": "hi",
                "timeout": 0.1,
            },
            "return_response": True,
        }
    )
    answer = await websocket.receive_json()
    assert answer["error"]["code"] == "home_assistant_error"
    assert answer["error"]["translation_key"] == "request_timeout"


@pytest.mark.parametrize(("continue_on_error", "runs_on"), [(True, 1), (False, 0)])
async def test_automation_carries_on_when_told(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
    continue_on_error: bool,
    runs_on: int,
) -> None:
    """continue_on_error covers a send that is refused: the next action runs.

    Home Assistant logs the failed step as one line either way, no traceback.
    """
    entry = await add_entry(connection_enabled=False)
    calls = async_mock_service(hass, "test", "after_send")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "trigger": {"platform": "event", "event_type": "go"},
                "action": [
                    {
                        "action": f"{DOMAIN}.send",
                        "data": {"config_entry_id": entry.entry_id, "message": "hi"},
                        "continue_on_error": continue_on_error,
                    },
                    {"action": "test.after_send"},
                ],
            }
        },
    )
    hass.bus.async_fire("go")
    await hass.async_block_till_done()
    assert len(calls) == runs_on
    assert not [record for record in caplog.records if record.exc_info]


def test_errors_are_home_assistant_errors_not_schema_errors() -> None:
    """Automations would treat a vol.Invalid as a broken script, never to carry on."""
    invalid = validation_error("not_connected", name="n", status="s")
    failed = action_error("request_timeout", name="n", timeout="1")
    assert isinstance(invalid, ServiceValidationError)
    assert isinstance(failed, HomeAssistantError)
    assert not isinstance(failed, ServiceValidationError)
    assert not isinstance(invalid, vol.Invalid)
    assert not isinstance(failed, vol.Invalid)
    assert repr(invalid) == "InvalidActionError('not_connected')"


@pytest.mark.parametrize("language", ["en", "de"])
async def test_saved_config_gets_the_actions_sentence(
    hass: HomeAssistant, add_entry: EntryFactory, language: str
) -> None:
    """vol.Invalid says what the action error says; missing languages in English."""
    await add_entry()  # the actions' errors are rendered once it is set up
    hass.config.language = language
    action = validation_error("entry_not_loaded", name="Living room")
    invalid = await async_invalid_config(
        hass, "entry_not_loaded", {"name": "Living room"}, path=["config_entry_id"]
    )
    assert invalid.msg == str(action)
    assert (
        invalid.msg
        == "The connection Living room is not loaded. Enable or reload it first"
    )
    assert invalid.path == ["config_entry_id"]
    plain = await async_invalid_config(hass, "one_matcher")
    assert str(plain) == "Give at most one of match or match_regex"
    assert str(await async_invalid_config(hass, "no_such_key")) == "no_such_key"

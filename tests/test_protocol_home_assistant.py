"""Home Assistant's WebSocket API as the server, with the integration's own options.

The token is a secret on-connect message, the login counts only once the
server says auth_ok, requests get fresh ids, and the subscription comes back
by itself when the server restarts: no automation does any of it.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.websocket_client.const import (
    DOMAIN,
    EVENT_CONNECTED,
    EVENT_MESSAGE,
)

from .helpers import (
    EVENTS_ON,
    LAST_ERROR,
    STATUS,
    EntryFactory,
    state_of,
    status_changes,
    wait_connected,
    wait_until,
)
from .servers.home_assistant_server import HomeAssistantServer, command, log_in
from .servers.processes import listening_addresses

EVENT_TYPE = "doorbell_pressed"
SUBSCRIBE_ID = 1


async def get_states(server: HomeAssistantServer) -> list[dict[str, Any]]:
    """The server's states, read through a connection of our own."""
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(server.url) as ws,
    ):
        await log_in(ws, server.token)
        states: list[dict[str, Any]] = await command(ws, 1, type="get_states")
        return states


def entity_ids(states: list[dict[str, Any]]) -> set[str]:
    """The entity ids among states as the server lists them."""
    return {state["entity_id"] for state in states}


async def test_server_fixture(home_assistant_server: HomeAssistantServer) -> None:
    """The fixture's server answers on 127.0.0.1; its token outlives a restart."""
    server = home_assistant_server
    assert listening_addresses(server.port) == {"127.0.0.1"}
    assert "zone.home" in entity_ids(await get_states(server))
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(server.url) as ws,
    ):
        await log_in(ws, server.token)
        await command(ws, 1, type="subscribe_events", event_type=EVENT_TYPE)
        await server.fire_event(EVENT_TYPE, {"door": "front"})
        message = await ws.receive_json(timeout=10)
    assert message["event"]["event_type"] == EVENT_TYPE
    assert message["event"]["data"] == {"door": "front"}

    await server.restart()
    assert "zone.home" in entity_ids(await get_states(server))


async def connected_entry(
    add_entry: EntryFactory, server: HomeAssistantServer
) -> MockConfigEntry:
    """An entry that logs in with the token and subscribes to EVENT_TYPE."""
    return await add_entry(
        url=server.url,
        options={
            **EVENTS_ON,
            "on_connect": [
                {"json": {"type": "auth", "access_token": server.token}},
                {
                    "json": {
                        "id": SUBSCRIBE_ID,
                        "type": "subscribe_events",
                        "event_type": EVENT_TYPE,
                    }
                },
            ],
            "on_connect_reply": {"type": "auth_ok"},
            "retry_interval": 0.5,
        },
    )


async def request_states(hass: HomeAssistant, entry_id: str) -> dict[str, Any]:
    """get_states through the request action, the id set by the integration."""
    response = await hass.services.async_call(
        DOMAIN,
        "request",
        {"config_entry_id": entry_id, "json": {"type": "get_states"}, "id_key": "id"},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    reply = response["json"]
    assert isinstance(reply, dict)
    return reply


async def test_login_requests_and_subscription_across_a_restart(
    hass: HomeAssistant,
    home_assistant_server: HomeAssistantServer,
    add_entry: EntryFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Logging in, then connected; requests with fresh ids; back after a restart."""
    server = home_assistant_server
    logging_in = status_changes(hass, "logging_in")
    connected = status_changes(hass, "connected")
    connects = async_capture_events(hass, EVENT_CONNECTED)
    messages = async_capture_events(hass, EVENT_MESSAGE)

    def subscribed() -> int:
        """How many times the server confirmed the subscription."""
        return sum(
            event.data.get("json", {}).get("id") == SUBSCRIBE_ID
            and event.data["json"].get("type") == "result"
            and event.data["json"].get("success") is True
            for event in messages
        )

    def doorbells() -> list[dict[str, Any]]:
        """The EVENT_TYPE events the server sent us."""
        return [
            event.data["json"]["event"]["data"]
            for event in messages
            if event.data.get("json", {}).get("type") == "event"
        ]

    entry = await connected_entry(add_entry, server)
    await wait_connected(hass)
    assert len(logging_in) == 1
    assert logging_in[0] < connected[0]

    first = await request_states(hass, entry.entry_id)
    second = await request_states(hass, entry.entry_id)
    for reply in (first, second):
        assert reply["type"] == "result"
        assert reply["success"] is True
        assert "zone.home" in entity_ids(reply["result"])
    assert first["id"] != second["id"]

    await wait_until(lambda: subscribed() == 1)
    await server.fire_event(EVENT_TYPE, {"ring": 1})
    await wait_until(lambda: doorbells() == [{"ring": 1}])

    await server.restart()
    await wait_until(lambda: len(connects) == 2, timeout=30)
    assert len(connected) == 2
    assert connected[0] < logging_in[-1] < connected[1]
    await wait_until(lambda: subscribed() == 2)
    await server.fire_event(EVENT_TYPE, {"ring": 2})
    await wait_until(lambda: doorbells() == [{"ring": 1}, {"ring": 2}])
    third = await request_states(hass, entry.entry_id)
    assert third["success"] is True
    assert third["id"] not in (first["id"], second["id"])

    assert server.token not in caplog.text
    assert server.token not in repr([event.data for event in messages])
    assert server.token not in repr(hass.states.async_all())


async def test_wrong_token_is_an_outage_that_says_so(
    hass: HomeAssistant,
    home_assistant_server: HomeAssistantServer,
    add_entry: EntryFactory,
) -> None:
    """auth_invalid, then the server closes: never connected, Last error says why."""
    server = home_assistant_server
    messages = async_capture_events(hass, EVENT_MESSAGE)
    await add_entry(
        url=server.url,
        options={
            **EVENTS_ON,
            "on_connect": [{"json": {"type": "auth", "access_token": "wrong"}}],
            "on_connect_reply": {"type": "auth_ok"},
            "retry_interval": 0.5,
        },
    )
    await wait_until(
        lambda: (
            sum(event.data["json"]["type"] == "auth_invalid" for event in messages) >= 2
        ),
        timeout=30,
    )
    assert state_of(hass, LAST_ERROR) == "login_refused"
    assert state_of(hass, STATUS) != "connected"

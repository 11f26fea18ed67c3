"""The request action: send, then return the matching reply; the matching rules."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import WSMsgType, web
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.websocket_client.const import DOMAIN, EVENT_MESSAGE
from custom_components.websocket_client.request import RequestIds

from .helpers import BAD_FILTERS, EVENTS_ON, EntryFactory, wait_connected, wait_until
from .servers.ws_server import RecordingWebSocketServer


async def request(hass: HomeAssistant, entry_id: str, **data: Any) -> dict[str, Any]:
    """Call the request action and return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "request",
        {"config_entry_id": entry_id, **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def assert_nothing_sent_before_a_marker(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, entry_id: str
) -> None:
    """Send a marker and wait for it: it must be the only frame the server has.

    Frames of one connection arrive in order, so a frame of a refused request
    would be there before the marker.
    """
    await hass.services.async_call(
        DOMAIN,
        "send",
        {"config_entry_id": entry_id, "message": "marker"},
        blocking=True,
    )
    await wait_until(lambda: len(ws_server.frames) >= 1)
    assert [frame.data for frame in ws_server.frames] == ["marker"]


async def test_reply_matching_a_json_subset(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Unrelated messages are skipped; the subset match returns the reply."""
    ws_server.replies['{"id":7,"op":"get"}'] = [
        '{"id":6,"value":"old"}',
        "not json",
        '{"id":7,"value":{"temp":21,"unit":"C"}}',
    ]
    messages = async_capture_events(hass, EVENT_MESSAGE)
    entry = await add_entry(options=EVENTS_ON)
    await wait_connected(hass)
    response = await request(
        hass, entry.entry_id, json={"id": 7, "op": "get"}, match={"id": 7}
    )
    assert response == {
        "type": "text",
        "text": '{"id":7,"value":{"temp":21,"unit":"C"}}',
        "json": {"id": 7, "value": {"temp": 21, "unit": "C"}},
        "data_base64": None,
    }
    await wait_until(lambda: len(messages) == 3)  # replies are still events


async def test_reply_matching_a_regex_and_the_next_message(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """match_regex searches the text; without criteria the next message wins."""
    ws_server.replies["ping"] = ["noise", "pong 42"]
    entry = await add_entry()
    await wait_connected(hass)
    response = await request(
        hass, entry.entry_id, message="ping", match_regex=r"^pong \d+"
    )
    assert response["text"] == "pong 42"
    assert response["json"] is None

    response = await request(hass, entry.entry_id, message="ping")
    assert response["text"] == "noise"


async def test_binary_reply(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A binary reply comes back as base64."""
    entry = await add_entry()
    await wait_connected(hass)
    task = asyncio.create_task(request(hass, entry.entry_id, data_base64="AQI="))
    await wait_until(lambda: len(ws_server.frames) == 1)
    await ws_server.push_bytes(b"\x01\x02\x03")
    assert await task == {
        "type": "binary",
        "text": None,
        "json": None,
        "data_base64": "AQID",
    }


async def test_concurrent_requests_get_their_own_replies(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Replies arriving in reverse order still reach the right callers."""
    entry = await add_entry()
    await wait_connected(hass)
    calls = [
        asyncio.create_task(
            request(hass, entry.entry_id, json={"id": n}, match={"id": n})
        )
        for n in range(5)
    ]
    await wait_until(lambda: len(ws_server.frames) == 5)
    for n in reversed(range(5)):
        await ws_server.push_text(json.dumps({"id": n, "square": n * n}))
    responses = await asyncio.gather(*calls)
    assert [r["json"]["square"] for r in responses] == [0, 1, 4, 9, 16]


async def test_timeout_and_lost_connection(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """No matching reply in time, or the connection closing, give translated errors."""
    entry = await add_entry()
    await wait_connected(hass)
    with pytest.raises(HomeAssistantError) as err:
        await request(hass, entry.entry_id, message="hi", match={"id": 1}, timeout=0.2)
    assert err.value.translation_key == "request_timeout"
    assert err.value.translation_placeholders == {
        "name": "Living room",
        "timeout": "0.2",
    }

    task = asyncio.create_task(request(hass, entry.entry_id, message="hi", timeout=5))
    await wait_until(lambda: len(ws_server.frames) == 2)
    await ws_server.close_clients(1011)
    with pytest.raises(HomeAssistantError) as err:
        await task
    assert err.value.translation_key == "request_connection_lost"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"message": "x", "match": {"a": 1}, "match_regex": "a"}, "one_matcher"),
        ({"message": "x", "match_regex": "("}, "invalid_regex"),
        ({"match": {"a": 1}}, "exactly_one_payload"),
    ],
)
async def test_invalid_requests(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    data: dict[str, Any],
    key: str,
) -> None:
    """Bad criteria are refused before anything is sent."""
    entry = await add_entry()
    await wait_connected(hass)
    with pytest.raises(ServiceValidationError) as err:
        await request(hass, entry.entry_id, **data)
    assert err.value.translation_key == key
    await assert_nothing_sent_before_a_marker(hass, ws_server, entry.entry_id)


async def test_request_while_disconnected(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A request on a connection that is down fails like send does."""
    entry = await add_entry(connection_enabled=False)
    with pytest.raises(ServiceValidationError) as err:
        await request(hass, entry.entry_id, message="x")
    assert err.value.translation_key == "not_connected"


async def answer_by_id(ws: web.WebSocketResponse) -> None:
    """A JSON-RPC-like server: a decoy first, then the answer to each id."""
    async for msg in ws:
        if msg.type is WSMsgType.TEXT and (request_id := json.loads(msg.data)["id"]):
            await ws.send_str(json.dumps({"id": 1, "error": "id_reuse"}))
            await ws.send_str(json.dumps({"id": request_id, "result": "ok"}))


async def test_id_key_gives_fresh_ids_never_reused(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Each request gets a new id above the on-connect ones, across reconnects."""
    ws_server.on_connect = answer_by_id
    entry = await add_entry(
        options={"on_connect": [{"json": {"id": 5, "type": "subscribe"}}]}
    )
    await wait_connected(hass)

    async def request_result() -> Any:
        response = await request(
            hass, entry.entry_id, json={"type": "get_states"}, id_key="id"
        )
        return response["json"]

    assert await request_result() == {"id": 6, "result": "ok"}
    assert await request_result() == {"id": 7, "result": "ok"}
    await ws_server.close_clients()
    await wait_until(lambda: ws_server.handshakes == 2)
    await wait_connected(hass)
    assert await request_result() == {"id": 8, "result": "ok"}


async def answer_twice_by_id(ws: web.WebSocketResponse) -> None:
    """Another request's result, then an acknowledgement, then this result."""
    async for msg in ws:
        if msg.type is WSMsgType.TEXT:
            request_id = json.loads(msg.data)["id"]
            await ws.send_str(json.dumps({"id": request_id + 100, "result": "ok"}))
            await ws.send_str(json.dumps({"id": request_id, "ack": True}))
            await ws.send_str(json.dumps({"id": request_id, "result": "ok"}))


@pytest.mark.parametrize(
    "criteria", [{"match": {"result": "ok"}}, {"match_regex": '"result"'}]
)
async def test_id_key_and_the_users_criteria_both_hold(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    criteria: dict[str, Any],
) -> None:
    """The reply carries the request's id and meets match or match_regex too."""
    ws_server.on_connect = answer_twice_by_id
    entry = await add_entry()
    await wait_connected(hass)
    response = await request(
        hass, entry.entry_id, json={"type": "get"}, id_key="id", **criteria
    )
    assert response["json"] == {"id": 1, "result": "ok"}


async def test_id_key_needs_a_json_object(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """An id can only go into a JSON object; anything else is refused unsent."""
    entry = await add_entry()
    await wait_connected(hass)
    for payload in ({"message": '{"a": 1}'}, {"json": [1, 2]}):
        with pytest.raises(ServiceValidationError) as err:
            await request(hass, entry.entry_id, id_key="id", **payload)
        assert err.value.translation_key == "id_key_needs_json_object"
    await assert_nothing_sent_before_a_marker(hass, ws_server, entry.entry_id)


@pytest.mark.parametrize(("bad_filter", "message"), BAD_FILTERS)
async def test_filter_errors_are_the_triggers(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    bad_filter: dict[str, Any],
    message: str,
) -> None:
    """A bad filter is refused in the words the triggers use when saved."""
    entry = await add_entry()
    await wait_connected(hass)
    with pytest.raises(ServiceValidationError) as err:
        await request(hass, entry.entry_id, message="x", **bad_filter)
    assert str(err.value) == message


def test_request_ids_grow_above_on_connect_ids() -> None:
    """Ids only grow, start above the on-connect ids under the key, skip non-JSON."""
    ids = RequestIds()
    on_connect = (b"\x10\x00", "not json", '{"id": 4}', '{"id": "x"}', "[1]")
    assert ids.next_id(on_connect, "id") == 5
    assert ids.next_id(on_connect, "id") == 6
    assert ids.next_id((), "id") == 7
    assert ids.next_id(('{"rid": 100}',), "rid") == 101
    # Changed on-connect messages (new options) count from their ids on
    assert ids.next_id(('{"id": 500}', '{"rid": 7}'), "id") == 501

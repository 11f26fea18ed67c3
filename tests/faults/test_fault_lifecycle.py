"""Fault family 6: unload, reload and stop at awkward moments; many entries.

Whatever the connection is doing, unloading is quick and leaves no task, socket or
timer behind (the test plugin's cleanup checks run after every test).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
import json

from aiohttp import web
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from custom_components.websocket_client.const import DOMAIN
from tests.helpers import STATUS, EntryFactory, state_of, wait_connected, wait_until
from tests.servers.raw_peer import RawPeer, drain_until_closed
from tests.servers.ws_server import RecordingWebSocketServer

type Ending = Callable[[HomeAssistant, str], Awaitable[None]]


async def unload(hass: HomeAssistant, entry_id: str) -> None:
    """Unload the entry."""
    assert await hass.config_entries.async_unload(entry_id)


async def reload(hass: HomeAssistant, entry_id: str) -> None:
    """Reload the entry, then unload it."""
    assert await hass.config_entries.async_reload(entry_id)
    assert await hass.config_entries.async_unload(entry_id)


async def stop(hass: HomeAssistant, entry_id: str) -> None:
    """Home Assistant stops: the entry stays loaded, its connection ends for good."""
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    assert state_of(hass, STATUS) == "disconnected"


ENDINGS = pytest.mark.parametrize("ending", [unload, reload, stop])


@dataclass
class HangingPeer(RawPeer):
    """Accepts TCP, never answers the upgrade; counts connections the client ended."""

    ended: int = 0


@pytest.fixture
async def hanging_peer(socket_enabled: None) -> AsyncGenerator[HangingPeer]:
    """A peer the handshake hangs on."""

    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await drain_until_closed(reader)
        peer.ended += 1

    peer = HangingPeer(hang, upgrade=False)
    await peer.start()
    yield peer
    await peer.stop()


@ENDINGS
async def test_while_connecting(
    hass: HomeAssistant,
    hanging_peer: HangingPeer,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    ending: Ending,
) -> None:
    """The handshake is under way (and would take 10 s) when the entry goes."""
    entry = await add_entry(url=hanging_peer.url)
    await wait_until(lambda: hanging_peer.connections == 1)
    assert state_of(hass, STATUS) == "connecting"
    async with asyncio.timeout(2):
        await ending(hass, entry.entry_id)
        await wait_until(lambda: hanging_peer.ended == 1)


@ENDINGS
async def test_while_waiting_to_retry(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    ending: Ending,
) -> None:
    """An hour-long retry wait does not delay unloading."""
    ws_server.reject_status = 500
    entry = await add_entry(options={"retry_interval": 3600})
    await wait_until(lambda: state_of(hass, STATUS) == "waiting_to_retry")
    async with asyncio.timeout(2):
        await ending(hass, entry.entry_id)


async def flood(ws: web.WebSocketResponse) -> None:
    """Send messages until the client goes away."""
    seq = 0
    while not ws.closed:
        await ws.send_str(json.dumps({"seq": seq}))
        seq += 1
        if seq % 100 == 0:
            await asyncio.sleep(0)  # a yield, not a wait: let the loop run


@ENDINGS
async def test_during_a_flood(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    ending: Ending,
) -> None:
    """Messages pouring in do not hold up unloading."""
    ws_server.on_connect = flood
    entry = await add_entry()
    await wait_until(lambda: entry.runtime_data.statistics.messages_received > 1000)
    async with asyncio.timeout(2):
        await ending(hass, entry.entry_id)
        await wait_until(lambda: not ws_server.clients)
    ws_server.on_connect = None


@ENDINGS
async def test_during_a_pending_request(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    ending: Ending,
) -> None:
    """A request waiting for its reply fails at once with a translated error."""
    entry = await add_entry()
    await wait_connected(hass)
    request = asyncio.create_task(
        hass.services.async_call(
            DOMAIN,
            "request",
            {"config_entry_id": entry.entry_id, "message": "?", "timeout": 30},
            blocking=True,
            return_response=True,
        )
    )
    await wait_until(lambda: len(ws_server.frames) == 1)
    async with asyncio.timeout(2):
        await ending(hass, entry.entry_id)
        with pytest.raises(HomeAssistantError) as err:
            await request
    assert err.value.translation_key == "request_connection_lost"


async def test_fifty_entries_half_failing(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """Each entry lives on its own: 25 connect, 25 keep retrying, all unload."""
    ws_server.reject_path_prefix = "/ws/bad"
    good = [
        await add_entry(url=f"{ws_server.url}/good{n}", title=f"Good {n}")
        for n in range(25)
    ]
    bad = [
        await add_entry(url=f"{ws_server.url}/bad{n}", title=f"Bad {n}")
        for n in range(25)
    ]
    await wait_until(lambda: all(e.runtime_data.is_connected for e in good))
    await wait_until(lambda: all(e.runtime_data.statistics.last_error for e in bad))
    assert all(not e.runtime_data.is_connected for e in bad)
    assert len(ws_server.clients) == 25
    await ws_server.close_clients(1012)
    await wait_until(lambda: ws_server.handshakes > 25 + 25 * 2)
    await wait_until(lambda: all(e.runtime_data.is_connected for e in good))
    for entry in good + bad:
        assert await hass.config_entries.async_unload(entry.entry_id)
        assert entry.state is ConfigEntryState.NOT_LOADED
    await wait_until(lambda: not ws_server.clients)

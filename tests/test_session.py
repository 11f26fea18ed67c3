"""The connections' own HTTP session: shared, unlimited per host, closed with the last.

Home Assistant's shared session allows 100 connections per host; a WebSocket
holds its connection while open. The integration's session must not.
"""

from __future__ import annotations

import asyncio
import ssl

import aiohttp
from homeassistant.const import EVENT_HOMEASSISTANT_CLOSE
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import SERVER_SOFTWARE
import pytest

from custom_components.websocket_client.connection import InvalidCACertificateError
from custom_components.websocket_client.session import (
    DATA_SESSION,
    async_acquire_session,
    async_release_session,
    async_ssl_setting,
)
from tests.helpers import EntryFactory, wait_until
from tests.servers.certificates import CertificateSet
from tests.servers.ws_server import RecordingWebSocketServer

# One more than Home Assistant's shared session allows to one host
OVER_THE_HOST_LIMIT = 101


async def test_more_connections_to_one_host_than_the_shared_session_allows(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer
) -> None:
    """The 101st connection to one server opens like the first."""
    session = async_acquire_session(hass)
    opened: list[aiohttp.ClientWebSocketResponse] = []
    try:
        # A limited pool would make the last one wait for a free connection.
        async with asyncio.timeout(10):
            for _ in range(OVER_THE_HOST_LIMIT):
                ws = await session.ws_connect(ws_server.url)
                opened.append(ws)
        await wait_until(lambda: len(ws_server.clients) == OVER_THE_HOST_LIMIT)
    finally:
        for ws in opened:
            await ws.close()
        await async_release_session(hass)
    assert ws_server.request_headers[0]["User-Agent"] == SERVER_SOFTWARE


async def test_home_assistant_closing_closes_the_session(hass: HomeAssistant) -> None:
    """At the latest when Home Assistant closes, with entries still loaded."""
    session = async_acquire_session(hass)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_CLOSE)
    await hass.async_block_till_done()
    assert session.closed


async def test_last_unload_closes_the_session(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Entries share one session; it closes with the last of them."""
    first = await add_entry()
    second = await add_entry(url=f"{ws_server.url}/second", title="Second")
    shared = hass.data[DATA_SESSION]
    assert shared.users == 2
    await hass.config_entries.async_unload(first.entry_id)
    assert not shared.session.closed
    await hass.config_entries.async_unload(second.entry_id)
    assert shared.session.closed


async def test_an_entry_after_the_last_one_gets_a_new_session(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """The closed session is not handed out again: the next entry connects."""
    first = await add_entry()
    await wait_until(lambda: first.runtime_data.is_connected)
    closed = hass.data[DATA_SESSION].session
    await hass.config_entries.async_unload(first.entry_id)
    assert closed.closed
    second = await add_entry(url=f"{ws_server.url}/second", title="Second")
    await wait_until(lambda: second.runtime_data.is_connected)
    assert hass.data[DATA_SESSION].session is not closed
    assert ws_server.request_paths == ["/ws", "/ws/second"]


@pytest.mark.parametrize("verify", [True, False])
async def test_without_a_ca_the_verify_choice_is_the_setting(
    hass: HomeAssistant, verify: bool
) -> None:
    """System CAs, or no verification at all, as the user chose."""
    assert await async_ssl_setting(hass, verify, None) is verify
    assert await async_ssl_setting(hass, verify, "") is verify


async def test_a_private_ca_gives_a_context_that_trusts_it(
    hass: HomeAssistant,
    certificates: CertificateSet,
    tls_server_thread: RecordingWebSocketServer,
) -> None:
    """The CA wins over the verify choice; the server it signed is trusted."""
    context = await async_ssl_setting(hass, False, certificates.ca_pem)
    assert isinstance(context, ssl.SSLContext)
    session = async_acquire_session(hass)
    try:
        ws = await session.ws_connect(tls_server_thread.url, ssl=context)
        await ws.close()
    finally:
        await async_release_session(hass)
    assert tls_server_thread.handshakes == 1


async def test_an_unusable_ca_is_refused(hass: HomeAssistant) -> None:
    """Set-up turns this into a translated error (see test_init.py)."""
    with pytest.raises(InvalidCACertificateError):
        await async_ssl_setting(hass, True, "not a certificate")

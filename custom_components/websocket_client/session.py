"""The HTTP session every connection of this integration shares, and its TLS.

Home Assistant's shared session allows 100 connections per host, and a
WebSocket holds its connection for as long as it is open: 100 connections to one
server would starve every other integration talking to that host, and the
101st connection would never connect. Long-lived connections get their own pool, without
a per-host limit, closed when the last entry unloads.
"""

from __future__ import annotations

import ssl
from typing import Final

import aiohttp
from homeassistant.const import EVENT_HOMEASSISTANT_CLOSE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import SERVER_SOFTWARE
from homeassistant.util.hass_dict import HassKey

from .connection import build_ca_context

DATA_SESSION: Final = HassKey["SharedSession"]("websocket_client_session")


class SharedSession:
    """A reference-counted aiohttp session for the integration's connections."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Create the session and close it at the latest when Home Assistant does."""
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, limit_per_host=0),
            headers={"User-Agent": SERVER_SOFTWARE},
        )
        self.users = 0
        self._unsubscribe_close = hass.bus.async_listen_once(
            EVENT_HOMEASSISTANT_CLOSE, self._async_close_on_exit
        )

    async def _async_close_on_exit(self, _event: Event) -> None:
        await self.session.close()

    async def async_close(self) -> None:
        """Close the session for good."""
        self._unsubscribe_close()
        await self.session.close()


@callback
def async_acquire_session(hass: HomeAssistant) -> aiohttp.ClientSession:
    """The connections' session, created for the first entry that needs it."""
    if (shared := hass.data.get(DATA_SESSION)) is None:
        shared = hass.data[DATA_SESSION] = SharedSession(hass)
    shared.users += 1
    return shared.session


async def async_release_session(hass: HomeAssistant) -> None:
    """Give the session back; the last entry to do so closes it."""
    shared = hass.data[DATA_SESSION]
    shared.users -= 1
    if shared.users == 0:
        del hass.data[DATA_SESSION]
        await shared.async_close()


async def async_ssl_setting(
    hass: HomeAssistant, verify_ssl: bool, ca_cert: str | None
) -> ssl.SSLContext | bool:
    """The `ssl` argument for aiohttp matching the user's TLS settings.

    Raises InvalidCACertificateError for a CA that cannot be used.
    """
    if ca_cert:
        return await hass.async_add_executor_job(build_ca_context, ca_cert)
    return verify_ssl

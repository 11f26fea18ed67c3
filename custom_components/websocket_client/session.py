"""The HTTP session every link of this integration shares.

Home Assistant's shared session allows 100 connections per host, and a
WebSocket holds its connection for as long as it is open: 100 links to one
server would starve every other integration talking to that host, and the
101st link would never connect. Long-lived links get their own pool, without
a per-host limit, closed when the last entry unloads.
"""

from __future__ import annotations

from typing import Final

import aiohttp
from homeassistant.const import EVENT_HOMEASSISTANT_CLOSE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import SERVER_SOFTWARE
from homeassistant.util.hass_dict import HassKey

DATA_SESSION: Final = HassKey["LinkSession"]("websocket_client_session")


class LinkSession:
    """A reference-counted aiohttp session for the integration's links."""

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
    """The links' session, created for the first entry that needs it."""
    if (link_session := hass.data.get(DATA_SESSION)) is None:
        link_session = hass.data[DATA_SESSION] = LinkSession(hass)
    link_session.users += 1
    return link_session.session


async def async_release_session(hass: HomeAssistant) -> None:
    """Give the session back; the last entry to do so closes it."""
    link_session = hass.data[DATA_SESSION]
    link_session.users -= 1
    if link_session.users == 0:
        del hass.data[DATA_SESSION]
        await link_session.async_close()

"""Fixtures of the socket-layer tests: nothing from Home Assistant.

The tests one level up get a Home Assistant instance in every test (custom
integrations are enabled through the `hass` fixture). The socket layer knows
nothing of Home Assistant, so neither do its tests: the autouse fixture that
needs `hass` is replaced by one that makes sure no test here uses it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import aiohttp
import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """No Home Assistant here: fail a test that asks for an instance anyway."""
    assert "hass" not in request.fixturenames, request.node.nodeid


@pytest.fixture
async def session(socket_enabled: None) -> AsyncGenerator[aiohttp.ClientSession]:
    """A plain aiohttp session, as Home Assistant's shared one would be."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session

"""The Advanced section (advanced.py): headers, subprotocols and TLS, end to end."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.websocket_client.const import DOMAIN

from .helpers import STATUS, EntryFactory, state_of, wait_connected, wait_until
from .servers.certificates import CertificateSet
from .servers.ws_server import RecordingWebSocketServer

BASE = {
    "name": "Living room",
    "access_reason": "Mirror the living room lights",
    "retry_interval": 10,
}


async def submit_user_step(
    hass: HomeAssistant, url: str, advanced: dict[str, Any]
) -> dict[str, Any]:
    """Fill in the set-up form including the advanced section."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    return dict(
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {**BASE, "url": url, "advanced": advanced}
        )
    )


@pytest.mark.parametrize(
    ("advanced", "errors"),
    [
        ({"headers": "no colon here"}, {"headers": "invalid_headers"}),
        ({"headers": "Bad Name: x"}, {"headers": "invalid_headers"}),
        ({"headers": "Sec-WebSocket-Key: x"}, {"headers": "reserved_header"}),
        ({"headers": "X-Name: héllo"}, {"headers": "invalid_header_value"}),
        ({"headers": "Authorization: ***"}, {"headers": "masked_header_unknown"}),
        ({"subprotocols": ["ok", "not ok"]}, {"subprotocols": "invalid_subprotocol"}),
        (
            {"ca_cert": "-----BEGIN CERTIFICATE-----\nxx"},
            {"ca_cert": "invalid_ca_cert"},
        ),
    ],
)
async def test_advanced_field_errors(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    advanced: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """Each unusable advanced value gets its own translated error.

    The frontend shows no error inside a section: the section's key repeats it.
    """
    result = await submit_user_step(hass, ws_server.url, advanced)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {**errors, "advanced": next(iter(errors.values()))}


async def test_url_credentials_and_authorization_header_conflict(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer
) -> None:
    """Credentials in the URL already make the Authorization header."""
    url = ws_server.url.replace("ws://", "ws://user:pw@")
    result = await submit_user_step(hass, url, {"headers": "authorization: Basic x"})
    assert result["errors"] == {
        "headers": "authorization_conflict",
        "advanced": "authorization_conflict",
    }


async def test_headers_and_subprotocols_reach_the_server(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer
) -> None:
    """Headers from the form are sent in the handshake; a subprotocol is agreed."""
    ws_server.protocols = ("v2.chat",)
    result = await submit_user_step(
        hass,
        ws_server.url,
        {
            "headers": "Authorization: Bearer abc123\n\nX-Client:  home ",
            "subprotocols": ["v3.chat", " v2.chat "],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["headers"] == {
        "Authorization": "Bearer abc123",
        "X-Client": "home",
    }
    entry_id = result["result"].entry_id
    await hass.services.async_call(
        DOMAIN, "approve", {"config_entry_id": entry_id}, blocking=True
    )
    await wait_connected(hass)
    headers = ws_server.request_headers[0]
    assert headers["Authorization"] == "Bearer abc123"
    assert headers["X-Client"] == "home"
    assert headers["Sec-WebSocket-Protocol"] == "v3.chat,v2.chat"
    assert ws_server.clients[0].ws_protocol == "v2.chat"


async def test_private_ca_connects(
    hass: HomeAssistant,
    tls_server_thread: RecordingWebSocketServer,
    add_entry: EntryFactory,
    certificates: CertificateSet,
) -> None:
    """With the private CA, a wss:// server with its certificate is trusted."""
    await add_entry(url=tls_server_thread.url, ca_cert=certificates.ca_pem)
    await wait_connected(hass)
    assert tls_server_thread.handshakes == 1


async def test_unverifiable_certificate_is_refused_unless_verification_off(
    hass: HomeAssistant,
    tls_server_thread: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """Verification on: the certificate fails. Off: the connection comes up."""
    await add_entry(url=tls_server_thread.url, title="Strict")
    await wait_until(
        lambda: state_of(hass, "sensor.strict_status") == "waiting_to_retry"
    )
    assert state_of(hass, "sensor.strict_last_error") == "tls_certificate"
    assert tls_server_thread.handshakes == 0

    await add_entry(url=tls_server_thread.url + "?lenient", verify_ssl=False)
    await wait_connected(hass)
    assert state_of(hass, STATUS) == "connected"

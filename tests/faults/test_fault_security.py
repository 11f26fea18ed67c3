"""Fault family 7: security.

No handshake before consent (counted as TCP connections); who may decide; no
secret (URL credentials, query values, header values, CA text) in any log
line, notification, repair, event, state or diagnostics; only ws:// and wss://.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
import json
import logging
from typing import Any

from homeassistant.auth.models import User
from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications,
)
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import MATCH_ALL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import Unauthorized
from homeassistant.helpers import config_validation as cv, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)
import voluptuous_serialize

from custom_components.websocket_client.const import DOMAIN
from tests.helpers import (
    EntryFactory,
    RetryWitness,
    call_action,
    submitted_as_shown,
    wait_until,
)
from tests.servers.certificates import CertificateSet
from tests.servers.raw_peer import RawPeer, drain_until_closed
from tests.servers.ws_server import RecordingWebSocketServer

USER, PASSWORD, TOKEN, HEADER, LOGIN = (
    "uSeRsEcReT",
    "pAsSsEcReT",
    "tOkEnSeCrEt",
    "hEaDeRsEcReT",
    "lOgInSeCrEt",
)
# Typed in newer releases only
_serialize: Callable[..., Any] = voluptuous_serialize.convert
# Loggers of the test servers: they log the request line (with the query) as a
# server does; they are not Home Assistant's.
SERVER_LOGGERS = ("aiohttp.access", "aiohttp.server", "aiohttp.web")


@pytest.fixture
async def counting_peer(socket_enabled: None) -> AsyncGenerator[RawPeer]:
    """Counts every TCP connection, before any HTTP is spoken."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await drain_until_closed(reader)

    peer = RawPeer(hold)
    await peer.start()
    yield peer
    await peer.stop()


async def test_no_tcp_connection_before_consent_or_after_denial(
    hass: HomeAssistant,
    counting_peer: RawPeer,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
) -> None:
    """Not even a TCP connection while awaiting approval or once denied."""
    waiting = await add_entry(decision=None, url=counting_peer.url + "?a", title="A")
    denied = await add_entry(decision=None, url=counting_peer.url + "?b", title="B")
    await call_action(hass, "deny", denied.entry_id, None)
    await retry_witness.wait_retries()
    assert counting_peer.connections == 0
    await call_action(hass, "approve", waiting.entry_id, None)
    await wait_until(lambda: counting_peer.connections == 1)


@pytest.mark.parametrize("service", ["approve", "deny"])
@pytest.mark.parametrize(
    ("caller", "allowed"),
    [
        ("administrator", True),
        ("handling user", True),
        ("other user", False),
        (None, True),
    ],
)
async def test_authorisation_matrix(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    hass_admin_user: User,
    service: str,
    caller: str | None,
    allowed: bool,
) -> None:
    """Administrators, the handling user and automations decide; nobody else."""
    handler = await hass.auth.async_create_user("Handler", group_ids=["system-users"])
    other = await hass.auth.async_create_user("Other", group_ids=["system-users"])
    users = {
        "administrator": hass_admin_user,
        "handling user": handler,
        "other user": other,
    }
    entry = await add_entry(decision=None, handling_user=handler.id)
    user = users[caller] if caller else None
    if allowed:
        await call_action(hass, service, entry.entry_id, user)
        expected = {"approve": "approved", "deny": "denied"}[service]
        assert entry.data["consent"]["decision"] == expected
    else:
        with pytest.raises(Unauthorized):
            await call_action(hass, service, entry.entry_id, user)
        assert "consent" not in entry.data


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "https://127.0.0.1/", "file:///etc/passwd", "tcp://h:1"],
)
async def test_only_websocket_urls_enter(hass: HomeAssistant, url: str) -> None:
    """Set-up refuses every scheme but ws:// and wss://."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "name": "X",
            "url": url,
            "access_reason": "A good reason here",
            "retry_interval": 5,
        },
    )
    assert result["errors"] == {"url": "invalid_scheme"}


async def log_in_with_on_connect_secret(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    ws_server: RecordingWebSocketServer,
    entry_id: str,
) -> list[str]:
    """Save an on-connect login holding a secret; return the forms and traces."""
    login = {"type": "auth", "access_token": LOGIN}
    ws_server.replies[json.dumps(login, separators=(",", ":"))] = ['{"type":"ok"}']
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "on_message",
                "triggers": {"trigger": DOMAIN, "config_entry_id": entry_id},
                "actions": {"event": "vault_message"},
            }
        },
    )
    replies = async_capture_events(hass, "vault_message")
    handshakes = ws_server.handshakes
    shown: list[str] = []
    on_connects: list[list[Any]] = [[{"json": login}], ["*** 1"]]
    for on_connect in on_connects:
        flow = await hass.config_entries.options.async_init(entry_id)
        shown.append(json.dumps(_form_as_sent(flow), default=str))
        assert flow["data_schema"] is not None
        form = {**submitted_as_shown(flow["data_schema"]), "retry_interval": 1}
        protocol: dict[str, Any] = {
            "on_connect": on_connect,
            "on_connect_reply": {"type": "ok"},
            "on_connect_timeout": 5,
            "keepalive_interval": 0,
        }
        result = await hass.config_entries.options.async_configure(
            flow["flow_id"], {**form, "protocol": protocol}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
    await wait_until(
        lambda: ws_server.handshakes == handshakes + 1 and len(replies) > 0
    )
    assert ws_server.frames[-1].data == json.dumps(login, separators=(",", ":"))
    flow = await hass.config_entries.options.async_init(entry_id)
    shown.append(json.dumps(_form_as_sent(flow), default=str))
    # Before the API server starts: it cannot take views afterwards.
    assert await async_setup_component(hass, "diagnostics", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "trace/list", "domain": "automation", "item_id": "on_message"}
    )
    for run in (await client.receive_json())["result"]:
        await client.send_json_auto_id(
            {
                "type": "trace/get",
                "domain": "automation",
                "item_id": "on_message",
                "run_id": run["run_id"],
            }
        )
        shown.append(json.dumps(await client.receive_json()))
    assert len(shown) > 3  # traces were read
    return shown


def _form_as_sent(flow: Any) -> Any:
    """A form as the frontend receives it."""
    return _serialize(flow["data_schema"], custom_serializer=cv.custom_serializer)


async def test_secrets_never_leak(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    certificates: CertificateSet,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Walk the whole life of a connection and look for secrets everywhere."""
    caplog.set_level(logging.DEBUG)
    ca_fragment = certificates.ca_pem.splitlines()[2][:40]
    secrets = (USER, PASSWORD, TOKEN, HEADER, LOGIN, ca_fragment)
    seen: list[str] = []

    @callback
    def record(event: Event) -> None:
        seen.append(json.dumps(event.data, default=str))

    hass.bus.async_listen(MATCH_ALL, record)
    url = ws_server.url.replace("ws://", f"ws://{USER}:{PASSWORD}@")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "name": "Vault",
            "url": f"{url}?token={TOKEN}&mode=x",
            "access_reason": "Receive the vault's door events",
            "retry_interval": 1,
            "advanced": {
                "headers": f"X-Api-Key: {HEADER}",
                "ca_cert": certificates.ca_pem,
            },
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    await hass.async_block_till_done()
    seen.extend(
        json.dumps(dict(n), default=str)
        for n in _async_get_or_create_notifications(hass).values()
    )
    seen.extend(
        json.dumps([issue.translation_placeholders, issue.data], default=str)
        for issue in ir.async_get(hass).issues.values()
    )
    await call_action(hass, "approve", entry.entry_id, None)
    await wait_until(lambda: entry.runtime_data.is_connected)
    assert ws_server.request_headers[0]["X-Api-Key"] == HEADER  # really sent
    await ws_server.push_text("hello")
    await ws_server.close_clients(1011, b"restart")
    await wait_until(
        lambda: ws_server.handshakes == 2 and entry.runtime_data.is_connected
    )
    ws_server.reject_status = 401
    await ws_server.close_clients(1012, b"rotate keys")
    await wait_until(lambda: entry.runtime_data.status.value == "authentication_failed")
    ws_server.reject_status = None
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"headers": f"X-Api-Key: {HEADER}2"}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    seen.extend(
        await log_in_with_on_connect_secret(
            hass, hass_ws_client, ws_server, entry.entry_id
        )
    )
    diagnostics: dict[str, Any] = await get_diagnostics_for_config_entry(
        hass, hass_client, entry
    )
    seen.append(json.dumps(diagnostics, default=str))
    seen.extend(
        json.dumps(state.as_dict(), default=str) for state in hass.states.async_all()
    )
    formatter = logging.Formatter()  # message plus any traceback
    seen.extend(
        formatter.format(record)
        for record in caplog.records
        if not record.name.startswith(SERVER_LOGGERS)
    )
    assert any("Vault" in text for text in seen)  # the capture works
    leaks = [(secret, text) for text in seen for secret in secrets if secret in text]
    assert leaks == []

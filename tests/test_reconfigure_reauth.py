"""Reconfigure (URL, headers, TLS) and reauthentication after 401/403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import config_validation as cv, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous_serialize

from custom_components.websocket_client.const import DOMAIN

from .helpers import (
    STATUS,
    EntryFactory,
    RetryWitness,
    state_of,
    wait_connected,
    wait_until,
)
from .servers.certificates import CertificateSet
from .servers.ws_server import RecordingWebSocketServer

# Typed in newer releases only; the alias keeps one call for both.
serialize: Callable[..., Any] = voluptuous_serialize.convert


async def reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, user_input: dict[str, Any]
) -> dict[str, Any]:
    """Run the reconfigure flow with one submission."""
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    return dict(
        await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    )


async def test_reconfigure_same_origin_keeps_consent(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A new path and header on the same origin reconnect without asking again."""
    entry = await add_entry(headers={"Authorization": "Bearer old"})
    await wait_connected(hass)
    result = await reconfigure(
        hass,
        entry,
        {
            "url": ws_server.url + "/v2",
            "advanced": {"headers": "Authorization: ***\nX-Extra: 1"},
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    await wait_until(lambda: ws_server.handshakes == 2)
    await wait_connected(hass)
    assert ws_server.request_paths[-1] == "/ws/v2"
    assert ws_server.request_headers[-1]["Authorization"] == "Bearer old"
    assert ws_server.request_headers[-1]["X-Extra"] == "1"


async def test_reconfigure_new_origin_asks_again(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
) -> None:
    """A different port puts the entry back to awaiting approval."""
    entry = await add_entry()
    await wait_connected(hass)
    result = await reconfigure(hass, entry, {"url": "ws://127.0.0.1:1/ws"})
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert state_of(hass, STATUS) == "awaiting_approval"
    await retry_witness.wait_retries()
    assert ws_server.handshakes == 1


async def test_back_to_an_approved_origin_withdraws_the_request(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Away to a new origin and back: the stale consent request disappears."""
    entry = await add_entry()
    await wait_connected(hass)
    await reconfigure(hass, entry, {"url": "ws://127.0.0.1:1/ws"})
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"consent_{entry.entry_id}")
    await reconfigure(hass, entry, {"url": ws_server.url})
    await hass.async_block_till_done()
    await wait_connected(hass)
    assert not ir.async_get(hass).async_get_issue(DOMAIN, f"consent_{entry.entry_id}")


async def test_reconfigure_without_the_section_keeps_advanced_settings(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """An API caller that sends only the URL changes only the URL."""
    entry = await add_entry(
        decision=None, headers={"X-Api-Key": "k"}, subprotocols=["v1"]
    )
    await reconfigure(hass, entry, {"url": ws_server.url + "?v=2"})
    assert entry.data["headers"] == {"X-Api-Key": "k"}
    assert entry.data["subprotocols"] == ["v1"]


async def test_reconfigure_form_hides_secrets_and_validates(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    certificates: CertificateSet,
) -> None:
    """Stored header values and the CA never appear in the form; errors show."""
    entry = await add_entry(
        headers={"Authorization": "Bearer s3cret"}, ca_cert=certificates.ca_pem
    )
    result = await entry.start_reconfigure_flow(hass)
    # What the frontend receives
    form = str(serialize(result["data_schema"], custom_serializer=cv.custom_serializer))
    assert "s3cret" not in form
    assert "BEGIN CERTIFICATE" not in form
    assert "Authorization: ***" in form
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"url": "http://x", "advanced": {"headers": "nope"}}
    )
    assert result["errors"] == {
        "url": "invalid_scheme",
        "headers": "invalid_headers",
        "advanced": "invalid_headers",
    }


async def test_reconfigure_keeps_masked_ca_and_can_drop_it(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    certificates: CertificateSet,
) -> None:
    """*** keeps the stored CA certificate; an empty field removes it."""
    await add_entry(decision=None, url=ws_server.url + "?other", title="Other")
    entry = await add_entry(decision=None, ca_cert=certificates.ca_pem)
    await reconfigure(
        hass, entry, {"url": ws_server.url, "advanced": {"ca_cert": "***"}}
    )
    assert entry.data["ca_cert"] == certificates.ca_pem
    await reconfigure(hass, entry, {"url": ws_server.url, "advanced": {"ca_cert": ""}})
    assert "ca_cert" not in entry.data


async def test_reconfigure_to_another_entrys_url_aborts(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Two entries cannot end up with the same URL."""
    await add_entry(decision=None)
    other = await add_entry(decision=None, url=ws_server.url + "?b", title="Other")
    result = await reconfigure(hass, other, {"url": ws_server.url})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.parametrize("status", [401, 403])
async def test_credentials_refused_stop_retrying_and_reauth_resumes(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
    status: int,
) -> None:
    """401/403: no retries, a reauth flow; new headers are tested, then used."""
    ws_server.reject_status = status
    entry = await add_entry(headers={"Authorization": "Bearer expired"})
    await wait_until(lambda: state_of(hass, STATUS) == "authentication_failed")
    await retry_witness.wait_retries()
    assert ws_server.handshakes == 1
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    flow_id = flows[0]["flow_id"]

    result = await hass.config_entries.flow.async_configure(
        flow_id, {"headers": "Authorization: Bearer still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    ws_server.reject_status = None
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"headers": "Authorization: Bearer fresh"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    await wait_connected(hass)
    assert entry.data["headers"] == {"Authorization": "Bearer fresh"}
    assert ws_server.request_headers[-1]["Authorization"] == "Bearer fresh"


async def test_reauth_reports_unreachable_server_and_bad_headers(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A server that is down or headers that do not parse keep the form open."""
    ws_server.reject_status = 401
    entry = await add_entry()
    await wait_until(lambda: state_of(hass, STATUS) == "authentication_failed")
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"headers": "broken"}
    )
    assert result["errors"] == {"headers": "invalid_headers"}
    await ws_server.stop()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"headers": "Authorization: x"}
    )
    assert result["errors"] == {"base": "cannot_connect"}


async def test_other_http_answers_are_retried(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """404 and 500 are ordinary failures: retried, no reauthentication."""
    ws_server.reject_status = 500
    await add_entry()
    await wait_until(lambda: ws_server.handshakes >= 3)
    assert state_of(hass, STATUS) in ("waiting_to_retry", "connecting")
    assert state_of(hass, "sensor.living_room_last_error") == "http_status"
    assert (
        hass.states.get("sensor.living_room_last_error").attributes[  # type: ignore[union-attr]
            "http_status"
        ]
        == 500
    )
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)

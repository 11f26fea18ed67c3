"""Fix flows in Settings → Repairs: deciding on consent, turning message events off.

Driven through Home Assistant's Repairs API, as the frontend does. When the
issues appear is in test_consent.py and test_recorder_advice.py.
"""

from __future__ import annotations

from http import HTTPStatus

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.repair_issues import (
    ISSUE_RECORDED_EVENTS,
    async_raise_issue,
    issue_id,
)
from custom_components.websocket_client.repairs import async_create_fix_flow
from tests.helpers import (
    STATUS,
    EntryFactory,
    call_action,
    notification_for,
    state_of,
    wait_connected,
)
from tests.servers.ws_server import RecordingWebSocketServer


@pytest.mark.parametrize(
    ("choice", "status"), [("approve", "connected"), ("deny", "denied")]
)
async def test_repairs_fix_flow(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    hass_client: ClientSessionGenerator,
    choice: str,
    status: str,
) -> None:
    """Settings → Repairs shows the facts as a menu; the choice is applied."""
    assert await async_setup_component(hass, "repairs", {})
    entry = await add_entry(decision=None)
    client = await hass_client()
    issue_id = f"consent_{entry.entry_id}"

    resp = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert resp.status == HTTPStatus.OK
    flow = await resp.json()
    assert flow["type"] == "menu"
    assert flow["menu_options"] == ["approve", "deny"]
    assert flow["description_placeholders"]["access_reason"] == (
        "Mirror the living room lights"
    )

    resp = await client.post(
        f"/api/repairs/issues/fix/{flow['flow_id']}", json={"next_step_id": choice}
    )
    assert resp.status == HTTPStatus.OK
    assert (await resp.json())["type"] == "create_entry"
    if status == "connected":
        await wait_connected(hass)
    assert state_of(hass, STATUS) == status
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert notification_for(hass, entry.entry_id) is None


async def test_repairs_choice_after_a_decision_elsewhere_aborts(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """A menu left open while someone else decided cannot overturn them."""
    assert await async_setup_component(hass, "repairs", {})
    entry = await add_entry(decision=None)
    client = await hass_client()
    resp = await client.post(
        "/api/repairs/issues/fix",
        json={"handler": DOMAIN, "issue_id": f"consent_{entry.entry_id}"},
    )
    flow = await resp.json()
    await call_action(hass, "approve", entry.entry_id)
    resp = await client.post(
        f"/api/repairs/issues/fix/{flow['flow_id']}", json={"next_step_id": "deny"}
    )
    result = await resp.json()
    assert result["type"] == "abort"
    assert result["reason"] == "already_decided"
    await wait_connected(hass)


async def test_repairs_flow_of_a_decided_entry_aborts(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A stale issue (entry decided or removed meanwhile) aborts cleanly."""
    entry = await add_entry()
    flow = await async_create_fix_flow(hass, "x", {"entry_id": entry.entry_id})
    flow.hass = hass
    result = await flow.async_step_init()
    assert result["type"] == "abort"
    assert result["reason"] == "already_decided"


async def test_message_events_fix_flow_turns_them_off(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """The advice's form names the connection; confirming turns events off.

    The connection stays as it is: message events need no new connection.
    """
    assert await async_setup_component(hass, "repairs", {})
    entry = await add_entry()
    await wait_connected(hass)
    async_raise_issue(
        hass,
        ISSUE_RECORDED_EVENTS,
        entry.entry_id,
        "recorded_message_events",
        {"name": "Living room", "rate": "80"},
    )
    issue_id = f"recorded_message_events_{entry.entry_id}"
    client = await hass_client()

    resp = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert resp.status == HTTPStatus.OK
    flow = await resp.json()
    assert flow["type"] == "form"
    assert flow["description_placeholders"] == {"name": "Living room"}

    resp = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert resp.status == HTTPStatus.OK
    assert (await resp.json())["type"] == "create_entry"
    assert entry.options["message_events"] == "none"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    await hass.async_block_till_done()
    assert state_of(hass, STATUS) == "connected"
    assert ws_server.handshakes == 1


async def test_fix_flow_for_a_removed_entry(hass: HomeAssistant) -> None:
    """A stale advisory's fix flow aborts."""
    flow = await async_create_fix_flow(
        hass, issue_id(ISSUE_RECORDED_EVENTS, "gone"), {"entry_id": "gone"}
    )
    flow.hass = hass
    result = await flow.async_step_init()
    assert result["type"] == "abort"
    assert result["reason"] == "entry_removed"

"""Consent: nothing connects before approval; who may decide; what the user sees."""

from __future__ import annotations

from homeassistant.auth.models import User
from homeassistant.const import CONF_URL, STATE_OFF
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError, Unauthorized
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.websocket_client.const import DOMAIN, EVENT_CONSENT

from .helpers import (
    CONNECTED,
    STATUS,
    EntryFactory,
    RetryWitness,
    call_action,
    notification_for,
    state_of,
    wait_connected,
    wait_until,
)
from .servers.ws_server import RecordingWebSocketServer

SECRET_URL_SUFFIX = "?token=hunter2"


async def test_awaiting_approval_asks_and_never_connects(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
) -> None:
    """A new entry shows the request and makes no handshake over many retries."""
    alice = await hass.auth.async_create_user("Alice")
    entry = await add_entry(
        decision=None,
        url=ws_server.url.replace("ws://", "ws://bob:pw@") + SECRET_URL_SUFFIX,
        handling_user=alice.id,
    )
    assert state_of(hass, STATUS) == "awaiting_approval"
    assert state_of(hass, CONNECTED) == STATE_OFF

    notification = notification_for(hass, entry.entry_id)
    assert notification is not None
    assert notification["title"] == "Living room"
    message = notification["message"]
    assert "Mirror the living room lights" in message
    assert "Alice" in message
    assert "Settings → Repairs" in message
    assert "websocket_client.approve" in message
    assert f"ws://***:***@127.0.0.1:{ws_server.port}/ws?token=***" in message
    assert "hunter2" not in message
    assert "pw@" not in message

    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"consent_{entry.entry_id}")
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_key == "consent_required_user"
    assert issue.translation_placeholders is not None
    assert "hunter2" not in str(issue.translation_placeholders)

    await retry_witness.wait_retries()
    assert ws_server.handshakes == 0


async def test_approve_action_connects_and_persists(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Approval connects, clears the request, fires the event and survives reload."""
    decisions = async_capture_events(hass, EVENT_CONSENT)
    entry = await add_entry(decision=None)
    await call_action(hass, "approve", entry.entry_id)
    await wait_connected(hass)
    assert notification_for(hass, entry.entry_id) is None
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, f"consent_{entry.entry_id}") is None
    )
    assert [event.data for event in decisions] == [
        {
            "entry_id": entry.entry_id,
            "name": "Living room",
            "decision": "approved",
            "user_id": None,
        }
    ]
    consent = entry.data["consent"]
    assert consent["decision"] == "approved"
    assert consent["origin"] == f"ws://127.0.0.1:{ws_server.port}"

    assert await hass.config_entries.async_reload(entry.entry_id)
    await wait_connected(hass)
    assert notification_for(hass, entry.entry_id) is None
    assert ws_server.handshakes == 2


async def test_deny_is_final(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
) -> None:
    """A refusal never connects, never retries and cannot be overturned by approve."""
    entry = await add_entry(decision=None)
    await call_action(hass, "deny", entry.entry_id)
    assert state_of(hass, STATUS) == "denied"
    assert notification_for(hass, entry.entry_id) is None
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "approve", entry.entry_id)
    assert err.value.translation_key == "consent_denied"
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "connect", entry.entry_id)
    assert err.value.translation_key == "consent_denied"
    assert await hass.config_entries.async_reload(entry.entry_id)
    await retry_witness.wait_retries()
    assert state_of(hass, STATUS) == "denied"
    assert ws_server.handshakes == 0
    assert notification_for(hass, entry.entry_id) is None


async def test_deny_revokes_a_running_connection(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
) -> None:
    """Denying an approved entry closes its connection for good."""
    entry = await add_entry()
    await wait_connected(hass)
    await call_action(hass, "deny", entry.entry_id)
    assert state_of(hass, STATUS) == "denied"
    await wait_until(lambda: ws_server.client_close_codes == [1000])
    await retry_witness.wait_retries()
    assert ws_server.handshakes == 1
    await call_action(hass, "deny", entry.entry_id)  # idempotent
    assert state_of(hass, STATUS) == "denied"


async def test_connect_while_awaiting_approval_is_refused(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    retry_witness: RetryWitness,
) -> None:
    """The connect action cannot bypass consent."""
    entry = await add_entry(decision=None)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "connect", entry.entry_id)
    assert err.value.translation_key == "awaiting_approval"
    await retry_witness.wait_retries()
    assert ws_server.handshakes == 0


async def test_who_may_decide(
    hass: HomeAssistant,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    hass_admin_user: User,
) -> None:
    """Handling user and administrators may decide; other users may not."""
    handler = await hass.auth.async_create_user("Handler", group_ids=["system-users"])
    other = await hass.auth.async_create_user("Other", group_ids=["system-users"])
    entry = await add_entry(decision=None, handling_user=handler.id)

    with pytest.raises(Unauthorized):
        await call_action(hass, "approve", entry.entry_id, other)
    with pytest.raises(Unauthorized):
        await call_action(hass, "deny", entry.entry_id, other)
    assert state_of(hass, STATUS) == "awaiting_approval"

    await call_action(hass, "approve", entry.entry_id, handler)
    await wait_connected(hass)
    assert entry.data["consent"]["user_id"] == handler.id
    await call_action(
        hass, "approve", entry.entry_id, hass_admin_user
    )  # already approved

    second = await add_entry(
        decision=None, url=ws_server.url + "?second", title="Second"
    )
    await call_action(hass, "approve", second.entry_id, hass_admin_user)
    assert second.data["consent"]["user_id"] == hass_admin_user.id


async def test_unknown_user_may_not_decide(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """A context naming a user that does not exist is refused."""
    entry = await add_entry(decision=None)
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            "approve",
            {"config_entry_id": entry.entry_id},
            blocking=True,
            context=Context(user_id="no-such-user"),
        )


async def test_change_of_origin_needs_consent_again(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Same origin keeps the approval; a new port asks again."""
    entry = await add_entry()
    await wait_connected(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_URL: ws_server.url + "?path-change"}
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await wait_connected(hass)

    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_URL: "ws://127.0.0.1:1/ws"}
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    assert state_of(hass, STATUS) == "awaiting_approval"
    assert notification_for(hass, entry.entry_id) is not None


async def test_any_administrator_wording(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Without a handling user, the request says any administrator may decide."""
    entry = await add_entry(decision=None)
    notification = notification_for(hass, entry.entry_id)
    assert notification is not None
    assert "Any administrator may decide" in notification["message"]


async def test_removing_entry_withdraws_request(
    hass: HomeAssistant, ws_server: RecordingWebSocketServer, add_entry: EntryFactory
) -> None:
    """Deleting an undecided entry removes its notification and issue."""
    entry = await add_entry(decision=None)
    await hass.config_entries.async_remove(entry.entry_id)
    assert notification_for(hass, entry.entry_id) is None
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, f"consent_{entry.entry_id}") is None
    )

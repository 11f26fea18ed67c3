"""Consent: asking the handling user, checking who may decide, recording the decision.

Nothing may connect before a decision for the URL's current origin is recorded.
The decision lives in the config entry, so it survives restarts; a change of
origin (scheme, host, port) invalidates it and the question is asked again.
Every decision (actions, Repairs) goes through `async_decide`, which records it
and has the entry's running client follow it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Final, Protocol

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import ATTR_NAME, CONF_URL
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import Unauthorized
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util

from .connection import ConnectionState, mask_url, url_origin
from .const import (
    ATTR_ENTRY_ID,
    CONF_ACCESS_REASON,
    CONF_HANDLING_USER,
    DOMAIN,
    EVENT_CONSENT,
    LOGGER,
    SERVICE_APPROVE,
    SERVICE_DENY,
    STATUS_OF_CONNECTION,
    ClientStatus,
)
from .errors import validation_error
from .repair_issues import ISSUE_CONSENT, async_clear_issue, async_raise_issue

# The stored decision (entry data) and its keys
CONF_CONSENT: Final = "consent"
CONSENT_DECISION: Final = "decision"
CONSENT_ORIGIN: Final = "origin"
CONSENT_USER_ID: Final = "user_id"
CONSENT_DECIDED_AT: Final = "decided_at"

ATTR_DECISION: Final = "decision"
ATTR_USER_ID: Final = "user_id"

ISSUE_KEY_HANDLING_USER: Final = "consent_required_user"
ISSUE_KEY_ANY_ADMIN: Final = "consent_required_admin"


class FollowsConsent(Protocol):
    """A loaded entry's client: connects after an approval, not after a denial."""

    async def async_follow_consent(self) -> None:
        """Act on the decision just recorded."""


class ConsentDecision(StrEnum):
    """What the handling user decided about a connection."""

    APPROVED = "approved"
    DENIED = "denied"


def notification_id_for(entry_id: str) -> str:
    """The persistent notification that asks for consent for one entry."""
    return f"{DOMAIN}_consent_{entry_id}"


def status_of(entry: ConfigEntry, state: ConnectionState) -> ClientStatus:
    """What the Status sensor shows: the decision first, then the connection."""
    decision = current_decision(entry)
    if decision is None:
        return ClientStatus.AWAITING_APPROVAL
    if decision is ConsentDecision.DENIED:
        return ClientStatus.DENIED
    return STATUS_OF_CONNECTION[state]


def check_may_connect(entry: ConfigEntry) -> None:
    """Raise a translated error unless the decision allows connecting."""
    decision = current_decision(entry)
    if decision is ConsentDecision.DENIED:
        raise validation_error("consent_denied", name=entry.title)
    if decision is None:
        raise validation_error("awaiting_approval", name=entry.title)


def current_decision(entry: ConfigEntry) -> ConsentDecision | None:
    """The decision that holds for the entry's current origin, if any."""
    consent: dict[str, Any] | None = entry.data.get(CONF_CONSENT)
    if not consent:
        return None
    if consent.get(CONSENT_ORIGIN) != url_origin(entry.data[CONF_URL]):
        return None
    return ConsentDecision(consent[CONSENT_DECISION])


async def async_request_consent(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Ask for a decision: a persistent notification and a fixable Repairs issue."""
    translation_key, placeholders = await async_consent_placeholders(hass, entry)
    async_raise_issue(
        hass, ISSUE_CONSENT, entry.entry_id, translation_key, placeholders
    )
    translations = await async_get_translations(
        hass, hass.config.language, "issues", {DOMAIN}
    )
    prefix = f"component.{DOMAIN}.issues.{translation_key}"
    message = translations.get(f"{prefix}.description", "").format(**placeholders)
    persistent_notification.async_create(
        hass,
        message,
        title=entry.title,
        notification_id=notification_id_for(entry.entry_id),
    )


@callback
def async_withdraw_request(hass: HomeAssistant, entry_id: str) -> None:
    """Remove the notification and the Repairs issue of an entry."""
    persistent_notification.async_dismiss(hass, notification_id_for(entry_id))
    async_clear_issue(hass, ISSUE_CONSENT, entry_id)


async def async_consent_placeholders(
    hass: HomeAssistant, entry: ConfigEntry
) -> tuple[str, dict[str, str]]:
    """Translation key and the facts shown to whoever decides."""
    placeholders = {
        "name": entry.title,
        "url": mask_url(entry.data[CONF_URL]),
        "access_reason": entry.data[CONF_ACCESS_REASON],
        "approve_action": f"{DOMAIN}.{SERVICE_APPROVE}",
        "deny_action": f"{DOMAIN}.{SERVICE_DENY}",
        "entry_id": entry.entry_id,
    }
    if (user_id := entry.data.get(CONF_HANDLING_USER)) and (
        user := await hass.auth.async_get_user(user_id)
    ):
        placeholders["user"] = user.name or user.id
        return ISSUE_KEY_HANDLING_USER, placeholders
    return ISSUE_KEY_ANY_ADMIN, placeholders


async def async_check_may_decide(
    hass: HomeAssistant, entry: ConfigEntry, user_id: str | None
) -> None:
    """Raise Unauthorized unless the user is the handling user or an administrator.

    A call without a user (automation, script) acts on the owner's behalf.
    """
    if user_id is None:
        return
    user = await hass.auth.async_get_user(user_id)
    if user is None:
        raise Unauthorized(user_id=user_id)
    if user.is_admin or user.id == entry.data.get(CONF_HANDLING_USER):
        return
    raise Unauthorized(user_id=user_id)


async def async_decide(
    hass: HomeAssistant,
    entry: ConfigEntry,
    decision: ConsentDecision,
    user_id: str | None,
) -> None:
    """Record a decision, then have the entry's running client follow it."""
    async_record_decision(hass, entry, decision, user_id)
    if entry.state is ConfigEntryState.LOADED:
        client: FollowsConsent = entry.runtime_data
        await client.async_follow_consent()


@callback
def async_record_decision(
    hass: HomeAssistant,
    entry: ConfigEntry,
    decision: ConsentDecision,
    user_id: str | None,
) -> None:
    """Store the decision, withdraw the request and tell the bus."""
    decided_at: datetime = dt_util.utcnow()
    hass.config_entries.async_update_entry(
        entry,
        data={
            **entry.data,
            CONF_CONSENT: {
                CONSENT_DECISION: decision.value,
                CONSENT_ORIGIN: url_origin(entry.data[CONF_URL]),
                CONSENT_USER_ID: user_id,
                CONSENT_DECIDED_AT: decided_at.isoformat(),
            },
        },
    )
    async_withdraw_request(hass, entry.entry_id)
    LOGGER.info("%s: connection %s", entry.title, decision.value)
    hass.bus.async_fire(
        EVENT_CONSENT,
        {
            ATTR_ENTRY_ID: entry.entry_id,
            ATTR_NAME: entry.title,
            ATTR_DECISION: decision.value,
            ATTR_USER_ID: user_id,
        },
    )

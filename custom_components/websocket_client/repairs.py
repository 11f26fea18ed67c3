"""Fix flows in Settings → Repairs: consent, and the advice on recorded events."""

from __future__ import annotations

from typing import Any

from homeassistant import data_entry_flow
from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from . import consent
from .client import WebSocketClientConfigEntry
from .const import DOMAIN
from .options import CONF_MESSAGE_EVENTS, MESSAGE_EVENTS_NONE
from .repair_issues import ISSUE_RECORDED_EVENTS, is_issue_of_type


class ConsentRepairFlow(RepairsFlow):
    """Approve or deny one entry's connection."""

    def __init__(self, entry_id: str) -> None:
        """Bind the flow to the entry it decides for."""
        self._entry_id = entry_id

    def _undecided_entry(self) -> WebSocketClientConfigEntry | None:
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None or consent.current_decision(entry) is not None:
            return None
        return entry

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Show the facts and the two choices."""
        if (entry := self._undecided_entry()) is None:
            return self.async_abort(reason="already_decided")
        _, placeholders = await consent.async_consent_placeholders(self.hass, entry)
        return self.async_show_menu(
            step_id="init",
            menu_options=["approve", "deny"],
            description_placeholders=placeholders,
        )

    async def async_step_approve(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Record an approval; the client connects."""
        return await self._decide(consent.ConsentDecision.APPROVED)

    async def async_step_deny(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Record a refusal; the client never connects."""
        return await self._decide(consent.ConsentDecision.DENIED)

    async def _decide(
        self, decision: consent.ConsentDecision
    ) -> data_entry_flow.FlowResult:
        if (entry := self._undecided_entry()) is None:
            return self.async_abort(reason="already_decided")
        # Only administrators can open Repairs; the flow does not say which one.
        await consent.async_decide(self.hass, entry, decision, None)
        return self.async_create_entry(data={})


class MessageEventsRepairFlow(RepairsFlow):
    """Turn a chatty connection's message events off."""

    def __init__(self, issue_id: str, entry_id: str) -> None:
        """Bind the flow to the entry it advises on."""
        self._issue_id = issue_id
        self._entry_id = entry_id

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Start with the explanation.

        Repairs starts a flow with the issue as the init step's input: taking
        that for a confirmation would turn events off before anyone read why.
        """
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Explain the cost and the consequence; turn events off on confirm."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="entry_removed")
        if user_input is not None:
            self.hass.config_entries.async_update_entry(
                entry,
                options={**entry.options, CONF_MESSAGE_EVENTS: MESSAGE_EVENTS_NONE},
            )
            ir.async_delete_issue(self.hass, DOMAIN, self._issue_id)
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm", description_placeholders={"name": entry.title}
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> ConsentRepairFlow | MessageEventsRepairFlow:
    """Create the fix flow of a consent or recorder-advice issue."""
    entry_id = str((data or {}).get("entry_id", ""))
    if is_issue_of_type(issue_id, ISSUE_RECORDED_EVENTS):
        return MessageEventsRepairFlow(issue_id, entry_id)
    return ConsentRepairFlow(entry_id)

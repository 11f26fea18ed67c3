"""The consent fix flow in Settings → Repairs: a menu to approve or deny."""

from __future__ import annotations

from typing import Any

from homeassistant import data_entry_flow
from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant

from . import consent
from .const import ConsentDecision
from .runtime import WebSocketClientConfigEntry


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
        """Record an approval; the link connects."""
        return await self._decide(ConsentDecision.APPROVED)

    async def async_step_deny(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Record a refusal; the link never connects."""
        return await self._decide(ConsentDecision.DENIED)

    async def _decide(self, decision: ConsentDecision) -> data_entry_flow.FlowResult:
        if (entry := self._undecided_entry()) is None:
            return self.async_abort(reason="already_decided")
        # Only administrators can open Repairs; the flow does not say which one.
        await consent.async_record_decision(self.hass, entry, decision, None)
        return self.async_create_entry(data={})


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> ConsentRepairFlow:
    """Create the fix flow of a consent issue."""
    return ConsentRepairFlow(str((data or {}).get("entry_id", "")))

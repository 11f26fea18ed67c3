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

    def __init__(self, entry: WebSocketClientConfigEntry | None) -> None:
        """Bind the flow to the entry it decides for."""
        self._entry = entry

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Show the facts and the two choices."""
        entry = self._entry
        if entry is None or consent.current_decision(entry) is not None:
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
        assert self._entry is not None
        # Only administrators can open Repairs; the flow does not say which one.
        await consent.async_record_decision(self.hass, self._entry, decision, None)
        return self.async_create_entry(data={})


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Create the fix flow of a consent issue."""
    entry_id = str((data or {}).get("entry_id", ""))
    return ConsentRepairFlow(hass.config_entries.async_get_entry(entry_id))

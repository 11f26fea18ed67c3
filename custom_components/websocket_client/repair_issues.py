"""The Repairs issues of a connection: their ids, raising and clearing them.

Each kind of issue exists at most once per entry and carries the entry id, so
its fix flow knows which connection it is about.
"""

from __future__ import annotations

from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN

# Asks the handling user (or an administrator) to approve or deny a connection
ISSUE_CONSENT: Final = "consent"
# Advises turning off a chatty connection's recorded message events
ISSUE_RECORDED_EVENTS: Final = "recorded_message_events"
ATTR_ENTRY_ID: Final = "entry_id"


def issue_id(issue_type: str, entry_id: str) -> str:
    """The id of an entry's issue of one type."""
    return f"{issue_type}_{entry_id}"


def is_issue_of_type(issue_id_: str, issue_type: str) -> bool:
    """Whether an issue id belongs to issues of `issue_type`."""
    return issue_id_.startswith(f"{issue_type}_")


@callback
def async_raise_issue(
    hass: HomeAssistant,
    issue_type: str,
    entry_id: str,
    translation_key: str,
    placeholders: dict[str, str],
) -> None:
    """Show (or update) an entry's fixable warning in Repairs."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(issue_type, entry_id),
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=translation_key,
        translation_placeholders=placeholders,
        data={ATTR_ENTRY_ID: entry_id},
    )


@callback
def async_clear_issue(hass: HomeAssistant, issue_type: str, entry_id: str) -> None:
    """Remove an entry's issue, if it is shown."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(issue_type, entry_id))

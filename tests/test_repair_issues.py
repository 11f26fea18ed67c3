"""The Repairs issues of a connection: one of each kind per entry, raised and cleared.

What each issue says and how it is fixed is in test_consent.py,
test_recorder_advice.py and test_repairs.py; here how issues come and go.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.repair_issues import (
    ISSUE_CONSENT,
    ISSUE_RECORDED_EVENTS,
    async_clear_issue,
    async_raise_issue,
    is_issue_of_type,
    issue_id,
)


def shown(hass: HomeAssistant) -> dict[str, ir.IssueEntry]:
    """Our issues Repairs shows, by id."""
    return {
        issue.issue_id: issue
        for (domain, _), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue.active
    }


async def test_a_raised_issue_is_a_fixable_warning_about_its_entry(
    hass: HomeAssistant,
) -> None:
    """Its data names the entry, so the fix flow knows which connection."""
    async_raise_issue(
        hass, ISSUE_RECORDED_EVENTS, "entry1", "recorded_message_events", {"n": "1"}
    )
    issue = shown(hass)["recorded_message_events_entry1"]
    assert issue.is_fixable
    assert not issue.is_persistent
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_key == "recorded_message_events"
    assert issue.translation_placeholders == {"n": "1"}
    assert issue.data == {"entry_id": "entry1"}


async def test_one_issue_of_each_kind_per_entry(hass: HomeAssistant) -> None:
    """Raised again, the issue is updated; kinds and entries are kept apart."""
    async_raise_issue(hass, ISSUE_CONSENT, "entry1", "consent_required", {"n": "1"})
    async_raise_issue(hass, ISSUE_CONSENT, "entry1", "consent_required", {"n": "2"})
    async_raise_issue(hass, ISSUE_CONSENT, "entry2", "consent_required", {"n": "3"})
    async_raise_issue(
        hass, ISSUE_RECORDED_EVENTS, "entry1", "recorded_message_events", {}
    )
    issues = shown(hass)
    assert set(issues) == {
        "consent_entry1",
        "consent_entry2",
        "recorded_message_events_entry1",
    }
    assert issues["consent_entry1"].translation_placeholders == {"n": "2"}

    async_clear_issue(hass, ISSUE_CONSENT, "entry1")
    async_clear_issue(hass, ISSUE_CONSENT, "entry1")  # gone already: harmless
    async_clear_issue(hass, ISSUE_RECORDED_EVENTS, "never-raised")
    assert set(shown(hass)) == {"consent_entry2", "recorded_message_events_entry1"}


def test_the_kind_of_an_issue_from_its_id() -> None:
    """An id tells its kind, also for entry ids that look like another kind."""
    assert issue_id(ISSUE_CONSENT, "abc") == "consent_abc"
    assert is_issue_of_type(issue_id(ISSUE_CONSENT, "abc"), ISSUE_CONSENT)
    assert not is_issue_of_type(issue_id(ISSUE_CONSENT, "abc"), ISSUE_RECORDED_EVENTS)
    recorded = issue_id(ISSUE_RECORDED_EVENTS, "consent")
    assert is_issue_of_type(recorded, ISSUE_RECORDED_EVENTS)
    assert not is_issue_of_type(recorded, ISSUE_CONSENT)
    assert not is_issue_of_type("consent", ISSUE_CONSENT)

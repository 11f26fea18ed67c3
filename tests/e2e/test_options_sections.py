"""The options form in sections, sizes in KiB, on this environment's frontend.

Settings → Devices & services → WebSocket Client → Configure: the retry
interval and message events on top, then the sections Connection health,
Messages, Send queue and Protocol, each with its fields, none collapsed. The
sizes read 4096 KiB and 32 KiB, not bytes. A size out of range gets its
translated error just above its section (the frontend shows none inside one).
Sizes typed in KiB reach the running connection as bytes, and the form shows
them in KiB again.

scripts/test --e2e runs it on both frontends: Home Assistant 2025.4.4's (e2e)
and 2026.2.3's (e2e-latest). With WEBSOCKET_CLIENT_E2E_DOCS=1 each refreshes
its own docs/images/options-sections-<Home Assistant version>.png.
"""

from __future__ import annotations

from importlib.metadata import version
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.components import frontend
from playwright.sync_api import Locator, expect

from tests.servers.processes import wait_for

from .browser import (
    DEEP_TEXT,
    Journey,
    approved_connection,
    close_options,
    open_options,
    options_section,
    section_error,
    submit_options,
)
from .conftest import DemoServer, HomeAssistantProcess

NAME = "Options sections"
TOP = ("Retry interval", "Message events")
SECTIONS = {
    "Connection health": ("Heartbeat interval", "Idle timeout", "Connect timeout"),
    "Messages": ("Maximum message size", "Event payload limit", "Compression"),
    "Send queue": ("Queue size", "Maximum age"),
    "Protocol": (
        "On-connect messages",
        "Wait for a reply matching",
        "On-connect reply timeout",
        "Keep-alive message",
        "Keep-alive interval",
    ),
}
TOO_BIG = "Maximum message size must be between 0 (unlimited) and 262144 KiB (256 MiB)."


def test_the_frontend_is_the_one_home_assistant_pins() -> None:
    """The browser sees the frontend this Home Assistant release ships with."""
    manifest = Path(frontend.__file__).with_name("manifest.json")
    pinned = json.loads(manifest.read_text(encoding="utf-8"))["requirements"]
    assert pinned == [f"home-assistant-frontend=={version('home-assistant-frontend')}"]


def size_field(section: Locator, label: str) -> Locator:
    """A number field of a section: its box and the unit beside it."""
    box = section.page.get_by_role(
        "spinbutton", name=re.compile(rf"^{re.escape(label)}\*?$")
    )
    return section.locator("ha-selector-number").filter(has=box)


def see_the_sections(journey: Journey, dialog: Locator) -> None:
    """Top fields outside every section, then each section with its fields."""
    for label in TOP:
        expect(dialog.get_by_text(label, exact=True).first).to_be_visible()
    journey.screenshot("options-top")
    sections = dialog.locator("ha-form-expandable")
    expect(sections).to_have_count(len(SECTIONS))
    for label in TOP:
        field = dialog.page.get_by_text(label, exact=True)
        expect(sections.filter(has=field)).to_have_count(0)
    headings = [
        sections.nth(n).get_by_role("heading").first.inner_text().strip()
        for n in range(sections.count())
    ]
    assert headings == list(SECTIONS)
    for heading, labels in SECTIONS.items():
        section = options_section(dialog, heading)
        for label in labels:
            expect(section.get_by_text(label, exact=True).first).to_be_visible()
        expect(section).not_to_contain_text("Translation error")


def see_sizes_in_kib(journey: Journey, dialog: Locator) -> None:
    """4 MiB and 32 KiB read as 4096 KiB and 32 KiB; no byte count shows."""
    messages = options_section(dialog, "Messages")
    for label, shown in (
        ("Maximum message size", "4096"),
        ("Event payload limit", "32"),
    ):
        field = size_field(messages, label)
        expect(field.get_by_role("spinbutton")).to_have_value(shown)
        assert re.search(r"\bKiB\b", field.evaluate(DEEP_TEXT)), label
    text = dialog.evaluate(DEEP_TEXT)
    assert "4194304" not in text
    assert "32768" not in text
    journey.screenshot("options-sections")


def see_a_size_error_above_its_section(journey: Journey, dialog: Locator) -> None:
    """A negative maximum message size: its translated error, above Messages."""
    messages = options_section(dialog, "Messages")
    size_field(messages, "Maximum message size").get_by_role("spinbutton").fill("-1")
    dialog.get_by_role("button", name="Submit").click()
    alert = section_error(dialog)
    expect(alert).to_have_text(re.compile(rf"^\s*{re.escape(TOO_BIG)}\s*$"))
    below = dialog.locator("ha-alert + ha-form-expandable")
    expect(below.get_by_role("heading", name="Messages", exact=True)).to_be_visible()
    alert.scroll_into_view_if_needed()
    journey.screenshot("options-sections-error")


def diagnostics(home_assistant: HomeAssistantProcess, entry_id: str) -> Any:
    """The connection's diagnostics download, as a person gets it."""
    return home_assistant.api("GET", f"/api/diagnostics/config_entry/{entry_id}")[
        "data"
    ]


def test_options_in_sections_with_sizes_in_kib(
    journey: Journey, home_assistant: HomeAssistantProcess, demo_server: DemoServer
) -> None:
    """Read the sections, see KiB, be told off for a bad size, save good ones."""
    journey.publish("options-sections")
    base = home_assistant.base
    connection = approved_connection(journey, home_assistant, demo_server, NAME)
    dialog, _ = open_options(journey, base, NAME)
    see_the_sections(journey, dialog)
    see_sizes_in_kib(journey, dialog)
    see_a_size_error_above_its_section(journey, dialog)

    # Half a MiB and half a KiB, typed as a person reads them
    messages = options_section(dialog, "Messages")
    size_field(messages, "Maximum message size").get_by_role("spinbutton").fill("512")
    size_field(messages, "Event payload limit").get_by_role("spinbutton").fill("0.5")
    submit_options(dialog)

    # The running connection has them in bytes (a new connection: the maximum changed)
    wait_for(
        lambda: (
            diagnostics(home_assistant, connection.entry_id)["connection"][
                "max_message_size"
            ]
            == 512 * 1024
        ),
        describe=lambda: json.dumps(diagnostics(home_assistant, connection.entry_id)),
    )
    options = diagnostics(home_assistant, connection.entry_id)["entry"]["options"]
    assert options["max_message_size"] == 512 * 1024
    assert options["event_payload_limit"] == 512

    dialog, _ = open_options(journey, base, NAME)
    messages = options_section(dialog, "Messages")
    expect(
        size_field(messages, "Maximum message size").get_by_role("spinbutton")
    ).to_have_value("512")
    expect(
        size_field(messages, "Event payload limit").get_by_role("spinbutton")
    ).to_have_value("0.5")
    journey.screenshot("options-sections-saved")
    close_options(dialog)

"""Chromium driven by Playwright, and the steps every browser test shares.

Imported only by the browser tests and, lazily, by conftest's fixtures:
outside the e2e environment Playwright is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
import os
from pathlib import Path
import re
import shutil
from typing import Any

from homeassistant.const import __version__ as ha_version
from playwright.sync_api import (
    Error as PlaywrightError,
    Locator,
    Page,
    Response,
    expect,
    sync_playwright,
)

from tests.servers.processes import wait_for

from .conftest import CHROMIUM, OWNER, ROOT, DemoServer, HomeAssistantProcess

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# One window size for every screenshot, the README's included
VIEWPORT = {"width": 1280, "height": 860}
# Screenshots README shows, refreshed by WEBSOCKET_CLIENT_E2E_DOCS=1 from the
# light-theme journey that publishes them (Journey.publish)
DOCS_SHOTS = {
    "add-integration-form": "add-integration-form.png",
    "consent-notification": "consent-notification.png",
    "device-page": "device-page.png",
    "device-automation-editor": "device-automation-editor.png",
    "options-protocol": "options-protocol.png",
    "entity-field": "entity-field.png",
    "entity-preview": "entity-preview.png",
    "entities-device-page": "entities-device-page.png",
    # One per frontend: the form's look is the frontend's
    "options-sections": f"options-sections-{ha_version}.png",
}
OPTIONS_FLOW = "/api/config/config_entries/options/flow"


class Journey:
    """The browser page plus numbered screenshots of every step."""

    def __init__(self, page: Page, shots: Path, theme: str) -> None:
        """Start with no screenshot taken and none published."""
        self.page = page
        self.shots = shots
        self.theme = theme
        self.step = 0
        self.published: set[str] = set()

    def publish(self, *names: str) -> None:
        """Let these screenshots refresh the README's (light theme only)."""
        unknown = set(names) - set(DOCS_SHOTS)
        assert not unknown, unknown
        self.published.update(names)

    def screenshot(self, name: str) -> Path:
        """Save the current view as the next numbered step."""
        self.step += 1
        path = self.shots / f"{self.step:02d}-{name}-{self.theme}.png"
        self.page.screenshot(path=path)
        if (
            self.theme == "light"
            and name in self.published
            and os.environ.get("WEBSOCKET_CLIENT_E2E_DOCS") == "1"
        ):
            shutil.copy(path, ROOT / "docs" / "images" / DOCS_SHOTS[name])
        return path

    def _wait_for_frontend(self) -> None:
        self.page.wait_for_function(
            "() => document.querySelector('home-assistant')?.hass?.states"
        )

    def call_ws(self, message: dict[str, Any]) -> Any:
        """Ask Home Assistant through the frontend's own connection."""
        self._wait_for_frontend()
        return self.page.evaluate(
            "message => document.querySelector('home-assistant').hass.callWS(message)",
            message,
        )

    def state(self, entity_id: str) -> Any:
        """An entity's state object as the frontend holds it."""
        self._wait_for_frontend()
        return self.page.evaluate(
            "id => document.querySelector('home-assistant').hass.states[id]", entity_id
        )


@contextmanager
def open_journey(tmp_path: Path, theme: str) -> Iterator[Journey]:
    """A fresh Chromium profile, in the light or the dark theme."""
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": VIEWPORT["width"], "height": VIEWPORT["height"]},
            color_scheme="dark" if theme == "dark" else "light",
        )
        if theme == "dark":
            context.add_init_script(
                "localStorage.setItem('selectedTheme',"
                " JSON.stringify({theme: 'default', dark: true}))"
            )
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(30_000)
        expect.set_options(timeout=30_000)  # the first load of a panel is slow
        try:
            yield Journey(page, shots, theme)
        finally:
            page.screenshot(path=shots / "last.png")  # where a failure stopped
            context.close()


def log_in(journey: Journey, base: str) -> None:
    """The login page, as a person fills it in."""
    page = journey.page
    goto(page, base + "/")
    page.get_by_role("textbox", name="Username").fill(OWNER["username"])
    page.get_by_role("textbox", name="Password").fill(OWNER["password"])
    journey.screenshot("login")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Overview").first).to_be_visible()


def add_integration(journey: Journey, base: str, name: str, url: str) -> None:
    """Settings → Devices & services → Add integration → WebSocket Client."""
    page = journey.page
    goto(page, base + "/config/integrations/dashboard")
    page.get_by_role("button", name="Add integration").click()
    expect(page.get_by_text("Select brand")).to_be_visible()
    page.get_by_label("Search for a brand name").fill("WebSocket Client")
    page.locator("ha-integration-list-item").get_by_text("WebSocket Client").click()
    expect(page.get_by_text("Add a WebSocket connection").first).to_be_visible()
    page.get_by_label(re.compile("^Name")).fill(name)
    page.get_by_label(re.compile("^URL")).fill(url.replace("ws://", "http://"))
    page.get_by_label(re.compile("^Access reason")).fill("Show the demo server's ticks")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("The URL must start with ws:// or wss://.")).to_be_visible()
    journey.screenshot("add-integration-form")
    page.get_by_label(re.compile("^URL")).fill(url)
    page.get_by_role("button", name="Submit").click()
    finish = page.get_by_role("button", name="Finish")
    expect(finish).to_be_visible()
    journey.screenshot("created")
    finish.click()


def see_consent_notification(journey: Journey, base: str) -> None:
    """The notification drawer holds the request, with the access reason."""
    page = journey.page
    goto(page, base + "/config/dashboard")
    page.get_by_text("Notifications", exact=True).first.click()
    expect(page.get_by_text("Show the demo server's ticks").first).to_be_visible()
    page.wait_for_timeout(1000)  # the drawer slides in
    journey.screenshot("consent-notification")
    page.keyboard.press("Escape")


def approve_in_repairs(journey: Journey, base: str, name: str) -> None:
    """Settings → Repairs → the issue → Approve."""
    page = journey.page
    goto(page, base + "/config/repairs")
    issue = page.get_by_text(f"{name} wants to connect to a WebSocket server")
    issue.click()
    approve = page.get_by_text(re.compile("^Approve: connect now"))
    expect(approve).to_be_visible()
    journey.screenshot("repair-menu")
    approve.click()
    close = page.get_by_role("button", name=re.compile("Close|Finish|OK"))
    close.first.click()
    # Settled: the repair is gone from the list (leaving earlier aborts a goto)
    expect(issue).to_have_count(0)


def open_options(journey: Journey, base: str, name: str) -> tuple[Locator, Response]:
    """Configure on the connection's row: the dialog, once its form is shown.

    Also what Home Assistant answered the browser when it opened the form.
    """
    page = journey.page
    goto(page, f"{base}/config/integrations/integration/websocket_client")
    configure = (
        page.locator("ha-md-list-item", has_text=name)
        .get_by_role("button", name="Configure")
        .first
    )
    with page.expect_response(lambda r: r.url.endswith(OPTIONS_FLOW)) as opened:
        configure.click()
    dialog = page.locator("dialog-data-entry-flow")
    expect(dialog.get_by_text("Connection options").first).to_be_visible()
    return dialog, opened.value


def options_section(dialog: Locator, heading: str) -> Locator:
    """The options form's section with this heading, scrolled into view."""
    section = dialog.locator("ha-form-expandable").filter(
        has=dialog.page.get_by_role("heading", name=heading, exact=True)
    )
    expect(section).to_be_visible()
    # Its heading at the top of the dialog, as a person scrolls to it
    section.evaluate("section => section.scrollIntoView({block: 'start'})")
    return section


def section_error(dialog: Locator) -> Locator:
    """The error shown just above a section, in the form around it.

    Home Assistant's frontend shows no error inside a section.
    """
    return dialog.locator("ha-alert:has(+ ha-form-expandable)")


def submit_options(dialog: Locator) -> None:
    """Submit the options form; the options are saved."""
    dialog.get_by_role("button", name="Submit").click()
    saved = dialog.get_by_text("Options successfully saved.")
    expect(saved).to_be_visible()
    dialog.get_by_role("button", name="Finish").click()
    expect(saved).to_be_hidden()


def close_options(dialog: Locator) -> None:
    """Close the options form without saving."""
    dialog.get_by_role("button", name="Close").click()
    expect(dialog.get_by_text("Connection options").first).to_be_hidden()


def type_into_code_editor(page: Page, field: Locator, text: str) -> None:
    """Replace what an object selector's code editor holds, as a person pastes."""
    field.get_by_role("textbox").click()
    page.keyboard.press("Control+A")
    # Typed key by key, the editor's auto-closed brackets and quotes would double
    page.keyboard.insert_text(text)
    expect(field.get_by_role("textbox")).to_have_text(text)


DEEP_TEXT = """
root => {
    const text = node => {
        if (node.nodeType === Node.TEXT_NODE) return node.textContent;
        let out = "";
        if (node.shadowRoot) out += text(node.shadowRoot);
        for (const child of node.childNodes) out += text(child);
        return out;
    };
    return text(root).replace(/\\s+/g, " ").trim();
}
"""


def row_texts(page: Page) -> list[str]:
    """What each entity row of the device page reads, shadow DOM included."""
    rows = page.locator("hui-generic-entity-row")
    return [rows.nth(n).evaluate(DEEP_TEXT) for n in range(rows.count())]


@dataclass(frozen=True)
class Connection:
    """An approved connection: its config entry, its device, its entities' slug."""

    name: str
    entry_id: str
    device_id: str

    @property
    def slug(self) -> str:
        """The object id its entities start with."""
        return self.name.lower().replace(" ", "_")


def goto(page: Page, url: str) -> None:
    """Open `url`; again if the app's own navigation interrupted the first try.

    Closing a dialog (as approving in Repairs does) may move the app to another
    page just as the test navigates: Chromium then aborts the test's navigation.
    """
    for attempt in range(3):
        try:
            page.goto(url)
        except PlaywrightError as err:
            if "ERR_ABORTED" not in str(err) or attempt == 2:
                raise
        else:
            return


def open_device_page(
    journey: Journey, home_assistant: HomeAssistantProcess, connection: Connection
) -> None:
    """The device shows Connected on and Status connected."""
    status = f"sensor.{connection.slug}_status"
    # Home Assistant's own view first: a failure then says whose it is
    wait_for(
        lambda: home_assistant.state(status) == "connected",
        describe=lambda: f"{status} is {home_assistant.state(status)!r}",
    )
    page = journey.page
    url = f"{home_assistant.base}/config/devices/device/{connection.device_id}"
    # Rows "Connected: Connected" (the binary sensor) and "Status: Connected"
    expected = {"Connected Connected", "Status Connected"}
    for attempt in range(3):
        goto(page, url)
        try:
            wait_for(
                lambda: expected <= set(row_texts(page)),
                timeout=30,
                describe=lambda: (
                    f"{page.url} shows rows {row_texts(page)};"
                    f" the frontend holds {status} as {journey.state(status)}"
                ),
            )
        except TimeoutError:
            # Closing a dialog may move the app away just after our navigation
            # landed; only then is another try the right answer.
            if page.url == url or attempt == 2:
                raise
        else:
            break
    journey.screenshot("device-page")


def approved_connection(
    journey: Journey,
    home_assistant: HomeAssistantProcess,
    server: DemoServer,
    name: str,
) -> Connection:
    """Log in, add the integration, read the request, approve it; the device page.

    What a new user does before the connection is of any use; every browser
    test starts here, with its own connection to its own path on the server.
    """
    base = home_assistant.base
    log_in(journey, base)
    add_integration(journey, base, name, server.url(name.lower().replace(" ", "-")))
    entries = home_assistant.api("GET", "/api/config/config_entries/entry")
    entry = next(e for e in entries if e["title"] == name)
    see_consent_notification(journey, base)
    approve_in_repairs(journey, base, name)
    devices = journey.call_ws({"type": "config/device_registry/list"})
    device = next(d for d in devices if entry["entry_id"] in d["config_entries"])
    connection = Connection(name, entry["entry_id"], device["id"])
    open_device_page(journey, home_assistant, connection)
    return connection

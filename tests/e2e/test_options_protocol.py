"""The Protocol options in the browser: a login on every connect, never shown again.

Settings → Devices & services → WebSocket Client → Configure: the Protocol
section shows its translated labels and help; an on-connect message holding a
token and a keep-alive message go into its YAML editors, and the demo server
receives both. Opened again, the form shows the message as `*** 1`: neither the
page nor what Home Assistant sent the browser holds the token. Saved unchanged,
the message is kept: after Reconnect the server receives it again. A message
the integration cannot send gets its translated error, above the section,
because Home Assistant's frontend shows no error inside a section.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
import re

from playwright.sync_api import Locator, expect

from tests.servers.processes import wait_for

from .browser import (
    DEEP_TEXT,
    Connection,
    Journey,
    approved_connection,
    close_options,
    goto,
    open_options,
    options_section,
    section_error,
    submit_options,
    type_into_code_editor,
)
from .conftest import DemoServer, HomeAssistantProcess

NAME = "Protocol login"
SECRET = "E2ESECRET"
HELLO = {"type": "hello", "token": SECRET}
KEEPALIVE = "e2e-keepalive"
LABELS = (
    "On-connect messages",
    "Wait for a reply matching",
    "On-connect reply timeout",
    "Keep-alive message",
    "Keep-alive interval",
)
# Help with a literal example in braces: quoted for the frontend's message
# format, or it shows "Translation error: MALFORMED_ARGUMENT"
HELP = "for example - json: {type: auth, access_token: YOUR_TOKEN}"
INVALID = (
    "On-connect messages must be a list in which every entry has exactly one of"
    " message (text), json or data_base64 (valid base64)."
)


@contextmanager
def options_form(journey: Journey, base: str) -> Iterator[Locator]:
    """Configure on the connection's row: the dialog, once its form is shown.

    Afterwards, what Home Assistant sent the browser for that form holds no
    on-connect secret.
    """
    dialog, opened = open_options(journey, base, NAME)
    yield dialog
    assert SECRET not in opened.text()


def protocol_section(dialog: Locator) -> Locator:
    """The Protocol section, scrolled into view."""
    return options_section(dialog, "Protocol")


def editor(section: Locator, label: str) -> Locator:
    """The YAML editor (an object selector) with this label."""
    name = section.page.get_by_text(label, exact=True)
    return section.locator("ha-selector-object").filter(has=name)


def set_up_login(journey: Journey, base: str, server: DemoServer) -> None:
    """Read the section, type a login and a keep-alive message, save."""
    page = journey.page
    with options_form(journey, base) as dialog:
        section = protocol_section(dialog)
        for label in LABELS:
            expect(section.get_by_text(label, exact=True)).to_be_visible()
        expect(section).to_contain_text(HELP)
        expect(section).to_contain_text("stored message n appears as *** n")
        expect(section).not_to_contain_text("Translation error")
        type_into_code_editor(
            page,
            editor(section, "On-connect messages"),
            f"- json: {{type: hello, token: {SECRET}}}",
        )
        type_into_code_editor(
            page, editor(section, "Keep-alive message"), f"message: {KEEPALIVE}"
        )
        section.get_by_role("spinbutton", name="Keep-alive interval").fill("1")
        journey.screenshot("options-protocol")
        submit_options(dialog)
    # The options change makes the connection again: the login, then keep-alives
    wait_for(lambda: server.received_json(HELLO), timeout=20)
    wait_for(lambda: server.received(KEEPALIVE), timeout=20)


def keep_login_unseen(journey: Journey, base: str) -> None:
    """Opened again, the form shows `*** 1` and not the token; save unchanged."""
    with options_form(journey, base) as dialog:
        section = protocol_section(dialog)
        shown = editor(section, "On-connect messages").get_by_role("textbox")
        expect(shown).to_have_text('- "*** 1"')
        expect(editor(section, "Keep-alive message")).to_contain_text(KEEPALIVE)
        assert SECRET not in dialog.evaluate(DEEP_TEXT)
        journey.screenshot("options-protocol-masked")
        submit_options(dialog)


def reconnect(journey: Journey, base: str, connection: Connection) -> None:
    """The device page's Reconnect button."""
    page = journey.page
    goto(page, f"{base}/config/devices/device/{connection.device_id}")
    row = page.locator("hui-button-entity-row", has_text="Reconnect")
    row.get_by_role("button", name="Press").click()


def see_invalid_message_refused(journey: Journey, base: str) -> None:
    """A message without message, json or data_base64: its translated error."""
    page = journey.page
    with options_form(journey, base) as dialog:
        section = protocol_section(dialog)
        type_into_code_editor(
            page, editor(section, "On-connect messages"), "- text: nope"
        )
        dialog.get_by_role("button", name="Submit").click()
        # Just above the section, in the form around it
        alert = section_error(dialog)
        expect(alert).to_have_text(re.compile(rf"^\s*{re.escape(INVALID)}\s*$"))
        below = dialog.locator("ha-alert + ha-form-expandable")
        expect(
            below.get_by_role("heading", name="Protocol", exact=True)
        ).to_be_visible()
        alert.scroll_into_view_if_needed()
        journey.screenshot("options-protocol-error")
        close_options(dialog)


def test_protocol_options(
    journey: Journey, home_assistant: HomeAssistantProcess, demo_server: DemoServer
) -> None:
    """Set up a login, keep it unseen, reconnect with it, refuse a bad one."""
    journey.publish("options-protocol")
    base = home_assistant.base
    connection = approved_connection(journey, home_assistant, demo_server, NAME)
    set_up_login(journey, base, demo_server)
    keep_login_unseen(journey, base)
    logins = demo_server.times_received_json(HELLO)
    reconnect(journey, base, connection)
    wait_for(lambda: demo_server.times_received_json(HELLO) > logins, timeout=20)
    see_invalid_message_refused(journey, base)

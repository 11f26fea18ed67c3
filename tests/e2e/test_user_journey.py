"""What a new user sees, in a real browser against a real Home Assistant.

Log in; add the integration (a wrong URL first); read the consent notification;
approve in Settings → Repairs; see the device connected; send from Developer
tools → Actions (the demo server receives it). Once in the light theme and once
with a dark-theme profile. Entities made from the server's messages are
test_entities_from_messages's.
"""

from __future__ import annotations

import re

import pytest

from tests.servers.processes import wait_for

from .browser import Journey, approved_connection, goto
from .conftest import DemoServer, HomeAssistantProcess


def send_from_developer_tools(
    journey: Journey, base: str, entry_id: str, server: DemoServer, text: str
) -> None:
    """Developer tools → Actions, in YAML mode, then Perform action."""
    page = journey.page
    goto(page, base + "/developer-tools/action")
    page.get_by_role("button", name=re.compile("YAML mode", re.IGNORECASE)).click()
    editor = page.locator(".cm-content").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    yaml_lines = [
        "action: websocket_client.send",
        "data:",
        f"  config_entry_id: {entry_id}",
        f"  message: {text}",
    ]
    page.keyboard.insert_text("\n".join(yaml_lines))
    journey.screenshot("developer-tools")
    page.get_by_role("button", name="Perform action").click()
    wait_for(lambda: server.received(text), timeout=20)


@pytest.mark.parametrize("journey", ["light", "dark"], indirect=True)
def test_new_user_journey(
    journey: Journey, home_assistant: HomeAssistantProcess, demo_server: DemoServer
) -> None:
    """The whole path a new user walks, in the browser."""
    journey.publish("add-integration-form", "consent-notification", "device-page")
    connection = approved_connection(
        journey, home_assistant, demo_server, f"Demo {journey.theme}"
    )
    dark = journey.page.evaluate(
        "() => document.querySelector('home-assistant').hass.themes.darkMode"
    )
    assert dark is (journey.theme == "dark")
    send_from_developer_tools(
        journey,
        home_assistant.base,
        connection.entry_id,
        demo_server,
        f"hello from {journey.theme}",
    )

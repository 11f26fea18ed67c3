"""A device automation built in the browser, from the connection's device page.

"When this connection receives {"op": "doorbell"}, send {"op": "ack"} back",
made without YAML: device page → "+" under Automations → Use device as
trigger → Message received with a JSON match → Add action → Device → Send JSON
→ Save with a name. The demo server echoes what it is sent, so sending it
{"op": "doorbell"} makes the connection receive it: the automation runs, its
last-triggered time shows in the automation list, and the server receives
{"op": "ack"}.
"""

from __future__ import annotations

import json
import re

from playwright.sync_api import Locator, Page, expect

from tests.servers.processes import wait_for

from .browser import (
    Connection,
    Journey,
    approved_connection,
    goto,
    type_into_code_editor,
)
from .conftest import DemoServer, HomeAssistantProcess

NAME = "Answer the doorbell"
DOORBELL = {"op": "doorbell"}
ACK = {"op": "ack"}
AUTOMATION_ENTITY_ID = """
name => Object.values(document.querySelector('home-assistant').hass.states).find(
    state => state.entity_id.startsWith('automation.')
        && state.attributes.friendly_name === name
)?.entity_id
"""


def build_automation(journey: Journey, base: str, connection: Connection) -> str:
    """From the device page to a saved automation; its entity id."""
    page = journey.page
    goto(page, f"{base}/config/devices/device/{connection.device_id}")
    page.get_by_role("button", name=re.compile("^Create automation with")).click()
    page.get_by_text("Use device as trigger").click()
    expect(page).to_have_url(re.compile("/config/automation/edit/new"))

    trigger = page.locator("ha-automation-trigger-row")
    expect(trigger.get_by_role("combobox", name="Device")).to_have_value(
        connection.name
    )
    trigger.get_by_role("combobox", name="Trigger").click()
    page.get_by_role("option", name="Message received", exact=True).click()
    type_into_code_editor(
        page,
        trigger.locator("ha-selector-object", has_text="JSON match"),
        json.dumps(DOORBELL),
    )

    page.get_by_role("button", name="Add action").click()
    page.locator("ha-dialog").get_by_text("Device", exact=True).click()
    action = page.locator("ha-automation-action-row")
    action.get_by_role("combobox", name="Device").click()
    page.keyboard.type(connection.name)
    page.get_by_role("option", name=connection.name).first.click()
    expect(action.get_by_role("combobox", name="Device")).to_have_value(connection.name)
    action.get_by_role("combobox", name="Action").click()
    page.get_by_role("option", name="Send JSON", exact=True).click()
    type_into_code_editor(
        page, action.locator("ha-selector-object", has_text="JSON"), json.dumps(ACK)
    )

    # The Action menu once stayed open over the Save button: a person would
    # choose Send JSON again, which closes it.
    send_json = page.get_by_role("option", name="Send JSON", exact=True)
    if send_json.is_visible():
        send_json.click()
    expect(send_json).to_be_hidden()

    # The README's picture: the trigger as a person filled it in
    page.get_by_text("When", exact=True).scroll_into_view_if_needed()
    journey.screenshot("device-automation-editor")

    page.get_by_role("button", name="Save").click()
    dialog = page.locator("ha-dialog")
    dialog.get_by_role("textbox", name="Name").fill(NAME)
    dialog.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/config/automation/edit/(?!new)"))
    expect(page.get_by_text(NAME).first).to_be_visible()

    # Saved and set up: its entity appears (a failed set-up never brings one)
    entity_id: str = page.wait_for_function(AUTOMATION_ENTITY_ID, arg=NAME).json_value()

    # Opened again, the trigger holds the match (the editor shows it as YAML)
    trigger.get_by_text("Message received", exact=True).first.click()
    match = trigger.locator("ha-selector-object", has_text="JSON match")
    expect(match.get_by_role("textbox")).to_have_text("op: doorbell")
    return entity_id


def automation_row(page: Page) -> Locator:
    """The automation's row in Settings → Automations & scenes."""
    return page.get_by_role("row").filter(has_text=NAME)


def test_device_automation_answers_the_doorbell(
    journey: Journey, home_assistant: HomeAssistantProcess, demo_server: DemoServer
) -> None:
    """Build it in the browser; a matching message runs it; it sends the answer."""
    journey.publish("device-automation-editor")
    connection = approved_connection(journey, home_assistant, demo_server, "Doorbell")
    base = home_assistant.base
    entity_id = build_automation(journey, base, connection)
    page = journey.page
    assert journey.state(entity_id)["state"] == "on"
    assert journey.state(entity_id)["attributes"]["last_triggered"] is None

    goto(page, f"{base}/config/automation/dashboard")
    row = automation_row(page)
    expect(row).to_contain_text("Never")
    journey.screenshot("automation-never-triggered")

    # What the server sends is what it was sent: the connection receives it
    home_assistant.api(
        "POST",
        "/api/services/websocket_client/send",
        {"config_entry_id": connection.entry_id, "json": DOORBELL},
    )
    wait_for(lambda: demo_server.received_json(DOORBELL), timeout=20)

    expect(row).not_to_contain_text("Never")
    wait_for(lambda: journey.state(entity_id)["attributes"]["last_triggered"])
    journey.screenshot("automation-triggered")
    wait_for(lambda: demo_server.received_json(ACK), timeout=20)

"""Entities from messages, built in the browser from messages that really arrived.

From the connection's page: Add entity → a sensor made by choosing
`temperature` from a tick the demo server sent, its value on the device page;
then a switch whose turn on sends `{"op": "on"}` and whose state is what the
demo server reports. Toggled on the device page, the server receives that
frame and the switch shows what the server then says. No YAML anywhere.
"""

from __future__ import annotations

import json
import re

from homeassistant.const import __version__ as ha_version
from playwright.sync_api import Locator, Page, expect

from tests.servers.processes import wait_for

from .browser import (
    Connection,
    Journey,
    approved_connection,
    goto,
    row_texts,
    type_into_code_editor,
)
from .conftest import DemoServer, HomeAssistantProcess

NAME = "Demo device"
TURN_ON = {"op": "on"}
TURN_OFF = {"op": "off"}


def add_entity(page: Page, base: str, platform: str, name: str) -> Locator:
    """Add entity from the connection's own menu; type and name.

    Not the page's Add entity button (2026.2.3): with several connections it
    first asks which one.
    """
    goto(page, f"{base}/config/integrations/integration/websocket_client")
    row = page.locator("ha-md-list-item", has_text=NAME)
    row.get_by_role("button", name="Menu").first.click()
    if ha_version.startswith("2025."):
        page.get_by_text("Add entity", exact=True).first.click()
    else:
        page.locator("ha-dropdown-item", has_text="Add entity").first.click()
    dialog = page.locator("dialog-data-entry-flow")
    expect(dialog.get_by_text("Add an entity fed by messages").first).to_be_visible()
    if platform != "Sensor":  # the default
        dialog.get_by_role("combobox", name="Entity type").click()
        page.get_by_role("option", name=platform, exact=True).click()
    dialog.get_by_role("textbox", name=re.compile("^Name")).fill(name)
    submit(dialog)
    return dialog


def submit(dialog: Locator) -> None:
    """Submit the shown step."""
    dialog.get_by_role("button", name="Submit").click()


def choose_message(dialog: Locator, has: str) -> None:
    """The newest recent message whose excerpt holds `has`."""
    expect(dialog.get_by_text("Choose a message").first).to_be_visible()
    option = dialog.locator("ha-formfield").filter(has_text=re.compile(re.escape(has)))
    # Its radio: the label's text sits in a slot, which has no box to scroll
    # to once the message is far down the list (older, after many ticks).
    option.first.locator("ha-radio").click()
    submit(dialog)


def choose_field(journey: Journey, dialog: Locator, field: str, shot: str) -> None:
    """A field of the chosen message, as `path = value` in the list."""
    page = journey.page
    expect(dialog.get_by_text("Where is the value?").first).to_be_visible()
    dialog.get_by_role("combobox", name="Field").click()
    page.get_by_role("option", name=re.compile(f"^{re.escape(field)} = ")).click()
    journey.screenshot(f"{shot}-field")
    submit(dialog)


def only_messages(page: Page, dialog: Locator, match: dict[str, str]) -> None:
    """The filter step: a JSON match."""
    expect(dialog.get_by_text("Which messages feed it?").first).to_be_visible()
    field = dialog.locator("ha-selector-object", has_text="JSON match")
    type_into_code_editor(page, field, json.dumps(match))
    submit(dialog)


def save_after_preview(
    journey: Journey, dialog: Locator, value: str, shot: str
) -> None:
    """The preview shows the value from the newest matching message; save."""
    expect(dialog.get_by_text(re.compile(f"Value: {value}")).first).to_be_visible()
    journey.screenshot(f"{shot}-preview")
    submit(dialog)
    expect(dialog.get_by_text(re.compile("^Preview of"))).to_have_count(0)
    finish = dialog.get_by_role("button", name=re.compile("Finish|Close"))
    if finish.count():
        finish.first.click()


def add_temperature_sensor(journey: Journey, base: str) -> None:
    """A sensor from the `temperature` of a tick, in °C."""
    page = journey.page
    dialog = add_entity(page, base, "Sensor", "Temperature")
    choose_message(dialog, '"type": "tick"')
    choose_field(journey, dialog, "temperature", "entity")
    only_messages(page, dialog, {"type": "tick"})
    expect(dialog.get_by_text("Sensor options").first).to_be_visible()
    dialog.get_by_role("textbox", name=re.compile("^Unit of measurement")).fill("°C")
    submit(dialog)
    save_after_preview(journey, dialog, r"2\d\.\d", "entity")


def add_power_switch(journey: Journey, base: str) -> None:
    """A switch: {"op": "on"} and {"op": "off"}, its state as the server reports."""
    page = journey.page
    dialog = add_entity(page, base, "Switch", "Power")
    expect(dialog.get_by_text("Switch commands").first).to_be_visible()
    for label, command in (
        ("Turn on message", TURN_ON),
        ("Turn off message", TURN_OFF),
    ):
        field = dialog.locator("ha-selector-object", has_text=label)
        type_into_code_editor(page, field, json.dumps({"json": command}))
    submit(dialog)
    choose_message(dialog, '"type": "switch"')
    choose_field(journey, dialog, "state", "switch")
    only_messages(page, dialog, {"type": "switch"})
    expect(dialog.get_by_text("Switch state").first).to_be_visible()
    submit(dialog)
    save_after_preview(journey, dialog, "off", "switch")


def device_row(page: Page, name: str) -> str | None:
    """What the device page's row of an entity reads."""
    return next((row for row in row_texts(page) if row.startswith(name)), None)


def test_entities_from_messages(
    journey: Journey, home_assistant: HomeAssistantProcess, demo_server: DemoServer
) -> None:
    """A sensor and a switch from the demo server's messages, in the UI only."""
    journey.publish("entity-field", "entity-preview", "entities-device-page")
    connection: Connection = approved_connection(
        journey, home_assistant, demo_server, NAME
    )
    base = home_assistant.base
    page = journey.page
    sensor = f"sensor.{connection.slug}_temperature"
    switch = f"switch.{connection.slug}_power"

    # Add entity lists the messages kept when its step opens. The server says
    # its switch's state on connecting; any message after that is a tick.
    wait_for(
        lambda: home_assistant.messages_received(connection.entry_id) >= 2,
        describe=lambda: "no tick reached the connection",
    )
    add_temperature_sensor(journey, base)
    wait_for(lambda: home_assistant.state(sensor) not in ("missing", "unknown"))
    temperature = float(home_assistant.state(sensor))
    assert 21 <= temperature < 22

    add_power_switch(journey, base)
    wait_for(lambda: home_assistant.state(switch) == "off")

    goto(page, f"{base}/config/devices/device/{connection.device_id}")
    wait_for(
        lambda: bool(
            re.fullmatch(
                r"Temperature 2\d\.\d °C", device_row(page, "Temperature") or ""
            )
        ),
        describe=lambda: f"the device page shows {row_texts(page)}",
    )
    toggle = page.locator("hui-toggle-entity-row", has_text="Power").locator(
        "ha-entity-toggle"
    )
    expect(toggle).to_be_visible()
    toggle.get_by_role("switch").click()
    wait_for(lambda: demo_server.received_json(TURN_ON), timeout=20)
    wait_for(lambda: home_assistant.state(switch) == "on")
    expect(toggle.get_by_role("switch")).to_be_checked()
    page.wait_for_timeout(500)  # the picture: the toggle's slide has ended
    journey.screenshot("entities-device-page")
    assert demo_server.times_received_json(TURN_OFF) == 0

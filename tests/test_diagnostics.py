"""Diagnostics: what a bug report needs, and no secret."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.types import PropertyPath, SerializableData

from .helpers import (
    EntryFactory,
    entity_subentry,
    timestamps_as_any,
    wait_connected,
    wait_until,
)
from .servers.certificates import CertificateSet
from .servers.ws_server import RecordingWebSocketServer


async def test_snapshot(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """A connected entry with every kind of setting, after some traffic."""
    url = ws_server.url.replace("ws://", "ws://alice:pa55word@") + "?token=T0KEN"
    entry = await add_entry(
        url=url,
        headers={"X-Api-Key": "HEADERSECRET", "Accept": "text/plain"},
        subprotocols=["v2.chat"],
        options={"heartbeat": 0, "queue_size": 5},
    )
    await wait_connected(hass)
    await ws_server.push_text("hello")
    await wait_until(lambda: entry.runtime_data.statistics.messages_received == 1)
    port = f"127.0.0.1:{ws_server.port}"

    def volatile(*, data: SerializableData, path: PropertyPath) -> Any:
        # The server's port changes with every run; so does the connect time.
        if isinstance(data, str) and port in data:
            return data.replace(port, "127.0.0.1:<port>")
        return timestamps_as_any(data=data, path=path)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics == snapshot(matcher=volatile)


async def test_diagnostics_hold_no_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
    certificates: CertificateSet,
) -> None:
    """URL credentials, query values, headers, CA and logins are redacted."""
    url = ws_server.url.replace("ws://", "ws://alice:pa55word@") + "?token=T0KEN"
    entry: MockConfigEntry = await add_entry(
        url=url,
        headers={"X-Api-Key": "HEADERSECRET"},
        ca_cert=certificates.ca_pem,
        options={"on_connect": [{"json": {"access_token": "LOGINSECRET"}}]},
    )
    await wait_connected(hass)
    diagnostics: dict[str, Any] = await get_diagnostics_for_config_entry(
        hass, hass_client, entry
    )
    text = json.dumps(diagnostics)
    secrets = ("alice", "pa55word", "T0KEN", "HEADERSECRET", "LOGINSECRET")
    for secret in (*secrets, "BEGIN CERTIFICATE"):
        assert secret not in text
    assert diagnostics["entry"]["options"]["on_connect"] == ["*** 1"]
    assert diagnostics["entry"]["data"]["headers"] == {"X-Api-Key": "***"}
    assert diagnostics["connection"]["url"] == (
        f"ws://***:***@127.0.0.1:{ws_server.port}/ws?token=***"
    )
    assert diagnostics["status"] == "connected"
    assert diagnostics["connection"]["tls"] == "custom CA"


async def test_entities_from_messages_with_their_failures(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """Each entity subentry with its settings and its failure counts."""
    data = {"value_path": "temperature", "unit_of_measurement": "°C"}
    entry = await add_entry(subentries=[entity_subentry("Temperature", "t1", **data)])
    await wait_connected(hass)
    await ws_server.push_text('{"temperature": "warm"}')
    await ws_server.push_text("hello")
    await wait_until(lambda: entry.runtime_data.statistics.messages_received == 2)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["entities_from_messages"] == [
        {
            "subentry_id": "t1",
            "subentry_type": "entity",
            "title": "Temperature",
            "data": {"platform": "sensor", **data},
            "value_failures": {"not_a_number": 1, "not_json": 1},
        }
    ]


async def test_commands_and_command_templates_are_masked(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    ws_server: RecordingWebSocketServer,
    add_entry: EntryFactory,
) -> None:
    """A command may carry a token: only its kind is shown, a template masked."""
    lamp = entity_subentry(
        "Lamp",
        "l1",
        "switch",
        optimistic=True,
        command_on={"json": {"token": "secret"}},
        command_off={"message": "secret off"},
    )
    bell = entity_subentry("Bell", "b1", "button", command={"data_base64": "AAH/"})
    level = entity_subentry(
        "Level",
        "n1",
        "number",
        value_path="level",
        command_template='{"token": "secret", "level": {{ value }}}',
        max=10.0,
    )
    mode = entity_subentry(
        "Mode", "s1", "select", options=["eco"], command_template="secret {{ value }}"
    )
    entry = await add_entry(subentries=[lamp, bell, level, mode])
    await wait_connected(hass)
    diagnostics: Any = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    shown = {
        item["subentry_id"]: item for item in diagnostics["entities_from_messages"]
    }
    assert shown["l1"]["data"] == {
        "platform": "switch",
        "optimistic": True,
        "command_on": {"json": "***"},
        "command_off": {"message": "***"},
    }
    assert shown["b1"]["data"]["command"] == {"data_base64": "***"}
    assert shown["n1"]["data"] == {
        "platform": "number",
        "value_path": "level",
        "command_template": "***",
        "max": 10.0,
    }
    assert shown["n1"]["value_failures"] == {}
    assert shown["s1"]["data"]["command_template"] == "***"
    assert "secret" not in str(diagnostics)

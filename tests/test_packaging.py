"""What hassfest and the HACS action check, checked offline.

Manifest keys and order, hacs.json, brand icons, translations covering every
flow step, error, abort, entity, action, exception and issue, services.yaml
matching the registered actions, icons, no URLs or HTML in strings.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.websocket_client.const import DOMAIN
from custom_components.websocket_client.message_value import Failure
from custom_components.websocket_client.options import OPTIONS

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / DOMAIN
STRINGS: dict[str, Any] = json.loads((INTEGRATION / "strings.json").read_text())
SOURCES = {path.name: path.read_text() for path in INTEGRATION.glob("*.py")}
ALL_SOURCE = "\n".join(SOURCES.values())


def literals_after(pattern: str) -> set[str]:
    """Every string literal matched by `pattern` (one group) in the sources."""
    return set(re.findall(pattern, ALL_SOURCE))


def test_manifest() -> None:
    """Domain and name first, then alphabetical; every key a custom one needs."""
    manifest = json.loads((INTEGRATION / "manifest.json").read_text())
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert manifest["domain"] == DOMAIN
    assert manifest["iot_class"] == "local_push"
    assert manifest["integration_type"] == "service"
    assert manifest["config_flow"] is True
    assert manifest["requirements"] == []
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    for key in ("documentation", "issue_tracker", "codeowners"):
        assert manifest[key]


def test_hacs_json_declares_the_tested_minimum() -> None:
    """hacs.json names the integration and the oldest Home Assistant we test."""
    hacs = json.loads((ROOT / "hacs.json").read_text())
    assert hacs["name"] == "WebSocket Client"
    pins = (ROOT / "requirements_test.txt").read_text()
    assert f"homeassistant=={hacs['homeassistant']}" in pins


@pytest.mark.parametrize(("name", "size"), [("icon.png", 256), ("icon@2x.png", 512)])
def test_brand_icons(name: str, size: int) -> None:
    """Square PNG icons at the sizes the brands repository asks for."""
    with Image.open(INTEGRATION / "brand" / name) as image:
        assert image.format == "PNG"
        assert image.size == (size, size)


def test_english_translation_is_the_strings_file() -> None:
    """Custom integrations ship translations/en.json; it must not drift."""
    english = json.loads((INTEGRATION / "translations" / "en.json").read_text())
    assert english == STRINGS


def _all_texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [text for value in node.values() for text in _all_texts(value)]
    return [node] if isinstance(node, str) else []


def test_no_urls_or_html_in_strings() -> None:
    """Hassfest rejects URLs and HTML in translations."""
    for text in _all_texts(STRINGS):
        assert not re.search(r"https?://", text), text
        assert not re.search(r"</?[a-zA-Z][^>]*>", text), text


def test_literal_braces_in_strings_are_quoted() -> None:
    """The frontend reads every text as an ICU message, braces as placeholders.

    An unquoted example such as {"id": 7} shows as "Translation error:
    MALFORMED_ARGUMENT"; an apostrophe right before a brace quotes up to the
    next apostrophe, so '{"id": 7}' shows as {"id": 7}.
    """
    for text in _all_texts(STRINGS):
        unquoted = re.sub(r"'[{}][^']*'", "", text)
        assert not re.search(r"[{}]", re.sub(r"\{\w+\}", "", unquoted)), text


def test_every_error_abort_and_exception_is_translated() -> None:
    """Keys raised or returned in code exist in strings.json, and none is stale."""
    config_errors = set(STRINGS["config"]["error"])
    # Payload errors become action errors (services.encode_outgoing).
    payload_errors = literals_after(r"InvalidPayloadError\(\"(\w+)\"\)")
    # Filter errors too (services.request_filter, message_filter.async_validate_filter).
    filter_errors = literals_after(r"InvalidFilterError\(\s*\"(\w+)\"")
    raised = literals_after(r"Error\(\"(\w+)\"\)") | literals_after(
        r"errors\[[A-Z_]+\] = \"(\w+)\""
    )
    raised |= literals_after(r"\(\w+, \"(\w+_(?:invalid|required))\"\)")
    raised |= {"invalid_auth", "cannot_connect"}  # from async_check_handshake
    # The Add entity flow's errors: bad paths or templates, the filter's,
    # the platforms' options (platform_form's checks), the commands' payload
    # errors and sizes (command_form), why the preview's value cannot be used
    # (each failure kind)
    value_errors = literals_after(r"InvalidValueError\(\s*\"(\w+)\"")
    options_errors = set(re.findall(r"return \"(\w+)\"", SOURCES["platform_form.py"]))
    options_errors |= set(
        re.findall(r"Final = \"(\w+_too_large)\"", SOURCES["command_form.py"])
    )
    failures = {failure.value for failure in Failure}
    assert value_errors | options_errors | payload_errors | failures | (
        filter_errors - {"invalid_message_type"}
    ) == (set(STRINGS["config_subentries"]["entity"]["error"]))
    raised -= payload_errors | filter_errors | value_errors
    assert raised <= config_errors | set(STRINGS["options"]["error"])
    structured = raised & set(STRINGS["options"]["error"])
    assert set(STRINGS["options"]["error"]) == structured | {
        f"{spec.key}_invalid" if spec.choices else f"{spec.key}_out_of_range"
        for spec in OPTIONS
        if spec.choices or spec.minimum is not None
    }
    assert literals_after(r"AbortFlow\(\"(\w+)\"\)") <= set(STRINGS["config"]["abort"])
    exceptions = literals_after(r"(?:validation|action)_error\(\s*\"(\w+)\"")
    exceptions |= {"invalid_ca_cert"}  # ConfigEntryError of a failed set-up
    exceptions |= payload_errors | filter_errors
    assert exceptions == set(STRINGS["exceptions"])


def test_entities_translated_and_iconed() -> None:
    """Every translation_key of an entity has a name and an icon."""
    platforms = (
        "binary_sensor",
        "button",
        "event",
        "number",
        "select",
        "sensor",
        "switch",
    )
    keys = {
        key
        for platform in platforms
        for key in re.findall(
            r"translation_key\s*=\s*\"(\w+)\"", SOURCES[f"{platform}.py"]
        )
    }
    translated = {key for platform in STRINGS["entity"].values() for key in platform}
    icons = json.loads((INTEGRATION / "icons.json").read_text())
    iconed = {key for platform in icons["entity"].values() for key in platform}
    assert keys == translated
    # Connectivity binary sensors take the device class's icons.
    assert translated - iconed == {"connected"}


def test_issues_translated() -> None:
    """Both consent issue variants have a title, text and a menu."""
    consent_source = SOURCES["consent.py"]
    tree = ast.parse(consent_source)
    issue_keys = {
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.value, ast.Constant)
        and str(getattr(node.target, "id", "")).startswith("ISSUE_KEY")
    }
    advice = STRINGS["issues"]["recorded_message_events"]
    assert advice["title"]
    assert advice["fix_flow"]["step"]["confirm"]["description"]
    assert issue_keys | {"recorded_message_events"} == set(STRINGS["issues"])
    for key in issue_keys:
        issue = STRINGS["issues"][key]
        menu = issue["fix_flow"]["step"]["init"]["menu_options"]
        assert set(menu) == {"approve", "deny"}
        assert issue["title"]
        assert issue["description"]


async def test_services_yaml_matches_registered_actions(hass: HomeAssistant) -> None:
    """services.yaml, strings and icons describe exactly the registered actions."""
    assert await async_setup_component(hass, DOMAIN, {})
    registered = set(hass.services.async_services_for_domain(DOMAIN))
    described = load_yaml_dict(INTEGRATION / "services.yaml")
    icons = json.loads((INTEGRATION / "icons.json").read_text())["services"]
    assert registered == set(described) == set(STRINGS["services"]) == set(icons)
    for service, definition in described.items():
        fields = set(definition.get("fields", {}))
        translated = STRINGS["services"][service]
        assert fields == set(translated["fields"])
        for field in fields:
            assert translated["fields"][field]["name"]
            assert translated["fields"][field]["description"]


def _schema_keys(schema: Any) -> tuple[set[str], dict[str, set[str]]]:
    top: set[str] = set()
    sections: dict[str, set[str]] = {}
    for key, value in schema.schema.items():
        if hasattr(value, "schema") and hasattr(value, "options"):
            sections[str(key)] = {str(inner) for inner in value.schema.schema}
        else:
            top.add(str(key))
    return top, sections


def _assert_step_translated(step: dict[str, Any], schema: Any) -> None:
    top, sections = _schema_keys(schema)
    assert set(step.get("data", {})) == top
    assert set(step.get("data_description", {})) == top
    assert set(step.get("sections", {})) == set(sections)
    for name, fields in sections.items():
        assert set(step["sections"][name]["data"]) == fields
        assert set(step["sections"][name]["data_description"]) == fields


async def test_every_flow_field_has_label_and_description(hass: HomeAssistant) -> None:
    """The forms users see: user, reconfigure, reauth and options steps."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "user"}
    )
    _assert_step_translated(STRINGS["config"]["step"]["user"], result["data_schema"])

    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Living room",
        data={"url": "ws://127.0.0.1:1/ws", "access_reason": "A long enough reason"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    result = await entry.start_reconfigure_flow(hass)
    _assert_step_translated(
        STRINGS["config"]["step"]["reconfigure"], result["data_schema"]
    )
    result = await entry.start_reauth_flow(hass)
    _assert_step_translated(
        STRINGS["config"]["step"]["reauth_confirm"], result["data_schema"]
    )
    result = await hass.config_entries.options.async_init(entry.entry_id)
    _assert_step_translated(STRINGS["options"]["step"]["init"], result["data_schema"])
    await hass.config_entries.async_unload(entry.entry_id)


def test_quality_scale_has_no_todo() -> None:
    """Every rule of Bronze to Platinum is done or exempt with a reason."""
    rules = load_yaml_dict(INTEGRATION / "quality_scale.yaml")["rules"]
    assert len(rules) == 52
    for name, rule in rules.items():
        if isinstance(rule, dict):
            assert rule["status"] == "exempt", name
            assert rule["comment"], name
        else:
            assert rule == "done", name

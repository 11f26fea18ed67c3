"""The options form: its fields and sections, and what a submitted form stores.

Everything here reads the one table of options (options.py): the form shows
each option in its section and unit (sizes in KiB), and a submitted form turns
back into stored options, with a translated error per field.
"""

from __future__ import annotations

from collections.abc import Mapping
import math
from typing import Any

from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    ObjectSelector,
    Selector,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import voluptuous as vol

from .options import (
    CONF_KEEPALIVE_INTERVAL,
    CONF_KEEPALIVE_MESSAGE,
    OPTIONS,
    OPTIONS_BY_KEY,
    SECTIONS,
    OptionSpec,
    option_errors,
    whole_if_integral,
)
from .protocol_options import InvalidOptionError


def selector_of(spec: OptionSpec) -> Selector[Any]:
    """The form field of an option."""
    if spec.parse is not None:
        return ObjectSelector()
    if isinstance(spec.default, bool):
        return BooleanSelector()
    if spec.choices:
        return SelectSelector(
            SelectSelectorConfig(
                options=list(spec.choices),
                mode=SelectSelectorMode.DROPDOWN,
                translation_key=spec.key,
            )
        )
    # No min/max on purpose: out-of-range values get a translated,
    # per-field error from the flow instead of a generic schema error.
    # A scaled value need not be whole (100000 bytes are 97.65625 KiB).
    config = NumberSelectorConfig(
        mode=NumberSelectorMode.BOX, step="any" if spec.form_scale > 1 else 1
    )
    if spec.unit:
        config["unit_of_measurement"] = spec.unit
    return NumberSelector(config)


def with_section_errors(
    errors: Mapping[str, str], section_of: Mapping[str, str]
) -> dict[str, str]:
    """`errors` plus, keyed by each section, the first error of a field in it.

    The frontend shows no error of a field inside a section (it passes the
    section's form no errors), only one keyed by the section, just above it.
    """
    shown = dict(errors)
    for key, error in errors.items():
        if key in section_of:
            shown.setdefault(section_of[key], error)
    return shown


def normalized(values: Mapping[str, Any]) -> dict[str, Any]:
    """Form values as stored: whole numbers as int (the form sends floats)."""
    return {key: whole_if_integral(value) for key, value in values.items()}


def option_field(spec: OptionSpec, current: Any) -> dict[vol.Marker, Any]:
    """The form field of one option, showing `current` (masked if secret)."""
    if spec.parse is not None:
        shown = spec.mask(current) if spec.mask else current
        # Optional: an emptied field removes the option.
        return {
            vol.Optional(spec.key, description={"suggested_value": shown}): (
                selector_of(spec)
            )
        }
    return {vol.Required(spec.key, default=spec.to_form(current)): selector_of(spec)}


def options_schema(current: Mapping[str, Any]) -> vol.Schema:
    """The options form, every option showing its current value."""
    fields: dict[vol.Marker, Any] = {}
    sections: dict[str, dict[vol.Marker, Any]] = {}
    for spec in OPTIONS:
        field = option_field(spec, current.get(spec.key, spec.default))
        if spec.section is None:
            fields |= field
        else:
            sections.setdefault(spec.section, {}).update(field)
    for name, section_fields in sections.items():
        fields[vol.Optional(name)] = section(
            vol.Schema(section_fields), {"collapsed": False}
        )
    return vol.Schema(fields)


def _submitted_values(
    form: Mapping[str, Any], stored: Mapping[str, Any]
) -> dict[str, Any]:
    """The form's fields, in stored units, with its sections flattened into them."""
    values = _from_form({k: v for k, v in form.items() if k not in SECTIONS})
    for name in SECTIONS:
        # Without the section (API callers), what it holds stays as stored.
        if name in form:
            values |= _from_form(form[name])
        else:
            values |= _stored_section(stored, name)
    return values


def _from_form(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: OPTIONS_BY_KEY[key].from_form(value) if key in OPTIONS_BY_KEY else value
        for key, value in fields.items()
    }


def _stored_section(stored: Mapping[str, Any], name: str) -> dict[str, Any]:
    return {
        spec.key: stored[spec.key]
        for spec in OPTIONS
        if spec.section == name and spec.key in stored
    }


def options_from_form(
    form: Mapping[str, Any], stored: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Options to store from the submitted form, and per-field errors."""
    values = _submitted_values(form, stored)
    errors = option_errors(values)
    options: dict[str, Any] = {}
    for spec in OPTIONS:
        value = values.get(spec.key)
        if spec.parse is None:
            if spec.key in values:
                options[spec.key] = _stored_number(spec, value)
            continue
        try:
            if (parsed := spec.parse(value, stored.get(spec.key))) is not None:
                options[spec.key] = parsed
        except InvalidOptionError as err:
            errors[spec.key] = err.reason
    if (
        options.get(CONF_KEEPALIVE_INTERVAL, 0) > 0
        and CONF_KEEPALIVE_MESSAGE not in options
    ):
        errors.setdefault(CONF_KEEPALIVE_MESSAGE, "keepalive_message_required")
    return options, errors


def _stored_number(spec: OptionSpec, value: Any) -> Any:
    """Whole numbers as int; a size in whole bytes (a part of one rounds up)."""
    if spec.form_scale > 1 and isinstance(value, float) and math.isfinite(value):
        return math.ceil(value)
    return whole_if_integral(value)

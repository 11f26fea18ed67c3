"""The Advanced section of set-up and Reconfigure: headers, subprotocols, TLS.

These settings live in entry data. The form shows them with secrets masked, and
a masked value submitted back keeps what it hides.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.const import CONF_HEADERS, CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    BooleanSelector,
    TextSelector,
    TextSelectorConfig,
)
import voluptuous as vol

from .connection import (
    MASK,
    InvalidCACertificateError,
    InvalidHeadersError,
    InvalidWebSocketUrlError,
    build_ca_context,
    is_token,
    masked_headers_text,
    parse_headers,
    parse_websocket_url,
)
from .const import CONF_CA_CERT, CONF_SUBPROTOCOLS
from .options_form import with_section_errors

CONF_ADVANCED: Final = "advanced"
ADVANCED_FIELDS: Final = dict.fromkeys(
    (CONF_HEADERS, CONF_SUBPROTOCOLS, CONF_CA_CERT), CONF_ADVANCED
)


async def async_parse_advanced(
    hass: HomeAssistant,
    advanced: Mapping[str, Any],
    stored: Mapping[str, Any],
    url: str,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Entry data from the advanced section, and errors (with_section_errors).

    `stored` holds the current entry data: a masked value keeps what it hides.
    """
    errors: dict[str, str] = {}
    data: dict[str, Any] = {CONF_VERIFY_SSL: bool(advanced.get(CONF_VERIFY_SSL, True))}
    try:
        data[CONF_HEADERS] = parse_headers(
            str(advanced.get(CONF_HEADERS, "")), stored.get(CONF_HEADERS)
        )
    except InvalidHeadersError as err:
        errors[CONF_HEADERS] = err.reason
    else:
        if _has_credentials(url) and any(
            name.lower() == "authorization" for name in data[CONF_HEADERS]
        ):
            # aiohttp turns URL credentials into an Authorization header itself.
            errors[CONF_HEADERS] = "authorization_conflict"
    subprotocols = [
        name.strip() for name in advanced.get(CONF_SUBPROTOCOLS, []) if name.strip()
    ]
    if not all(is_token(name) for name in subprotocols):
        errors[CONF_SUBPROTOCOLS] = "invalid_subprotocol"
    data[CONF_SUBPROTOCOLS] = subprotocols
    ca_cert = str(advanced.get(CONF_CA_CERT, "")).strip()
    if ca_cert == MASK:
        ca_cert = str(stored.get(CONF_CA_CERT, ""))
    if ca_cert:
        try:
            await hass.async_add_executor_job(build_ca_context, ca_cert)
        except InvalidCACertificateError:
            errors[CONF_CA_CERT] = "invalid_ca_cert"
        data[CONF_CA_CERT] = ca_cert
    return data, with_section_errors(errors, ADVANCED_FIELDS)


def advanced_form_values(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The advanced section as the form shows stored settings (secrets masked)."""
    return {
        CONF_HEADERS: masked_headers_text(stored.get(CONF_HEADERS, {})),
        CONF_SUBPROTOCOLS: list(stored.get(CONF_SUBPROTOCOLS, [])),
        CONF_VERIFY_SSL: stored.get(CONF_VERIFY_SSL, True),
        CONF_CA_CERT: MASK if stored.get(CONF_CA_CERT) else "",
    }


def _has_credentials(url: str) -> bool:
    try:
        parsed = parse_websocket_url(url)
    except InvalidWebSocketUrlError:
        return False
    return parsed.user is not None


def headers_field(stored: Mapping[str, Any]) -> dict[vol.Optional, TextSelector]:
    """The headers text field, showing stored headers with their values masked."""
    return {
        vol.Optional(
            CONF_HEADERS,
            description={
                "suggested_value": masked_headers_text(stored.get(CONF_HEADERS, {}))
            },
        ): TextSelector(TextSelectorConfig(multiline=True))
    }


def advanced_section(stored: Mapping[str, Any]) -> section:
    """The collapsed Advanced section, showing `stored` settings masked."""
    shown = advanced_form_values(stored)
    return section(
        vol.Schema(
            {
                **headers_field(stored),
                vol.Optional(
                    CONF_SUBPROTOCOLS,
                    description={"suggested_value": shown[CONF_SUBPROTOCOLS]},
                ): TextSelector(TextSelectorConfig(multiple=True)),
                vol.Optional(
                    CONF_VERIFY_SSL, default=shown[CONF_VERIFY_SSL]
                ): BooleanSelector(),
                vol.Optional(
                    CONF_CA_CERT, description={"suggested_value": shown[CONF_CA_CERT]}
                ): TextSelector(TextSelectorConfig(multiline=True)),
            }
        ),
        {"collapsed": True},
    )

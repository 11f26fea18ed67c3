"""UI flows: set-up, reconfigure, reauthentication and options.

Set-up and reconfigure never touch the network: consent comes first. Only
reauthentication, for a connection that was already approved, tests the new
credentials against the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.const import CONF_HEADERS, CONF_NAME, CONF_URL, CONF_VERIFY_SSL
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .advanced import (
    CONF_ADVANCED,
    advanced_form_values,
    advanced_section,
    async_parse_advanced,
    headers_field,
)
from .connection import (
    InvalidHeadersError,
    InvalidWebSocketUrlError,
    check_handshake,
    credentials_rejected,
    parse_headers,
    parse_websocket_url,
)
from .const import (
    CONF_ACCESS_REASON,
    CONF_CA_CERT,
    CONF_HANDLING_USER,
    DOMAIN,
)
from .entity_flow import EntitySubentryFlow
from .options import (
    CONF_MESSAGE_EVENTS,
    CONF_RETRY_INTERVAL,
    MESSAGE_EVENTS_NONE,
    OPTIONS,
    OPTIONS_BY_KEY,
    SECTION_OF,
    connection_settings,
    option_errors,
)
from .options_form import (
    normalized,
    option_field,
    options_from_form,
    options_schema,
    with_section_errors,
)
from .session import async_ssl_setting
from .subentry import SUBENTRY_TYPE_ENTITY

MIN_ACCESS_REASON_LENGTH: Final = 10
RETRY_INTERVAL = OPTIONS_BY_KEY[CONF_RETRY_INTERVAL]


def _url_errors(url: str) -> dict[str, str]:
    try:
        parse_websocket_url(url)
    except InvalidWebSocketUrlError as err:
        return {CONF_URL: err.reason}
    return {}


def validate_user_input(user_input: Mapping[str, Any]) -> dict[str, str]:
    """Per-field translation keys of everything wrong with the set-up form."""
    errors: dict[str, str] = {}
    if not str(user_input.get(CONF_NAME, "")).strip():
        errors[CONF_NAME] = "name_required"
    errors |= _url_errors(str(user_input.get(CONF_URL, "")))
    reason = str(user_input.get(CONF_ACCESS_REASON, "")).strip()
    if not reason:
        errors[CONF_ACCESS_REASON] = "access_reason_required"
    elif len(reason) < MIN_ACCESS_REASON_LENGTH:
        errors[CONF_ACCESS_REASON] = "access_reason_too_short"
    errors |= option_errors(
        {
            CONF_RETRY_INTERVAL: user_input.get(
                CONF_RETRY_INTERVAL, RETRY_INTERVAL.default
            )
        }
    )
    return errors


class WebSocketClientConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add, reconfigure or reauthenticate a WebSocket connection."""

    VERSION = 1
    # 2: message events default to none; older entries keep "all" (see __init__)
    MINOR_VERSION = 2

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """The options of a connection."""
        return WebSocketClientOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Add entity: one entity fed by messages per subentry."""
        return {SUBENTRY_TYPE_ENTITY: EntitySubentryFlow}

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for name, URL, access reason, retry interval and handling user."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = validate_user_input(user_input)
            advanced, advanced_errors = await async_parse_advanced(
                self.hass,
                user_input.get(CONF_ADVANCED, {}),
                {},
                str(user_input.get(CONF_URL, "")),
            )
            errors |= advanced_errors
            if not errors:
                url = str(user_input[CONF_URL]).strip()
                self._abort_if_url_configured(url)
                data: dict[str, Any] = {
                    CONF_URL: url,
                    CONF_ACCESS_REASON: str(user_input[CONF_ACCESS_REASON]).strip(),
                    **advanced,
                }
                if handling_user := user_input.get(CONF_HANDLING_USER):
                    data[CONF_HANDLING_USER] = handling_user
                return self.async_create_entry(
                    title=str(user_input[CONF_NAME]).strip(),
                    data=data,
                    options=normalized(
                        {
                            CONF_RETRY_INTERVAL: user_input[CONF_RETRY_INTERVAL],
                            # Stored, so an older version (events by default)
                            # keeps them off too
                            CONF_MESSAGE_EVENTS: MESSAGE_EVENTS_NONE,
                        }
                    ),
                )
        schema = self.add_suggested_values_to_schema(
            await self._user_schema(), _without_section(user_input)
        )
        return self.async_show_form(step_id="user", data_schema=schema, errors=errors)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change URL, headers, subprotocols and TLS settings.

        A new origin (scheme, host, port) needs consent again; the entry asks
        for it when it reloads.
        """
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            url = str(user_input.get(CONF_URL, "")).strip()
            errors = _url_errors(url)
            advanced, advanced_errors = await async_parse_advanced(
                self.hass,
                # Without the section (API callers), the stored settings stay.
                user_input.get(CONF_ADVANCED, advanced_form_values(entry.data)),
                entry.data,
                url,
            )
            errors |= advanced_errors
            if not errors:
                self._abort_if_url_configured(url, ignore_entry_id=entry.entry_id)
                # Replaced, not merged: a removed CA certificate must go.
                kept = {k: v for k, v in entry.data.items() if k != CONF_CA_CERT}
                return self.async_update_reload_and_abort(
                    entry, data={**kept, CONF_URL: url, **advanced}
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_reconfigure_schema(entry.data),
            errors=errors,
            description_placeholders={"name": entry.title},
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """The server refused the credentials: ask for new header values."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Take new header values and test them against the approved server."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                headers = parse_headers(
                    str(user_input.get(CONF_HEADERS, "")), entry.data.get(CONF_HEADERS)
                )
            except InvalidHeadersError as err:
                errors[CONF_HEADERS] = err.reason
            else:
                errors = await self._check_credentials(entry, headers)
                if not errors:
                    return self.async_update_reload_and_abort(
                        entry, data_updates={CONF_HEADERS: headers}
                    )
        schema = vol.Schema(headers_field(entry.data))
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=schema,
            errors=errors,
            description_placeholders={"name": entry.title},
        )

    async def _check_credentials(
        self, entry: ConfigEntry, headers: dict[str, str]
    ) -> dict[str, str]:
        # Connecting here is allowed: reauthentication only follows a refusal
        # by a server the handling user already approved.
        tls = await async_ssl_setting(
            self.hass,
            entry.data.get(CONF_VERIFY_SSL, True),
            entry.data.get(CONF_CA_CERT),
        )
        settings = connection_settings(entry, tls)
        # A single short-lived check: Home Assistant's shared session serves it.
        end = await check_handshake(
            async_get_clientsession(self.hass), replace(settings, headers=headers)
        )
        if end is None:
            return {}
        return {
            "base": "invalid_auth" if credentials_rejected(end) else "cannot_connect"
        }

    def _abort_if_url_configured(
        self, url: str, ignore_entry_id: str | None = None
    ) -> None:
        wanted = str(parse_websocket_url(url))
        for entry in self._async_current_entries(include_ignore=False):
            if entry.entry_id == ignore_entry_id:
                continue
            if str(parse_websocket_url(entry.data[CONF_URL])) == wanted:
                raise AbortFlow("already_configured")

    async def _user_schema(self) -> vol.Schema:
        users = [
            SelectOptionDict(value=user.id, label=user.name or user.id)
            for user in await self.hass.auth.async_get_users()
            if user.is_active and not user.system_generated
        ]
        fields: dict[vol.Marker, Any] = {
            vol.Required(CONF_NAME): TextSelector(),
            vol.Required(CONF_URL): TextSelector(
                TextSelectorConfig(type=TextSelectorType.URL)
            ),
            vol.Required(CONF_ACCESS_REASON): TextSelector(
                TextSelectorConfig(multiline=True)
            ),
            **option_field(RETRY_INTERVAL, RETRY_INTERVAL.default),
            vol.Optional(CONF_HANDLING_USER): SelectSelector(
                SelectSelectorConfig(options=users, mode=SelectSelectorMode.DROPDOWN)
            ),
            vol.Optional(CONF_ADVANCED, default={}): advanced_section({}),
        }
        return vol.Schema(fields)


def _reconfigure_schema(stored: Mapping[str, Any]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_URL, default=stored[CONF_URL]): TextSelector(
                TextSelectorConfig(type=TextSelectorType.URL)
            ),
            vol.Optional(CONF_ADVANCED): advanced_section(stored),
        }
    )


def _without_section(user_input: Mapping[str, Any] | None) -> dict[str, Any]:
    # Suggested values of a section come from its own schema, not the top level.
    return {k: v for k, v in (user_input or {}).items() if k != CONF_ADVANCED}


def _as_submitted(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The form as submitted, to show again with its errors.

    The frontend leaves an emptied field out; shown again, it must stay empty
    rather than show (and then save) the stored value. A section left out
    entirely (API callers) keeps what it stores.
    """
    shown = dict(user_input)
    for spec in OPTIONS:
        if spec.parse is None:
            continue
        if spec.section is None:
            shown.setdefault(spec.key, None)
        elif spec.section in user_input:
            shown[spec.section] = {spec.key: None, **shown[spec.section]}
    return shown


class WebSocketClientOptionsFlow(OptionsFlow):
    """Every option of the options table; saved options apply without a reload."""

    def __init__(self) -> None:
        """Nothing shown yet."""
        super().__init__()
        self._shown: dict[str, Any] | None = None

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show every option with its current value."""
        errors: dict[str, str] = {}
        # "*** n" means the n-th message this form showed, even if another
        # flow saved different messages meanwhile.
        if user_input is None or self._shown is None:
            self._shown = dict(self.config_entry.options)
        stored = self._shown
        if user_input is not None:
            options, errors = options_from_form(user_input, stored)
            if not errors:
                return self.async_create_entry(data=options)
        schema = options_schema(stored)
        if user_input is not None:
            schema = self.add_suggested_values_to_schema(
                schema, _as_submitted(user_input)
            )
        return self.async_show_form(
            step_id="init",
            data_schema=schema,
            errors=with_section_errors(errors, SECTION_OF),
        )

"""UI set-up of a connection. It never touches the network: consent comes first."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_NAME, CONF_URL
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .const import (
    CONF_ACCESS_REASON,
    CONF_HANDLING_USER,
    CONF_RETRY_INTERVAL,
    DEFAULT_RETRY_INTERVAL,
    DOMAIN,
    MAX_RETRY_INTERVAL,
    MIN_ACCESS_REASON_LENGTH,
    MIN_RETRY_INTERVAL,
)
from .url import InvalidWebSocketUrlError, parse_websocket_url


def validate_user_input(user_input: dict[str, Any]) -> dict[str, str]:
    """Per-field translation keys of everything wrong with the input."""
    errors: dict[str, str] = {}
    if not str(user_input.get(CONF_NAME, "")).strip():
        errors[CONF_NAME] = "name_required"
    try:
        parse_websocket_url(str(user_input.get(CONF_URL, "")))
    except InvalidWebSocketUrlError as err:
        errors[CONF_URL] = err.reason
    reason = str(user_input.get(CONF_ACCESS_REASON, "")).strip()
    if not reason:
        errors[CONF_ACCESS_REASON] = "access_reason_required"
    elif len(reason) < MIN_ACCESS_REASON_LENGTH:
        errors[CONF_ACCESS_REASON] = "access_reason_too_short"
    interval = user_input.get(CONF_RETRY_INTERVAL, DEFAULT_RETRY_INTERVAL)
    if not MIN_RETRY_INTERVAL <= interval <= MAX_RETRY_INTERVAL:
        errors[CONF_RETRY_INTERVAL] = "retry_interval_out_of_range"
    return errors


def _whole_if_integral(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


class WebSocketClientConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a WebSocket connection."""

    VERSION = 1

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for name, URL, access reason, retry interval and handling user."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = validate_user_input(user_input)
            if not errors:
                url = str(user_input[CONF_URL]).strip()
                self._abort_if_url_configured(url)
                data: dict[str, Any] = {
                    CONF_URL: url,
                    CONF_ACCESS_REASON: str(user_input[CONF_ACCESS_REASON]).strip(),
                }
                if handling_user := user_input.get(CONF_HANDLING_USER):
                    data[CONF_HANDLING_USER] = handling_user
                return self.async_create_entry(
                    title=str(user_input[CONF_NAME]).strip(),
                    data=data,
                    options={
                        CONF_RETRY_INTERVAL: _whole_if_integral(
                            user_input[CONF_RETRY_INTERVAL]
                        )
                    },
                )
        schema = self.add_suggested_values_to_schema(
            await self._user_schema(), user_input or {}
        )
        return self.async_show_form(step_id="user", data_schema=schema, errors=errors)

    def _abort_if_url_configured(self, url: str) -> None:
        normalized = str(parse_websocket_url(url))
        for entry in self._async_current_entries(include_ignore=False):
            if str(parse_websocket_url(entry.data[CONF_URL])) == normalized:
                raise AbortFlow("already_configured")

    async def _user_schema(self) -> vol.Schema:
        users = [
            SelectOptionDict(value=user.id, label=user.name or user.id)
            for user in await self.hass.auth.async_get_users()
            if user.is_active and not user.system_generated
        ]
        return vol.Schema(
            {
                vol.Required(CONF_NAME): TextSelector(),
                vol.Required(CONF_URL): TextSelector(
                    TextSelectorConfig(type=TextSelectorType.URL)
                ),
                vol.Required(CONF_ACCESS_REASON): TextSelector(
                    TextSelectorConfig(multiline=True)
                ),
                vol.Required(
                    CONF_RETRY_INTERVAL, default=DEFAULT_RETRY_INTERVAL
                ): NumberSelector(
                    NumberSelectorConfig(
                        mode=NumberSelectorMode.BOX,
                        step=1,
                        unit_of_measurement="s",
                    )
                ),
                vol.Optional(CONF_HANDLING_USER): SelectSelector(
                    SelectSelectorConfig(
                        options=users, mode=SelectSelectorMode.DROPDOWN
                    )
                ),
            }
        )

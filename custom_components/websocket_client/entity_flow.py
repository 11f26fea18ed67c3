"""Add entity: the subentry flow that makes an entity from a message that arrived.

Steps: platform and name (`user`; `name` when reconfiguring) → for a button,
its command (`button`), then saved; for a switch, its commands and where its
state comes from (`commands`): an optimistic switch is saved then, one with
state from messages goes on like the others → one of the
connection's recent messages (`message`, skipped when none arrived) → the
value: a field of that message, a typed path or a template (`value`) → which
messages feed it (`filter`) → the platform's options and availability
(`sensor` / `binary_sensor` / `switch`) → what the entity would show from the newest
matching recent message (`preview`), then created or updated. The forms are
in entity_form.py and command_form.py, the data format in subentry.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME
import voluptuous as vol

from . import command_form, entity_form as form
from .message import ReceivedMessage
from .message_filter import InvalidFilterError, filter_from_config
from .message_value import NO_VALUE, InvalidValueError, MessageValue, shown
from .recent_messages import RecentMessage
from .subentry import (
    CONF_EXPIRE_AFTER,
    CONF_FORCE_UPDATE,
    CONF_OPTIMISTIC,
    CONF_PAYLOAD_OFF,
    CONF_PAYLOAD_ON,
    CONF_PLATFORM,
    DEFAULT_PAYLOAD_OFF,
    DEFAULT_PAYLOAD_ON,
    PLATFORM_BINARY_SENSOR,
    PLATFORM_BUTTON,
    PLATFORM_SENSOR,
    PLATFORM_SWITCH,
    is_numeric,
)

# What an optimistic switch does not use: its state does not come from messages
STATE_KEYS = (
    *form.VALUE_KEYS,
    *form.FILTER_KEYS,
    *form.SWITCH_KEYS,
    CONF_EXPIRE_AFTER,
    CONF_FORCE_UPDATE,
)


class EntitySubentryFlow(ConfigSubentryFlow):
    """Add or reconfigure one entity fed by messages."""

    def __init__(self) -> None:
        """Start with nothing chosen."""
        self._data: dict[str, Any] = {}
        self._name = ""
        self._recent: list[RecentMessage] = []
        self._message: ReceivedMessage | None = None

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """The platform and the name."""
        if user_input is not None:
            self._data[CONF_PLATFORM] = user_input[CONF_PLATFORM]
            self._name = user_input[CONF_NAME]
            return await self._after_name()
        return self.async_show_form(
            step_id="user", data_schema=form.name_schema({}, with_platform=True)
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Edit an entity: its settings fill the same forms."""
        subentry = self._get_reconfigure_subentry()
        self._data = dict(subentry.data)
        self._name = subentry.title
        return await self.async_step_name()

    async def async_step_name(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """The name of an entity being reconfigured (its platform stays)."""
        if user_input is not None:
            self._name = user_input[CONF_NAME]
            return await self._after_name()
        return self.async_show_form(
            step_id="name",
            data_schema=form.name_schema({CONF_NAME: self._name}, with_platform=False),
            description_placeholders={"name": self._name},
        )

    async def _after_name(self) -> SubentryFlowResult:
        platform = self._data[CONF_PLATFORM]
        if platform == PLATFORM_BUTTON:
            return await self.async_step_button()
        if platform == PLATFORM_SWITCH:
            return await self.async_step_commands()
        return await self.async_step_message()

    async def async_step_button(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """A button's command and queue option; then saved (a button has no state)."""
        return await self._commands_step(
            "button",
            command_form.button_schema,
            command_form.BUTTON_COMMANDS,
            user_input,
        )

    async def async_step_commands(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """A switch's commands, queue option, and state from messages or optimistic."""
        return await self._commands_step(
            "commands",
            command_form.switch_commands_schema,
            command_form.SWITCH_COMMANDS,
            user_input,
        )

    async def _commands_step(
        self,
        step_id: str,
        schema: Callable[[Mapping[str, Any]], vol.Schema],
        commands: tuple[str, ...],
        user_input: dict[str, Any] | None,
    ) -> SubentryFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            chosen, errors = command_form.checked_commands(
                user_input, commands, self._max_message_size()
            )
            if not errors:
                self._data.update(chosen)
                if step_id == "button" or chosen.get(CONF_OPTIMISTIC):
                    self._replace(STATE_KEYS, {})
                    return self._finish()
                return await self.async_step_message()
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                schema(self._data), user_input or {}
            ),
            errors=errors,
        )

    async def async_step_message(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """One of the messages that arrived, to take the value from."""
        if user_input is not None:
            choice = user_input[form.CONF_MESSAGE]
            if choice != form.TYPE_IT and int(choice) < len(self._recent):
                self._message = self._recent[int(choice)].message
            return await self.async_step_value()
        self._recent = self._recent_messages()
        if not self._recent:
            return await self.async_step_value()
        return self.async_show_form(
            step_id="message", data_schema=form.message_schema(self._recent)
        )

    async def async_step_value(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """A field of the chosen message, a path or a template; attributes."""
        errors: dict[str, str] = {}
        placeholders = {"message": self._excerpt(), "error": ""}
        if user_input is not None:
            try:
                value = form.checked_value(self.hass, user_input)
            except InvalidValueError as err:
                errors["base"] = err.reason
                placeholders["error"] = err.placeholders.get("error", "")
            else:
                self._replace(form.VALUE_KEYS, value)
                return await self.async_step_filter()
        fields = form.field_choices(self._message)
        return self.async_show_form(
            step_id="value",
            data_schema=self.add_suggested_values_to_schema(
                form.value_schema(self._data, fields), user_input or {}
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_filter(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Which messages feed the entity: every one, a JSON subset or a pattern."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                chosen = form.checked_filter(user_input)
            except InvalidFilterError as err:
                errors["base"] = err.reason
            else:
                self._replace(form.FILTER_KEYS, chosen)
                return await self._options_of(self._data[CONF_PLATFORM])
        return self.async_show_form(
            step_id="filter",
            data_schema=self.add_suggested_values_to_schema(
                form.filter_schema(self._data), user_input or {}
            ),
            errors=errors,
            description_placeholders={"message": self._excerpt()},
        )

    async def _options_of(self, platform: str) -> SubentryFlowResult:
        if platform == PLATFORM_SENSOR:
            return await self.async_step_sensor()
        if platform == PLATFORM_BINARY_SENSOR:
            return await self.async_step_binary_sensor()
        return await self.async_step_switch()

    async def async_step_sensor(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Sensor options and availability."""
        return self._options_step(
            "sensor", form.sensor_schema, form.SENSOR_KEYS, user_input
        )

    async def async_step_binary_sensor(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Binary sensor options and availability."""
        return self._options_step(
            "binary_sensor",
            form.binary_sensor_schema,
            form.BINARY_SENSOR_KEYS,
            user_input,
        )

    async def async_step_switch(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """What counts as on and off in messages, and availability."""
        return self._options_step(
            "switch", form.switch_schema, form.SWITCH_KEYS, user_input
        )

    def _options_step(
        self,
        step_id: str,
        schema: Callable[[Mapping[str, Any]], vol.Schema],
        keys: tuple[str, ...],
        user_input: dict[str, Any] | None,
    ) -> SubentryFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            error = form.sensor_error(user_input) if step_id == "sensor" else None
            if error is None:
                self._replace((*keys, *form.AVAILABILITY_KEYS), user_input)
                preview = self._preview()
                return self.async_show_form(
                    step_id="preview" if preview else "no_match",
                    data_schema=vol.Schema({}),
                    description_placeholders=preview or {"name": self._name},
                )
            errors["base"] = error
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                schema(self._data), user_input or {}
            ),
            errors=errors,
        )

    async def async_step_preview(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Create the entity, or save the changed one."""
        return self._finish()

    async def async_step_no_match(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """No recent message matches yet: create or save all the same."""
        return self._finish()

    def _finish(self) -> SubentryFlowResult:
        if self.source == "reconfigure":
            return self.async_update_and_abort(
                self._get_entry(),
                self._get_reconfigure_subentry(),
                title=self._name,
                data=self._data,
            )
        return self.async_create_entry(title=self._name, data=self._data)

    def _replace(self, keys: tuple[str, ...], chosen: Mapping[str, Any]) -> None:
        """A step's keys as chosen now: an emptied field is gone."""
        for key in keys:
            self._data.pop(key, None)
            if chosen.get(key) not in (None, "", [], {}):
                self._data[key] = chosen[key]

    def _max_message_size(self) -> int:
        entry = self._get_entry()
        if entry.state is not ConfigEntryState.LOADED:
            return 0
        limit: int = entry.runtime_data.settings.max_message_size
        return limit

    def _recent_messages(self) -> list[RecentMessage]:
        entry = self._get_entry()
        if entry.state is not ConfigEntryState.LOADED:
            return []
        recent: list[RecentMessage] = entry.runtime_data.recent_messages.newest_first()
        return recent

    def _excerpt(self) -> str:
        return "—" if self._message is None else form.excerpt(self._message)

    def _preview(self) -> dict[str, str]:
        """What the entity would show from the newest matching recent message."""
        message_filter = filter_from_config(self._data, None)
        newest = next(
            (
                kept.message
                for kept in self._recent_messages()
                if message_filter.matches(kept.message)
            ),
            None,
        )
        if newest is None:
            return {}
        numeric = self._data[CONF_PLATFORM] == PLATFORM_SENSOR and is_numeric(
            self._data
        )
        reader = MessageValue(self.hass, self._data, self._name, numeric=numeric)
        value = reader.value(newest)
        attributes = reader.attributes(newest)
        return {
            "name": self._name,
            "message": form.excerpt(newest),
            "value": self._shown_value(value, reader),
            "attributes": "—" if attributes is None else shown(attributes, 200),
        }

    def _shown_value(self, value: Any, reader: MessageValue) -> str:
        if value is NO_VALUE:
            return ", ".join(failure.value for failure in reader.failures)
        if self._data[CONF_PLATFORM] == PLATFORM_SENSOR:
            return shown(value)
        text = value if isinstance(value, str) else shown(value)
        on = str(self._data.get(CONF_PAYLOAD_ON, DEFAULT_PAYLOAD_ON))
        off = str(self._data.get(CONF_PAYLOAD_OFF, DEFAULT_PAYLOAD_OFF))
        return {on: "on", off: "off"}.get(text, f"{shown(value)}: not_on_or_off")

"""Add entity: the subentry flow that makes an entity from a message that arrived.

Steps: platform and name (`user`; `name` when reconfiguring) → for a button,
its command (`button`), then saved; for a switch, its commands (`commands`),
for a number or a select its command template (`command_template`), each with
where the state comes from: an optimistic switch is saved then, an optimistic
number or select goes to its options, one with state from messages goes on
like the others → one of the connection's recent messages (`message`,
skipped when none arrived) → the value: a field of that message, a typed path
or a template (`value`) → which messages feed it (`filter`) → the platform's
options and availability (a step named after the platform) → what the entity
would show from the newest matching recent message (`preview`, entity_preview)
or why it could not, then created or updated. The forms are in
entity_form.py, platform_form.py and command_form.py, the data format in
subentry.py.
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

from . import command_form, entity_form as form, platform_form
from .entity_preview import entity_preview
from .message import ReceivedMessage
from .message_filter import InvalidFilterError
from .message_value import InvalidValueError
from .recent_messages import RecentMessage
from .subentry import (
    CONF_COMMAND_TEMPLATE,
    CONF_EXPIRE_AFTER,
    CONF_FORCE_UPDATE,
    CONF_OPTIMISTIC,
    CONF_PLATFORM,
    DEFAULT_COMMAND_TEMPLATE,
    PLATFORM_BINARY_SENSOR,
    PLATFORM_BUTTON,
    PLATFORM_NUMBER,
    PLATFORM_SELECT,
    PLATFORM_SENSOR,
    PLATFORM_SWITCH,
)

# What an optimistic entity does not use: its state does not come from messages
STATE_KEYS = (
    *form.VALUE_KEYS,
    *form.FILTER_KEYS,
    *platform_form.SWITCH_KEYS,
    CONF_EXPIRE_AFTER,
    CONF_FORCE_UPDATE,
)
# Platforms whose command is a template of the value
TEMPLATE_PLATFORMS = (PLATFORM_NUMBER, PLATFORM_SELECT)


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
        if platform in TEMPLATE_PLATFORMS:
            return await self.async_step_command_template()
        return await self.async_step_message()

    async def async_step_button(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """A button's command and queue option; then saved (a button has no state)."""
        return await self._commands_step(
            "button", command_form.button_schema, user_input
        )

    async def async_step_commands(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """A switch's commands, queue option, and state from messages or optimistic."""
        return await self._commands_step(
            "commands", command_form.switch_commands_schema, user_input
        )

    async def async_step_command_template(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """A number's or select's command template, queue option and state source."""
        return await self._commands_step(
            "command_template", command_form.template_command_schema, user_input
        )

    async def _commands_step(
        self,
        step_id: str,
        schema: Callable[[Mapping[str, Any]], vol.Schema],
        user_input: dict[str, Any] | None,
    ) -> SubentryFlowResult:
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            chosen, errors, placeholders = command_form.checked_step(
                self.hass, step_id, user_input, self._data, self._max_message_size()
            )
            if not errors:
                self._data.update(chosen)
                return await self._after_commands()
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                schema(self._data), user_input or {}
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _after_commands(self) -> SubentryFlowResult:
        """A button is saved; an optimistic entity skips the message steps."""
        platform = self._data[CONF_PLATFORM]
        if platform != PLATFORM_BUTTON and not self._data.get(CONF_OPTIMISTIC):
            return await self.async_step_message()
        self._replace(STATE_KEYS, {})
        if platform in TEMPLATE_PLATFORMS:
            return await self._options_of(platform)
        return self._finish()

    async def async_step_message(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """One of the messages that arrived, to take the value from.

        The list is read when the step shows; "newer" shows it again, with
        what arrived meanwhile.
        """
        if user_input is not None and user_input[form.CONF_MESSAGE] != form.NEWER:
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
        steps = {
            PLATFORM_SENSOR: self.async_step_sensor,
            PLATFORM_BINARY_SENSOR: self.async_step_binary_sensor,
            PLATFORM_SWITCH: self.async_step_switch,
            PLATFORM_NUMBER: self.async_step_number,
            PLATFORM_SELECT: self.async_step_select,
        }
        return await steps[platform]()

    async def async_step_sensor(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Sensor options and availability."""
        return self._options_step(PLATFORM_SENSOR, user_input)

    async def async_step_binary_sensor(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Binary sensor options and availability."""
        return self._options_step(PLATFORM_BINARY_SENSOR, user_input)

    async def async_step_switch(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """What counts as on and off in messages, and availability."""
        return self._options_step(PLATFORM_SWITCH, user_input)

    async def async_step_number(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """A number's range, step, unit, device class, mode; availability."""
        return self._options_step(PLATFORM_NUMBER, user_input)

    async def async_step_select(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """A select's options and availability."""
        return self._options_step(PLATFORM_SELECT, user_input)

    def _options_step(
        self, platform: str, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        """The platform's options step (its id is the platform's name)."""
        schema, keys = platform_form.FORMS[platform]
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            chosen, error = platform_form.checked_options(platform, user_input)
            problem = (error, {}) if error else self._template_problem(chosen)
            if problem is None:
                self._replace((*keys, *platform_form.AVAILABILITY_KEYS), chosen)
                return self._after_options()
            errors["base"], placeholders = problem
        return self.async_show_form(
            step_id=platform,
            data_schema=self.add_suggested_values_to_schema(
                schema(self._data), user_input or {}
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    def _template_problem(
        self, chosen: Mapping[str, Any]
    ) -> command_form.Problem | None:
        """A number's or select's command template tried with the chosen values."""
        data = {**self._data, **chosen}
        if data[CONF_PLATFORM] not in TEMPLATE_PLATFORMS:
            return None
        return command_form.template_problem(
            self.hass,
            data.get(CONF_COMMAND_TEMPLATE, DEFAULT_COMMAND_TEMPLATE),
            command_form.command_values(data),
            self._max_message_size(),
        )

    def _after_options(self) -> SubentryFlowResult:
        """Saved when optimistic; else what the entity would show."""
        if self._data.get(CONF_OPTIMISTIC):
            return self._finish()
        preview = entity_preview(
            self.hass, self._data, self._name, self._recent_messages()
        )
        if preview is None:
            return self.async_show_form(
                step_id="no_match",
                data_schema=vol.Schema({}),
                description_placeholders={"name": self._name},
            )
        # A value the entity could not use: why, translated, above the preview
        failure = {"base": preview.failure.value} if preview.failure else None
        return self.async_show_form(
            step_id="preview",
            data_schema=vol.Schema({}),
            description_placeholders=preview.placeholders,
            errors=failure,
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

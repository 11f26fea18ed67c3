"""Sensors: Status, the connection's statistics, and those fed by messages.

One message sensor per entity subentry of the platform (message_entity).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import (
    CONF_DEVICE_CLASS,
    CONF_UNIT_OF_MEASUREMENT,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    EntityCategory,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import WebSocketClient, WebSocketClientConfigEntry
from .connection import EndReason
from .const import ClientStatus
from .entity import WebSocketClientEntity, WebSocketClientStatusEntity
from .message_entity import MessageEntity, message_entities
from .message_value import as_number
from .platform_state import enum_options
from .statistics import ClientStatistics
from .subentry import CONF_DISPLAY_PRECISION, CONF_STATE_CLASS, PLATFORM_SENSOR

# Pushed by the connection; no polling and no parallel updates to limit
PARALLEL_UPDATES = 0

type StatisticValue = int | float | str | datetime | None


@dataclass(frozen=True, kw_only=True)
class StatisticSensorDescription(SensorEntityDescription):
    """A diagnostic sensor and how it reads the connection's statistics."""

    value_fn: Callable[[ClientStatistics], StatisticValue]
    attributes_fn: Callable[[ClientStatistics], Mapping[str, Any]] | None = None
    # Changes with the status (written at once) rather than with traffic (paced).
    follows_status: bool = False


def last_error_attributes(statistics: ClientStatistics) -> dict[str, Any]:
    """The details of the last end: the server's own words, codes."""
    end = statistics.last_error
    return {
        "close_code": None if end is None else end.close_code,
        "server_reason": None if end is None else end.server_reason,
        "http_status": None if end is None else end.http_status,
    }


STATISTIC_SENSORS: tuple[StatisticSensorDescription, ...] = (
    StatisticSensorDescription(
        key="messages_received",
        translation_key="messages_received",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,
        value_fn=lambda statistics: statistics.messages_received,
    ),
    StatisticSensorDescription(
        key="messages_sent",
        translation_key="messages_sent",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,
        value_fn=lambda statistics: statistics.messages_sent,
    ),
    StatisticSensorDescription(
        key="last_connected",
        translation_key="last_connected",
        device_class=SensorDeviceClass.TIMESTAMP,
        follows_status=True,
        value_fn=lambda statistics: statistics.last_connected,
    ),
    StatisticSensorDescription(
        key="reconnects",
        translation_key="reconnects",
        state_class=SensorStateClass.TOTAL_INCREASING,
        follows_status=True,
        value_fn=lambda statistics: statistics.reconnects,
    ),
    StatisticSensorDescription(
        key="last_error",
        translation_key="last_error",
        device_class=SensorDeviceClass.ENUM,
        options=[reason.value for reason in EndReason],
        follows_status=True,
        value_fn=lambda statistics: (
            None if statistics.last_error is None else statistics.last_error.reason
        ),
        attributes_fn=last_error_attributes,
    ),
    StatisticSensorDescription(
        key="heartbeat_round_trip",
        translation_key="heartbeat_round_trip",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        suggested_display_precision=1,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda statistics: (
            None
            if statistics.heartbeat_round_trip is None
            else statistics.heartbeat_round_trip * 1000
        ),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: WebSocketClientConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Status, diagnostic and message sensors of an entry."""
    client = entry.runtime_data
    async_add_entities(
        [
            StatusSensor(client),
            *(
                StatisticSensor(client, description)
                for description in STATISTIC_SENSORS
            ),
        ]
    )
    message_entities(hass, entry.entry_id).add_platform(
        client, PLATFORM_SENSOR, MessageSensor, async_add_entities
    )


class StatusSensor(WebSocketClientStatusEntity, SensorEntity):
    """Consent and connection state as one value."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_options = [status.value for status in ClientStatus]
    _attr_translation_key = "status"

    @property
    def native_value(self) -> str:
        """The current status."""
        return self.client.status.value


class StatisticSensor(WebSocketClientEntity, SensorEntity):
    """One of the connection's statistics, for diagnosing it."""

    _attr_entity_category = EntityCategory.DIAGNOSTIC
    entity_description: StatisticSensorDescription

    def __init__(
        self, client: WebSocketClient, description: StatisticSensorDescription
    ) -> None:
        """Create the sensor for one entry."""
        super().__init__(client, description.key)
        self.entity_description = description

    async def async_added_to_hass(self) -> None:
        """Follow the status or the paced statistics updates."""
        await super().async_added_to_hass()
        if self.entity_description.follows_status:
            remove = self.client.status_listeners.add(self.async_write_ha_state)
        else:
            remove = self.client.statistics.listeners.add(self.async_write_ha_state)
        self.async_on_remove(remove)

    @property
    def native_value(self) -> StatisticValue:
        """The statistic's current value."""
        return self.entity_description.value_fn(self.client.statistics)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """The statistic's details, where it has some."""
        if (attributes_fn := self.entity_description.attributes_fn) is None:
            return None
        return attributes_fn(self.client.statistics)


class MessageSensor(MessageEntity, RestoreSensor):
    """A sensor whose value comes from received messages."""

    def __init__(self, client: WebSocketClient, subentry: ConfigSubentry) -> None:
        """Take the sensor options of a subentry."""
        super().__init__(client, subentry)
        config = subentry.data
        if device_class := config.get(CONF_DEVICE_CLASS):
            self._attr_device_class = SensorDeviceClass(device_class)
        if state_class := config.get(CONF_STATE_CLASS):
            self._attr_state_class = SensorStateClass(state_class)
        self._attr_native_unit_of_measurement = config.get(CONF_UNIT_OF_MEASUREMENT)
        self._attr_suggested_display_precision = config.get(CONF_DISPLAY_PRECISION)
        self._enum_options = enum_options(config)
        if self._enum_options is not None:
            self._attr_options = self._enum_options

    def set_state(self, state: Any) -> None:
        """A number, an option of an enum sensor, or a text."""
        self._attr_native_value = state

    def state_key(self) -> tuple[Any, ...]:
        """The value."""
        return (self._attr_native_value,)

    async def async_restore(self) -> None:
        """The last value, if there was one and it suits the sensor's options.

        A reconfigured sensor restores its former state too: one that no
        longer fits (a text where a number is now needed) is left out.
        """
        last_state = await self.async_get_last_state()
        last_data = await self.async_get_last_sensor_data()
        if last_state is None or last_data is None:
            return
        if last_state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            return
        value = last_data.native_value
        if self.numeric:
            try:
                value = as_number(value)
            except ValueError:
                return
        elif self._enum_options is not None and value not in self._enum_options:
            return
        self._attr_native_value = value
        self.restored(last_state.last_updated)

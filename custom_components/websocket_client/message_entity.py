"""What every entity fed by messages shares, whatever its platform.

One entity per config subentry of the type `entity`, on the connection's
device. It subscribes to the entry's fan-out: a message it does not want costs
one filter check; a wanted one gives a value (message_value) that the
platform's rule makes a state (platform_state), and the state is written only
when the value, the attributes or the availability changed (unless the user
asked for every update). It is unavailable while the
connection is down (an option, on by default) and after `expire_after`
seconds without a wanted message; its last state comes back after a restart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
import logging
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.restore_state import RestoreEntity
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .client import WebSocketClient
from .const import DOMAIN
from .entity import WebSocketClientEntity
from .message import ReceivedMessage
from .message_filter import filter_from_config
from .message_value import NO_VALUE, Failure, MessageValue
from .platform_state import UnusableValueError, needs_number, state_rule
from .subentry import (
    CONF_EXPIRE_AFTER,
    CONF_FORCE_UPDATE,
    CONF_PLATFORM,
    CONF_UNAVAILABLE_WHEN_DISCONNECTED,
    SUBENTRY_TYPE_ENTITY,
    entity_subentries_of,
)

_LOGGER = logging.getLogger(__name__)

# Entry id → the entry's entities from messages
DATA_MESSAGE_ENTITIES: Final = HassKey[dict[str, "MessageEntities"]](
    f"{DOMAIN}_message_entities"
)

type EntityFactory = Callable[[WebSocketClient, ConfigSubentry], Entity]


def entity_subentries(
    subentries: Mapping[str, ConfigSubentry], platform: str
) -> list[ConfigSubentry]:
    """The entity subentries of one platform."""
    return [
        subentry
        for subentry in subentries.values()
        if subentry.subentry_type == SUBENTRY_TYPE_ENTITY
        and subentry.data.get(CONF_PLATFORM) == platform
    ]


def value_failures(hass: HomeAssistant, entry_id: str) -> dict[str, dict[str, int]]:
    """Each loaded entity's failure counts by kind, by subentry id."""
    entities = hass.data.get(DATA_MESSAGE_ENTITIES, {}).get(entry_id)
    if entities is None:
        return {}
    return {
        subentry_id: {kind.value: n for kind, n in entity.reader.failures.items()}
        for subentry_id, entity in entities.live.items()
        if isinstance(entity, MessageEntity)
    }


@callback
def async_track_message_entities(
    hass: HomeAssistant, entry: ConfigEntry
) -> MessageEntities:
    """Follow an entry's entities from messages until it unloads."""
    entities = hass.data.setdefault(DATA_MESSAGE_ENTITIES, {})
    tracked = entities[entry.entry_id] = MessageEntities(entry)

    @callback
    def _forget() -> None:
        if entities.get(entry.entry_id) is tracked:
            del entities[entry.entry_id]

    entry.async_on_unload(_forget)
    return tracked


def message_entities(hass: HomeAssistant, entry_id: str) -> MessageEntities:
    """The entities from messages of a loaded entry."""
    return hass.data[DATA_MESSAGE_ENTITIES][entry_id]


@callback
def follow_subentry(entity: Entity, entry_id: str, subentry_id: str) -> None:
    """Count an added entity as its subentry's live one until it is removed."""
    live = message_entities(entity.hass, entry_id).live
    live[subentry_id] = entity

    @callback
    def _gone() -> None:
        # A changed subentry's new entity may already stand in its place.
        if live.get(subentry_id) is entity:
            del live[subentry_id]

    entity.async_on_remove(_gone)


class MessageEntities:
    """An entry's entities from messages: live ones, how to add more, what from.

    A subentry added or changed while the entry runs makes its entity (anew)
    without a reload, so the connection and its recent messages stay. A
    removed subentry's registry entry is removed by Home Assistant, and the
    entity with it.
    """

    def __init__(self, entry: ConfigEntry) -> None:
        """Remember what the entities are made from."""
        self.made_from = entity_subentries_of(entry)
        self.live: dict[str, Entity] = {}
        self._adders: dict[str, Callable[[ConfigSubentry], None]] = {}

    @callback
    def add_platform(
        self,
        client: WebSocketClient,
        platform: str,
        factory: EntityFactory,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Add a platform's entities, now and for subentries added later."""

        def add(subentry: ConfigSubentry) -> None:
            # Settings the flow would refuse (edited by hand, or from a newer
            # version) leave out this entity, not the platform's others.
            try:
                entity = factory(client, subentry)
            except ValueError as err:
                _LOGGER.error(
                    "%s: the entity %s is not created, its settings cannot be"
                    " used (%s); reconfigure it",
                    client.name,
                    subentry.title,
                    err,
                )
                return
            async_add_entities([entity], config_subentry_id=subentry.subentry_id)

        self._adders[platform] = add
        for subentry in entity_subentries(client.entry.subentries, platform):
            add(subentry)

    async def async_follow(self, entry: ConfigEntry) -> None:
        """Make new entities for added or changed subentries."""
        before, self.made_from = self.made_from, entity_subentries_of(entry)
        for subentry_id, made in self.made_from.items():
            if before.get(subentry_id) == made:
                continue
            if (old := self.live.get(subentry_id)) is not None:
                await old.async_remove()
            subentry = entry.subentries[subentry_id]
            if add := self._adders.get(subentry.data.get(CONF_PLATFORM, "")):
                add(subentry)


class MessageEntity(WebSocketClientEntity, RestoreEntity):
    """An entity whose state comes from received messages."""

    # An optimistic entity takes no state from messages
    follows_messages = True

    def __init__(self, client: WebSocketClient, subentry: ConfigSubentry) -> None:
        """Read the subentry's settings."""
        super().__init__(client, subentry.subentry_id)
        self.subentry_id = subentry.subentry_id
        self.config = subentry.data
        self._attr_name = subentry.title
        self._attr_force_update = bool(self.config.get(CONF_FORCE_UPDATE, False))
        self._filter = filter_from_config(self.config, None)
        self._expire_after = float(self.config.get(CONF_EXPIRE_AFTER) or 0)
        self._follow_connection = bool(
            self.config.get(CONF_UNAVAILABLE_WHEN_DISCONNECTED, True)
        )
        self._expired = self._expire_after > 0
        self._cancel_expiry: CALLBACK_TYPE | None = None
        self._written: tuple[Any, ...] | None = None
        # Numbers and numeric sensors need a number; the others take any value
        self.numeric = needs_number(self.config)
        self.reader = MessageValue(
            client.hass, self.config, subentry.title, numeric=self.numeric
        )
        self.rule = state_rule(self.config)

    async def async_added_to_hass(self) -> None:
        """Restore the last state, then follow messages and the connection."""
        await super().async_added_to_hass()
        await self.async_restore()
        if self.follows_messages:
            self._start_from_recent()
        follow_subentry(self, self.client.entry.entry_id, self.subentry_id)
        if self.follows_messages:
            self.async_on_remove(
                self.client.messages.subscribe(self._on_message, self._filter.route())
            )
        self.async_on_remove(self.client.status_listeners.add(self._write_if_changed))
        self.async_on_remove(self._stop_expiry)
        # Home Assistant writes this state once the entity is added.
        self._written = self._shown()

    async def async_restore(self) -> None:
        """Take back the last state (each platform knows how)."""

    def restored(self, last_updated: datetime) -> None:
        """A state came back (restored, or from a kept message).

        It expires in what is left of expire_after.
        """
        if self._expire_after <= 0:
            return
        age = (dt_util.utcnow() - last_updated).total_seconds()
        if age < self._expire_after:
            self._expired = False
            self._expire_in(self._expire_after - age)

    @property
    def available(self) -> bool:
        """Down with the connection (if so chosen) and after expire_after."""
        if self._expired:
            return False
        return self.client.is_connected or not self._follow_connection

    def apply_value(self, value: Any) -> bool:
        """Take a new value; False (counted) when the platform cannot use it."""
        try:
            state = self.rule(value)
        except UnusableValueError as err:
            self.reader.fail(err.failure, err.detail)
            return False
        self.set_state(state)
        return True

    def set_state(self, state: Any) -> None:
        """Show a state the platform's rule made (platform_state)."""
        raise NotImplementedError

    def state_key(self) -> tuple[Any, ...]:
        """What, when changed, makes a new state."""
        raise NotImplementedError

    def _shown(self) -> tuple[Any, ...]:
        return (self.available, self.extra_state_attributes, *self.state_key())

    @callback
    def _on_message(self, message: ReceivedMessage) -> None:
        if self._filter.matches(message):
            self._without_raising(partial(self._take, message))

    def _without_raising(self, work: Callable[[], bool | None]) -> bool:
        """Whether `work` returned true; what it raises is counted, not raised.

        Nothing an entity does may end the connection's receive loop, and a
        state Home Assistant refuses must not reach the client either.
        """
        try:
            return bool(work())
        except Exception as err:  # noqa: BLE001
            self.reader.fail(Failure.NOT_WRITTEN, f"{type(err).__name__}: {err}")
            return False

    def _take(self, message: ReceivedMessage) -> None:
        if self._expire_after > 0:
            self._expired = False
            self._expire_in(self._expire_after)
        # A message that gives no usable value changes nothing (but expiry).
        if not self._read(message):
            return
        if self.force_update:
            self._written = None
        self._write_if_changed()

    def _read(self, message: ReceivedMessage) -> bool:
        """Take a message's value and attributes; False if it gives no usable value."""
        value = self.reader.value(message)
        if value is NO_VALUE or not self.apply_value(value):
            return False
        attributes = self.reader.attributes(message)
        if attributes is not None:
            self._attr_extra_state_attributes = attributes
        return True

    def _start_from_recent(self) -> None:
        """Start from the newest matching message the connection kept, if any.

        An entity added or changed while connected would otherwise wait for
        the server to speak again (MQTT's retained message fills that gap).
        It is as new as any restored state: the connection keeps its recent
        messages only while it runs.
        """
        newest = next(
            (
                kept
                for kept in self.client.recent_messages.newest_first()
                if self._filter.matches(kept.message)
            ),
            None,
        )
        if newest is not None and self._without_raising(
            partial(self._read, newest.message)
        ):
            self.restored(newest.received)

    @callback
    def _write_if_changed(self) -> None:
        shown = self._shown()
        if shown == self._written:
            return
        self._written = shown
        # Also called on status changes and expiry
        self._without_raising(self.async_write_ha_state)

    def _expire_in(self, delay: float) -> None:
        self._stop_expiry()
        self._cancel_expiry = async_call_later(self.hass, delay, self._expire)

    @callback
    def _expire(self, _now: datetime) -> None:
        self._cancel_expiry = None
        self._expired = True
        self._write_if_changed()

    @callback
    def _stop_expiry(self) -> None:
        if self._cancel_expiry is not None:
            self._cancel_expiry()
            self._cancel_expiry = None


class OnOffMessageEntity(MessageEntity):
    """On or off as received messages say (binary sensor, switch)."""

    _attr_is_on: bool | None

    def set_state(self, state: Any) -> None:
        """On or off."""
        self._attr_is_on = state

    def state_key(self) -> tuple[Any, ...]:
        """On or off."""
        return (self._attr_is_on,)

    async def async_restore(self) -> None:
        """The last on or off, if there was one."""
        last_state = await self.async_get_last_state()
        if last_state is None or last_state.state not in (STATE_ON, STATE_OFF):
            return
        self._attr_is_on = last_state.state == STATE_ON
        self.restored(last_state.last_updated)

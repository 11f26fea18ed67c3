"""Device actions of a connection: send text, JSON or binary; forward a message.

Send text/JSON/binary are the `websocket_client.send` action bound to the
device's entry, so their checks and errors are the action's. "Send the received
message" takes the message that triggered the run from the run's variables and
sends it unchanged: no template renders it, so nothing parses or strips it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.const import (
    ATTR_NAME,
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_PLATFORM,
    CONF_TYPE,
)
from homeassistant.core import Context, Event, HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.selector import (
    BooleanSelector,
    ObjectSelector,
    TextSelector,
    TextSelectorConfig,
)
from homeassistant.helpers.typing import ConfigType, TemplateVarsType
import voluptuous as vol

from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DATA_BASE64,
    ATTR_JSON,
    ATTR_MESSAGE,
    ATTR_QUEUE,
    ATTR_SIZE,
    ATTR_TEXT,
    ATTR_TYPE,
    DOMAIN,
    EVENT_MESSAGE,
    MESSAGE_TYPE_BINARY,
    MESSAGE_TYPE_TEXT,
    SERVICE_SEND,
)
from .device import entry_id_of_device
from .entries import loaded_client
from .errors import validation_error
from .message import payload_size
from .services import async_send_payload, encode_outgoing

# Action type → the send action's payload field it fills, and its form field
ACTION_FIELDS: Final[dict[str, tuple[str, Any]]] = {
    "send_text": (ATTR_MESSAGE, TextSelector(TextSelectorConfig(multiline=True))),
    "send_json": (ATTR_JSON, ObjectSelector()),
    "send_binary": (ATTR_DATA_BASE64, TextSelector(TextSelectorConfig(multiline=True))),
}
ACTION_FORWARD: Final = "forward"
ACTION_TYPES: Final = (*ACTION_FIELDS, ACTION_FORWARD)

ACTION_SCHEMA: Final = cv.DEVICE_ACTION_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_TYPE): vol.In(ACTION_TYPES),
        vol.Optional(ATTR_MESSAGE): str,
        vol.Optional(ATTR_JSON): object,
        vol.Optional(ATTR_DATA_BASE64): str,
        vol.Optional(ATTR_QUEUE): cv.boolean,
    }
)


async def async_get_actions(
    hass: HomeAssistant, device_id: str
) -> list[dict[str, Any]]:
    """The actions a connection's device offers."""
    if entry_id_of_device(hass, device_id) is None:
        return []
    return [
        {CONF_DOMAIN: DOMAIN, CONF_DEVICE_ID: device_id, CONF_TYPE: action_type}
        for action_type in ACTION_TYPES
    ]


async def async_get_action_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, vol.Schema]:
    """The payload field of a send action, and whether to queue while down."""
    fields: dict[vol.Marker, Any] = {}
    if config[CONF_TYPE] != ACTION_FORWARD:
        field, selector = ACTION_FIELDS[config[CONF_TYPE]]
        fields[vol.Required(field)] = selector
    fields[vol.Optional(ATTR_QUEUE)] = BooleanSelector()
    return {"extra_fields": vol.Schema(fields)}


async def async_call_action_from_config(
    hass: HomeAssistant,
    config: ConfigType,
    variables: TemplateVarsType,
    context: Context | None,
) -> None:
    """Forward the received message, or send the payload through the send action."""
    entry_id = entry_id_of_device(hass, config[CONF_DEVICE_ID]) or ""
    queue: bool = config.get(ATTR_QUEUE, False)
    if config[CONF_TYPE] == ACTION_FORWARD:
        # Not through the send action: its call_service event would carry every
        # forwarded message to the recorder (and warn for each one over 32 KiB).
        client = loaded_client(hass, entry_id)
        payload = forwarded_payload(received_message(variables))
        await async_send_payload(client, payload, queue=queue)
        return
    field, _ = ACTION_FIELDS[config[CONF_TYPE]]
    data = {
        ATTR_CONFIG_ENTRY_ID: entry_id,
        field: config.get(field, ""),
        ATTR_QUEUE: queue,
    }
    await hass.services.async_call(
        DOMAIN, SERVICE_SEND, data, blocking=True, context=context
    )


def received_message(variables: TemplateVarsType) -> Mapping[str, Any]:
    """What the run's trigger carries about the message that started it.

    The `websocket_client` trigger and the device trigger "Message received"
    carry it in their own variables, the event trigger in the event's data.
    """
    trigger = (variables or {}).get("trigger")
    if not isinstance(trigger, Mapping):
        raise validation_error("no_received_message")
    event = trigger.get("event")
    if isinstance(event, Event) and event.event_type == EVENT_MESSAGE:
        data: Mapping[str, Any] = event.data
        return data
    if trigger.get(CONF_PLATFORM) == DOMAIN:
        return trigger
    raise validation_error("no_received_message")


def forwarded_payload(message: Mapping[str, Any]) -> str | bytes:
    """The received message exactly as it arrived; never a cut one.

    An event flags `truncated` when it left out `json` too, with the text
    still whole: the size received tells whether the payload is all there.
    """
    payload = _payload_of(message)
    if payload_size(payload) != message.get(ATTR_SIZE):
        raise validation_error(
            "message_truncated",
            name=str(message.get(ATTR_NAME)),
            size=str(message.get(ATTR_SIZE)),
        )
    return payload


def _payload_of(message: Mapping[str, Any]) -> str | bytes:
    kind, text = message.get(ATTR_TYPE), message.get(ATTR_TEXT)
    if kind == MESSAGE_TYPE_TEXT and isinstance(text, str):
        return text
    if kind == MESSAGE_TYPE_BINARY and isinstance(message.get(ATTR_DATA_BASE64), str):
        return encode_outgoing({ATTR_DATA_BASE64: message[ATTR_DATA_BASE64]})
    raise validation_error("no_received_message")

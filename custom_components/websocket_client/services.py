"""The integration's actions: send, request, connect, disconnect, approve and deny."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from functools import partial
from typing import Any, Final

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from . import consent
from .client import WebSocketClient
from .connection import NotConnectedError, OutboxFullError
from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DATA_BASE64,
    ATTR_JSON,
    ATTR_MESSAGE,
    ATTR_QUEUE,
    DOMAIN,
    SERVICE_APPROVE,
    SERVICE_CONNECT,
    SERVICE_DENY,
    SERVICE_DISCONNECT,
    SERVICE_REQUEST,
    SERVICE_SEND,
)
from .entries import entry_by_id, loaded_client
from .errors import action_error, validation_error
from .message import payload_size
from .message_filter import (
    InvalidFilterError,
    MessageFilter,
    filter_fields,
    filter_from_config,
)
from .payload import InvalidPayloadError, encode_payload
from .request import ReplyLostError

ATTR_ID_KEY: Final = "id_key"
ATTR_TIMEOUT: Final = "timeout"
DEFAULT_REQUEST_TIMEOUT: Final = 10

ENTRY_SCHEMA = vol.Schema({vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string})
PAYLOAD_SCHEMA = ENTRY_SCHEMA.extend(
    {
        vol.Optional(ATTR_MESSAGE): cv.string,
        vol.Optional(ATTR_JSON): object,
        vol.Optional(ATTR_DATA_BASE64): cv.string,
    }
)
SEND_FIELDS = frozenset(
    {ATTR_CONFIG_ENTRY_ID, ATTR_MESSAGE, ATTR_JSON, ATTR_DATA_BASE64, ATTR_QUEUE}
)


def validate_send(data: Any) -> dict[str, Any]:
    """The send action's schema, written out.

    Same rules as a voluptuous schema of its fields (cv.string, cv.boolean, no
    extra keys), at a tenth of the cost: send is the action called in loops.
    """
    if not isinstance(data, dict):
        raise vol.Invalid("expected a dictionary")
    if extra := data.keys() - SEND_FIELDS:
        raise vol.Invalid("extra keys not allowed", path=[sorted(extra)[0]])
    if not isinstance(data.get(ATTR_CONFIG_ENTRY_ID), str):
        raise vol.Invalid("expected a config entry ID", path=[ATTR_CONFIG_ENTRY_ID])
    validated = dict(data)
    for field in (ATTR_MESSAGE, ATTR_DATA_BASE64):
        if field in data and not isinstance(data[field], str):
            validated[field] = cv.string(data[field])
    queue = data.get(ATTR_QUEUE, False)
    validated[ATTR_QUEUE] = queue if isinstance(queue, bool) else cv.boolean(queue)
    return validated


SEND_SCHEMA = vol.Schema(validate_send)
REQUEST_SCHEMA = PAYLOAD_SCHEMA.extend(
    {
        **filter_fields(type_field=None),
        vol.Optional(ATTR_ID_KEY): vol.All(cv.string, vol.Length(min=1)),
        vol.Optional(ATTR_TIMEOUT, default=DEFAULT_REQUEST_TIMEOUT): vol.All(
            vol.Coerce(float), vol.Range(min=0.1, max=3600)
        ),
    }
)

type Handler = Callable[[HomeAssistant, ServiceCall], Coroutine[Any, Any, Any]]


def encode_outgoing(data: dict[str, Any]) -> str | bytes:
    """The frame payload from exactly one of message, json or data_base64."""
    try:
        return encode_payload(data)
    except InvalidPayloadError as err:
        raise validation_error(err.reason) from err


def request_filter(
    data: Mapping[str, Any], request_id: Mapping[str, Any] | None = None
) -> MessageFilter:
    """What the reply to a request must look like: match or match_regex, and its id.

    The request's own id (`request_id`) is required in the JSON as well.
    """
    try:
        criteria = filter_from_config(data, type_field=None)
    except InvalidFilterError as err:
        raise validation_error(err.reason, **err.placeholders) from err
    return criteria.requiring(request_id) if request_id else criteria


def not_connected(client: WebSocketClient) -> Exception:
    """The error for a message that could not be sent."""
    if client.is_connected:
        # The write found the connection going away before the client knew.
        return action_error("connection_lost_while_sending", name=client.name)
    return validation_error(
        "not_connected", name=client.name, status=client.status.value
    )


def check_size(client: WebSocketClient, payload: str | bytes) -> None:
    """Refuse a payload larger than the connection's maximum message size."""
    limit = client.settings.max_message_size
    if limit and payload_size(payload) > limit:
        raise validation_error(
            "message_too_large", size=str(payload_size(payload)), limit=str(limit)
        )


def outgoing_payload(client: WebSocketClient, data: dict[str, Any]) -> str | bytes:
    """The frame payload, refused when larger than the maximum message size."""
    payload = encode_outgoing(data)
    check_size(client, payload)
    return payload


async def async_send_payload(
    client: WebSocketClient, payload: str | bytes, *, queue: bool
) -> None:
    """Send a frame payload as the send action does: checks and errors included."""
    check_size(client, payload)
    try:
        await client.async_send(payload, queue=queue)
    except NotConnectedError as err:
        raise not_connected(client) from err
    except OutboxFullError as err:
        raise action_error("send_queue_full", name=client.name) from err


def with_request_id(
    client: WebSocketClient, data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, int]]:
    """Request data with a fresh id in its JSON payload; the id the reply carries."""
    id_key: str = data[ATTR_ID_KEY]
    if not isinstance(data.get(ATTR_JSON), dict):
        raise validation_error("id_key_needs_json_object")
    fresh_id = client.next_request_id(id_key)
    request_id = {id_key: fresh_id}
    return {**data, ATTR_JSON: {**data[ATTR_JSON], **request_id}}, request_id


async def _async_send(hass: HomeAssistant, call: ServiceCall) -> None:
    client = loaded_client(hass, call.data[ATTR_CONFIG_ENTRY_ID])
    payload = encode_outgoing(dict(call.data))
    await async_send_payload(client, payload, queue=call.data[ATTR_QUEUE])


async def _async_request(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    client = loaded_client(hass, call.data[ATTR_CONFIG_ENTRY_ID])
    data: dict[str, Any] = dict(call.data)
    request_id = None
    if ATTR_ID_KEY in data:
        data, request_id = with_request_id(client, data)
    matcher = request_filter(data, request_id)
    payload = outgoing_payload(client, data)
    try:
        return await client.async_request(payload, matcher, data[ATTR_TIMEOUT])
    except NotConnectedError as err:
        raise not_connected(client) from err
    except ReplyLostError as err:
        raise action_error("request_connection_lost", name=client.name) from err
    except TimeoutError as err:
        raise action_error(
            "request_timeout", name=client.name, timeout=f"{data[ATTR_TIMEOUT]:g}"
        ) from err


async def _async_connect(hass: HomeAssistant, call: ServiceCall) -> None:
    await loaded_client(hass, call.data[ATTR_CONFIG_ENTRY_ID]).async_connect()


async def _async_disconnect(hass: HomeAssistant, call: ServiceCall) -> None:
    await loaded_client(hass, call.data[ATTR_CONFIG_ENTRY_ID]).async_disconnect()


async def _async_approve(hass: HomeAssistant, call: ServiceCall) -> None:
    entry = entry_by_id(hass, call.data[ATTR_CONFIG_ENTRY_ID])
    await consent.async_check_may_decide(hass, entry, call.context.user_id)
    decision = consent.current_decision(entry)
    if decision is consent.ConsentDecision.DENIED:
        raise validation_error("consent_denied", name=entry.title)
    if decision is None:
        await consent.async_decide(
            hass, entry, consent.ConsentDecision.APPROVED, call.context.user_id
        )


async def _async_deny(hass: HomeAssistant, call: ServiceCall) -> None:
    entry = entry_by_id(hass, call.data[ATTR_CONFIG_ENTRY_ID])
    await consent.async_check_may_decide(hass, entry, call.context.user_id)
    if consent.current_decision(entry) is not consent.ConsentDecision.DENIED:
        await consent.async_decide(
            hass, entry, consent.ConsentDecision.DENIED, call.context.user_id
        )


_HANDLERS: dict[str, tuple[Handler, vol.Schema, SupportsResponse]] = {
    SERVICE_SEND: (_async_send, SEND_SCHEMA, SupportsResponse.NONE),
    SERVICE_REQUEST: (_async_request, REQUEST_SCHEMA, SupportsResponse.ONLY),
    SERVICE_CONNECT: (_async_connect, ENTRY_SCHEMA, SupportsResponse.NONE),
    SERVICE_DISCONNECT: (_async_disconnect, ENTRY_SCHEMA, SupportsResponse.NONE),
    SERVICE_APPROVE: (_async_approve, ENTRY_SCHEMA, SupportsResponse.NONE),
    SERVICE_DENY: (_async_deny, ENTRY_SCHEMA, SupportsResponse.NONE),
}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every action of the integration."""
    for service, (handler, schema, supports_response) in _HANDLERS.items():
        hass.services.async_register(
            DOMAIN,
            service,
            partial(handler, hass),
            schema=schema,
            supports_response=supports_response,
        )

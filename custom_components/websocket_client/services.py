"""The integration's actions: send, connect, disconnect, approve and deny."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Coroutine
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.json import json_dumps
import voluptuous as vol

from . import consent
from .connection import NotConnectedError
from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DATA_BASE64,
    ATTR_JSON,
    ATTR_MESSAGE,
    DOMAIN,
    SERVICE_APPROVE,
    SERVICE_CONNECT,
    SERVICE_DENY,
    SERVICE_DISCONNECT,
    SERVICE_SEND,
    ConsentDecision,
    LinkStatus,
)
from .runtime import WebSocketClient, WebSocketClientConfigEntry

ENTRY_SCHEMA = vol.Schema({vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string})
SEND_SCHEMA = ENTRY_SCHEMA.extend(
    {
        vol.Optional(ATTR_MESSAGE): cv.string,
        vol.Optional(ATTR_JSON): object,
        vol.Optional(ATTR_DATA_BASE64): cv.string,
    }
)
PAYLOAD_FIELDS = (ATTR_MESSAGE, ATTR_JSON, ATTR_DATA_BASE64)


def _validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def get_entry(hass: HomeAssistant, call: ServiceCall) -> WebSocketClientConfigEntry:
    """The entry an action targets, whether or not it is loaded."""
    entry_id: str = call.data[ATTR_CONFIG_ENTRY_ID]
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise _validation_error("entry_not_found", entry_id=entry_id)
    return entry


def get_client(hass: HomeAssistant, call: ServiceCall) -> WebSocketClient:
    """The running client of a loaded entry."""
    entry = get_entry(hass, call)
    if entry.state is not ConfigEntryState.LOADED:
        raise _validation_error("entry_not_loaded", name=entry.title)
    return entry.runtime_data


def encode_outgoing(data: dict[str, Any]) -> str | bytes:
    """The frame payload from exactly one of message, json or data_base64."""
    given = [field for field in PAYLOAD_FIELDS if field in data]
    if len(given) != 1:
        raise _validation_error("exactly_one_payload")
    field = given[0]
    if field == ATTR_MESSAGE:
        text: str = data[ATTR_MESSAGE]
        return text
    if field == ATTR_JSON:
        try:
            return json_dumps(data[ATTR_JSON])
        except (TypeError, ValueError) as err:
            raise _validation_error("invalid_json") from err
    try:
        return base64.b64decode("".join(data[ATTR_DATA_BASE64].split()), validate=True)
    except (binascii.Error, ValueError) as err:
        raise _validation_error("invalid_base64") from err


async def _async_send(hass: HomeAssistant, call: ServiceCall) -> None:
    client = get_client(hass, call)
    payload = encode_outgoing(dict(call.data))
    try:
        if isinstance(payload, bytes):
            await client.async_send_binary(payload)
        else:
            await client.async_send_text(payload)
    except NotConnectedError as err:
        raise _validation_error(
            "not_connected", name=client.name, status=client.status.value
        ) from err


async def _async_connect(hass: HomeAssistant, call: ServiceCall) -> None:
    client = get_client(hass, call)
    status = client.status
    if status is LinkStatus.DENIED:
        raise _validation_error("consent_denied", name=client.name)
    if status is LinkStatus.AWAITING_APPROVAL:
        raise _validation_error("awaiting_approval", name=client.name)
    await client.async_connect()


async def _async_disconnect(hass: HomeAssistant, call: ServiceCall) -> None:
    await get_client(hass, call).async_disconnect()


async def _async_approve(hass: HomeAssistant, call: ServiceCall) -> None:
    entry = get_entry(hass, call)
    await consent.async_check_may_decide(hass, entry, call.context.user_id)
    decision = consent.current_decision(entry)
    if decision is ConsentDecision.DENIED:
        raise _validation_error("consent_denied", name=entry.title)
    if decision is ConsentDecision.APPROVED:
        return
    await consent.async_record_decision(
        hass, entry, ConsentDecision.APPROVED, call.context.user_id
    )


async def _async_deny(hass: HomeAssistant, call: ServiceCall) -> None:
    entry = get_entry(hass, call)
    await consent.async_check_may_decide(hass, entry, call.context.user_id)
    if consent.current_decision(entry) is ConsentDecision.DENIED:
        return
    await consent.async_record_decision(
        hass, entry, ConsentDecision.DENIED, call.context.user_id
    )


_HANDLERS: dict[
    str,
    tuple[
        Callable[[HomeAssistant, ServiceCall], Coroutine[Any, Any, None]], vol.Schema
    ],
] = {
    SERVICE_SEND: (_async_send, SEND_SCHEMA),
    SERVICE_CONNECT: (_async_connect, ENTRY_SCHEMA),
    SERVICE_DISCONNECT: (_async_disconnect, ENTRY_SCHEMA),
    SERVICE_APPROVE: (_async_approve, ENTRY_SCHEMA),
    SERVICE_DENY: (_async_deny, ENTRY_SCHEMA),
}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every action of the integration."""
    for service, (handler, schema) in _HANDLERS.items():
        hass.services.async_register(
            DOMAIN, service, _bind(hass, handler), schema=schema
        )


def _bind(
    hass: HomeAssistant,
    handler: Callable[[HomeAssistant, ServiceCall], Coroutine[Any, Any, None]],
) -> Callable[[ServiceCall], Coroutine[Any, Any, None]]:
    async def _handle(call: ServiceCall) -> None:
        await handler(hass, call)

    return _handle

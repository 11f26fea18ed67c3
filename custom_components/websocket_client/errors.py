"""Translated errors raised to the user by actions, switches and buttons.

Saving an automation gets the same sentences (`async_invalid_config`).

Each is a Home Assistant error with a translation key: the frontend, the
WebSocket API and automations (`continue_on_error`) treat it like those of
Home Assistant's own integrations.

Each is also an aiohttp HTTP exception, for REST callers. Home Assistant's
REST API (up to at least 2026.2) maps only vol.Invalid to HTTP 400; any other
error from an action comes back as HTTP 500, with a traceback in the log
("Error handling request"). vol.Invalid is no way out: automations treat it
as a broken script that `continue_on_error` does not cover. aiohttp answers a
raised HTTP exception as it is, without logging it: 400 for an error in what
the caller asked, 500 for a failure while carrying it out, with the message
as JSON. Newer Home Assistant answers its errors the same way by itself
(home-assistant/core#181590) and never lets ours reach aiohttp; the aiohttp
half can go once the declared minimum version has that change.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from contextlib import suppress

from aiohttp import web
from aiohttp.abc import AbstractStreamWriter
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.json import json_dumps
from homeassistant.helpers.translation import async_get_translations
import voluptuous as vol

from .const import DOMAIN


class _TranslatedHTTPError(web.HTTPException, HomeAssistantError):
    """A translated error that answers REST callers with its message as JSON."""

    # aiohttp's representation describes a response; this is an error.
    __repr__ = Exception.__repr__

    def __init__(self, key: str, placeholders: dict[str, str] | None) -> None:
        """Translated by `key` of the integration's exceptions."""
        web.HTTPException.__init__(self)
        HomeAssistantError.__init__(
            self,
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders=placeholders,
        )

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        """Render the message when a REST caller gets it (in the event loop)."""
        self.content_type = "application/json"
        self.text = json_dumps({"message": str(self)})
        return await super().prepare(request)


class InvalidActionError(
    _TranslatedHTTPError, web.HTTPBadRequest, ServiceValidationError
):
    """An error in what the user asked for: HTTP 400 through REST."""


class ActionFailedError(_TranslatedHTTPError, web.HTTPInternalServerError):
    """A failure while carrying out a valid request: HTTP 500 through REST."""


def validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    """An error in what the user asked for, translated by `key`."""
    return InvalidActionError(key, placeholders or None)


def action_error(key: str, **placeholders: str) -> HomeAssistantError:
    """A failure while carrying out a valid request, translated by `key`."""
    return ActionFailedError(key, placeholders or None)


async def async_invalid_config(
    hass: HomeAssistant,
    key: str,
    placeholders: Mapping[str, str] | None = None,
    path: list[Hashable] | None = None,
) -> vol.Invalid:
    """What `validation_error(key)` says, as vol.Invalid of a config being saved.

    Rendered as Home Assistant renders the message of a translated error (no
    final full stop, placeholders filled in), in Home Assistant's language;
    keys it lacks come in English.
    """
    language = hass.config.language
    translations = await async_get_translations(hass, language, "exceptions", {DOMAIN})
    message = translations.get(f"component.{DOMAIN}.exceptions.{key}.message")
    if not message:
        return vol.Invalid(key, path=path)
    message = message.rstrip(".")
    if placeholders:
        with suppress(KeyError, IndexError, ValueError):
            message = message.format(**placeholders)
    return vol.Invalid(message, path=path)

"""Translated errors raised to the user by actions, switches and buttons."""

from __future__ import annotations

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN


def validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    """An error in what the user asked for, translated by `key`."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def action_error(key: str, **placeholders: str) -> HomeAssistantError:
    """A failure while carrying out a valid request, translated by `key`."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )

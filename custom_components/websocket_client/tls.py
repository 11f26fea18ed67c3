"""TLS for wss:// links: system CAs, no verification, or a private CA."""

from __future__ import annotations

import ssl

from homeassistant.core import HomeAssistant


class InvalidCACertificateError(ValueError):
    """The PEM text holds no usable CA certificate."""


def build_ca_context(pem: str) -> ssl.SSLContext:
    """A verifying client context that trusts only the given CA certificate(s).

    A private server's certificate is signed by the private CA, so the public
    trust store adds nothing but ways to be fooled. Blocking (parses and loads
    certificates): run it in the executor.
    """
    try:
        return ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cadata=pem)
    except (ssl.SSLError, ValueError) as err:
        raise InvalidCACertificateError from err


async def async_ssl_setting(
    hass: HomeAssistant, verify_ssl: bool, ca_cert: str | None
) -> ssl.SSLContext | bool:
    """The `ssl` argument for aiohttp matching the user's TLS settings."""
    if ca_cert:
        return await hass.async_add_executor_job(build_ca_context, ca_cert)
    return verify_ssl

"""TLS for wss:// connections: system CAs, no verification, or a private CA.

Plain Python: no Home Assistant.
"""

from __future__ import annotations

import ssl

from .errors import InvalidInputError


class InvalidCACertificateError(InvalidInputError):
    """The PEM text holds no usable CA certificate."""

    def __init__(self) -> None:
        """The reason is always the same translation key."""
        super().__init__("invalid_ca_cert")


def build_ca_context(pem: str) -> ssl.SSLContext:
    """A verifying client context that trusts only the given CA certificate(s).

    A private server's certificate is signed by the private CA, so the public
    trust store adds nothing but ways to be fooled. Blocking (parses and loads
    certificates): run it in an executor.
    """
    try:
        return ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cadata=pem)
    except (ssl.SSLError, ValueError) as err:
        raise InvalidCACertificateError from err

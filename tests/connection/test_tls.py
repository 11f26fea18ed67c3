"""TLS with a private CA, against a real wss:// server on 127.0.0.1."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from custom_components.websocket_client.connection import (
    ConnectionEnd,
    EndReason,
    InvalidCACertificateError,
    build_ca_context,
    check_handshake,
)
from tests.connection.helpers import settings
from tests.servers.certificates import CertificateSet, make_certificates
from tests.servers.ws_server import RecordingWebSocketServer


async def test_the_private_ca_vouches_for_its_server(
    session: aiohttp.ClientSession,
    certificates: CertificateSet,
    tls_server_thread: RecordingWebSocketServer,
) -> None:
    """A context from the server's CA connects to it."""
    context = build_ca_context(certificates.ca_pem)
    server = replace(settings(tls_server_thread.url), ssl=context)
    assert await check_handshake(session, server) is None
    assert tls_server_thread.handshakes == 1


async def test_another_ca_does_not(
    session: aiohttp.ClientSession,
    tmp_path: Path,
    tls_server_thread: RecordingWebSocketServer,
) -> None:
    """A certificate some other CA signed is refused before the upgrade."""
    other = make_certificates(tmp_path)
    context = build_ca_context(other.ca_pem)
    server = replace(settings(tls_server_thread.url), ssl=context)
    end = await check_handshake(session, server)
    assert end == ConnectionEnd(EndReason.TLS_CERTIFICATE)
    assert tls_server_thread.handshakes == 0


def test_only_the_given_ca_is_trusted(certificates: CertificateSet) -> None:
    """The public trust store adds nothing but ways to be fooled: it is left out."""
    trusted = build_ca_context(certificates.ca_pem).get_ca_certs()
    assert len(trusted) == 1
    assert trusted[0]["subject"] == ((("commonName", "WebSocket Client test CA"),),)


@pytest.mark.parametrize(
    "pem",
    [
        "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----",
        "not a certificate at all",
        "  \n",
    ],
)
def test_text_without_a_usable_certificate(pem: str) -> None:
    """Refused with the translation key of the form's error."""
    with pytest.raises(InvalidCACertificateError) as err:
        build_ca_context(pem)
    assert err.value.reason == "invalid_ca_cert"

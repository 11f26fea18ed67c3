"""Opening a WebSocket: what the handshake sends, and why an attempt failed.

Every failure is told by a real peer on 127.0.0.1 doing what a broken or
hostile server does; the answer is data (a reason, a status, an error name).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

import aiohttp
import pytest

from custom_components.websocket_client.connection import (
    ConnectionEnd,
    EndReason,
    check_handshake,
    credentials_rejected,
)
from custom_components.websocket_client.connection.handshake import (
    connect_failure,
    open_websocket,
)
from tests.connection.helpers import settings
from tests.helpers import PeerStarter, wait_until
from tests.servers.ws_server import RecordingWebSocketServer


async def test_a_working_server_passes_and_is_left_closed_normally(
    session: aiohttp.ClientSession, ws_server: RecordingWebSocketServer
) -> None:
    """The check opens one connection and closes it with 1000."""
    assert await check_handshake(session, settings(ws_server.url)) is None
    assert ws_server.handshakes == 1
    await wait_until(lambda: ws_server.client_close_codes == [1000])


async def test_headers_subprotocols_and_compression_reach_the_server(
    session: aiohttp.ClientSession, ws_server: RecordingWebSocketServer
) -> None:
    """Extra headers and offered subprotocols are sent; the server picks one."""
    ws_server.protocols = ("v1",)
    ws = await open_websocket(
        session,
        replace(
            settings(ws_server.url + "?token=t"),
            headers={"X-Api-Key": "k3y"},
            subprotocols=("v2", "v1"),
            compress=True,
        ),
    )
    try:
        assert ws.protocol == "v1"
    finally:
        await ws.close()
    headers = ws_server.request_headers[0]
    assert headers["X-Api-Key"] == "k3y"
    assert headers["Sec-WebSocket-Protocol"] == "v2,v1"
    assert "permessage-deflate" in headers["Sec-WebSocket-Extensions"]
    assert ws_server.request_paths == ["/ws?token=t"]


async def test_compression_is_not_offered_unless_asked(
    session: aiohttp.ClientSession, ws_server: RecordingWebSocketServer
) -> None:
    """permessage-deflate costs CPU per message: off by default."""
    assert await check_handshake(session, settings(ws_server.url)) is None
    assert "Sec-WebSocket-Extensions" not in ws_server.request_headers[0]


@pytest.mark.parametrize("status", [401, 403])
async def test_refused_credentials_are_told_apart(
    session: aiohttp.ClientSession, ws_server: RecordingWebSocketServer, status: int
) -> None:
    """401 and 403 mean the credentials are wrong: retrying cannot help."""
    ws_server.reject_status = status
    end = await check_handshake(session, settings(ws_server.url))
    assert end == ConnectionEnd(EndReason.HTTP_STATUS, http_status=status)
    assert credentials_rejected(end) is True


@pytest.mark.parametrize("status", [404, 500, 503])
async def test_other_http_answers_are_ordinary_failures(
    session: aiohttp.ClientSession, ws_server: RecordingWebSocketServer, status: int
) -> None:
    """Any other answer to the upgrade request is worth retrying."""
    ws_server.reject_status = status
    end = await check_handshake(session, settings(ws_server.url))
    assert end == ConnectionEnd(EndReason.HTTP_STATUS, http_status=status)
    assert credentials_rejected(end) is False


async def test_nobody_listening_is_refused(session: aiohttp.ClientSession) -> None:
    """A closed port: refused, with the errno's name."""
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    end = await check_handshake(session, settings(f"ws://127.0.0.1:{port}/"))
    assert end == ConnectionEnd(EndReason.REFUSED, error="ECONNREFUSED")


async def test_an_upgrade_never_answered_times_out(
    session: aiohttp.ClientSession, start_peer: PeerStarter
) -> None:
    """TCP accepted, no HTTP answer: the connect timeout ends the attempt."""

    async def silent(reader: asyncio.StreamReader, _: asyncio.StreamWriter) -> None:
        await reader.read()

    peer = await start_peer(silent, upgrade=False)
    end = await check_handshake(session, settings(peer.url, connect_timeout=0.2))
    assert end == ConnectionEnd(EndReason.TIMEOUT)


async def test_a_server_hanging_up_during_the_handshake(
    session: aiohttp.ClientSession, start_peer: PeerStarter
) -> None:
    """The upgrade request read, the connection closed without an answer."""

    async def hang_up(reader: asyncio.StreamReader, _: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")

    peer = await start_peer(hang_up, upgrade=False)
    end = await check_handshake(session, settings(peer.url))
    assert end == ConnectionEnd(EndReason.HANDSHAKE_CLOSED)


async def test_a_server_resetting_after_the_request(
    session: aiohttp.ClientSession, start_peer: PeerStarter
) -> None:
    """The host was reached and hung up hard: closed during the handshake."""

    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.transport.abort()

    peer = await start_peer(reset, upgrade=False)
    end = await check_handshake(session, settings(peer.url))
    assert end is not None
    assert end.reason is EndReason.HANDSHAKE_CLOSED


async def test_another_protocol_on_the_port_is_no_upgrade(
    session: aiohttp.ClientSession, start_peer: PeerStarter
) -> None:
    """A port that answers in another protocol (SSH, MQTT) is no WebSocket."""

    async def ssh(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\r\n")
        await reader.read()

    peer = await start_peer(ssh, upgrade=False)
    end = await check_handshake(session, settings(peer.url))
    assert end == ConnectionEnd(EndReason.INVALID_UPGRADE, error="ClientResponseError")


async def test_a_wrong_upgrade_answer_is_invalid(
    session: aiohttp.ClientSession, start_peer: PeerStarter
) -> None:
    """101 with an accept key that does not answer ours is no WebSocket."""

    async def wrong_key(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: d3Jvbmc=\r\n\r\n"
        )
        await reader.read()

    peer = await start_peer(wrong_key, upgrade=False)
    end = await check_handshake(session, settings(peer.url))
    assert end == ConnectionEnd(EndReason.INVALID_UPGRADE, http_status=101)


async def test_tls_to_a_server_that_does_not_speak_it(
    session: aiohttp.ClientSession, start_peer: PeerStarter
) -> None:
    """wss:// to a plain HTTP server: the TLS handshake fails."""

    async def plain_http(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await reader.read(1)
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()

    peer = await start_peer(plain_http, upgrade=False)
    url = peer.url.replace("ws://", "wss://")
    end = await check_handshake(session, settings(url))
    assert end is not None
    assert end.reason is EndReason.TLS_HANDSHAKE
    assert end.error == "ClientConnectorSSLError"


async def test_a_certificate_no_trusted_ca_vouches_for(
    session: aiohttp.ClientSession, tls_server_thread: RecordingWebSocketServer
) -> None:
    """The system CAs do not know the test CA: the certificate is refused."""
    end = await check_handshake(session, settings(tls_server_thread.url))
    assert end == ConnectionEnd(EndReason.TLS_CERTIFICATE)
    assert tls_server_thread.handshakes == 0
    unverified = replace(settings(tls_server_thread.url), ssl=False)
    assert await check_handshake(session, unverified) is None
    assert tls_server_thread.handshakes == 1


def test_connect_failures_are_data() -> None:
    """Why an attempt failed is a reason and a name, never a sentence."""
    assert connect_failure(aiohttp.ServerDisconnectedError()) == ConnectionEnd(
        EndReason.HANDSHAKE_CLOSED
    )
    assert connect_failure(OSError(5, "I/O error")) == ConnectionEnd(
        EndReason.UNREACHABLE, error="EIO"
    )
    assert connect_failure(OSError("no errno")) == ConnectionEnd(
        EndReason.UNREACHABLE, error="OSError"
    )
    assert connect_failure(aiohttp.ClientPayloadError()) == ConnectionEnd(
        EndReason.ERROR, error="ClientPayloadError"
    )

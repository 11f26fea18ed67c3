"""The settings of a connection: one immutable value that keeps its secrets.

What the connection does with each setting is in the other test modules; here
what the value itself promises.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace

import pytest

from custom_components.websocket_client.connection import ConnectionSettings

SECRET_URL = "wss://user:pa55word@example.org/ws?token=t0k3n"


def full_settings() -> ConnectionSettings:
    """Settings with a secret wherever one may be."""
    return ConnectionSettings(
        url=SECRET_URL,
        retry_interval=10,
        connect_timeout=5,
        heartbeat=30,
        idle_timeout=60,
        max_message_size=1024,
        headers={"Authorization": "Bearer hdr-s3cret"},
        subprotocols=("v1",),
        on_connect=('{"type":"auth","access_token":"login-s3cret"}', b"\x10\x00"),
        on_connect_reply={"type": "auth_ok"},
        keepalive_message="ping",
        keepalive_interval=15,
    )


def test_repr_leaves_out_what_may_be_secret() -> None:
    """URL, headers and on-connect messages never reach a log line by accident."""
    shown = repr(full_settings())
    for secret in ("pa55word", "t0k3n", "example.org", "hdr-s3cret", "login-s3cret"):
        assert secret not in shown
    # The rest helps whoever reads the log.
    assert "heartbeat=30" in shown
    assert "subprotocols=('v1',)" in shown
    assert "on_connect_reply={'type': 'auth_ok'}" in shown


def test_a_value_cannot_change_under_a_running_connection() -> None:
    """Frozen: new settings are a new value, handed over as a whole."""
    settings = full_settings()
    with pytest.raises(FrozenInstanceError):
        settings.heartbeat = 5  # type: ignore[misc]
    changed = replace(settings, heartbeat=5)
    assert changed.heartbeat == 5
    assert settings.heartbeat == 30


def test_equal_settings_compare_equal() -> None:
    """Settings built twice from the same options are equal: nothing to apply."""
    assert full_settings() == full_settings()
    assert full_settings() != replace(full_settings(), idle_timeout=61)
    assert full_settings() != replace(full_settings(), headers={})


def test_defaults_add_nothing_to_the_connection() -> None:
    """Unless set: no subprotocols, system CAs, no compression, no protocol."""
    settings = ConnectionSettings(
        url="ws://127.0.0.1:1/",
        retry_interval=10,
        connect_timeout=5,
        heartbeat=30,
        idle_timeout=60,
        max_message_size=1024,
    )
    assert settings.headers == {}
    assert settings.subprotocols == ()
    assert settings.ssl is True
    assert settings.compress is False
    assert settings.on_connect == ()
    assert settings.on_connect_reply is None
    assert settings.keepalive_message is None
    assert settings.keepalive_interval == 0

"""How to reach the server and keep a connection healthy: one immutable value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import ssl
from typing import Any


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """How to reach the server and keep the connection healthy (seconds; 0 = off)."""

    # repr=False: credentials and tokens must not reach a log line by accident
    url: str = field(repr=False)
    retry_interval: float
    connect_timeout: float
    heartbeat: float
    idle_timeout: float
    max_message_size: int
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    subprotocols: tuple[str, ...] = ()
    # True: verify with the system CAs; False: no verification; a context: custom CA
    ssl: ssl.SSLContext | bool = True
    # Offer permessage-deflate; costs CPU per message, saves bandwidth
    compress: bool = False
    # Sent in order after every connect, before anything else (may hold secrets)
    on_connect: tuple[str | bytes, ...] = field(default=(), repr=False)
    # A JSON subset some received message must contain before the connection
    # counts as connected; None: connected as soon as on_connect is sent
    on_connect_reply: Mapping[str, Any] | None = None
    on_connect_timeout: float = 10
    # An application-level message sent every keepalive_interval s (0 = off)
    keepalive_message: str | bytes | None = None
    keepalive_interval: float = 0

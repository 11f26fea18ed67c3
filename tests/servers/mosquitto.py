"""Mosquitto, the MQTT broker, run by a test; MQTT 3.1.1 packets as bytes.

The broker listens on 127.0.0.1 twice: plain MQTT (for mosquitto_pub) and
MQTT over WebSockets (for the integration, subprotocol `mqtt`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
import shutil
import struct
from typing import Final

from .processes import stop_process

# Mosquitto 2.0.11 binds a WebSocket listener to every interface unless it is
# told the address family, whatever address the listener line names.
MOSQUITTO_CONFIG: Final = """\
allow_anonymous true
persistence false
log_dest stderr
log_type error
log_type warning
log_type notice
listener {tcp_port} 127.0.0.1
listener {websocket_port} 127.0.0.1
protocol websockets
socket_domain ipv4
"""
START_TIMEOUT: Final = 10.0
STOP_TIMEOUT: Final = 10.0

PINGREQ: Final = b"\xc0\x00"
PINGRESP: Final = b"\xd0\x00"
# Session not present, connection accepted
CONNACK_ACCEPTED: Final = b"\x20\x02\x00\x00"
_PUBLISH: Final = 0x3
_QOS_MASK: Final = 0b0110


def program(name: str) -> str:
    """Where a Debian mosquitto program is, failing with what to install."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if found is None:
        raise RuntimeError(
            f"{name} is missing: scripts/test installs Debian's mosquitto and"
            " mosquitto-clients (as root), or run"
            " apt-get install mosquitto mosquitto-clients"
        )
    return found


def _remaining_length(length: int) -> bytes:
    """MQTT's variable-length integer: 7 bits a byte, high bit = more follows."""
    encoded = bytearray()
    while True:
        length, digit = divmod(length, 128)
        encoded.append(digit | 0x80 if length else digit)
        if not length:
            return bytes(encoded)


def _string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("!H", len(raw)) + raw


def _packet(first_byte: int, body: bytes) -> bytes:
    return bytes([first_byte]) + _remaining_length(len(body)) + body


def connect_packet(client_id: str, keepalive: int) -> bytes:
    """CONNECT, MQTT 3.1.1, clean session; silent for 1.5 keepalives = dropped."""
    protocol_level = 4
    clean_session = 0x02
    variable_header = _string("MQTT") + bytes([protocol_level, clean_session])
    return _packet(
        0x10, variable_header + struct.pack("!H", keepalive) + _string(client_id)
    )


def subscribe_packet(packet_id: int, topic: str) -> bytes:
    """SUBSCRIBE to one topic at QoS 0."""
    return _packet(0x82, struct.pack("!H", packet_id) + _string(topic) + b"\x00")


def suback_packet(packet_id: int) -> bytes:
    """The SUBACK granting QoS 0 to a one-topic SUBSCRIBE."""
    return _packet(0x90, struct.pack("!H", packet_id) + b"\x00")


@dataclass(frozen=True, slots=True)
class Publish:
    """A PUBLISH packet's topic and payload."""

    topic: str
    payload: bytes


def parse_publish(packet: bytes) -> Publish:
    """Read one whole PUBLISH packet; anything else or extra bytes is an error."""
    if packet[0] >> 4 != _PUBLISH:
        raise ValueError(f"not a PUBLISH: {packet!r}")
    length, multiplier, index = 0, 1, 1
    while True:
        length += (packet[index] & 0x7F) * multiplier
        multiplier *= 128
        index += 1
        if not packet[index - 1] & 0x80:
            break
    if len(packet) - index != length:
        raise ValueError(f"{len(packet) - index} bytes after the header, not {length}")
    (topic_length,) = struct.unpack_from("!H", packet, index)
    topic_end = index + 2 + topic_length
    topic = packet[index + 2 : topic_end].decode()
    # QoS 1 and 2 carry a packet id before the payload
    payload_start = topic_end + (2 if packet[0] & _QOS_MASK else 0)
    return Publish(topic, packet[payload_start:])


async def _accepts(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


@dataclass
class Mosquitto:
    """A mosquitto process of its own, configured in `directory`."""

    directory: Path
    tcp_port: int
    websocket_port: int
    process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        """Where WebSocket clients connect (Mosquitto ignores the path)."""
        return f"ws://127.0.0.1:{self.websocket_port}/mqtt"

    @property
    def config(self) -> str:
        """The configuration file's text."""
        return MOSQUITTO_CONFIG.format(
            tcp_port=self.tcp_port, websocket_port=self.websocket_port
        )

    def log(self) -> str:
        """What the broker logged (errors, warnings, connects and drops)."""
        return (self.directory / "mosquitto.log").read_text()

    async def start(self) -> None:
        """Start the broker; return once both listeners accept connections."""
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "mosquitto.conf"
        config.write_text(self.config)
        with (self.directory / "mosquitto.log").open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                program("mosquitto"), "-c", str(config), stdout=log, stderr=log
            )
        async with asyncio.timeout(START_TIMEOUT):
            for port in (self.tcp_port, self.websocket_port):
                while not await _accepts(port):
                    if self.process.returncode is not None:
                        raise RuntimeError(f"mosquitto exited:\n{self.log()}")
                    await asyncio.sleep(0.02)  # poll until it listens

    async def stop(self) -> None:
        """Stop the broker."""
        await stop_process(self.process, STOP_TIMEOUT)

    async def publish(self, topic: str, payload: str) -> None:
        """Publish with mosquitto_pub over the plain MQTT listener (QoS 0)."""
        publisher = await asyncio.create_subprocess_exec(
            program("mosquitto_pub"),
            *("-h", "127.0.0.1", "-p", str(self.tcp_port)),
            *("-t", topic, "-m", payload),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await publisher.communicate()
        if publisher.returncode != 0:
            raise RuntimeError(f"mosquitto_pub failed: {output.decode()}")

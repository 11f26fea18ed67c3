"""MQTT over WebSockets against a real Mosquitto, with the integration's own options.

On-connect messages log in and subscribe, the keepalive message is MQTT's
PINGREQ; nothing else (no automation) keeps the session alive.
"""

from __future__ import annotations

import base64
from typing import Any

import aiohttp
from homeassistant.core import Event, HomeAssistant
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.websocket_client.const import EVENT_CONNECTED, EVENT_MESSAGE

from .helpers import EVENTS_ON, EntryFactory, wait_connected, wait_until
from .servers.mosquitto import (
    CONNACK_ACCEPTED,
    PINGREQ,
    PINGRESP,
    Mosquitto,
    Publish,
    connect_packet,
    parse_publish,
    suback_packet,
    subscribe_packet,
)
from .servers.processes import listening_addresses

TOPIC = "home/living_room/temperature"
CLIENT_ID = "websocket-client"
# Mosquitto 2.0.11 drops a silent WebSocket client 11-12 s after its last
# packet at keepalive 4 (it checks 1.5 keepalives every few seconds)
MQTT_KEEPALIVE = 4
KEEPALIVE_INTERVAL = 2
# At one PINGREQ every 2 s, 8 answers take 14 s or more
PINGS_PAST_THE_DROP = 8


async def receive_bytes(ws: aiohttp.ClientWebSocketResponse) -> bytes:
    """The next message, which must be binary."""
    message = await ws.receive(timeout=10)
    assert message.type is aiohttp.WSMsgType.BINARY, message
    data: bytes = message.data
    return data


def as_message(packet: bytes) -> dict[str, str]:
    """An on-connect or keepalive message carrying an MQTT packet."""
    return {"data_base64": base64.b64encode(packet).decode()}


def binary_messages(events: list[Event[dict[str, Any]]]) -> list[bytes]:
    """The binary messages among captured message events, in order."""
    return [
        base64.b64decode(event.data["data_base64"])
        for event in events
        if event.data["type"] == "binary"
    ]


async def test_broker_fixture(mosquitto: Mosquitto) -> None:
    """The fixture's broker speaks MQTT over WebSockets, on 127.0.0.1 only."""
    assert listening_addresses(mosquitto.websocket_port) == {"127.0.0.1"}
    assert listening_addresses(mosquitto.tcp_port) == {"127.0.0.1"}
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(mosquitto.url, protocols=("mqtt",)) as ws,
    ):
        assert ws.protocol == "mqtt"
        await ws.send_bytes(connect_packet("fixture-check", keepalive=60))
        assert await receive_bytes(ws) == CONNACK_ACCEPTED
        await ws.send_bytes(subscribe_packet(7, TOPIC))
        assert await receive_bytes(ws) == suback_packet(7)
        await mosquitto.publish(TOPIC, "21.5 °C")
        assert parse_publish(await receive_bytes(ws)) == Publish(
            TOPIC, "21.5 °C".encode()
        )
        await ws.send_bytes(PINGREQ)
        assert await receive_bytes(ws) == PINGRESP


async def test_session_kept_alive_and_publish_received(
    hass: HomeAssistant, mosquitto: Mosquitto, add_entry: EntryFactory
) -> None:
    """CONNECT and SUBSCRIBE on connect, PINGREQ as keepalive: one session.

    Without the keepalive Mosquitto would drop the connection and the integration
    would connect again; the answers to the PINGREQs span longer than that,
    on one connection and one MQTT session.
    """
    messages = async_capture_events(hass, EVENT_MESSAGE)
    connects = async_capture_events(hass, EVENT_CONNECTED)
    await add_entry(
        url=mosquitto.url,
        subprotocols=["mqtt"],
        options={
            **EVENTS_ON,
            "on_connect": [
                as_message(connect_packet(CLIENT_ID, MQTT_KEEPALIVE)),
                as_message(subscribe_packet(1, TOPIC)),
            ],
            "keepalive_message": as_message(PINGREQ),
            "keepalive_interval": KEEPALIVE_INTERVAL,
        },
    )
    await wait_connected(hass)
    await wait_until(
        lambda: binary_messages(messages).count(PINGRESP) >= PINGS_PAST_THE_DROP,
        timeout=30,
    )
    assert binary_messages(messages)[:2] == [CONNACK_ACCEPTED, suback_packet(1)]
    assert len(connects) == 1
    assert mosquitto.log().count(f" as {CLIENT_ID} (") == 1

    def after_the_acks_but_pings() -> list[bytes]:
        return [p for p in binary_messages(messages)[2:] if p != PINGRESP]

    await mosquitto.publish(TOPIC, "21.5 °C")
    await wait_until(lambda: after_the_acks_but_pings() != [])
    assert [parse_publish(p) for p in after_the_acks_but_pings()] == [
        Publish(TOPIC, "21.5 °C".encode())
    ]

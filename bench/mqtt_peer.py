"""The benchmark's MQTT peer, run as its own process (paho-mqtt) against 127.0.0.1.

  publish --topic T --count N            publish N JSON messages (QoS 0), encoded
                                         first, as fast as paho takes them
  publish --topic T --rate R --seconds S stamped messages (t: time.monotonic_ns())
                                         at a steady rate
  count --topic T --count N              subscribe; print READY once subscribed and
                                         GOT once N messages arrived
  sensors --topic T --rate R --seconds S --sensors N --base B
                                         the sensors feed (bench/sensor_feed.py) at
                                         a steady rate, sensor X's on topic T/X; then
                                         SENT and the rate reached

Each mode prints READY when connected (and subscribed), then GOT, or SENT and the
rate it sent at (publish: from the first publish to the last handed to paho; a
steady stream: the rate its schedule reached). It gives up after --timeout
seconds and prints TIMEOUT with what it had.
Run: python -m bench.mqtt_peer MODE --port P ...
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import Any
import uuid

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from bench.frames import SAMPLE, flood_text
from bench.sensor_feed import Pacer, payloads


def connect(port: int) -> mqtt.Client:
    """A connected paho client with its network loop in a thread."""
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=f"bench-{uuid.uuid4().hex[:8]}"
    )
    connected = threading.Event()

    client.on_connect = lambda *_: connected.set()
    client.connect("127.0.0.1", port)
    client.loop_start()
    if not connected.wait(30):
        print("TIMEOUT connecting", flush=True)
        sys.exit(1)
    return client


def publish(arguments: argparse.Namespace) -> None:
    """Publish a flood or a steady stream; print its sending rate."""
    client = connect(arguments.port)
    print("READY", flush=True)
    if arguments.rate:
        rate, info = _publish_steady(client, arguments)
    else:
        rate, info = _publish_flood(client, arguments)
    if info is not None:
        info.wait_for_publish(arguments.timeout)
    client.disconnect()
    client.loop_stop()
    print(f"SENT {rate}", flush=True)


def _publish_flood(
    client: mqtt.Client, arguments: argparse.Namespace
) -> tuple[float, mqtt.MQTTMessageInfo | None]:
    """Every message, encoded first, as fast as paho takes them; the rate."""
    texts = [flood_text(seq) for seq in range(arguments.count)]
    info = None
    start = time.perf_counter()
    for text in texts:
        info = client.publish(arguments.topic, text, qos=0)
    return len(texts) / (time.perf_counter() - start), info


def _publish_steady(
    client: mqtt.Client, arguments: argparse.Namespace
) -> tuple[float, mqtt.MQTTMessageInfo | None]:
    """Stamped messages (t: time.monotonic_ns()) at a steady rate; the rate reached."""
    tail = json.dumps(SAMPLE)[1:]
    pacer = Pacer(arguments.rate)
    info = None
    for seq in range(int(arguments.rate * arguments.seconds)):
        if (delay := pacer.delay()) > 0:
            time.sleep(delay)
        text = f'{{"seq": {seq}, "t": {time.monotonic_ns()}, {tail}'
        info = client.publish(arguments.topic, text, qos=0)
        pacer.sent_one()
    return pacer.reached(), info


def sensors(arguments: argparse.Namespace) -> None:
    """Publish the sensors feed at a steady rate, each sensor on its own topic."""
    count = int(arguments.rate * arguments.seconds)
    feed = payloads(count, arguments.sensors, arguments.base)
    client = connect(arguments.port)
    print("READY", flush=True)
    pacer = Pacer(arguments.rate)
    info = None
    for sensor, text in feed:
        if (delay := pacer.delay()) > 0:
            time.sleep(delay)
        info = client.publish(f"{arguments.topic}/{sensor}", text, qos=0)
        pacer.sent_one()
    if info is not None:
        info.wait_for_publish(arguments.timeout)
    client.disconnect()
    client.loop_stop()
    print(f"SENT {pacer.reached()}", flush=True)


def count(arguments: argparse.Namespace) -> None:
    """Count the messages on a topic."""
    received = 0
    done = threading.Event()

    def on_message(*_: Any) -> None:
        nonlocal received
        received += 1
        if received == arguments.count:
            done.set()

    def on_subscribe(*_: Any) -> None:
        print("READY", flush=True)

    def subscribe(client: mqtt.Client) -> None:
        client.subscribe(arguments.topic, qos=0)

    client = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=f"bench-{uuid.uuid4().hex[:8]}"
    )
    client.on_message = on_message
    client.on_subscribe = on_subscribe
    client.on_connect = lambda *_: subscribe(client)
    client.connect("127.0.0.1", arguments.port)
    client.loop_start()
    print("GOT" if done.wait(arguments.timeout) else f"TIMEOUT {received}", flush=True)
    client.disconnect()
    client.loop_stop()


def main() -> None:
    """Parse the arguments and run a mode."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=["publish", "count", "sensors"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--rate", type=float, default=0)
    parser.add_argument("--seconds", type=float, default=0)
    parser.add_argument("--sensors", type=int, default=0)
    parser.add_argument("--base", type=float, default=0)
    parser.add_argument("--timeout", type=float, default=300)
    arguments = parser.parse_args()
    modes = {"publish": publish, "count": count, "sensors": sensors}
    modes[arguments.mode](arguments)


if __name__ == "__main__":
    main()

"""The benchmark's MQTT peer, run as its own process (paho-mqtt) against 127.0.0.1.

  publish --topic T --count N            publish N JSON messages (QoS 0) as fast as
                                         paho writes them
  publish --topic T --rate R --seconds S stamped messages (t: time.monotonic_ns())
                                         at a steady rate
  count --topic T --count N              subscribe; print READY once subscribed and
                                         GOT once N messages arrived
  sensors --topic T --rate R --seconds S --sensors N --base B
                                         the sensors feed (bench/sensor_feed.py) at
                                         a steady rate, sensor X's on topic T/X; then
                                         SENT and the rate reached

Each mode prints READY when connected (and subscribed), then DONE, GOT or SENT. It
gives up after --timeout seconds and prints TIMEOUT with what it had.
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

from bench.sensor_feed import Pacer, payloads

SAMPLE = {"v": 23.5, "id": "sensor.kitchen"}


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
    """Publish a flood or a steady stream."""
    client = connect(arguments.port)
    print("READY", flush=True)
    info = None
    if arguments.rate:
        total = int(arguments.rate * arguments.seconds)
        start = time.monotonic() + 0.2
        for seq in range(total):
            delay = start + seq / arguments.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            payload = json.dumps({"seq": seq, "t": time.monotonic_ns(), **SAMPLE})
            info = client.publish(arguments.topic, payload, qos=0)
    else:
        for seq in range(arguments.count):
            payload = json.dumps({"seq": seq, **SAMPLE})
            info = client.publish(arguments.topic, payload, qos=0)
    if info is not None:
        info.wait_for_publish(arguments.timeout)
    client.disconnect()
    client.loop_stop()
    print("DONE", flush=True)


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

"""The servers and peers the tests run on 127.0.0.1, and which to use when.

- `ws_server.RecordingWebSocketServer` (fixtures `ws_server`, `target_server`):
  a well-behaved aiohttp WebSocket server, the default. It counts handshakes,
  records frames, request paths and headers and close codes, pushes text or
  bytes on demand, answers given texts (`replies`), and can refuse upgrades
  with an HTTP status (`reject_status`). Use it whenever the server does
  nothing wrong.
- `ws_server.ServerThread` (fixture `tls_server_thread` for wss://): runs a
  `RecordingWebSocketServer` on an event loop of its own, as a separate
  machine would. Use it when the server's own errors (failed TLS handshakes,
  aborted connections) must not land in Home Assistant's loop.
- `raw_peer.RawPeer` (fixture `start_peer`): a WebSocket peer on plain asyncio
  TCP that runs a script on each connection, with or without the upgrade
  answer. Use it for servers that misbehave on purpose: fragmented or broken
  frames, a reset mid-frame, an upgrade never answered, exact control of what
  is sent and when. Its `frame`, `read_frame`, `drain_until_closed` and
  `OP_*` also let a test speak the protocol byte by byte.
- `thread_peer.ResettingPeer` (fixture `start_resetting_peer`): blocking
  sockets in a thread of its own that reset the first connection while the
  test blocks Home Assistant's loop. Use it when the client must find data,
  a reset and passed deadlines all at once when its loop runs again (writing
  into a connection that is already going away).
- `mosquitto.Mosquitto` (fixture `mosquitto`): Debian's MQTT broker with a
  plain MQTT listener (for `mosquitto_pub`) and an MQTT-over-WebSockets one;
  also MQTT 3.1.1 packets as bytes. Use it to test against a real MQTT server
  nobody here wrote.
- `home_assistant_server.HomeAssistantServer` (fixture
  `home_assistant_server`): a second, onboarded Home Assistant process with a
  long-lived access token; its WebSocket API is the server. Slow (seconds to
  start): use it only to test against Home Assistant's own WebSocket API.
- `certificates` (fixture `certificates`): a throw-away CA and a server
  certificate for 127.0.0.1, for wss:// servers and the CA option.
- `processes`: free ports, `listening_addresses`, starting and stopping
  processes, a real Home Assistant's command and onboarding; standard library
  only, so the browser tests (tests/e2e) share it. This package's
  `__init__` must stay import-free for the same reason.

Waiting for what a server saw is `tests.helpers.wait_until`.
"""

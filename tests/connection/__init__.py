"""Tests of the socket layer (custom_components/websocket_client/connection/).

One test module per socket-layer module, on real sockets on 127.0.0.1 and
nothing from Home Assistant: plain pytest, asyncio and aiohttp. The fixtures
are in this package's conftest.py, which also turns off the Home Assistant
fixtures the rest of the tests get automatically.
"""

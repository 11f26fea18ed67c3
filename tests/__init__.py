"""Tests of the WebSocket Client integration."""

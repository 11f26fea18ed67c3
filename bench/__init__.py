"""Benchmarks of the WebSocket Client integration (run with scripts/bench)."""

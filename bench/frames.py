"""WebSocket frames encoded ahead of time, for a server that is never the bottleneck.

The benchmark server (bench/server.py) encodes every message of a flood into a
complete frame (RFC 6455: a server's frames are not masked) before its clock
starts, and hands them to the transport joined into large chunks. A stamped
message of a steady stream is encoded ahead of time too, except its send stamp,
which is filled in at the moment it is written: the frame keeps a fixed-width
slot for it, padded with spaces (JSON allows them before a number), so its
length and header are known in advance.

Plain Python: the server runs it in its own process.
"""

from __future__ import annotations

from collections.abc import Iterable
import json
import time
from typing import Final

SAMPLE: Final = {"v": 23.5, "id": "sensor.kitchen"}
# Bytes a flood is joined into for each write to the transport
CHUNK_BYTES: Final = 128 * 1024
# Digits a stamp (time.monotonic_ns()) may take, its slot padded with spaces
STAMP_WIDTH: Final = 20
_FIN_TEXT: Final = 0x81  # final fragment, opcode 1 (text)


def text_frame(text: str) -> bytes:
    """One unmasked text frame carrying `text`."""
    payload = text.encode()
    return _header(len(payload)) + payload


def _header(length: int) -> bytes:
    if length < 126:
        return bytes((_FIN_TEXT, length))
    if length < 1 << 16:
        return bytes((_FIN_TEXT, 126)) + length.to_bytes(2, "big")
    return bytes((_FIN_TEXT, 127)) + length.to_bytes(8, "big")


def flood_text(seq: int) -> str:
    """Message `seq` of a flood: a small JSON object."""
    return json.dumps({"seq": seq, **SAMPLE})


def chunks(frames: Iterable[bytes], size: int = CHUNK_BYTES) -> list[bytes]:
    """Whole frames joined into writes of about `size` bytes each."""
    joined: list[bytes] = []
    pending: list[bytes] = []
    pending_bytes = 0
    for frame in frames:
        pending.append(frame)
        pending_bytes += len(frame)
        if pending_bytes >= size:
            joined.append(b"".join(pending))
            pending, pending_bytes = [], 0
    if pending:
        joined.append(b"".join(pending))
    return joined


def flood_chunks(count: int) -> list[bytes]:
    """The writes of a flood of `count` messages."""
    return chunks(text_frame(flood_text(seq)) for seq in range(count))


class StampedFrame:
    """A stamped message's frame, complete but for the stamp written into it."""

    __slots__ = ("_head", "_tail")

    def __init__(self, seq: int) -> None:
        """Encode message `seq` around an empty stamp slot."""
        head = f'{{"seq": {seq}, "t": '.encode()
        self._tail = f", {json.dumps(SAMPLE)[1:]}".encode()
        self._head = _header(len(head) + STAMP_WIDTH + len(self._tail)) + head

    def stamped(self) -> bytes:
        """The frame with `t` = time.monotonic_ns() now (the same clock everywhere)."""
        stamp = str(time.monotonic_ns()).rjust(STAMP_WIDTH).encode()
        return self._head + stamp + self._tail

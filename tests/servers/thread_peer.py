"""A WebSocket peer in a thread of its own: it resets while the event loop is blocked.

A reset reaches the client at a moment of the kernel's choosing; to make the
client write into a connection that is already going away, the test blocks
Home Assistant's event loop from a loop callback, and this peer, on blocking
sockets in a thread of its own, sends its last frames and resets the
connection meanwhile. When the loop runs again it finds the data, the reset
and every deadline that passed during the block at once, in an order asyncio
fixes.
"""

from __future__ import annotations

from collections.abc import Callable
import contextlib
import fcntl
from pathlib import Path
import socket
import struct
import termios
import threading
import time
from typing import BinaryIO, Final

from .raw_peer import OP_CLOSE, OP_PING, OP_PONG, frame, upgrade_answer

# Bounds every wait of the peer and of the blocked loop, should a test break
WAIT_LIMIT: Final = 5.0


class ResettingPeer:
    """Resets its first connection while the loop is blocked; later ones stay up.

    The first connection gets `before_reset` (raw frames, in one write) and
    then a TCP reset. Later connections answer pings until the client leaves.
    """

    def __init__(self, before_reset: bytes = b"") -> None:
        """Listen on a free port of 127.0.0.1; nothing is served before start()."""
        self.before_reset = before_reset
        self.connections = 0
        # What the client had sent on the first connection when it was reset
        self.received_before_reset: bytes | None = None
        # Whether the reset happened, and reached the client, during the block
        self.reset_while_blocked = False
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        self._loop_blocked = threading.Event()
        self._reset_done = threading.Event()
        self._stopping = False
        self._lock = threading.Lock()
        self._open: socket.socket | None = None
        self._thread = threading.Thread(target=self._serve, name="resetting peer")

    @property
    def url(self) -> str:
        """Where clients connect."""
        return f"ws://127.0.0.1:{self.port}/reset"

    def start(self) -> None:
        """Begin accepting connections."""
        self._thread.start()

    def stop(self) -> None:
        """Drop the open connection, stop listening and end the thread."""
        with self._lock:
            self._stopping = True
            for sock in (self._open, self._server):
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
        self._loop_blocked.set()  # a first connection still waiting gives up
        self._thread.join(WAIT_LIMIT)
        self._server.close()

    def block_loop_while_resetting(self, at_least: float = 0.0) -> None:
        """Block the calling event loop until the first connection was reset.

        Call it from a loop callback. It blocks for `at_least` seconds in all,
        so any deadline in that time has passed when the loop runs again.
        """
        started = time.monotonic()
        self._loop_blocked.set()
        self.reset_while_blocked = self._reset_done.wait(WAIT_LIMIT)
        remaining = at_least - (time.monotonic() - started)
        if remaining > 0:
            # Not time.sleep: Home Assistant flags that inside the event loop.
            threading.Event().wait(remaining)

    def _serve(self) -> None:
        while True:
            try:
                sock, _ = self._server.accept()
            except OSError:
                return  # stopped
            with self._lock:
                if self._stopping:
                    sock.close()
                    return
                self._open = sock
            self.connections += 1
            try:
                self._handle(sock)
            except OSError:
                pass
            finally:
                with self._lock:
                    self._open = None
                sock.close()

    def _handle(self, sock: socket.socket) -> None:
        request = b""
        # The client sends nothing else before the answer: no bytes of a
        # frame are read with the request.
        while not request.endswith(b"\r\n\r\n"):
            if not (received := sock.recv(4096)):
                return
            request += received
        sock.sendall(upgrade_answer(request))
        if self.connections == 1:
            self._reset_when_blocked(sock)
        else:
            # A file on the socket would keep it open past close(): none for
            # the connection that is reset.
            with sock.makefile("rb") as stream:
                _answer_pings(sock, stream)

    def _reset_when_blocked(self, sock: socket.socket) -> None:
        self._loop_blocked.wait(WAIT_LIMIT)
        if self._stopping:
            return
        self.received_before_reset = _pending_bytes(sock)
        sock.sendall(self.before_reset)
        _wait_until(lambda: _unacknowledged_bytes(sock) == 0)
        client_port = sock.getpeername()[1]
        # Linger on, timeout 0: close() sends a reset instead of a FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        _wait_until(lambda: not _tcp_socket_exists(client_port, self.port))
        self._reset_done.set()


def _answer_pings(sock: socket.socket, stream: BinaryIO) -> None:
    while (client_frame := _read_frame(stream)) is not None:
        opcode, payload = client_frame
        if opcode == OP_PING:
            sock.sendall(frame(OP_PONG, payload))
        elif opcode == OP_CLOSE:
            sock.sendall(frame(OP_CLOSE, payload[:2]))
            return


def _read_frame(stream: BinaryIO) -> tuple[int, bytes] | None:
    """One masked client frame, or None when the connection ended."""
    header = stream.read(2)
    if len(header) < 2:
        return None
    length = header[1] & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", stream.read(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", stream.read(8))
    mask = stream.read(4)
    data = stream.read(length)
    return header[0] & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def _pending_bytes(sock: socket.socket) -> bytes:
    """Whatever the client sent that nobody read yet, without waiting."""
    try:
        return sock.recv(65536, socket.MSG_DONTWAIT)
    except BlockingIOError:
        return b""


def _unacknowledged_bytes(sock: socket.socket) -> int:
    """Bytes sent but not yet acknowledged by the client's kernel (Linux)."""
    answer = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
    return int(struct.unpack("i", answer)[0])


def _tcp_socket_exists(local_port: int, remote_port: int) -> bool:
    """Whether the kernel still has a TCP socket 127.0.0.1:local ↔ :remote (Linux).

    A socket that processed a reset is closed and leaves the table, so its
    absence proves the client's kernel saw the reset.
    """
    local, remote = f"0100007F:{local_port:04X}", f"0100007F:{remote_port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[2] == remote:
            return True
    return False


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_LIMIT
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        threading.Event().wait(0.001)

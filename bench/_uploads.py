"""The uploads phase of bench/workers.py: large bodies sent to gunicorn, the workers' memory sampled.

Each case streams its body from a generator (never built in memory here) through a raw socket, with
a Content-Length or chunked (Transfer-Encoding: chunked, no Content-Length), and stops sending as
soon as the server answers (a refusal before the body is read). While it runs, a thread reads VmRSS
of every gunicorn worker every 10 ms; before it, each worker's VmHWM is reset (`/proc/PID/clear_refs`,
5), and the case's peak is the larger of the sampled maximum and the VmHWM read after it.
"""

from __future__ import annotations

import base64
import contextlib
import re
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

GIB = 2**30
MIB = 2**20
PIECE = 3 * 2**18  # 768 KiB: base64 of it is exactly 1 MiB
PNG_HEAD = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
)
BOUNDARY = "qorgau-bench-boundary-7d1f"


def file_pieces(size: int) -> Iterator[bytes]:
    """`size` bytes of a PNG-looking file, in pieces of PIECE (a multiple of 3) bytes."""
    first = PNG_HEAD + bytes(PIECE - len(PNG_HEAD))
    zeros = bytes(PIECE)
    sent = 0
    while sent < size:
        piece = first if sent == 0 else zeros
        piece = piece[: size - sent]
        sent += len(piece)
        yield piece


class Body:
    """A body of known length made of a prefix, a stream of pieces and a suffix."""

    def __init__(
        self, prefix: bytes, pieces: Callable[[], Iterator[bytes]], size: int, suffix: bytes
    ):
        self.prefix, self.pieces, self.suffix = prefix, pieces, suffix
        self.length = len(prefix) + size + len(suffix)

    def __iter__(self) -> Iterator[bytes]:
        yield self.prefix
        yield from self.pieces()
        yield self.suffix


def json_body(target: int) -> Body:
    """A report with one base64 file, `target` bytes in all."""
    prefix = (
        b'{"category": "grooming", "narrative": "Synthetic bench text.", '
        b'"evidence": [{"filename": "big.png", "content_base64": "'
    )
    suffix = b'"}]}'
    encoded = (target - len(prefix) - len(suffix)) // 4 * 4
    raw = encoded // 4 * 3

    def pieces() -> Iterator[bytes]:
        for piece in file_pieces(raw):
            yield base64.b64encode(piece)

    return Body(prefix, pieces, encoded, suffix)


def multipart_body(fields: dict[str, str], files: int, file_size: int) -> Body:
    """The Red Button form with `files` files of `file_size` bytes each."""
    head = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    part = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="evidence"; '
        f'filename="screen.png"\r\nContent-Type: image/png\r\n\r\n'
    ).encode()
    first, between = head + part, b"\r\n" + part

    def pieces() -> Iterator[bytes]:
        for index in range(files):
            if index:
                yield between
            yield from file_pieces(file_size)

    end = f"\r\n--{BOUNDARY}--\r\n".encode()
    return Body(first, pieces, files * file_size + (files - 1) * len(between), end)


def send(
    port: int, path: str, headers: dict[str, str], body: Body, *, chunked: bool
) -> dict[str, Any]:
    """POST `body`; stop sending when the server answers. Status (0 when no answer could be read),
    bytes sent, seconds."""
    started = time.monotonic()
    sock = socket.create_connection(("127.0.0.1", port), timeout=300)
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {body.length}")
    sent = 0
    answered = b""
    try:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        for piece in body:
            if select.select([sock], [], [], 0)[0]:
                break  # the server answered before the end of the body
            data = b"%x\r\n%s\r\n" % (len(piece), piece) if chunked and piece else piece
            if data:
                sock.sendall(data)
                sent += len(piece)
        else:
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the server closed the connection: its answer may still be readable
    with contextlib.suppress(OSError):
        while b"\r\n\r\n" not in answered:
            data = sock.recv(65536)
            if not data:
                break
            answered += data
    sock.close()
    match = re.match(rb"HTTP/1\.[01] (\d{3})", answered)
    return {
        "status": int(match.group(1)) if match else 0,
        "bytes_sent": sent,
        "seconds": round(time.monotonic() - started, 2),
    }


def _status_kb(pid: int, keys: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in keys:
                out[key] = int(value.split()[0])
    return out


class PeakRSS:
    """The largest RSS of any of `pids()` while the block runs, in MB."""

    def __init__(self, pids: Callable[[], list[int]]):
        self.pids, self.peak_kb, self.hwm_reset = pids, 0, True
        self._stop = threading.Event()

    def __enter__(self) -> PeakRSS:
        for pid in self.pids():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                self.hwm_reset = False
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids():
                self.peak_kb = max(self.peak_kb, _status_kb(pid, ("VmRSS",)).get("VmRSS", 0))
            time.sleep(0.01)

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.2)
        self._stop.set()
        self._thread.join()
        if self.hwm_reset:
            for pid in self.pids():
                self.peak_kb = max(self.peak_kb, _status_kb(pid, ("VmHWM",)).get("VmHWM", 0))

    @property
    def mb(self) -> float:
        return round(self.peak_kb / 1024, 1)

"""Antivirus scanning of uploads: one small interface and two adapters, chosen by UPLOAD_SCANNER.

``clamd`` talks to a ClamAV daemon (``CLAMD_ADDRESS``) with its INSTREAM command; ``test`` is for
development and the demo only: it knows nothing but the EICAR test string, and staff see its
results marked TEST. A scanner never raises for a bad file or a broken daemon: it answers
:class:`Clean`, :class:`Infected` or :class:`Unavailable`, and the upload service decides what
an unavailable scanner means (production refuses the file, development keeps it with a warning).
See docs/files.md.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import Final, Protocol
from urllib.parse import urlsplit

from flask import Flask, current_app

__all__ = [
    "EICAR",
    "SCANNERS",
    "Clamd",
    "Clean",
    "EicarOnly",
    "Infected",
    "Scanner",
    "Unavailable",
    "Verdict",
    "build_scanner",
    "parse_address",
    "scanner",
]

# The EICAR anti-virus test file (eicar.org): 68 printable characters every scanner reports,
# harmless by design. Written in two halves so this source file is not itself reported.
EICAR: Final = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_NAME: Final = "Eicar-Test-Signature"

CHUNK: Final = 64 * 1024  # bytes per INSTREAM chunk; clamd's own default StreamMaxLength is 25 MB
_REPLY_LIMIT: Final = 4096  # a reply longer than this is not clamd's


@dataclass(frozen=True)
class Clean:
    scanner: str


@dataclass(frozen=True)
class Infected:
    name: str  # the signature's name as the scanner reports it (no personal data)
    scanner: str


@dataclass(frozen=True)
class Unavailable:
    reason: str  # for the log: "timeout", "refused", "error: …" — never the file's content
    scanner: str


Verdict = Clean | Infected | Unavailable


class Scanner(Protocol):
    name: str  # kept with each file (DocumentFile.scanner)
    test: bool  # a development stand-in: staff see its results marked TEST

    def scan(self, data: bytes) -> Verdict: ...

    def ping(self, timeout: float) -> bool:
        """Whether the scanner can answer now (for /readyz)."""
        ...


class EicarOnly:
    """The TEST scanner: flags the EICAR test string anywhere in the bytes, passes all else."""

    name = "test"
    test = True

    def ping(self, timeout: float) -> bool:
        return True

    def scan(self, data: bytes) -> Verdict:
        if EICAR in data:
            return Infected(EICAR_NAME, self.name)
        return Clean(self.name)


def parse_address(address: str) -> tuple[int, str | tuple[str, int]]:
    """``tcp://host:port``, ``host:port``, ``unix:///path`` or ``/path`` → (family, address)."""
    address = address.strip()
    if address.startswith("unix:"):
        path = urlsplit(address).path or address.removeprefix("unix:")
        return socket.AF_UNIX, path
    if address.startswith("/"):
        return socket.AF_UNIX, address
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp" or not parts.hostname or parts.port is None:
        raise ValueError("CLAMD_ADDRESS must be tcp://host:port or unix:///path/to/clamd.ctl")
    return socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET, (parts.hostname, parts.port)


class Clamd:
    """A ClamAV daemon over TCP or a unix socket, one connection per file.

    The protocol (clamd(8), "INSTREAM"): send ``zINSTREAM\\0``, then the file in chunks, each
    prefixed with its length as four bytes in network order, then a zero length. clamd answers
    one NUL-terminated line: ``stream: OK``, ``stream: <signature> FOUND`` or ``… ERROR``.
    """

    name = "clamd"
    test = False

    def __init__(self, address: str, timeout: float = 10.0) -> None:
        self.family, self.address = parse_address(address)
        self.timeout = timeout

    def scan(self, data: bytes) -> Verdict:
        try:
            with socket.socket(self.family, socket.SOCK_STREAM) as sock:
                sock.settimeout(self.timeout)  # for connect, each send and each receive
                if self.family != socket.AF_UNIX:
                    # Small writes (the command, a short file, the end mark) go out at once
                    # instead of waiting on Nagle and the daemon's delayed ACK (~40 ms a file).
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.connect(self.address)
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK):
                    chunk = data[start : start + CHUNK]
                    sock.sendall(struct.pack("!I", len(chunk)) + chunk)
                sock.sendall(struct.pack("!I", 0))
                reply = self._reply(sock)
        except TimeoutError:
            return Unavailable("timeout", self.name)
        except OSError as exc:  # refused, reset, no such socket: the daemon is not there
            return Unavailable(f"connection: {type(exc).__name__}", self.name)
        return self._verdict(reply)

    def ping(self, timeout: float) -> bool:
        """clamd's PING: the daemon answers PONG when it is up and its database loaded."""
        try:
            with socket.socket(self.family, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.connect(self.address)
                sock.sendall(b"zPING\0")
                return self._reply(sock) == b"PONG"
        except OSError:  # refused, reset, timed out, no such socket
            return False

    @staticmethod
    def _reply(sock: socket.socket) -> bytes:
        reply = b""
        while b"\0" not in reply and len(reply) < _REPLY_LIMIT:
            part = sock.recv(_REPLY_LIMIT)
            if not part:
                break  # clamd closes after answering; a reply without its NUL is still read
            reply += part
        return reply.split(b"\0", 1)[0]

    def _verdict(self, reply: bytes) -> Verdict:
        line = reply.decode("utf-8", "replace").strip()
        # "stream: OK"; some versions answer "1: stream: OK" for an id-prefixed session.
        _, _, result = line.partition("stream: ")
        if result == "OK":
            return Clean(self.name)
        if result.endswith(" FOUND"):
            return Infected(result.removesuffix(" FOUND").strip()[:120] or "unknown", self.name)
        if not line:
            return Unavailable("no answer", self.name)
        # "INSTREAM size limit exceeded. ERROR", "… lstat() failed … ERROR": nothing was decided.
        return Unavailable(f"error: {line[:120]}", self.name)


SCANNERS: Final = ("clamd", "test")


def build_scanner(app: Flask) -> Scanner:
    """The configured scanner. A ``clamd`` scanner without an address answers Unavailable for
    every file, so production without a daemon refuses uploads rather than keep them unscanned."""
    name = app.config.get("UPLOAD_SCANNER") or ("clamd" if app.config.get("CLAMD_ADDRESS") else "test")
    if name == "test":
        return EicarOnly()
    if name == "clamd":
        address = app.config.get("CLAMD_ADDRESS") or ""
        if not address:
            return NoDaemon()
        return Clamd(address, float(app.config.get("CLAMD_TIMEOUT_SECONDS", 10)))
    raise RuntimeError(f"UPLOAD_SCANNER must be one of {list(SCANNERS)}, not {name!r}")


class NoDaemon:
    """``clamd`` chosen but ``CLAMD_ADDRESS`` unset: nothing can be scanned."""

    name = "clamd"
    test = False

    def ping(self, timeout: float) -> bool:
        return False

    def scan(self, data: bytes) -> Verdict:
        return Unavailable("CLAMD_ADDRESS is not set", self.name)


def scanner(app: Flask | None = None) -> Scanner:
    """The app's scanner (built with the storage in the factory)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    instance: Scanner = app.extensions["scanner"]
    return instance

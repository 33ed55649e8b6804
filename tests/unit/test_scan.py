"""The antivirus adapters (ASVS 5.4.3): clamd's INSTREAM protocol against a small fake clamd over
a real socket (TCP and a unix socket), and the TEST scanner that knows the EICAR string."""

from __future__ import annotations

import shutil
import socket
import struct
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from portal.storage.scan import (
    CHUNK,
    EICAR,
    Clamd,
    Clean,
    EicarOnly,
    Infected,
    Unavailable,
    build_scanner,
    parse_address,
)

Reply = Callable[[bytes], bytes | None]  # the stream received → clamd's answer (None: silence)


class FakeClamd:
    """Speaks clamd's side of INSTREAM: reads ``zINSTREAM\\0`` and length-prefixed chunks up to a
    zero length, reassembles the stream, then answers what ``reply`` says."""

    def __init__(self, listener: socket.socket, reply: Reply) -> None:
        self.listener = listener
        self.reply = reply
        self.streams: list[bytes] = []
        self.commands: list[bytes] = []
        self.chunk_sizes: list[int] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @staticmethod
    def _exactly(conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError("client went away")
            data += part
        return data

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # closed at the end of the test
            with conn:
                try:
                    command = b""
                    while not command.endswith(b"\0"):
                        command += self._exactly(conn, 1)
                    self.commands.append(command)
                    if command == b"zPING\0":
                        conn.sendall(b"PONG\0")
                        continue
                    stream = b""
                    while True:
                        (size,) = struct.unpack("!I", self._exactly(conn, 4))
                        if size == 0:
                            break
                        self.chunk_sizes.append(size)
                        stream += self._exactly(conn, size)
                    self.streams.append(stream)
                    answer = self.reply(stream)
                    if answer is None:
                        self._exactly(conn, 1)  # say nothing until the client gives up
                    else:
                        conn.sendall(answer)
                except (ConnectionError, OSError):
                    continue


def _clean_or_eicar(stream: bytes) -> bytes:
    return b"stream: Eicar-Test-Signature FOUND\0" if EICAR in stream else b"stream: OK\0"


@pytest.fixture
def tcp_clamd() -> Iterator[Callable[[Reply], tuple[FakeClamd, str]]]:
    listeners: list[socket.socket] = []

    def start(reply: Reply) -> tuple[FakeClamd, str]:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listeners.append(listener)
        return FakeClamd(listener, reply), f"tcp://127.0.0.1:{listener.getsockname()[1]}"

    yield start
    for listener in listeners:
        listener.close()


def test_a_clean_file_goes_to_clamd_in_length_prefixed_chunks_and_is_clean(tcp_clamd) -> None:  # type: ignore[no-untyped-def]
    fake, address = tcp_clamd(_clean_or_eicar)
    data = bytes(range(256)) * 1000  # 256 000 bytes: four full chunks and a short one
    verdict = Clamd(address, timeout=5).scan(data)
    assert verdict == Clean("clamd")
    assert fake.commands == [b"zINSTREAM\0"]
    assert fake.streams == [data]  # reassembled exactly, ended by the zero length
    assert fake.chunk_sizes == [CHUNK] * 3 + [len(data) - 3 * CHUNK]


def test_an_infected_file_is_reported_with_the_signature_clamd_names(tcp_clamd) -> None:  # type: ignore[no-untyped-def]
    _, address = tcp_clamd(_clean_or_eicar)
    verdict = Clamd(address, timeout=5).scan(b"%PDF-1.4\n%" + EICAR + b"\n")
    assert verdict == Infected("Eicar-Test-Signature", "clamd")


@pytest.mark.parametrize(
    "answer",
    [
        b"INSTREAM size limit exceeded. ERROR\0",
        b"stream: lstat() failed: No such file. ERROR\0",
        b"\0",
        b"garbage without a terminator",
    ],
)
def test_an_error_answer_of_clamd_means_unavailable_not_clean(tcp_clamd, answer: bytes) -> None:  # type: ignore[no-untyped-def]
    _, address = tcp_clamd(lambda _stream: answer)
    verdict = Clamd(address, timeout=5).scan(b"anything")
    assert isinstance(verdict, Unavailable) and verdict.scanner == "clamd"


def test_a_clamd_that_does_not_answer_in_time_is_unavailable(tcp_clamd) -> None:  # type: ignore[no-untyped-def]
    _, address = tcp_clamd(lambda _stream: None)
    verdict = Clamd(address, timeout=0.3).scan(b"anything")
    assert verdict == Unavailable("timeout", "clamd")


def test_no_clamd_listening_is_unavailable() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    verdict = Clamd(f"127.0.0.1:{port}", timeout=2).scan(b"anything")
    assert isinstance(verdict, Unavailable) and verdict.reason.startswith("connection")


def test_clamd_on_a_unix_socket_speaks_the_same_protocol(tmp_path: Path) -> None:
    path = tmp_path / "clamd.ctl"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen()
    try:
        fake = FakeClamd(listener, _clean_or_eicar)
        assert Clamd(f"unix://{path}", timeout=5).scan(EICAR) == Infected("Eicar-Test-Signature", "clamd")
        assert Clamd(str(path), timeout=5).scan(b"fine") == Clean("clamd")
        assert fake.streams == [EICAR, b"fine"]
    finally:
        listener.close()


def test_addresses_of_clamd_are_read_in_every_usual_form() -> None:
    assert parse_address("tcp://clamav:3310") == (socket.AF_INET, ("clamav", 3310))
    assert parse_address("10.0.0.5:3310") == (socket.AF_INET, ("10.0.0.5", 3310))
    assert parse_address("unix:///run/clamav/clamd.ctl") == (socket.AF_UNIX, "/run/clamav/clamd.ctl")
    assert parse_address("/run/clamav/clamd.ctl") == (socket.AF_UNIX, "/run/clamav/clamd.ctl")
    for wrong in ("clamav", "http://clamav:3310", "tcp://:3310"):
        with pytest.raises(ValueError, match="CLAMD_ADDRESS"):
            parse_address(wrong)


def test_the_test_scanner_flags_the_eicar_string_anywhere_and_says_it_is_a_test() -> None:
    scanner = EicarOnly()
    assert scanner.test and scanner.name == "test"
    assert scanner.scan(b"%PDF-1.4 " + EICAR + b" trailer") == Infected("Eicar-Test-Signature", "test")
    assert scanner.scan(EICAR[:-1]) == Clean("test")


def test_the_configured_scanner_is_chosen_by_upload_scanner_and_clamd_address() -> None:
    from flask import Flask

    app = Flask(__name__)
    assert isinstance(build_scanner(app), EicarOnly)  # development with no daemon
    app.config.update(CLAMD_ADDRESS="tcp://127.0.0.1:3310")
    assert isinstance(build_scanner(app), Clamd)
    app.config.update(UPLOAD_SCANNER="clamd", CLAMD_ADDRESS="")
    missing = build_scanner(app).scan(b"x")  # production without an address: fail closed
    assert isinstance(missing, Unavailable) and "CLAMD_ADDRESS" in missing.reason
    app.config.update(UPLOAD_SCANNER="mcafee")
    with pytest.raises(RuntimeError, match="UPLOAD_SCANNER"):
        build_scanner(app)


def test_debians_clamav_daemon_is_known_to_the_package_manager() -> None:
    """Whether production can install clamd from the distribution (never its virus databases
    here: freshclam needs the internet). Skipped where apt is not available."""
    if shutil.which("apt-cache") is None:
        pytest.skip("no apt-cache on this machine")
    shown = subprocess.run(
        ["apt-cache", "policy", "clamav-daemon"], capture_output=True, text=True, timeout=60, check=False
    )
    if "Candidate:" not in shown.stdout:
        pytest.skip("package lists without clamav-daemon (run apt-get update)")
    assert "Candidate: (none)" not in shown.stdout


def test_ping_says_whether_clamd_answers(tcp_clamd) -> None:  # type: ignore[no-untyped-def]
    fake, address = tcp_clamd(_clean_or_eicar)
    assert Clamd(address).ping(timeout=1) is True
    assert fake.commands == [b"zPING\0"]
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    assert Clamd(closed).ping(timeout=1) is False
    assert EicarOnly().ping(timeout=1) is True


def test_readyz_is_503_while_a_required_scanner_is_down(app: Flask, tcp_clamd) -> None:  # type: ignore[no-untyped-def]
    """Production (UPLOAD_SCAN_REQUIRED) refuses every upload without clamd: such a worker is
    not ready. Without the requirement the scanner is not asked."""
    client = app.test_client()
    assert client.get("/readyz").json["checks"]["scanner"] == "not used"
    fake, address = tcp_clamd(_clean_or_eicar)
    app.config.update(UPLOAD_SCAN_REQUIRED=True, UPLOAD_SCANNER="clamd", CLAMD_ADDRESS=address)
    app.extensions["scanner"] = build_scanner(app)
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json["checks"]["scanner"]) == (200, "ok")
    fake.listener.shutdown(socket.SHUT_RDWR)  # the daemon stops (close alone would leave the
    fake.listener.close()  # port listening while its thread waits in accept)
    down = client.get("/readyz")
    assert (down.status_code, down.json["status"], down.json["checks"]["scanner"]) == (
        503, "unavailable", "unavailable")
    assert "127.0.0.1" not in down.get_data(as_text=True)
    app.config.update(CLAMD_ADDRESS="")
    app.extensions["scanner"] = build_scanner(app)  # clamd chosen, no address: never ready
    assert client.get("/readyz").status_code == 503

"""The clamd adapter against a real ClamAV daemon (Debian's clamav-daemon), where it is installed.

No virus database is downloaded (freshclam needs the internet and is not our test's business):
the daemon starts with one signature we write ourselves, for the EICAR test string, so the test
proves the protocol and the verdicts, not ClamAV's detection rate. Skipped without `clamd`.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.storage.scan import EICAR, Clamd, Clean, Infected, Unavailable
from tests import samples


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def clamd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    binary = shutil.which("clamd") or (Path("/usr/sbin/clamd") if Path("/usr/sbin/clamd").exists() else None)
    if binary is None:
        pytest.skip("clamd is not installed (Debian: apt-get install clamav-daemon)")
    root = tmp_path_factory.mktemp("clamd")
    (root / "db").mkdir()
    # An .ndb body signature: name, any file type, any offset, the bytes in hex.
    (root / "db" / "portal-test.ndb").write_text(f"Portal-Test-Eicar:0:*:{EICAR.hex()}\n")
    port = _free_port()
    sock = root / "clamd.sock"
    (root / "clamd.conf").write_text(
        f"DatabaseDirectory {root / 'db'}\nLocalSocket {sock}\nTCPSocket {port}\n"
        f"TCPAddr 127.0.0.1\nForeground yes\nLogFile {root / 'clamd.log'}\n"
        "StreamMaxLength 1M\n"
    )
    process = subprocess.Popen(
        [str(binary), "-c", str(root / "clamd.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while not sock.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("clamd did not start: " + (root / "clamd.log").read_text()[-2000:])
            time.sleep(0.2)
        yield f"tcp://127.0.0.1:{port}", f"unix://{sock}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("transport", ["tcp", "unix"])
def test_a_real_clamd_passes_clean_files_and_names_the_signature_of_an_infected_one(
    clamd: tuple[str, str], transport: str
) -> None:
    scanner = Clamd(clamd[0] if transport == "tcp" else clamd[1], timeout=30)
    assert scanner.scan(samples.pdf()) == Clean("clamd")
    assert scanner.scan(samples.jpeg()) == Clean("clamd")
    found = Infected("Portal-Test-Eicar.UNOFFICIAL", "clamd")
    assert scanner.scan(EICAR) == found
    assert scanner.scan(samples.pdf() + b"%" + EICAR + b"\n") == found


def test_a_stream_over_clamds_limit_is_unavailable_never_clean(clamd: tuple[str, str]) -> None:
    """StreamMaxLength (1 MB here) must be at least UPLOAD_MAX_BYTES in production: a longer
    file is not scanned, and the upload service then refuses it (fail closed)."""
    verdict = Clamd(clamd[0], timeout=30).scan(b"\0" * (2 * 1024 * 1024))
    assert isinstance(verdict, Unavailable)

"""Prints EDS signatures and verifications per second on this machine (a script, not a test).

Run from the repository root: ``python bench/signing.py`` or ``python -m bench.signing``;
``--seconds`` sets how long each figure is measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if not __package__:
    # Run as a file, this script's folder heads sys.path, and its modules (this one, http.py)
    # would shadow the `signing` package and the standard library: use the repository root.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from signing.base import SignRequest, system_clock
from signing.ca import CrlRevocationChecker, KeyType, TestCA
from signing.jws import sign_envelope
from signing.names import Holder
from signing.simulated import KeyFileSigner
from signing.storage import DirectoryStorage, MemoryStorage
from signing.verify import verify

PERSON = Holder("850321301238", "Сейтқали", "Нұрлан", "Асқарұлы")
PASSWORD = "bench-password"  # noqa: S105 - a TEST key store made for the run
# About the size of an application with its gateway answers (R6.4).
DOCUMENT = {
    "application": {"number": "SA-2025-000017", "members": [{"iin": "050228500011"}] * 6},
    "gateway": {"income": [{"month": m, "amount": "123456.00"} for m in range(1, 13)]},
}


def rate(action: Callable[[], object], seconds: float) -> tuple[float, int]:
    """Operations per second over at least ``seconds`` (and at least 3 runs)."""
    action()  # warm up: first use creates the CA, fills caches
    count, start = 0, time.perf_counter()
    while True:
        action()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and count >= 3:
            return count / elapsed, count


def measure(key_type: KeyType, seconds: float, workdir: Path) -> list[tuple[str, float, int]]:
    storage = MemoryStorage()
    ca = TestCA(storage, secret=b"bench", now=system_clock, key_type=key_type)
    key, certificate = ca.issue_key_pair(PERSON)
    request = SignRequest.of(DOCUMENT, signer_iin=PERSON.iin, purpose="application.submit")
    envelope = sign_envelope(request, key, certificate, ca.chain, signing_time=system_clock(), signer="bench")
    crl_checker = CrlRevocationChecker(ca.crl(), now=system_clock)

    def sign() -> object:
        return sign_envelope(request, key, certificate, ca.chain, signing_time=system_clock(), signer="bench")

    def check(checker: object) -> Callable[[], object]:
        def run() -> object:
            result = verify(
                envelope.token,
                request.document,
                trusted_roots=ca.trusted_roots,
                revocation_checker=checker,  # type: ignore[arg-type]
                expected_iin=PERSON.iin,
                now=system_clock(),
            )
            assert result.ok, result.failures
            return result

        return run

    on_disk = DirectoryStorage(workdir / key_type.value)
    disk_ca = TestCA(on_disk, secret=b"bench", now=system_clock, key_type=key_type)
    keyfile = KeyFileSigner(ca=disk_ca, storage=on_disk, now=system_clock,
                            keystore_key=b"bench-key-encryption-key")
    keyfile.enroll(PERSON, PASSWORD)

    def keyfile_signing() -> object:
        return keyfile.complete(keyfile.begin(request).id, PASSWORD)

    return [
        ("sign (key in memory)", *rate(sign, seconds)),
        ("verify (CA status lookup)", *rate(check(ca), seconds)),
        ("verify (CRL)", *rate(check(crl_checker), seconds)),
        ("key-file signing (sealed key store unlock, on disk)", *rate(keyfile_signing, seconds)),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=1.5, help="time per figure")
    args = parser.parse_args(argv)
    print(
        f"EDS signing benchmark — Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} CPU(s), one thread"
    )
    with tempfile.TemporaryDirectory() as workdir:
        for key_type, algorithm in ((KeyType.EC_P256, "ES256"), (KeyType.RSA_2048, "RS256")):
            print(f"\n{algorithm} ({key_type.value})")
            for label, per_second, count in measure(key_type, args.seconds, Path(workdir)):
                print(f"  {label:<44} {per_second:9.1f} /s  {1000 / per_second:7.2f} ms  (n={count})")


if __name__ == "__main__":
    main()

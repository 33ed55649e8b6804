"""Guessing a key store's secret: atomic tries, escalating pauses, a cap, and sealed key stores.

Security review items 1 and 3 (ASVS 5.0 V6.3.1, V2.4.1, V11.4.4, V13.3.1).
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.base import KeyStoreBlocked, LockedOut, SigningError, WeakSecret, WrongSecret
from signing.ca import TestCA
from signing.keystore import MAX_ATTEMPTS, KeyVault
from signing.names import Holder
from signing.simulated import KeyFileSigner, MobileSigner
from signing.storage import DirectoryStorage, MemoryStorage, Storage

from .conftest import KEYSTORE_KEY, PASSWORD, PIN, FakeClock


def count_evaluations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every secret the vault actually tried against a key store (the costly step)."""
    tried: list[str] = []
    original: Callable[..., Any] = KeyVault._open

    def spy(self: KeyVault, iin: str, record: dict[str, Any], secret: str) -> Any:
        tried.append(secret)
        return original(self, iin, record, secret)

    monkeypatch.setattr(KeyVault, "_open", spy)
    return tried


def burst(action: Callable[[], object], threads: int) -> list[object]:
    """Run ``action`` in many threads released at the same moment; collect results or errors."""
    barrier = threading.Barrier(threads, timeout=60)
    outcomes: list[object] = []

    def run() -> None:
        barrier.wait()
        try:
            outcomes.append(action())
        except SigningError as error:
            outcomes.append(error)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes


@pytest.mark.parametrize("backend", ["memory", "directory"])
def test_a_burst_of_parallel_wrong_pins_is_tried_at_most_max_attempts_times_V6_3_1(
    backend: str, tmp_path: Path, clock: FakeClock, citizen: Holder, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage: Storage = MemoryStorage() if backend == "memory" else DirectoryStorage(tmp_path / "s")
    ca = TestCA(storage, secret=b"ca-secret", now=clock)
    mobile = MobileSigner(ca=ca, storage=storage, now=clock, keystore_key=KEYSTORE_KEY)
    mobile.enroll(citizen, PIN)
    tried = count_evaluations(monkeypatch)
    outcomes = burst(lambda: mobile.vault.unlock(citizen.iin, "0000"), threads=40)
    assert len(tried) <= MAX_ATTEMPTS
    assert all(isinstance(o, WrongSecret | LockedOut) for o in outcomes), outcomes
    with pytest.raises(LockedOut):
        mobile.vault.unlock(citizen.iin, PIN)  # the right PIN waits out the pause too


def test_pauses_grow_and_the_key_store_is_blocked_after_the_last_one_V6_3_1(
    keyfile: KeyFileSigner, citizen: Holder, clock: FakeClock
) -> None:
    keyfile.enroll(citizen, PASSWORD)
    pauses = []
    for _ in range(4):
        for _ in range(MAX_ATTEMPTS - 1):
            with pytest.raises(WrongSecret):
                keyfile.vault.unlock(citizen.iin, "wrong-password")
        with pytest.raises(LockedOut) as locked:
            keyfile.vault.unlock(citizen.iin, "wrong-password")
        pauses.append(locked.value.until - clock())
        clock.current = locked.value.until
    assert pauses == [timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                      timedelta(hours=24)]
    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(WrongSecret):
            keyfile.vault.unlock(citizen.iin, "wrong-password")
    with pytest.raises(KeyStoreBlocked):
        keyfile.vault.unlock(citizen.iin, "wrong-password")
    clock.advance(days=30)
    with pytest.raises(KeyStoreBlocked) as blocked:
        keyfile.vault.unlock(citizen.iin, PASSWORD)
    assert blocked.value.code == "secret.blocked"
    keyfile.enroll(citizen, "a-new-password", replace=True)  # only a new key unblocks
    assert keyfile.vault.unlock(citizen.iin, "a-new-password").certificate is not None


@pytest.mark.parametrize("pin", ["", "12", "12ab", "123456789", "２５８０"])
def test_a_pin_of_the_wrong_shape_costs_no_attempt_V6_3_1(
    mobile: MobileSigner, citizen: Holder, pin: str
) -> None:
    mobile.enroll(citizen, PIN)
    for _ in range(MAX_ATTEMPTS + 2):
        with pytest.raises(SigningError) as refused:
            mobile.vault.unlock(citizen.iin, pin)
        assert not isinstance(refused.value, WrongSecret | LockedOut)
    assert mobile.vault.unlock(citizen.iin, PIN).certificate is not None


@pytest.mark.parametrize("pin", ["0000", "1111", "1234", "4321", "9876", "8901", "123456", "1212",
                                 "00000000", "13131313"])
def test_trivial_pins_are_refused_V6_2(mobile: MobileSigner, citizen: Holder, pin: str) -> None:
    with pytest.raises(WeakSecret) as weak:
        mobile.enroll(citizen, pin)
    assert weak.value.code == "secret.trivial"


@pytest.mark.parametrize("password", ["seven77", "qwerty1", "aaaaaaaaaa"])
def test_key_file_passwords_need_eight_characters_and_some_variety_V6_2(
    keyfile: KeyFileSigner, citizen: Holder, password: str
) -> None:
    with pytest.raises(WeakSecret) as weak:
        keyfile.enroll(citizen, password)
    assert weak.value.code in {"secret.length", "secret.trivial"}


def test_a_copy_of_the_storage_without_the_server_key_gives_no_private_key_V11_4_4(
    keyfile: KeyFileSigner, ca: TestCA, citizen: Holder, clock: FakeClock, storage: DirectoryStorage
) -> None:
    keyfile.enroll(citizen, PASSWORD)
    stolen = MemoryStorage()
    for key in storage.keys(""):
        stolen.put(key, storage.get(key) or b"")
    record = json.loads(stolen.get(f"keyfile/keystore/{citizen.iin}") or b"{}")
    assert record["kdf"]["alg"] == "argon2id" and record["kdf"]["memory_kib"] >= 19 * 1024
    # Nothing in the record opens with the right password alone, as a PKCS#12 would.
    for value in record.values():
        if isinstance(value, str) and not value.startswith("-----"):
            with pytest.raises(ValueError):
                pkcs12.load_key_and_certificates(base64.b64decode(value), PASSWORD.encode())
    # Neither does the vault itself when it does not hold the server's key.
    thief = KeyFileSigner(ca=ca, storage=stolen, now=clock, keystore_key=b"guessed-server-key-0")
    with pytest.raises(WrongSecret):
        thief.vault.unlock(citizen.iin, PASSWORD)
    assert keyfile.vault.unlock(citizen.iin, PASSWORD).certificate is not None

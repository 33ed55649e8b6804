"""Both storage backends keep bytes by key, report deletes truthfully and refuse odd keys."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from signing.storage import DirectoryStorage, MemoryStorage, Storage


@pytest.fixture(params=["memory", "directory"])
def any_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "memory":
        return MemoryStorage()
    return DirectoryStorage(tmp_path / "store")


def test_both_backends_fit_the_protocol(any_storage: Storage) -> None:
    assert isinstance(any_storage, Storage)


def test_what_is_put_is_got_back(any_storage: Storage) -> None:
    any_storage.put("ca/root.crt", b"\x00pem\xff")
    assert any_storage.get("ca/root.crt") == b"\x00pem\xff"


def test_a_missing_key_reads_as_none(any_storage: Storage) -> None:
    assert any_storage.get("nothing/here") is None


def test_put_replaces_the_value(any_storage: Storage) -> None:
    any_storage.put("k", b"one")
    any_storage.put("k", b"two")
    assert any_storage.get("k") == b"two"


def test_only_the_first_delete_reports_removal(any_storage: Storage) -> None:
    any_storage.put("mobile/unused/abc", b"1")
    assert any_storage.delete("mobile/unused/abc") is True
    assert any_storage.delete("mobile/unused/abc") is False
    assert any_storage.get("mobile/unused/abc") is None


def test_keys_are_listed_by_prefix_in_order(any_storage: Storage) -> None:
    for key in ("ca/revoked/0b", "ca/revoked/0a", "ca/issued/0a", "keyfile/keystore/1"):
        any_storage.put(key, b"x")
    assert any_storage.keys("ca/revoked/") == ["ca/revoked/0a", "ca/revoked/0b"]
    assert any_storage.keys("nothing/") == []


@pytest.mark.parametrize("key", ["", "/abs", "a//b", "../up", "a/../b", "a/./b", "a b", "a\\b"])
def test_odd_keys_are_refused(any_storage: Storage, key: str) -> None:
    with pytest.raises(ValueError):
        any_storage.put(key, b"x")


def test_a_directory_store_survives_a_new_instance(tmp_path: Path) -> None:
    DirectoryStorage(tmp_path).put("ca/root.key", b"secret")
    assert DirectoryStorage(tmp_path).get("ca/root.key") == b"secret"


def test_directory_files_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    DirectoryStorage(tmp_path).put("keyfile/keystore/850321301238", b"p12")
    mode = (tmp_path / "keyfile" / "keystore" / "850321301238").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_compare_and_set_changes_a_value_only_for_the_caller_whose_expectation_held(
    any_storage: Storage,
) -> None:
    assert any_storage.compare_and_set("tries/a", None, b"1") is True
    assert any_storage.compare_and_set("tries/a", None, b"x") is False  # already there
    assert any_storage.compare_and_set("tries/a", b"0", b"x") is False  # not what it is
    assert any_storage.compare_and_set("tries/a", b"1", b"2") is True
    assert any_storage.get("tries/a") == b"2"
    assert any_storage.keys("") == ["tries/a"]  # the directory's lock file is not a key


def test_parallel_increments_by_compare_and_set_lose_nothing(any_storage: Storage) -> None:
    def increment() -> None:
        while True:
            raw = any_storage.get("count")
            if any_storage.compare_and_set("count", raw, str(int(raw or b"0") + 1).encode()):
                return

    threads = [threading.Thread(target=increment) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert any_storage.get("count") == b"20"

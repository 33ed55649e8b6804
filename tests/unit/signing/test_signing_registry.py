"""Signers chosen by configuration, including a third party's by import path; package boundary."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

import signing
from signing.base import ConfigurationError, Signer
from signing.ca import TestCA
from signing.registry import build_signers
from signing.simulated import KeyFileSigner, MobileSigner
from signing.storage import DirectoryStorage

from .conftest import KEYSTORE_KEY, FakeClock

THIRD_PARTY = """
from signing.base import Challenge, SignedEnvelope, SignRequest, SigningPending


class EchoSigner:
    name = "echo"

    def __init__(self, *, now, greeting="hi"):
        self.now = now
        self.greeting = greeting

    def begin(self, request: SignRequest) -> Challenge:
        raise SigningPending()

    def complete(self, challenge_id, answer=None) -> SignedEnvelope:
        raise SigningPending()

    def cancel(self, challenge_id) -> None:
        pass
"""


@pytest.fixture
def deps(ca: TestCA, storage: DirectoryStorage, clock: FakeClock) -> dict[str, object]:
    return {"ca": ca, "storage": storage, "now": clock, "mobile_url": "/m/{token}",
            "keystore_key": KEYSTORE_KEY}


def test_the_default_configuration_builds_keyfile_and_mobile(deps: dict[str, object]) -> None:
    signers = build_signers("keyfile,mobile", **deps)
    assert list(signers) == ["keyfile", "mobile"]
    assert isinstance(signers["keyfile"], KeyFileSigner)
    assert isinstance(signers["mobile"], MobileSigner)
    assert all(isinstance(s, Signer) for s in signers.values())


def test_names_keep_configuration_order_and_ignore_spaces(deps: dict[str, object]) -> None:
    assert list(build_signers(" mobile , keyfile ,", **deps)) == ["mobile", "keyfile"]


def test_a_signer_can_be_named_by_import_path(deps: dict[str, object]) -> None:
    signers = build_signers("signing.simulated:KeyFileSigner", **deps)
    assert isinstance(signers["keyfile"], KeyFileSigner)


def test_a_third_party_signer_gets_only_what_it_asks_for(
    deps: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "acme_eds.py").write_text(textwrap.dedent(THIRD_PARTY))
    monkeypatch.syspath_prepend(str(tmp_path))
    signers = build_signers("keyfile,acme_eds:EchoSigner", greeting="salem", **deps)
    echo = signers["echo"]
    assert isinstance(echo, Signer)
    assert (echo.now, echo.greeting) == (deps["now"], "salem")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("names", "code"),
    [
        ("ncalayer", "signer.unknown"),
        ("no_such_module:Signer", "signer.unknown"),
        ("signing.simulated:NoSuchClass", "signer.unknown"),
        ("signing.storage:MemoryStorage", "signer.not_a_signer"),
        ("keyfile,signing.simulated:KeyFileSigner", "signer.duplicate"),
        (" , ", "signer.none"),
    ],
)
def test_bad_configuration_is_refused_with_a_code(deps: dict[str, object], names: str, code: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        build_signers(names, **deps)
    assert refused.value.code == code


def test_a_missing_dependency_is_named(ca: TestCA, clock: FakeClock) -> None:
    with pytest.raises(ConfigurationError) as refused:
        build_signers("keyfile", ca=ca, now=clock)
    assert refused.value.code == "signer.missing_dependency" and "storage" in str(refused.value)


def imported_packages(source: Path) -> set[str]:
    """Top-level names a module imports, read from its syntax tree."""
    found = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


SOURCES = sorted(Path(signing.__file__).parent.glob("*.py"))


def test_the_package_imports_nothing_from_the_portal_or_flask() -> None:
    for source in SOURCES:
        assert not imported_packages(source) & {"portal", "flask"}, source.name


def test_python_jose_is_called_from_one_module_only() -> None:
    assert [s.name for s in SOURCES if "jose" in imported_packages(s)] == ["jws.py"]

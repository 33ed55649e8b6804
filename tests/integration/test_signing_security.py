"""Security review of the signer, on SQLite and PostgreSQL: PIN races, sealed key stores, security
events, owner-only files, the exchange's own clock and the certificate policy (items 1, 3, 9, 11,
12 and the domain-law policy check)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import db
from portal.models import Event, Signature, SigningBlob
from portal.services import signing as svc
from portal.services.events import Actor
from portal.services.signing_store import DatabaseStorage
from signing import Action, Challenge, Holder, MemoryStorage, Role, TestCA, canonical_json
from signing.base import LockedOut, SigningError, SignRequest, WrongSecret
from signing.jws import sign_envelope
from signing.keystore import MAX_ATTEMPTS, KeyVault
from signing.simulated import MobileSigner

IIN = "850321301238"
HEAD_IIN = "760212350620"
CITIZEN = Actor("citizen", 1, "citizen")
HEAD = Actor("staff", 7, "head")
PIN, PASSWORD = "2580", "qwerty-123"
APPLICATION = canonical_json({"form": "F1-1", "ground": "fire"})
DECISION = canonical_json({"form": "F5", "number": "F5-1", "granted": True})
CITIZEN_HOLDER = Holder(iin=IIN, surname="ҚАСЫМОВ", name="БАУЫРЖАН")
HEAD_HOLDER = Holder(iin=HEAD_IIN, surname="НҰРЛАНОВА", name="СӘУЛЕ", position="Бөлім басшысы",
                     organisation="ТЕСТ әкімдігі", bin="990340001234")


@pytest.fixture
def ctx(db_app: Flask) -> svc.SigningContext:
    with db_app.app_context():
        context = svc.context()
        context.signer("keyfile").enroll(CITIZEN_HOLDER, PASSWORD)  # type: ignore[attr-defined]
        context.signer("mobile").enroll(CITIZEN_HOLDER, PIN)  # type: ignore[attr-defined]
        context.signer("keyfile").enroll(HEAD_HOLDER, "head-pass-9")  # type: ignore[attr-defined]
        return context


def _phone_token(session: Session) -> str:
    challenge = svc.start_signing(session, CITIZEN, signer_name="mobile", document=APPLICATION,
                                  signer_iin=IIN, purpose="application")
    assert challenge.link is not None
    return challenge.link.rsplit("/", 1)[1]


def test_forty_parallel_wrong_pins_are_tried_at_most_max_attempts_times_then_the_right_pin_is_refused_item_1(
    db_app: Flask, ctx: svc.SigningContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db_app.test_request_context():
        token = _phone_token(db.session())
    mobile: MobileSigner = ctx.signers["mobile"]  # type: ignore[assignment]
    tried: list[str] = []
    original: Callable[..., Any] = KeyVault._open

    def spy(self: KeyVault, iin: str, record: dict[str, Any], secret: str) -> Any:
        tried.append(secret)
        return original(self, iin, record, secret)

    monkeypatch.setattr(KeyVault, "_open", spy)
    barrier = threading.Barrier(40, timeout=60)
    outcomes: list[object] = []

    def guess() -> None:
        barrier.wait()
        try:
            outcomes.append(mobile.confirm(token, "0000"))
        except SigningError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=guess) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(tried) <= MAX_ATTEMPTS, f"{len(tried)} wrong PINs were tried"
    assert all(isinstance(o, WrongSecret | LockedOut) for o in outcomes), outcomes
    with pytest.raises(LockedOut):
        mobile.confirm(token, PIN)


def test_a_copy_of_the_database_without_the_keystore_key_opens_no_key_store_item_3(
    db_app: Flask, ctx: svc.SigningContext, session: Session
) -> None:
    stolen = MemoryStorage()
    for row in session.scalars(select(SigningBlob)):
        stolen.put(row.key, row.value)
    assert b"PRIVATE KEY" not in (stolen.get(f"mobile/keystore/{IIN}") or b"")
    # The thief has every row, the CA secret and the right PIN, but not KEYSTORE_KEY.
    ca = TestCA(stolen, secret=svc.ca_secret(db_app), now=lambda: datetime.now(UTC))
    thief = MobileSigner(ca=ca, storage=stolen, now=lambda: datetime.now(UTC),
                         keystore_key=b"not-the-servers-key-but-long-enough")
    with pytest.raises(WrongSecret):
        thief.vault.unlock(IIN, PIN)
    # Development keeps the key beside the database, never inside it, and owner-only.
    db_app.config["KEYSTORE_KEY"] = ""
    assert svc.keystore_key(db_app) == (Path(db_app.instance_path) / "keystore_key").read_bytes()
    assert (Path(db_app.instance_path) / "keystore_key").stat().st_mode & 0o777 == 0o600


def test_wrong_pins_lockouts_and_declines_are_security_events_without_iins_item_9(
    db_app: Flask, ctx: svc.SigningContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="portal.security")
    phone = db_app.test_client()
    with db_app.test_request_context():
        token = _phone_token(db.session())
    page = phone.get(f"/sign/mobile/{token}").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    for _ in range(MAX_ATTEMPTS):
        phone.post(f"/sign/mobile/{token}", data={"csrf_token": csrf, "pin": "1111"})
    with db_app.test_request_context():
        second = _phone_token(db.session())
        session = db.session()
        actions = session.scalars(select(Event.action).order_by(Event.seq)).all()
        assert actions.count("signing_secret_wrong") == MAX_ATTEMPTS - 1
        assert actions.count("signing_locked_out") == 1
    with db_app.app_context():
        # A new key lifts the lockout; then the person declines, with their PIN.
        ctx.signer("mobile").enroll(CITIZEN_HOLDER, "4680", replace=True)  # type: ignore[attr-defined]
    phone.post(f"/sign/mobile/{second}",
               data={"csrf_token": csrf, "pin": "4680", "decision": "decline"})
    with db_app.app_context():
        events = db.session().scalars(select(Event).order_by(Event.seq)).all()
    assert "signing_declined" in [e.action for e in events]
    for event in events:
        assert IIN not in json.dumps(event.data, ensure_ascii=False) + str(event.reason)
    security = [r for r in caplog.records if r.name.startswith("portal.security")]
    assert {"signing_secret_wrong", "signing_locked_out", "signing_declined"} <= {
        r.getMessage().split()[0] for r in security}
    assert all(IIN not in r.getMessage() and PIN not in r.getMessage() for r in security)


def test_issuing_and_revoking_with_the_cli_are_security_events_item_9(
    db_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="portal.security")
    runner = db_app.test_cli_runner()
    issued = runner.invoke(args=["signing", "issue-cert", "--iin", IIN, "--surname", "ҚАСЫМОВ",
                                 "--name", "БАУЫРЖАН", "--secret", PASSWORD])
    assert issued.exit_code == 0, issued.output
    serial = issued.output.split()[1]
    revoked = runner.invoke(args=["signing", "revoke", serial, "--reason", "key_compromise"])
    assert revoked.exit_code == 0, revoked.output
    with db_app.app_context():
        events = db.session().scalars(select(Event).order_by(Event.seq)).all()
    assert [(e.action, e.data["certificate_serial"]) for e in events] == [
        ("certificate_issued", serial), ("certificate_revoked", serial)]
    assert events[1].reason == "keyCompromise"
    assert all(IIN not in json.dumps(e.data) for e in events)
    assert [r.getMessage().split()[0] for r in caplog.records if r.name.startswith("portal.security")] == [
        "certificate_issued", "certificate_revoked"]


def test_a_signature_export_is_created_owner_only_even_over_an_older_file_item_12(
    db_app: Flask, ctx: svc.SigningContext, session: Session, tmp_path: Path
) -> None:
    with db_app.test_request_context():
        challenge = svc.start_signing(session, CITIZEN, signer_name="keyfile", document=APPLICATION,
                                      signer_iin=IIN, purpose="application")
        signature = svc.complete_signing(
            session, CITIZEN, signer_name="keyfile", challenge_id=challenge.id, answer=PASSWORD,
            document=APPLICATION, expected_iin=IIN, purpose="application",
            document_kind="application")
    runner = db_app.test_cli_runner()
    fresh, older = tmp_path / "fresh.json", tmp_path / "older.json"
    older.write_text("{}")
    older.chmod(0o644)
    for target in (fresh, older):
        result = runner.invoke(args=["signing", "export", str(signature.id), str(target)])
        assert result.exit_code == 0, result.output
        assert target.stat().st_mode & 0o777 == 0o600
    exported = json.loads(older.read_text())
    assert exported["envelope"] == signature.envelope and exported["policy"] == "1.2.398.3.3.4.1.1"
    assert exported["exchange_completed_at"] is not None
    checked = runner.invoke(args=["signing", "verify", str(older)])
    assert checked.exit_code == 0 and "ok   policy" in checked.output


class _BackDatingSigner:
    """Hands back an envelope made earlier with a certificate that has since expired."""

    name = "backdating"

    def __init__(self, envelope: Any) -> None:
        self._envelope = envelope

    def begin(self, request: SignRequest) -> Challenge:
        return Challenge(id="backdated-exchange-0001", signer=self.name, action=Action.ENTER_PASSWORD,
                         expires_at=datetime.now(UTC) + timedelta(minutes=10))

    def complete(self, challenge_id: str, answer: str | None = None) -> Any:
        return self._envelope

    def cancel(self, challenge_id: str) -> None:
        pass


def test_an_expired_certificate_with_a_back_dated_signing_time_is_refused_item_11(
    db_app: Flask, session: Session
) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=800)
    storage = DatabaseStorage(db.engine_of(db_app))
    # The CA has existed for years; the person's certificate ran out a year ago.
    old_ca = TestCA(storage, secret=svc.ca_secret(db_app), now=lambda: long_ago)
    key, certificate = old_ca.issue_key_pair(CITIZEN_HOLDER)
    request = SignRequest(document=APPLICATION, signer_iin=IIN, purpose="application")
    envelope = sign_envelope(request, key, certificate, old_ca.chain,
                             signing_time=long_ago + timedelta(days=100), signer="backdating")
    with db_app.test_request_context():
        svc.context().signers["backdating"] = _BackDatingSigner(envelope)  # type: ignore[assignment]
        challenge = svc.start_signing(session, CITIZEN, signer_name="backdating",
                                      document=APPLICATION, signer_iin=IIN, purpose="application")
        with pytest.raises(svc.SignatureRejected) as refused:
            svc.complete_signing(session, CITIZEN, signer_name="backdating",
                                 challenge_id=challenge.id, answer=None, document=APPLICATION,
                                 expected_iin=IIN, purpose="application",
                                 document_kind="application")
    assert refused.value.result.reason_codes == ["validity.outside_exchange"]
    assert session.scalar(select(Signature)) is None


def test_the_server_times_and_the_policy_are_kept_with_the_signature_and_used_again_item_11(
    db_app: Flask, ctx: svc.SigningContext, session: Session
) -> None:
    with db_app.test_request_context():
        before = datetime.now(UTC)
        challenge = svc.start_signing(session, CITIZEN, signer_name="keyfile", document=APPLICATION,
                                      signer_iin=IIN, purpose="application")
        signature = svc.complete_signing(
            session, CITIZEN, signer_name="keyfile", challenge_id=challenge.id, answer=PASSWORD,
            document=APPLICATION, expected_iin=IIN, purpose="application",
            document_kind="application")
        assert signature.exchange_started_at is not None and signature.exchange_completed_at is not None
        assert before <= signature.exchange_started_at <= signature.exchange_completed_at
        assert signature.policy == "1.2.398.3.3.4.1.1"
        # Moving the stored exchange a day later makes the envelope's own time fall outside it.
        signature.exchange_started_at += timedelta(days=1)
        signature.exchange_completed_at += timedelta(days=1)
        session.commit()
        found = svc.verify_stored(session, signature.verification_code)
        assert found is not None and found[1].reason_codes == ["validity.outside_exchange"]


def test_a_staff_certificate_cannot_sign_a_citizen_application_nor_a_citizen_a_decision(
    db_app: Flask, ctx: svc.SigningContext, session: Session
) -> None:
    cases = [(CITIZEN, HEAD_IIN, "head-pass-9", APPLICATION, "application", Role.CITIZEN),
             (HEAD, IIN, PASSWORD, DECISION, "decision", Role.STAFF)]
    with db_app.test_request_context():
        for actor, iin, secret, document, purpose, role in cases:
            challenge = svc.start_signing(session, actor, signer_name="keyfile", document=document,
                                          signer_iin=iin, purpose=purpose, role=role)
            with pytest.raises(svc.SignatureRejected) as refused:
                svc.complete_signing(session, actor, signer_name="keyfile",
                                     challenge_id=challenge.id, answer=secret, document=document,
                                     expected_iin=iin, purpose=purpose, document_kind=purpose)
            assert refused.value.result.reason_codes == ["policy.mismatch"]


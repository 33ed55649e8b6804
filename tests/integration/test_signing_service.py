"""The portal's signing service on both databases: storage, full signings, refusals, CLI (#3, R6.4, L5)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import db
from portal.models import Event, Signature
from portal.services import signing as svc
from portal.services.events import Actor
from portal.services.signing_store import DatabaseStorage
from signing import FailureMode, Holder, Role, canonical_json
from signing.base import ChallengeUnknown, SigningCancelled, TokenUsed, WrongSecret

IIN = "850321301238"
OTHER_IIN = "921231445671"
CITIZEN = Actor("citizen", 1, "citizen")
HEAD = Actor("staff", 7, "head")
APPLICATION = canonical_json({"form": "F1-1", "ground": "fire", "gateway": [{"query": 1}]})


def _start(session: Session, signer: str = "keyfile", **extra: Any) -> Any:
    return svc.start_signing(session, CITIZEN, signer_name=signer, document=APPLICATION,
                             signer_iin=IIN, purpose="application", **extra)


def _complete(session: Session, challenge_id: str, *, signer: str = "keyfile",
              answer: str | None = "qwerty-123", document: bytes = APPLICATION,
              expected_iin: str = IIN) -> Signature:
    return svc.complete_signing(session, CITIZEN, signer_name=signer, challenge_id=challenge_id,
                                answer=answer, document=document, expected_iin=expected_iin,
                                purpose="application", document_kind="application")


@pytest.fixture
def ctx(db_app: Flask) -> svc.SigningContext:
    with db_app.app_context():
        context = svc.context()
        holder = Holder(iin=IIN, surname="ҚАСЫМОВ", name="БАУЫРЖАН", patronymic="СЕРІКҰЛЫ")
        context.signer("keyfile").enroll(holder, "qwerty-123")  # type: ignore[attr-defined]
        context.signer("mobile").enroll(holder, "2580")  # type: ignore[attr-defined]
        return context


def test_database_storage_keeps_deletes_once_and_lists_by_prefix(db_app: Flask) -> None:
    store = DatabaseStorage(db.engine_of(db_app))
    store.put("a/one", b"1")
    store.put("a/one", b"2")
    store.put("a_b/x", b"3")
    store.put("ab/x", b"4")
    assert store.get("a/one") == b"2"
    assert store.keys("a_") == ["a_b/x"]  # "_" is not a wildcard
    assert store.keys("a") == ["a/one", "a_b/x", "ab/x"]
    assert store.delete("a/one") is True
    assert store.delete("a/one") is False
    assert store.get("a/one") is None
    with pytest.raises(ValueError):
        store.get("../etc")


def test_a_one_time_record_is_deleted_by_exactly_one_of_many_workers(db_app: Flask) -> None:
    store = DatabaseStorage(db.engine_of(db_app))
    store.put("token/t1", b"x")
    winners: list[bool] = []
    threads = [threading.Thread(target=lambda: winners.append(store.delete("token/t1")))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(winners) == [False, False, False, True]


def test_compare_and_set_on_the_database_has_one_winner_among_racing_workers(
    db_app: Flask,
) -> None:
    store = DatabaseStorage(db.engine_of(db_app))
    store.put("tries/p", b"0")
    winners: list[bool] = []
    barrier = threading.Barrier(8, timeout=60)

    def claim() -> None:
        barrier.wait()
        winners.append(store.compare_and_set("tries/p", b"0", b"1"))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(winners) == [False] * 7 + [True]
    assert store.compare_and_set("fresh/k", None, b"a") is True
    assert store.compare_and_set("fresh/k", None, b"b") is False
    assert store.get("fresh/k") == b"a"


def test_a_key_file_signing_is_verified_stored_and_recorded_R6_4(
    db_app: Flask, session: Session, ctx: svc.SigningContext
) -> None:
    with db_app.test_request_context():
        challenge = _start(session)
        assert challenge.certificate is not None and challenge.certificate.iin == IIN
        signature = _complete(session, challenge.id)
        assert signature.document == APPLICATION
        actions = session.scalars(select(Event.action).order_by(Event.seq)).all()
        assert actions == ["signing_started", "signed"]
        found = svc.verify_stored(session, signature.verification_code)
        assert found is not None and found[1].ok


def test_a_wrong_key_password_stores_nothing(
    db_app: Flask, session: Session, ctx: svc.SigningContext
) -> None:
    with db_app.test_request_context():
        challenge = _start(session)
        with pytest.raises(WrongSecret) as caught:
            _complete(session, challenge.id, answer="wrong-pass-1")
        assert caught.value.attempts_left == 2
        assert session.scalar(select(func.count()).select_from(Signature)) == 0
        wrong = session.scalars(select(Event).where(Event.action == "signing_secret_wrong")).one()
        assert wrong.data["attempts_left"] == 2 and IIN not in str(wrong.data)  # item 9


def test_a_changed_document_is_rejected_and_the_refusal_recorded(
    db_app: Flask, session: Session, ctx: svc.SigningContext
) -> None:
    with db_app.test_request_context():
        challenge = _start(session)
        with pytest.raises(svc.SignatureRejected) as caught:
            _complete(session, challenge.id, document=APPLICATION + b" ")
        assert not caught.value.result.digest_matches
        assert session.scalar(select(func.count()).select_from(Signature)) == 0
        last = session.scalars(select(Event).order_by(Event.seq.desc())).first()
        assert last is not None and last.action == "signature_rejected"


def test_a_signature_by_someone_else_is_rejected(
    db_app: Flask, session: Session, ctx: svc.SigningContext
) -> None:
    with db_app.test_request_context():
        challenge = _start(session)
        with pytest.raises(svc.SignatureRejected) as caught:
            _complete(session, challenge.id, expected_iin=OTHER_IIN)
        assert not caught.value.result.iin_matches


def test_mobile_signing_across_devices_with_a_single_use_token(
    db_app: Flask, session: Session, ctx: svc.SigningContext
) -> None:
    with db_app.test_request_context():
        challenge = _start(session, "mobile", title="F1-1")
        assert challenge.qr_svg is not None and challenge.qr_svg.lstrip().startswith("<")
        assert challenge.link is not None
        token = challenge.link.rsplit("/", 1)[1]
        phone = ctx.signer("mobile")
        assert phone.open(token).title == "F1-1"  # type: ignore[attr-defined]
        phone.confirm(token, "2580")  # type: ignore[attr-defined]
        with pytest.raises(TokenUsed):
            phone.confirm(token, "2580")  # type: ignore[attr-defined]
        signature = _complete(session, challenge.id, signer="mobile", answer=None)
        assert signature.signer_iin == IIN
        again = _complete(session, challenge.id, signer="mobile", answer=None)
        assert again.id == signature.id
        assert session.scalar(select(func.count()).select_from(Signature)) == 1
        assert session.scalar(
            select(func.count()).select_from(Event).where(Event.action == "signed")) == 1


def test_a_scripted_cancel_is_reported_as_cancelled(
    db_app: Flask, session: Session, ctx: svc.SigningContext
) -> None:
    with db_app.test_request_context():
        challenge = _start(session, "mobile", failure_mode=FailureMode.CANCEL)
        token = (challenge.link or "").rsplit("/", 1)[1]
        with pytest.raises(SigningCancelled):
            ctx.signer("mobile").confirm(token, "2580")  # type: ignore[attr-defined]


def test_staff_sign_decisions_through_the_same_path_L5(db_app: Flask, session: Session) -> None:
    head_iin = "760212350620"
    with db_app.test_request_context():
        context = svc.context()
        context.signer("keyfile").enroll(  # type: ignore[attr-defined]
            Holder(iin=head_iin, surname="НҰРЛАНОВА", name="СӘУЛЕ", position="Бөлім басшысы",
                   organisation="ТЕСТ әкімдігі", bin="990340001234"), "head-pass-9")
        decision = canonical_json({"form": "F5", "number": "F5-1", "granted": True})
        challenge = svc.start_signing(session, HEAD, signer_name="keyfile", document=decision,
                                      signer_iin=head_iin, purpose="decision", role=Role.STAFF)
        signature = svc.complete_signing(
            session, HEAD, signer_name="keyfile", challenge_id=challenge.id, answer="head-pass-9",
            document=decision, expected_iin=head_iin, purpose="decision", document_kind="decision",
        )
        assert signature.signer_role == "head"


def test_cli_issues_exports_verifies_and_revokes(db_app: Flask, tmp_path: Path,
                                                 session: Session) -> None:
    runner = db_app.test_cli_runner()
    issued = runner.invoke(args=["signing", "issue-cert", "--iin", IIN, "--surname", "ҚАСЫМОВ",
                                 "--name", "БАУЫРЖАН", "--secret", "qwerty-123"])
    assert issued.exit_code == 0, issued.output
    serial = issued.output.split()[1]
    with db_app.test_request_context():
        challenge = _start(session)
        signature = _complete(session, challenge.id)
    bundle = tmp_path / "sig.json"
    assert runner.invoke(args=["signing", "export", str(signature.id), str(bundle)]).exit_code == 0
    checked = runner.invoke(args=["signing", "verify", str(bundle)])
    assert checked.exit_code == 0 and "VALID" in checked.output
    assert checked.output.count("ok  ") >= 7

    tampered = json.loads(bundle.read_text())
    tampered["document"] = "e30="  # "{}"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(tampered))
    refused = runner.invoke(args=["signing", "verify", str(bad)])
    assert refused.exit_code == 1 and "INVALID" in refused.output

    revoked = runner.invoke(args=["signing", "revoke", serial, "--reason", "key_compromise"])
    assert revoked.exit_code == 0, revoked.output
    after = runner.invoke(args=["signing", "verify", str(bundle)])
    assert after.exit_code == 1 and "FAIL" in after.output


def test_cli_refuses_a_bad_iin_and_a_file_that_is_not_a_signature(
    db_app: Flask, tmp_path: Path
) -> None:
    runner = db_app.test_cli_runner()
    bad = runner.invoke(args=["signing", "issue-cert", "--iin", "123", "--surname", "A",
                              "--name", "B", "--secret", "qwerty-123"])
    assert bad.exit_code != 0 and "IIN" in bad.output
    junk = tmp_path / "junk.json"
    junk.write_text("[]")
    refused = runner.invoke(args=["signing", "verify", str(junk)])
    assert refused.exit_code != 0 and "not a signature file" in refused.output


@pytest.mark.parametrize("signer", ["mobile", "keyfile"])
def test_two_requests_completing_one_exchange_store_one_signature(
    db_app: Flask, ctx: svc.SigningContext, signer: str
) -> None:
    with db_app.test_request_context():
        challenge = _start(db.session(), signer)
        if signer == "mobile":
            assert challenge.link is not None
            ctx.signer("mobile").confirm(challenge.link.rsplit("/", 1)[1], "2580")  # type: ignore[attr-defined]
    answer = None if signer == "mobile" else "qwerty-123"
    results: list[object] = []

    def finish() -> None:
        with db_app.test_request_context():
            try:
                results.append(_complete(db.session(), challenge.id, signer=signer,
                                         answer=answer).id)
            except ChallengeUnknown as exc:  # key file: the loser may find it already used
                results.append(exc)
            except BaseException as exc:  # anything else is a defect, reported below
                results.append(exc)

    threads = [threading.Thread(target=finish) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [r for r in results if isinstance(r, int)]
    others = [r for r in results if not isinstance(r, int)]
    assert ids and len(set(ids)) == 1, results
    assert all(isinstance(r, ChallengeUnknown) for r in others), results
    if signer == "mobile":
        assert len(ids) == 2  # the phone's envelope stays collectable: both get the signature
    with db_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Signature)) == 1


def test_a_finished_exchange_is_not_handed_to_another_document_or_person(
    db_app: Flask, session: Session, ctx: svc.SigningContext
) -> None:
    with db_app.test_request_context():
        challenge = _start(session)
        _complete(session, challenge.id)
        with pytest.raises(svc.SignatureMismatch):
            _complete(session, challenge.id, document=canonical_json({"other": 1}))
        with pytest.raises(svc.SignatureMismatch):
            _complete(session, challenge.id, expected_iin=OTHER_IIN)


def test_finished_exchanges_are_purged_after_their_grace_period(
    db_app: Flask, session: Session, ctx: svc.SigningContext
) -> None:
    with db_app.test_request_context():
        _start(session, "mobile")
        store = ctx.storage
        assert store.keys("mobile/challenge/")
        assert ctx.purge() == 0  # still within its time
        for key in store.keys("mobile/challenge/"):
            record = json.loads(store.get(key) or b"{}")
            record["expires_at"] = "2000-01-01T00:00:00+00:00"
            store.put(key, json.dumps(record).encode())
        assert ctx.purge() == 1
        assert store.keys("mobile/challenge/") == []

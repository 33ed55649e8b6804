"""Signing in with EDS as a use case, on both databases: single use, 5 minutes, the right person
and the right document only; the demo people can sign in with their printed TEST secrets."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import db
from portal.cli import demo
from portal.db import utcnow
from portal.models import Citizen, Event, WebSession
from portal.services import eds_sign_in as eds
from portal.services import signing as svc
from signing import FailureMode, Holder
from tests.factories import create_citizen

IIN = "850321301238"
PASSWORD = "qwerty-123"
PORTAL = "https://portal.example.kz"


@pytest.fixture
def signed_up(db_app: Flask) -> Iterator[Session]:
    """A confirmed citizen with a TEST key file, inside a request (sign-in sets the cookie)."""
    with db_app.test_request_context():
        svc.context().signer("keyfile").enroll(  # type: ignore[attr-defined]
            Holder(iin=IIN, surname="ҚАСЫМОВ", name="БАУЫРЖАН"), PASSWORD)
        session = db.session()
        create_citizen(session, iin=IIN, confirmed_at=utcnow())
        session.commit()
        yield session


def _start(session: Session, **extra: object) -> str:
    return eds.start(session, audience=eds.Audience.CITIZEN, signer_name="keyfile", iin=IIN,
                     portal=PORTAL, now=utcnow(), **extra).id  # type: ignore[arg-type]


def _complete(session: Session, challenge_id: str, *, now: dt.datetime | None = None) -> eds.Signed:
    return eds.complete(session, audience=eds.Audience.CITIZEN, challenge_id=challenge_id,
                        answer=PASSWORD, now=now or utcnow(), locale="kk")


def test_the_challenge_holds_a_nonce_the_portal_the_purpose_and_the_time_nothing_personal() -> None:
    now = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
    one = json.loads(eds.challenge_document(eds.Audience.CITIZEN, portal=PORTAL, now=now))
    two = json.loads(eds.challenge_document(eds.Audience.CITIZEN, portal=PORTAL, now=now))
    assert one["purpose"] == "sign_in" and one["portal"] == PORTAL
    assert one["issued_at"] == "2026-11-27T08:00:00+00:00"
    assert len(one["nonce"]) >= 32 and one["nonce"] != two["nonce"]
    assert set(one) == {"audience", "issued_at", "nonce", "portal", "purpose"}
    staff = json.loads(eds.challenge_document(eds.Audience.STAFF, portal=PORTAL, now=now))
    assert staff["purpose"] == "staff_sign_in"


def test_sign_in_purposes_need_the_individual_and_the_employee_policy() -> None:
    from signing import Policy, Role

    assert svc.policy_for("sign_in", Role.STAFF) is Policy.INDIVIDUAL
    assert svc.policy_for("staff_sign_in", Role.CITIZEN) is Policy.EMPLOYEE


def test_a_challenge_signs_in_once(signed_up: Session) -> None:
    challenge_id = _start(signed_up)
    assert _complete(signed_up, challenge_id).created is False
    with pytest.raises(eds.SignInRefused) as refused:
        _complete(signed_up, challenge_id)
    assert refused.value.code == "challenge.unknown"
    assert len(signed_up.scalars(select(WebSession)).all()) == 1


def test_a_challenge_older_than_5_minutes_is_refused(signed_up: Session) -> None:
    challenge_id = _start(signed_up)
    later = utcnow() + eds.CHALLENGE_LIFETIME + dt.timedelta(seconds=1)
    with pytest.raises(eds.SignInRefused) as refused:
        _complete(signed_up, challenge_id, now=later)
    assert refused.value.code == "challenge.expired"
    with pytest.raises(eds.SignInRefused):  # and it is gone for good
        _complete(signed_up, challenge_id)
    assert signed_up.scalars(select(WebSession)).all() == []
    assert signed_up.scalars(select(Event.reason).order_by(Event.seq.desc())).first() == (
        "challenge.unknown")


def test_a_signature_by_another_person_is_refused(signed_up: Session) -> None:
    challenge_id = _start(signed_up, failure_mode=FailureMode.WRONG_PERSON)
    with pytest.raises(eds.SignInRefused) as refused:
        _complete(signed_up, challenge_id)
    assert refused.value.code == "signature.rejected"
    assert signed_up.scalars(select(WebSession)).all() == []


def test_a_signature_for_another_document_is_refused(signed_up: Session) -> None:
    challenge_id = _start(signed_up)
    storage = svc.context().storage
    key = f"portal-sign-in/{challenge_id}"
    record = json.loads(storage.get(key) or b"{}")
    # The portal now expects other bytes than the signer was asked to sign.
    record["document"] = eds.challenge_document(eds.Audience.CITIZEN, portal=PORTAL,
                                                now=utcnow()).decode()
    storage.put(key, json.dumps(record).encode())
    with pytest.raises(eds.SignInRefused) as refused:
        _complete(signed_up, challenge_id)
    assert refused.value.code == "signature.rejected"


def test_a_revoked_certificate_is_refused(signed_up: Session) -> None:
    challenge_id = _start(signed_up, failure_mode=FailureMode.REVOKED)
    with pytest.raises(eds.SignInRefused):
        _complete(signed_up, challenge_id)


def test_an_unconfirmed_registration_of_the_iin_is_taken_over_by_the_key(db_app: Flask) -> None:
    from tests.factories import load_registers

    with db_app.test_request_context():
        session = db.session()
        load_registers(session)
        svc.context().signer("keyfile").enroll(  # type: ignore[attr-defined]
            Holder(iin=IIN, surname="ҚАСЫМОВ", name="БАУЫРЖАН", patronymic="СЕРІКҰЛЫ"),
            PASSWORD)
        # Somebody typed this IIN at registration and never confirmed the phone.
        create_citizen(session, iin=IIN, surname="Бөтен", phone="+77019998877",
                       password_hash="x")
        session.commit()
        signed = _complete(session, _start(session))
        assert signed.created
        citizen = session.scalar(select(Citizen).where(Citizen.iin == IIN))
        assert citizen is not None and citizen.surname == "Қасымов"
        assert citizen.phone is None and citizen.password_hash is None
        assert citizen.confirmed_at is not None


def _csrf(client: object, url: str) -> str:
    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")  # type: ignore[attr-defined]
    field = page.select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def test_demo_people_get_test_keys_once_and_sign_in_with_the_printed_secrets(
    db_app: Flask,
) -> None:
    db_app.config["LOAD_DEMO_DATA"] = True
    runner = db_app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert demo.KEY_FILE_PASSWORD in first.output and demo.PHONE_PIN in first.output
    assert demo.STAFF_IINS["head"] in first.output
    people = len(demo.CITIZENS) + len(demo.STAFF)
    assert f"{people * 2} issued now, 0 issued before" in first.output
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and f"0 issued now, {people * 2} issued before" in again.output

    client = db_app.test_client()
    for url, iin, home in (("/sign-in/staff/eds", demo.STAFF_IINS["head"], "/staff/"),
                           ("/sign-in/eds", demo.CITIZENS[0][0], "/cabinet/")):
        csrf = _csrf(client, url)
        page = BeautifulSoup(client.post(url, data={"csrf_token": csrf, "iin": iin,
                                                    "signer": "keyfile"}).get_data(as_text=True),
                             "html.parser")
        challenge = page.select_one("input[name=challenge_id]")
        assert challenge is not None
        done = client.post(url + "/complete", data={"csrf_token": csrf,
                                                     "challenge_id": challenge["value"],
                                                     "password": demo.KEY_FILE_PASSWORD})
        assert done.status_code == 303 and done.headers["Location"] == home
        client = db_app.test_client()  # a new browser for the next person

"""Signing in with EDS: the portal issues a one-time challenge document, the person signs it like
any other document (`services/signing.py`), and a verified signature starts a session.

The challenge record (the exact bytes, whose key was asked for, when) lives in the signing storage
beside the signer's own exchange, so any worker can finish it; the browser session keeps only the
exchange id. The record is claimed with the storage's atomic ``delete`` after the signature
verified, so a challenge signs in at most once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.forms import Sex
from portal.domain.iin import parse_iin
from portal.models import Citizen, SignInMethod, StaffUser, SubjectKind, WebSession
from portal.services import accounts, events
from portal.services import signing as signing_service
from portal.web import access
from signing import Challenge, FailureMode, Role, canonical_json
from signing.base import (
    KeyStoreBlocked,
    LockedOut,
    SecretRequired,
    SigningError,
    SigningPending,
    UnlockBusy,
    WeakSecret,
    WrongSecret,
)
from signing.jws import parse_envelope
from signing.names import describe_certificate

log = logging.getLogger("portal.security")

CHALLENGE_LIFETIME = dt.timedelta(minutes=5)
ANONYMOUS = events.Actor("public", None, "anonymous")
_RECORD = "portal-sign-in/{}"


class Audience(StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"


# The purpose names the audience, so a challenge for one can never sign in to the other, and the
# purpose decides the certificate policy (signing.PURPOSE_POLICY): individual or employee.
PURPOSE = {Audience.CITIZEN: "sign_in", Audience.STAFF: "staff_sign_in"}


class SignInRefused(Exception):
    """The sign-in cannot go on; ``code`` says why in words the view translates."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Signed:
    subject_kind: SubjectKind
    subject_id: int
    created: bool  # a citizen account was created by this sign-in
    session: WebSession


def challenge_document(audience: Audience, *, portal: str, now: dt.datetime,
                       nonce: str | None = None) -> bytes:
    """What the person signs: nothing personal, only a random nonce, where, why and when."""
    return canonical_json({
        "audience": audience.value, "issued_at": now.astimezone(dt.UTC).isoformat(),
        "nonce": nonce or secrets.token_urlsafe(24), "portal": portal,
        "purpose": PURPOSE[audience],
    })


def start(session: Session, *, audience: Audience, signer_name: str, iin: str, portal: str,
          now: dt.datetime, failure_mode: FailureMode = FailureMode.NONE) -> Challenge:
    """Begin signing a fresh challenge with the key of ``iin`` (the simulators find a key by the
    IIN, as NCALayer finds the file the person picks). Commits."""
    document = challenge_document(audience, portal=portal, now=now)
    challenge = signing_service.start_signing(
        session, ANONYMOUS, signer_name=signer_name, document=document, signer_iin=iin,
        purpose=PURPOSE[audience], role=Role.STAFF if audience is Audience.STAFF else Role.CITIZEN,
        title=portal.split("://", 1)[-1], failure_mode=failure_mode)
    record = {"audience": audience.value, "document": document.decode(), "iin": iin,
              "signer": signer_name, "issued_at": now.astimezone(dt.UTC).isoformat()}
    signing_service.context().storage.put(_RECORD.format(challenge.id),
                                          json.dumps(record).encode())
    return challenge


def forget(challenge_id: str) -> None:
    """Drop a challenge record (the person started again or gave up)."""
    signing_service.context().storage.delete(_RECORD.format(challenge_id))


def signer_iin_of(challenge_id: str) -> str | None:
    record = _load(challenge_id)
    return None if record is None else str(record["iin"])


def _load(challenge_id: str) -> dict[str, str] | None:
    if not challenge_id or len(challenge_id) > 100:
        return None
    try:
        raw = signing_service.context().storage.get(_RECORD.format(challenge_id))
    except ValueError:  # not a key the storage accepts
        return None
    return None if raw is None else dict(json.loads(raw))


def _refuse(session: Session, code: str, *, audience: Audience, challenge_id: str) -> SignInRefused:
    session.rollback()
    events.record(session, ANONYMOUS, "eds_sign_in_failed", reason=code,
                  data={"audience": audience.value,
                        "exchange": signing_service.exchange_ref(challenge_id)})
    session.commit()
    log.warning("eds_sign_in_failed audience=%s reason=%s exchange=%s", audience.value, code,
                signing_service.exchange_ref(challenge_id))
    return SignInRefused(code)


def complete(session: Session, *, audience: Audience, challenge_id: str, answer: str | None,
             now: dt.datetime, locale: str) -> Signed:
    """Finish the signing, verify every check, claim the challenge once, find (or, for a citizen,
    create) the account and start the session. Commits.

    Raises ``SigningPending`` while the phone has not answered and the signer's own refusals of a
    password or PIN, missing or misshapen ones too (the person may try again on the same
    challenge); everything else that stops
    the sign-in is a ``SignInRefused`` with an event."""
    record = _load(challenge_id)
    if record is None or record["audience"] != audience.value:
        raise _refuse(session, "challenge.unknown", audience=audience, challenge_id=challenge_id)
    signer_name = record["signer"]
    if now - dt.datetime.fromisoformat(record["issued_at"]) > CHALLENGE_LIFETIME:
        forget(challenge_id)
        signer = signing_service.context().signers.get(signer_name)
        if signer is not None:
            signer.cancel(challenge_id)
        raise _refuse(session, "challenge.expired", audience=audience, challenge_id=challenge_id)
    try:
        signature = signing_service.complete_signing(
            session, ANONYMOUS, signer_name=signer_name, challenge_id=challenge_id, answer=answer,
            document=record["document"].encode(), expected_iin=record["iin"],
            purpose=PURPOSE[audience], document_kind=PURPOSE[audience])
    except (SigningPending, WrongSecret, LockedOut, KeyStoreBlocked, SecretRequired, WeakSecret,
            UnlockBusy):
        raise  # the same challenge may be tried again (a blocked key store says so itself)
    except (signing_service.SignatureRejected, signing_service.SignatureRejectedBefore):
        forget(challenge_id)
        raise _refuse(session, "signature.rejected", audience=audience,
                      challenge_id=challenge_id) from None
    except signing_service.SignatureMismatch:
        forget(challenge_id)
        raise _refuse(session, "challenge.unknown", audience=audience,
                      challenge_id=challenge_id) from None
    except SigningError as error:
        forget(challenge_id)
        raise _refuse(session, error.code, audience=audience, challenge_id=challenge_id) from None
    # The one step that decides who uses this challenge: exactly one caller deletes the record.
    if not signing_service.context().storage.delete(_RECORD.format(challenge_id)):
        raise _refuse(session, "challenge.unknown", audience=audience, challenge_id=challenge_id)
    iin = signature.signer_iin  # verified: the certificate's IIN is the one whose key was asked
    if audience is Audience.STAFF:
        return _staff_session(session, iin, challenge_id=challenge_id)
    citizen = accounts.find(session, iin)
    created = citizen is None or citizen.confirmed_at is None
    if created:
        citizen = _citizen_from_certificate(session, citizen, iin, signature.envelope, now=now,
                                            challenge_id=challenge_id)
    assert citizen is not None
    row = accounts.complete_sign_in(session, citizen, SignInMethod.EDS, now=now, locale=locale)
    return Signed(SubjectKind.CITIZEN, citizen.id, created, row)


def _same_name(a: str | None, b: str | None) -> bool:
    return (a or "").strip().casefold() == (b or "").strip().casefold()


def _citizen_from_certificate(session: Session, citizen: Citizen | None, iin: str, envelope: str,
                              *, now: dt.datetime, challenge_id: str) -> Citizen:
    """A confirmed account with no password, named as the certificate names the person, born
    when the State database of individuals says."""
    from portal.gateway import gateway

    certificates = parse_envelope(envelope).certificates
    if not certificates:
        raise _refuse(session, "signature.rejected", audience=Audience.CITIZEN,
                      challenge_id=challenge_id)
    info = describe_certificate(certificates[0])
    result = gateway().person(iin)
    person = result.person
    if person is None:
        code = "register.retry" if result.may_retry else "register.not_found"
        raise _refuse(session, code, audience=Audience.CITIZEN, challenge_id=challenge_id)
    # The certificate says the name in capitals; the register's spelling is kept when it agrees.
    surname = person.surname if _same_name(person.surname, info.surname) else info.surname.title()
    given = (person.given_name if _same_name(person.given_name, info.given_name)
             else info.given_name.title())
    patronymic: str | None = info.patronymic.title() or None
    if _same_name(person.patronymic, info.patronymic):
        patronymic = person.patronymic
    if citizen is None:
        citizen = Citizen(iin=iin, surname=surname, given_name=given, patronymic=patronymic,
                          birth_date=person.birth_date,
                          sex=Sex(parse_iin(iin).sex.value.lower()))
        session.add(citizen)
    else:
        # An unconfirmed registration may have been started by someone who typed this IIN: the
        # key proves who the person is, so nothing that stranger chose is kept.
        citizen.surname, citizen.given_name, citizen.patronymic = surname, given, patronymic
        citizen.birth_date = person.birth_date
        citizen.phone = None
        citizen.password_hash = None
        citizen.password_changed_at = None
    citizen.confirmed_at = now
    session.flush()
    events.record(session, accounts.actor_of(citizen), "registered", data={"method": "eds"})
    return citizen


def _staff_session(session: Session, iin: str, *, challenge_id: str) -> Signed:
    """The key replaces both the password and the second factor: it is something the person has,
    unlocked by something they know."""
    staff = session.scalars(select(StaffUser).where(StaffUser.iin == iin,
                                                    StaffUser.active.is_(True))).all()
    if len(staff) != 1:
        raise _refuse(session, "staff.unknown", audience=Audience.STAFF,
                      challenge_id=challenge_id)
    member = staff[0]
    row = access.start_session(SubjectKind.STAFF, member.id, SignInMethod.EDS)
    events.record(session, events.Actor("staff", member.id, member.role.value), "signed_in",
                  data={"method": SignInMethod.EDS})
    session.commit()
    return Signed(SubjectKind.STAFF, member.id, False, row)


def refuse_unknown(session: Session, *, audience: Audience, challenge_id: str) -> None:
    """Record a try to finish a challenge this browser did not start (or none at all)."""
    _refuse(session, "challenge.unknown", audience=audience, challenge_id=challenge_id)

"""Signing documents from the portal: start, complete, verify and keep the signature (R6.4, L5).

The citizen journey (application F1-1) and the staff journeys (decision F5, notifications F6/F7)
all come through here, so every signature is verified the same way before it is stored.

Call these with no uncommitted writes in the session: the signer keeps its state through its own
short transactions (signing_store.py), and on SQLite a pending write of the request would make
them wait for the lock it holds.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import db
from portal.db import utcnow
from portal.instance import instance_secret
from portal.models import Signature
from portal.services.events import Actor, record
from portal.services.signing_store import DatabaseStorage
from signing import (
    Challenge,
    FailureMode,
    Policy,
    Role,
    SignedEnvelope,
    Signer,
    SignRequest,
    Storage,
    TestCA,
    VerificationResult,
    build_signers,
    digest,
    verify,
)
from signing.base import ChallengeUnknown, KeyStoreBlocked, LockedOut, WrongSecret

log = logging.getLogger("portal.security.signing")


class SignatureRejected(Exception):
    """The signer produced an envelope that does not verify; nothing was stored."""

    def __init__(self, result: VerificationResult) -> None:
        super().__init__(", ".join(result.reason_codes))
        self.result = result


class SignatureRejectedBefore(Exception):
    """This exchange already produced a signature that failed verification."""

    def __init__(self, reason_codes: list[str]) -> None:
        super().__init__(", ".join(reason_codes))
        self.reason_codes = reason_codes


class UnknownSigner(Exception):
    pass


class SignatureMismatch(Exception):
    """A signing exchange that was already completed for another document, person or case."""


_REJECTED = "portal-rejected/{}"
_STARTED = "portal-started/{}"
# Whom each document is signed by: a citizen as an individual, staff for their organisation.
PURPOSE_POLICY = {
    "application": Policy.INDIVIDUAL,
    "decision": Policy.EMPLOYEE,
    "notification": Policy.EMPLOYEE,
    # Signing in with EDS (services/eds_sign_in.py): a citizen as an individual, staff as staff.
    "sign_in": Policy.INDIVIDUAL,
    "staff_sign_in": Policy.EMPLOYEE,
}


# Purposes (by prefix) a citizen may confirm with a one-time SMS code instead of an EDS.
SMS_PURPOSES = frozenset({"application"})


def policy_for(purpose: str, role: Role, signer_name: str | None = None) -> Policy:
    """The certificate policy a signature for ``purpose`` needs; unknown purposes go by role.

    An SMS confirmation (the portal's own key vouching for a code typed back) is accepted only
    for a citizen's application; for anything else the EDS policy stands, so the portal's SMS
    certificate fails the policy check there."""
    default = Policy.EMPLOYEE if role is Role.STAFF else Policy.INDIVIDUAL
    policy = PURPOSE_POLICY.get(purpose, PURPOSE_POLICY.get(purpose.split(".", 1)[0], default))
    if signer_name == "sms" and role is Role.CITIZEN and purpose.split(".", 1)[0] in SMS_PURPOSES:
        return Policy.SMS_CONFIRMATION
    return policy


def exchange_ref(challenge_id: str) -> str:
    """What the audit log and the logs name an exchange by: not the id that polls it."""
    return digest(challenge_id.encode())[:16]


@dataclass
class SigningContext:
    ca: TestCA
    signers: dict[str, Signer]
    storage: Storage

    def mark_rejected(self, challenge_id: str, reasons: list[str]) -> None:
        """A signer may keep answering "signed" for an envelope we refused; remember the verdict."""
        self.storage.put(_REJECTED.format(challenge_id), ",".join(reasons).encode())

    def rejection(self, challenge_id: str) -> list[str] | None:
        raw = self.storage.get(_REJECTED.format(challenge_id))
        return None if raw is None else raw.decode().split(",")

    def mark_started(self, challenge_id: str, at: dt.datetime) -> None:
        """The server's own time the exchange began: the earliest a signature may claim."""
        self.storage.put(_STARTED.format(challenge_id), at.isoformat().encode())

    def started(self, challenge_id: str) -> dt.datetime | None:
        raw = self.storage.get(_STARTED.format(challenge_id))
        return None if raw is None else dt.datetime.fromisoformat(raw.decode())

    def purge(self, *, keep: dt.timedelta = dt.timedelta(days=1)) -> int:
        """Drop finished and expired signing exchanges (they hold whole documents)."""
        removed = 0
        for signer in self.signers.values():
            purge = getattr(signer, "purge_expired", None)
            if purge is not None:
                removed += int(purge())
        cutoff = utcnow() - keep
        for key in self.storage.keys("portal-started/"):
            raw = self.storage.get(key)
            if raw is not None and dt.datetime.fromisoformat(raw.decode()) < cutoff:
                self.storage.delete(key)
        for key in self.storage.keys("portal-sign-in/"):  # sign-in challenges nobody finished
            raw = self.storage.get(key)
            if raw is not None and dt.datetime.fromisoformat(
                    json.loads(raw)["issued_at"]) < cutoff:
                self.storage.delete(key)
        return removed

    def signer(self, name: str) -> Signer:
        try:
            return self.signers[name]
        except KeyError:
            raise UnknownSigner(name) from None

    def verify(self, envelope: str, document: bytes, expected_iin: str,
               purpose: str | None = None, *, policy: Policy | None = None,
               signed_between: tuple[dt.datetime | None, dt.datetime] | None = None,
               ) -> VerificationResult:
        return verify(
            envelope, document, trusted_roots=self.ca.trusted_roots, revocation_checker=self.ca,
            expected_iin=expected_iin, now=utcnow(), expected_purpose=purpose,
            expected_policy=policy, signed_between=signed_between,
        )


def _configured_secret(app: Flask, setting: str, filename: str) -> bytes:
    """A key from configuration or, in development, the owner-only file in instance/ that
    ``portal.instance.instance_secret`` creates once (production refuses to start without it)."""
    configured: str = app.config.get(setting) or ""
    if not configured:
        configured = app.config[setting] = instance_secret(app.instance_path, filename)
    return configured.encode()


def ca_secret(app: Flask) -> bytes:
    """CA_KEY: encrypts the TEST CA's private keys at rest."""
    return _configured_secret(app, "CA_KEY", "ca_key")


def keystore_key(app: Flask) -> bytes:
    """KEYSTORE_KEY: the key-encryption key of every person's key store (kept outside the DB)."""
    return _configured_secret(app, "KEYSTORE_KEY", "keystore_key")


def context(app: Flask | None = None) -> SigningContext:
    """One signing context per app: the CA and signers keep their state in the database."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    existing: SigningContext | None = app.extensions.get("signing")
    if existing is None:
        storage = DatabaseStorage(db.engine_of(app))
        ca = TestCA(storage, secret=ca_secret(app), now=utcnow)
        from portal.services import signing_sms  # it builds on this module

        signers = build_signers(app.config["SIGNERS"], ca=ca, storage=storage, now=utcnow,
                                keystore_key=keystore_key(app),
                                mobile_url=app.config["PUBLIC_BASE_URL"] + "/sign/mobile/{token}",
                                sms_phone_for=signing_sms.phone_for,
                                sms_send_code=signing_sms.send_code)
        existing = SigningContext(ca=ca, signers=signers, storage=storage)
        app.extensions["signing"] = existing
    return existing


def start_signing(
    session: Session, actor: Actor, *, signer_name: str, document: bytes, signer_iin: str,
    purpose: str, role: Role = Role.CITIZEN, title: str = "", application_id: int | None = None,
    failure_mode: FailureMode = FailureMode.NONE,
) -> Challenge:
    ctx = context()
    request = SignRequest(document=document, signer_iin=signer_iin, purpose=purpose, role=role,
                          title=title, failure_mode=failure_mode)
    began = utcnow()
    challenge = ctx.signer(signer_name).begin(request)
    ctx.mark_started(challenge.id, began)
    record(session, actor, "signing_started", application_id=application_id,
           data={"signer": signer_name, "purpose": purpose, "digest": request.digest,
                 "exchange": exchange_ref(challenge.id)})
    session.commit()
    return challenge


def check_before_saying_signed(
    session: Session, actor: Actor, *, signer_name: str, challenge_id: str, envelope: SignedEnvelope,
) -> VerificationResult | None:
    """Run the very verification ``complete_signing`` will run, so no page says "signed" for a
    signature the portal is going to refuse. A refusal is remembered and logged once, as
    ``complete_signing`` would. None when the exchange's request is no longer known."""
    ctx = context()
    signer = ctx.signer(signer_name)
    request_of = getattr(signer, "request_of", None)
    request = None if request_of is None else request_of(challenge_id)
    if request is None:
        return None
    refused = ctx.rejection(challenge_id)
    policy = policy_for(request.purpose, request.role, signer_name)
    result = ctx.verify(envelope.token, request.document, request.signer_iin, request.purpose,
                        policy=policy, signed_between=(ctx.started(challenge_id), utcnow()))
    if not result.ok and refused is None:
        ctx.mark_rejected(challenge_id, result.reason_codes)
        record(session, actor, "signature_rejected", reason=",".join(result.reason_codes),
               data={"signer": signer_name, "exchange": exchange_ref(challenge_id)})
        session.commit()
        log.warning("signature_rejected signer=%s exchange=%s reasons=%s", signer_name,
                    exchange_ref(challenge_id), ",".join(result.reason_codes))
    return result


def record_secret_refused(session: Session, actor: Actor, error: WrongSecret | LockedOut | KeyStoreBlocked,
                          *, signer_name: str, exchange: str,
                          application_id: int | None = None) -> None:
    """A wrong password or PIN, a lockout or a blocked key store, as a security event and a log
    line; neither names the person (the exchange reference and the application id suffice)."""
    action = {"secret.wrong": "signing_secret_wrong", "secret.locked": "signing_locked_out",
              "secret.blocked": "signing_key_blocked", "sms.code_wrong": "signing_code_wrong",
              "sms.code_exhausted": "signing_code_exhausted"}[error.code]
    data: dict[str, object] = {"signer": signer_name, "exchange": exchange}
    if isinstance(error, WrongSecret):
        data["attempts_left"] = error.attempts_left
    if isinstance(error, LockedOut):
        data["locked_until"] = error.until.isoformat()
    session.rollback()
    record(session, actor, action, application_id=application_id, reason=error.code, data=data)
    session.commit()
    log.warning("%s signer=%s exchange=%s", action, signer_name, data["exchange"])


def complete_signing(
    session: Session, actor: Actor, *, signer_name: str, challenge_id: str, answer: str | None,
    document: bytes, expected_iin: str, purpose: str, document_kind: str,
    application_id: int | None = None,
) -> Signature:
    """Finish a signing, verify every check, store the envelope with the exact bytes signed.

    Asking twice for the same exchange (a double click, a poll racing the button) returns the
    signature already stored instead of storing a second one."""
    expected = (document, expected_iin, application_id, document_kind)
    already = _stored_for(session, challenge_id)
    if already is not None:
        return _same_signature(already, *expected)
    ctx = context()
    refused = ctx.rejection(challenge_id)
    if refused is not None:
        raise SignatureRejectedBefore(refused)
    try:
        envelope = ctx.signer(signer_name).complete(challenge_id, answer)
    except (WrongSecret, LockedOut, KeyStoreBlocked) as error:
        record_secret_refused(session, actor, error, signer_name=signer_name,
                              exchange=exchange_ref(challenge_id), application_id=application_id)
        raise
    except ChallengeUnknown:
        # A key-file exchange is single-use: a double submit finds it gone. If the first
        # request already stored its signature, that is the answer to this one too.
        session.rollback()
        winner = _stored_for(session, challenge_id)
        if winner is None:
            raise
        return _same_signature(winner, *expected)
    policy = policy_for(purpose, Role.STAFF if actor.kind == "staff" else Role.CITIZEN,
                        signer_name)
    window = (ctx.started(challenge_id), utcnow())
    result = ctx.verify(envelope.token, document, expected_iin, purpose, policy=policy,
                        signed_between=window)
    if not result.ok:
        ctx.mark_rejected(challenge_id, result.reason_codes)
        record(session, actor, "signature_rejected", application_id=application_id,
               reason=",".join(result.reason_codes),
               data={"signer": signer_name, "exchange": exchange_ref(challenge_id)})
        session.commit()
        log.warning("signature_rejected signer=%s exchange=%s reasons=%s", signer_name,
                    exchange_ref(challenge_id), ",".join(result.reason_codes))
        raise SignatureRejected(result)
    signature = Signature(
        application_id=application_id, document_kind=document_kind, signer_iin=envelope.signer_iin,
        signer_role=actor.role, certificate_serial=envelope.certificate_serial, document=document,
        document_digest=envelope.digest, envelope=envelope.token,
        signed_at=envelope.signing_time.astimezone(dt.UTC),
        verification_code=secrets.token_urlsafe(18), challenge_id=challenge_id,
        exchange_started_at=window[0], exchange_completed_at=window[1], policy=policy.value,
    )
    session.add(signature)
    try:
        session.flush()
    except IntegrityError:
        # Another request completed the same exchange a moment ago: theirs stands.
        session.rollback()
        winner = _stored_for(session, challenge_id)
        if winner is None:
            raise
        return _same_signature(winner, *expected)
    record(session, actor, "signed", application_id=application_id,
           data={"signature_id": signature.id, "document_kind": document_kind,
                 "certificate_serial": envelope.certificate_serial})
    session.commit()
    return signature


def _stored_for(session: Session, challenge_id: str) -> Signature | None:
    return session.scalar(select(Signature).where(Signature.challenge_id == challenge_id))


def _same_signature(stored: Signature, document: bytes, expected_iin: str,
                    application_id: int | None, document_kind: str) -> Signature:
    """Hand back a stored signature only to the very exchange that made it."""
    if (stored.document, stored.signer_iin, stored.application_id, stored.document_kind) != (
        document, expected_iin, application_id, document_kind
    ):
        raise SignatureMismatch(stored.challenge_id)
    return stored


def verify_stored(session: Session, verification_code: str) -> tuple[Signature, VerificationResult] | None:
    """Re-check a stored signature against the bytes it covers (QR verification of documents)."""
    signature = session.scalar(
        select(Signature).where(Signature.verification_code == verification_code)
    )
    if signature is None:
        return None
    # The times and policy the portal saw at signing, not whatever the envelope now claims.
    window = None
    if signature.exchange_completed_at is not None:
        window = (signature.exchange_started_at, signature.exchange_completed_at)
    policy = None if signature.policy is None else Policy(signature.policy)
    result = context().verify(signature.envelope, signature.document, signature.signer_iin,
                              policy=policy, signed_between=window)
    return signature, result

"""A document a citizen signs in the cabinet: the exchange with the chosen signer (key file,
eGov Mobile, or a one-time SMS code) from start to a verified, stored signature.

The application F1-1 (apply_sign.py) and the objection and remarks on a preliminary refusal
(refusal.py) each keep one :class:`SigningFlow`; the journey owns its pages and what it does with
the signature. The exchange in progress lives in the Flask session under the flow's key, the
exact bytes being signed in the signer's storage, so the signature is checked against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import session

from portal import db
from portal.db import utcnow
from portal.models import Citizen, Signature
from portal.services import drafts, signing_sms
from portal.services import signing as signing_service
from signing import Action, Challenge, SigningError
from signing.base import ChallengeUnknown, SigningPending

__all__ = ["PREFERRED", "SigningFlow", "signers"]

# On a phone, signing on the phone comes first; the key file needs a computer (NCALayer).
PREFERRED = ("mobile", "sms", "keyfile")


def signers() -> list[str]:
    """The signers this installation offers, in the order a person meets them."""
    available = list(signing_service.context().signers)
    return [s for s in PREFERRED if s in available] + [s for s in available
                                                       if s not in PREFERRED]


@dataclass(frozen=True)
class SigningFlow:
    key: str  # the Flask session key of the exchange in progress
    purpose: str  # what the signature is for (services/signing.PURPOSE_POLICY, SMS_PURPOSES)
    document_kind: str  # Signature.document_kind
    record: str  # the signer storage key of the bytes signed, "{}" = the exchange id

    # -- the exchange in progress -------------------------------------------------------------

    def pending(self, number: str) -> dict[str, Any] | None:
        """The exchange this browser started for application ``number``, if any."""
        pending = session.get(self.key)
        if not isinstance(pending, dict) or pending.get("number") != number:
            return None
        return pending

    def forget(self) -> None:
        session.pop(self.key, None)

    def data(self, challenge_id: str) -> bytes | None:
        """The exact bytes being signed in the exchange."""
        return signing_service.context().storage.get(self.record.format(challenge_id))

    # -- steps ----------------------------------------------------------------------------------

    def start(self, citizen: Citizen, signer: str, data: bytes, *, title: str, number: str,
              application_id: int | None = None, **state: Any) -> Challenge:
        """Begin signing ``data`` with ``signer``; ``state`` is kept with the exchange for the
        journey. Raises SigningError (after a rollback) when the signer cannot begin."""
        actor = drafts.citizen_actor(citizen)
        try:
            if signer == "sms":
                challenge = signing_sms.start_sms_signing(
                    db.session(), actor, document=data, signer_iin=citizen.iin,
                    purpose=self.purpose, title=title, application_id=application_id)
            else:
                challenge = signing_service.start_signing(
                    db.session(), actor, signer_name=signer, document=data,
                    signer_iin=citizen.iin, purpose=self.purpose, title=title,
                    application_id=application_id)
        except SigningError:
            db.session().rollback()
            raise
        signing_service.context().storage.put(self.record.format(challenge.id), data)
        session[self.key] = {"challenge": challenge.id, "number": number, "signer": signer,
                             "title": title, "application_id": application_id, **state}
        return challenge

    def again(self, citizen: Citizen, signer: str, challenge_id: str,
              error: SigningError) -> Challenge:
        """The same exchange to show again after ``error`` (a wrong password or code spends a
        try); raises the SigningError that ends it when it cannot go on."""
        if signer == "sms":
            return signing_sms.sms_challenge(challenge_id)
        if signer == "keyfile":
            keyfile = signing_service.context().signer("keyfile")
            certificate = keyfile.usable_certificate(citizen.iin)  # type: ignore[attr-defined]
            return Challenge(id=challenge_id, signer="keyfile", action=Action.ENTER_PASSWORD,
                             expires_at=utcnow(), certificate=certificate)
        raise error

    def resend(self, citizen: Citizen, challenge_id: str,
               application_id: int | None = None) -> Challenge:
        """A new SMS code for the exchange (raises SigningError after a rollback)."""
        try:
            return signing_sms.resend_sms_code(db.session(), drafts.citizen_actor(citizen),
                                               challenge_id, application_id=application_id)
        except SigningError:
            db.session().rollback()
            raise

    def complete(self, citizen: Citizen, pending: dict[str, Any], answer: str | None, *,
                 data: bytes, application_id: int | None) -> Signature:
        """Finish the exchange and store the verified signature. Raises SigningPending (the
        phone has not answered yet), SigningError (after a rollback), SignatureRejected or
        SignatureRejectedBefore (the exchange is forgotten)."""
        try:
            try:
                return self._finish(citizen, pending, str(pending["challenge"]), answer,
                                    data=data, application_id=application_id)
            except ChallengeUnknown:
                if pending.get("signer") != "keyfile" or not answer:
                    raise
                # A key-file exchange is single-use. One used up by a request that never
                # finished (its worker died after the signer took the password, before the
                # signature was stored) or one that timed out leaves this retry nothing to
                # complete; with the password in hand, begin a new exchange for the same bytes
                # and finish it at once, so the person's retry goes through.
                db.session().rollback()
                state = {k: v for k, v in pending.items()
                         if k not in {"challenge", "number", "signer", "title", "application_id"}}
                fresh = self.start(citizen, "keyfile", data, title=str(pending.get("title", "")),
                                   number=str(pending["number"]),
                                   application_id=pending.get("application_id"), **state)
                return self._finish(citizen, pending, fresh.id, answer, data=data,
                                    application_id=application_id)
        except SigningPending:
            raise
        except SigningError:
            db.session().rollback()
            raise
        except (signing_service.SignatureRejected, signing_service.SignatureRejectedBefore):
            self.forget()
            raise

    def _finish(self, citizen: Citizen, pending: dict[str, Any], challenge_id: str,
                answer: str | None, *, data: bytes, application_id: int | None) -> Signature:
        return signing_service.complete_signing(
            db.session(), drafts.citizen_actor(citizen), signer_name=str(pending["signer"]),
            challenge_id=challenge_id, answer=answer, document=data, expected_iin=citizen.iin,
            purpose=self.purpose, document_kind=self.document_kind,
            application_id=application_id)

"""The phone side of a mobile signing: open, sign or decline with the PIN, each refusal an event.

The phone is not signed in: whoever holds the link acts as ``PHONE``. The link alone shows only a
masked prompt and can neither sign nor decline without the person's PIN.
"""

from __future__ import annotations

import logging
from typing import cast

from sqlalchemy.orm import Session

from portal.services.events import Actor, record
from portal.services.signing import (
    UnknownSigner,
    check_before_saying_signed,
    context,
    record_secret_refused,
)
from signing import MobilePrompt, MobileSigner, SigningError, VerificationResult, digest
from signing.base import KeyStoreBlocked, LockedOut, WrongSecret

log = logging.getLogger("portal.security.signing")
PHONE = Actor("public", None, "phone")
_SIGNER = "mobile"


def phone_ref(token: str) -> str:
    """Names a phone link in events and logs without the link itself."""
    return "phone-" + digest(token.encode())[:16]


def _mobile() -> MobileSigner:
    # Raises UnknownSigner where the mobile signer is not configured (the views answer 404).
    return cast(MobileSigner, context().signer(_SIGNER))


def open_on_phone(token: str) -> MobilePrompt:
    return _mobile().open(token)


def signer_of(token: str) -> str | None:
    """The IIN that must sign behind a link (for per-person rate limits), or None if unusable."""
    try:
        return open_on_phone(token).signer.iin
    except (SigningError, UnknownSigner):  # an unusable link names nobody
        return None


def confirm_on_phone(session: Session, token: str, pin: str) -> VerificationResult | None:
    """Sign on the phone, then verify as the portal will: the result says whether the page may
    say "signed" (None when the exchange is already gone)."""
    mobile = _mobile()
    exchange = mobile.exchange_of(token)
    try:
        envelope = mobile.confirm(token, pin)
    except (WrongSecret, LockedOut, KeyStoreBlocked) as error:
        record_secret_refused(session, PHONE, error, signer_name=_SIGNER, exchange=phone_ref(token))
        raise
    if exchange is None:
        return None
    return check_before_saying_signed(session, PHONE, signer_name=_SIGNER, challenge_id=exchange,
                                      envelope=envelope)


def decline_on_phone(session: Session, token: str, pin: str) -> None:
    """Declining needs the PIN too, so a forwarded or leaked link cannot stop someone's signing."""
    try:
        _mobile().decline(token, pin)
    except (WrongSecret, LockedOut, KeyStoreBlocked) as error:
        record_secret_refused(session, PHONE, error, signer_name=_SIGNER, exchange=phone_ref(token))
        raise
    record(session, PHONE, "signing_declined", data={"signer": _SIGNER, "exchange": phone_ref(token)})
    session.commit()
    log.info("signing_declined signer=%s exchange=%s", _SIGNER, phone_ref(token))

"""Signing with a one-time SMS code (R6.4): the portal side of ``signing.sms.SmsSigner``.

The signer asks the portal two things: the number the mobile citizens database registers to an
IIN (``phone_for``), and to send a code there through the SMS outbox (``send_code``). A journey
calls ``start_sms_signing`` to send the first code, ``resend_sms_code`` for a new one, and the
ordinary ``signing.complete_signing(signer_name="sms", answer=<code>)`` to finish.
Neither the IIN nor the number is ever logged.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import cast

from flask import has_request_context
from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session

from portal import db
from portal.models.notify import SmsPurpose, SmsStatus
from portal.notify import mobile, sms
from portal.notify.phones import InvalidPhone
from portal.services.events import Actor, record
from portal.services.signing import SMS_PURPOSES, context, exchange_ref, start_signing
from signing import Challenge, FailureMode, Role
from signing.sms import CodeNotSent, NoRegisteredPhone, SmsSigner

log = logging.getLogger("portal.security.signing")
SIGNER = "sms"

__all__ = ["SIGNER", "SMS_PURPOSES", "NoRegisteredPhone", "SmsNotAllowed", "phone_for",
           "resend_sms_code", "send_code", "sms_challenge", "start_sms_signing"]


class SmsNotAllowed(Exception):
    """This purpose needs an EDS signature; an SMS code cannot confirm it."""


def sms_allowed(purpose: str) -> bool:
    return purpose.split(".", 1)[0] in SMS_PURPOSES


def phone_for(iin: str) -> str | None:
    """The signer's ``sms_phone_for``: the number registered to ``iin``, or None (reads only)."""
    return mobile.phone_for(db.session(), iin)


def _text(code: str, expires_at: dt.datetime) -> str:
    from portal.web.i18n import local_time

    return str(gettext(
        "Social assistance portal: your code to sign is %(code)s. It is valid until %(time)s. "
        "Do not tell it to anyone, not even to staff. TEST",
        code=code, time=local_time(expires_at),
    ))


def send_code(phone: str, code: str, expires_at: dt.datetime) -> None:
    """The signer's ``sms_send_code``: through the outbox, in the person's language (Kazakh when
    no page is being answered). Raises ``CodeNotSent`` when the gateway refused it for good."""
    if has_request_context():
        text = _text(code, expires_at)
    else:
        with force_locale("kk"):
            text = _text(code, expires_at)
    session = db.session()
    try:
        message = sms().queue(session, phone, text, SmsPurpose.SIGNING_CODE)
        session.commit()  # the job runs after the commit (at once where jobs run eagerly)
    except InvalidPhone as error:
        session.rollback()
        raise CodeNotSent() from error
    session.refresh(message)
    if message.status is SmsStatus.FAILED:
        log.warning("sms_code_not_sent message=%d", message.id)
        raise CodeNotSent()


def _signer() -> SmsSigner:
    return cast(SmsSigner, context().signer(SIGNER))


def start_sms_signing(
    session: Session, actor: Actor, *, document: bytes, signer_iin: str, purpose: str,
    title: str = "", application_id: int | None = None,
    failure_mode: FailureMode = FailureMode.NONE,
) -> Challenge:
    """Send the first code to the number registered to ``signer_iin`` and start the exchange.

    Raises ``NoRegisteredPhone`` when the mobile citizens database has no number for the person
    (offer an EDS signer instead), ``SmsNotAllowed`` for a purpose that needs an EDS,
    ``CodeNotSent`` when the gateway refused the message, ``TooManyCodes`` past 5 codes an hour.
    """
    if not sms_allowed(purpose):
        raise SmsNotAllowed(purpose)
    if mobile.phone_for(session, signer_iin) is None:
        raise NoRegisteredPhone()
    try:
        return start_signing(session, actor, signer_name=SIGNER, document=document,
                             signer_iin=signer_iin, purpose=purpose, role=Role.CITIZEN,
                             title=title, application_id=application_id,
                             failure_mode=failure_mode)
    except CodeNotSent:
        session.rollback()
        record(session, actor, "signing_code_not_sent", application_id=application_id,
               data={"signer": SIGNER, "purpose": purpose})
        session.commit()
        raise


def resend_sms_code(session: Session, actor: Actor, challenge_id: str, *,
                    application_id: int | None = None) -> Challenge:
    """A new code for the same exchange (after a minute; at most 3 per exchange).

    Raises ``ResendTooSoon`` (with ``until``), ``TooManyCodes``, ``CodeNotSent``,
    ``ChallengeUnknown`` or ``SigningTimedOut``."""
    challenge = _signer().resend(challenge_id)
    record(session, actor, "signing_code_resent", application_id=application_id,
           data={"signer": SIGNER, "exchange": exchange_ref(challenge_id)})
    session.commit()
    return challenge


def sms_challenge(challenge_id: str) -> Challenge:
    """The exchange as it stands, to show the code form again (raises ``ChallengeUnknown``)."""
    return _signer().challenge(challenge_id)

"""The simulated mobile citizens database: which number is registered to which IIN (R15.9)."""

from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from portal.domain.iin import parse_iin
from portal.models.notify import MobileRegistration
from portal.notify.phones import InvalidPhone, normalise_phone

__all__ = ["is_registered", "phone_for", "register", "sms_possible"]


def register(session: Session, iin: str, phone: str) -> MobileRegistration:
    """Register ``phone`` to ``iin``, replacing an earlier number of that person and an earlier
    owner of that number. Raises InvalidIin or InvalidPhone; the caller commits."""
    iin = parse_iin(iin).value
    phone = normalise_phone(phone)
    session.execute(
        delete(MobileRegistration)
        .where(or_(MobileRegistration.iin == iin, MobileRegistration.phone == phone))
        .execution_options(synchronize_session="fetch")
    )
    registration = MobileRegistration(iin=iin, phone=phone)
    session.add(registration)
    session.flush()
    return registration


def phone_for(session: Session, iin: str) -> str | None:
    """The number registered to ``iin``, or None."""
    return session.scalar(select(MobileRegistration.phone).where(MobileRegistration.iin == iin))


def is_registered(session: Session, iin: str, phone: str) -> bool:
    """Is ``phone`` (in any accepted spelling) the number registered to ``iin``?"""
    try:
        phone = normalise_phone(phone)
    except InvalidPhone:
        return False
    return phone_for(session, iin) == phone


def sms_possible(session: Session, iin: str, application_phone: str | None) -> bool:
    """R15.9: the notification goes by SMS when the number the application gives is registered
    to the applicant; otherwise (R15.10) it is printed and handed over."""
    return application_phone is not None and is_registered(session, iin, application_phone)

"""The cabinet's messages (R15.11) and the SMS that repeat them (R15.9).

:func:`on_change` is called by ``services/cases.change`` before its commit, for every action on
a case: the actions the person must know of leave a message in their cabinet in the same
transaction (so "within 1 working day" is in practice at once), and an SMS is queued where the
application's phone is the one the mobile citizens database registers to the applicant. The SMS
goes through ``portal.notify`` (the outbox row now, the Celery job after the commit, retries);
a failed SMS is marked on its row and the cabinet message stays.

The message row holds a kind and the dates its words need; the words are chosen when it is
shown, in the language of the page. The SMS is written once, in the person's preferred language,
and names nothing but the application number.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import Any

from flask import current_app, has_app_context
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from portal.domain.calendar import to_local
from portal.domain.workflow import Action
from portal.models import Application, HearingProtocol, InboxKind, InboxMessage
from portal.models.notify import SmsPurpose
from portal.models.review import PreliminaryDecision
from portal.notify import mobile
from portal.notify.phones import InvalidPhone
from portal.notify.sms import Sms

__all__ = [
    "KIND_OF_ACTION",
    "SMS_PURPOSE",
    "body",
    "mark_all_read",
    "mark_read",
    "on_change",
    "own",
    "sms_text",
    "title",
    "unread_count",
]

log = logging.getLogger(__name__)

# The table: which step of a case becomes which message.
KIND_OF_ACTION: dict[Action, InboxKind] = {
    Action.REGISTER: InboxKind.REGISTERED,
    Action.ISSUE_PRELIMINARY_REFUSAL: InboxKind.PRELIMINARY_REFUSAL,
    Action.HOLD_HEARING: InboxKind.PROTOCOL_READY,
    Action.NOTIFY: InboxKind.DECISION,
}
# Which messages also go by SMS. The decision's notification is not here: its F6/F7 SMS is the
# notification itself, sent by the back office (R15.8–R15.9).
SMS_PURPOSE: dict[InboxKind, SmsPurpose] = {
    InboxKind.REGISTERED: SmsPurpose.REGISTERED,
    InboxKind.PRELIMINARY_REFUSAL: SmsPurpose.PRELIMINARY_NOTICE,
    InboxKind.PROTOCOL_READY: SmsPurpose.PROTOCOL_READY,
}
# Where on the case page each message leads.
ANCHOR: dict[InboxKind, str] = {
    InboxKind.REGISTERED: "#deadlines",
    InboxKind.PRELIMINARY_REFUSAL: "#refusal",
    InboxKind.PROTOCOL_READY: "#protocol",
    InboxKind.DECISION: "#timeline",
}

TITLES: dict[InboxKind, Any] = {
    InboxKind.REGISTERED: _l("Application registered"),
    InboxKind.PRELIMINARY_REFUSAL: _l("Preliminary decision to refuse and a hearing"),
    InboxKind.PROTOCOL_READY: _l("The hearing protocol is ready"),
    InboxKind.DECISION: _l("The decision on your application"),
}


def _date(value: str | None) -> str:
    return dt.date.fromisoformat(value).strftime("%d.%m.%Y") if value else "—"


def _moment(value: str | None) -> str:
    if not value:
        return "—"
    return to_local(dt.datetime.fromisoformat(value)).strftime("%d.%m.%Y %H:%M")


def _mode(code: str | None) -> str:
    from portal.web.labels import HEARING_MODE_LABELS

    text = HEARING_MODE_LABELS.get(code or "")
    return str(text) if text is not None else ""


def title(message: InboxMessage) -> str:
    return str(TITLES[message.kind])


def body(message: InboxMessage, number: str) -> str:
    """The message's words in the current language."""
    data = message.data or {}
    if message.kind is InboxKind.REGISTERED:
        return str(gettext("Application %(number)s is registered. The result is due by %(due)s.",
                       number=number, due=_date(data.get("result_due_on"))))
    if message.kind is InboxKind.PRELIMINARY_REFUSAL:
        return str(gettext("The department found a reason to refuse application %(number)s. This "
                       "is not the decision yet: you may object within 2 working days, and you "
                       "are invited to a hearing on %(when)s (%(mode)s).",
                       number=number, when=_moment(data.get("hearing_at")),
                       mode=_mode(data.get("hearing_mode"))))
    if message.kind is InboxKind.PROTOCOL_READY:
        return str(gettext("The protocol of the hearing on application %(number)s is ready. Once "
                       "you open it, you have 3 working days to send remarks on it.",
                       number=number))
    return str(gettext("The decision on application %(number)s and its notification are in your "
                   "personal cabinet.", number=number))


def sms_text(kind: InboxKind, number: str, data: dict[str, Any]) -> str:
    """The SMS: short, in the current language, no personal data but the number."""
    if kind is InboxKind.REGISTERED:
        return str(gettext("Application %(number)s is registered. Result due by %(due)s. "
                       "Details: personal cabinet.", number=number,
                       due=_date(data.get("result_due_on"))))
    if kind is InboxKind.PRELIMINARY_REFUSAL:
        return str(gettext("Application %(number)s: preliminary decision to refuse. Hearing "
                       "%(when)s, %(mode)s. You may object within 2 working days in the "
                       "personal cabinet.", number=number, when=_moment(data.get("hearing_at")),
                       mode=_mode(data.get("hearing_mode"))))
    return str(gettext("Application %(number)s: the hearing protocol is ready in the personal "
                   "cabinet.", number=number))


def _data(session: Session, application: Application, kind: InboxKind) -> dict[str, Any]:
    if kind is InboxKind.REGISTERED:
        due = application.result_due_on
        return {"result_due_on": due.isoformat() if due else None}
    if kind is InboxKind.PRELIMINARY_REFUSAL:
        # The row the action's effect has just added (not yet in the loaded relationship).
        session.flush()
        pre = session.scalar(select(PreliminaryDecision)
                             .where(PreliminaryDecision.application_id == application.id)
                             .order_by(PreliminaryDecision.id.desc()).limit(1))
        if pre is None:
            return {}
        return {"hearing_at": pre.hearing_at.isoformat(), "hearing_mode": pre.hearing_mode.value,
                "preliminary_decision_id": pre.id}
    if kind is InboxKind.PROTOCOL_READY:
        session.flush()
        protocol_id = session.scalar(select(HearingProtocol.id)
                                     .where(HearingProtocol.application_id == application.id)
                                     .order_by(HearingProtocol.id.desc()).limit(1))
        return {"protocol_id": protocol_id}
    return {}


def _sms_service() -> Sms | None:
    if not has_app_context():
        return None
    service: Sms | None = current_app.extensions.get("sms")
    return service


def on_change(session: Session, application: Application, action: Action, *,
              now: dt.datetime) -> InboxMessage | None:
    """The message (and SMS) for ``action`` on the case, added to the caller's transaction; None
    for an action the person is not told of. Never commits."""
    kind = KIND_OF_ACTION.get(action)
    if kind is None:
        return None
    data = _data(session, application, kind)
    message = InboxMessage(citizen_id=application.citizen_id, application_id=application.id,
                           kind=kind, data=data, created_at=now)
    session.add(message)
    purpose = SMS_PURPOSE.get(kind)
    service = _sms_service()
    if purpose is not None and service is not None:
        citizen = application.citizen
        phone = application.phone or citizen.phone
        iin = application.applicant_iin or citizen.iin
        if mobile.sms_possible(session, iin, phone):
            assert phone is not None
            with force_locale(citizen.locale or "kk"):
                text = sms_text(kind, application.number, data)
            try:
                message.sms = service.queue(session, phone, text, purpose, now=now)
            except InvalidPhone:
                log.warning("inbox sms for application %d not queued: invalid phone",
                            application.id)
    session.flush()
    return message


# -- reading ----------------------------------------------------------------------------------------

def unread_count(session: Session, citizen_id: int) -> int:
    """The bell's count (every page of a signed-in citizen): one prebuilt statement on the
    session's connection, no ORM result machinery for one number."""
    return int(session.connection().execute(_unread_query(), {"citizen_id": citizen_id})
               .scalar() or 0)


@functools.cache
def _unread_query() -> Any:
    return select(func.count()).select_from(InboxMessage).where(
        InboxMessage.citizen_id == bindparam("citizen_id"), InboxMessage.read_at.is_(None))


def own(session: Session, citizen_id: int, message_id: int) -> InboxMessage | None:
    """The person's own message, or None (another person's looks the same as none)."""
    return session.scalar(select(InboxMessage).where(InboxMessage.id == message_id,
                                                     InboxMessage.citizen_id == citizen_id))


def mark_read(session: Session, message: InboxMessage, *, now: dt.datetime) -> None:
    if message.read_at is None:
        message.read_at = now
        session.commit()


def mark_all_read(session: Session, citizen_id: int, *, now: dt.datetime) -> int:
    done = session.execute(update(InboxMessage).where(
        InboxMessage.citizen_id == citizen_id, InboxMessage.read_at.is_(None))
        .values(read_at=now).execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(done or 0)

"""Signing and submitting a portal application (R6.4, R7.1, L3.1), registering it, withdrawing.

The person hears of it by one SMS (where the mobile citizens database registers the phone to
them, as for every SMS of the portal): an application registered the moment it is submitted
(within working hours) is told of by the registration's SMS alone (services/inbox.py), which
says all the submission's would; one made after hours gets the submission's SMS, naming the
day it will be registered, and the registration's on that day. No SMS is sent for a second
submission of the same draft (it raises AlreadySubmitted before anything is queued).

What the person signs is the F1-1 document: the application together with a digest of every
register answer it rests on (R6.4: "the signature covers both"). The draft row becomes the case,
so a second submission of the same draft (double tap, back button, two tabs, a retried request)
finds it already submitted and lands on the same application: the submission key names the
draft, and the version column makes the loser of a race fail instead of submitting twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from typing import Any

from flask_babel import force_locale, gettext
from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal.domain.calendar import Channel, WorkingCalendar, to_local
from portal.domain.deadlines import decision_target_due, service_term_due
from portal.domain.workflow import Action, Actor, Role, Status
from portal.models import Application, Citizen, GatewayRequest, Signature
from portal.models.notify import SmsPurpose
from portal.notify import mobile
from portal.notify.phones import InvalidPhone
from portal.notify.sms import Sms
from portal.services import cases, events
from portal.services.drafts import citizen_actor
from signing import canonical_json

__all__ = [
    "DOCUMENT_KIND",
    "PURPOSE",
    "AlreadySubmitted",
    "DraftChanged",
    "application_document",
    "register_due",
    "signature_of",
    "submit",
    "withdraw",
]

log = logging.getLogger(__name__)

PURPOSE = "application.submit"
OFFICE_OPENS = dt.time(9, 0)  # L7: the provider's working day starts at 09:00
DOCUMENT_KIND = "application"
VERSION = 1


class AlreadySubmitted(Exception):
    """This draft was submitted already (a second tap, another tab): show that application."""


class DraftChanged(Exception):
    """The draft changed after signing began: what was signed is not what would be submitted."""


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _tenge(tiyn: int) -> str:
    return f"{tiyn // 100}.{tiyn % 100:02d}"


def application_document(session: Session, draft: Application, *, locale: str,
                         consent_texts: dict[str, str], prepared_at: dt.datetime,
                         kind_label: str | None = None) -> dict[str, Any]:
    """The F1-1 as the citizen signs it, field for field, with the state bodies' answers."""
    from portal.domain.income import per_capita_income

    offer = draft.district_ground
    evidence = {
        r.id: r for r in session.scalars(
            select(GatewayRequest).where(GatewayRequest.application_id == draft.id))
    }
    members = 1 + len(draft.family)
    total = sum(r.amount_tiyn for r in draft.incomes)
    needs_income = draft.ground is not None and cases.ground_rule(draft).needs_income
    return {
        "form": "F1-1", "version": VERSION, "number": draft.number, "language": locale,
        "district": {"code": draft.district.code,
                     "name": getattr(draft.district, f"name_{locale}", draft.district.name_kk),
                     "provider": getattr(draft.district, f"provider_name_{locale}",
                                         draft.district.provider_name_kk)},
        # F1: "I ask to assign me <requested> social assistance"; the person's own words apart.
        "assistance": {"ground": draft.ground.value if draft.ground else None,
                       "frequency": offer.frequency.value if offer else None,
                       "requested": kind_label, "note": draft.assistance_requested},
        "capacity": draft.capacity.value,
        "representative": None if draft.representative_iin is None else {
            "iin": draft.representative_iin, "full_name": draft.representative_name,
            "poa_number": draft.poa_number, "poa_date": _iso(draft.poa_date)},
        "applicant": {
            "iin": draft.applicant_iin, "surname": draft.applicant_surname,
            "given_name": draft.applicant_given_name, "patronymic": draft.applicant_patronymic,
            "birth_date": _iso(draft.applicant_birth_date),
            "sex": draft.applicant_sex.value if draft.applicant_sex else None,
            "id_document": {"type": draft.id_doc_type, "series": draft.id_doc_series,
                            "number": draft.id_doc_number, "issued_by": draft.id_doc_issued_by,
                            "issued_on": _iso(draft.id_doc_issued_on)}},
        "address": {"region": draft.addr_region, "city": draft.addr_city,
                    "village": draft.addr_village, "street": draft.addr_street,
                    "house": draft.addr_house, "flat": draft.addr_flat,
                    "from_register": draft.address_from_register,
                    "correction_reason": draft.address_correction_reason},
        "family": [{"iin": m.iin, "full_name": m.full_name, "relation": m.relation.value,
                    "birth_date": _iso(m.birth_date)} for m in draft.family],
        "income": None if not needs_income else {
            "quarter": (f"{draft.incomes[0].period_start.isoformat()}/"
                        f"{draft.incomes[0].period_end.isoformat()}") if draft.incomes else None,
            "records": [{"member": r.member_name, "kind": r.kind.value,
                         "amount": _tenge(r.amount_tiyn), "source": "declared"}
                        for r in draft.incomes],
            "members": members,
            "per_capita": _tenge(per_capita_income(total, members)),
        },
        "bank": {"bank_name": draft.bank_name, "iban": draft.bank_account},
        "contacts": {"phone": draft.phone, "email": draft.email},
        "documents": [{"kind": d.kind.value, "title": d.title,
                       "files": len(getattr(d, "files", []) or [])} for d in draft.documents],
        "consents": [{"kind": c.kind.value, "given": c.given,
                      "text": consent_texts.get(c.kind.value, ""),
                      "version": c.wording_version, "locale": c.wording_locale}
                     for c in draft.consents],
        "state_bodies": [_answer_entry(a, evidence) for a in draft.gateway_answers],
        "prepared_at": prepared_at.astimezone(dt.UTC).isoformat(),
    }


def _answer_entry(answer: Any, evidence: dict[int, GatewayRequest]) -> dict[str, Any]:
    row = evidence.get(answer.evidence_id) if answer.evidence_id is not None else None
    document = row.document if row is not None else None
    return {
        "query": answer.query.value, "source_system": answer.source_system.value,
        "subject_iin": answer.subject_iin, "outcome": answer.outcome.value,
        "answered_at": (row.answered_at.astimezone(dt.UTC).isoformat()
                        if row is not None and row.answered_at else None),
        # R6.4: the digest of the exact bytes the answering body signed binds its answer.
        "sha256": hashlib.sha256(document).hexdigest() if document else None,
    }


def document_bytes(document: dict[str, Any]) -> bytes:
    return canonical_json(document)


def content_digest(document: dict[str, Any]) -> str:
    """What must not change between starting to sign and submitting: everything but the time."""
    body = {k: v for k, v in document.items() if k != "prepared_at"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def signer_of(session: Session, application: Application) -> str | None:
    """Which signer the application was signed with (keyfile, mobile, sms), from its event."""
    from portal.models import Event

    event = session.scalar(select(Event).where(Event.application_id == application.id,
                                               Event.action == Action.SUBMIT.value))
    value = (event.data or {}).get("signer") if event is not None else None
    return str(value) if value else None


def _signed_application(application: Application) -> tuple[Any, ...]:
    return (Signature.application_id == application.id, Signature.document_kind == DOCUMENT_KIND)


def signature_of(session: Session, application: Application) -> Signature | None:
    return session.scalar(
        select(Signature).where(*_signed_application(application)).order_by(Signature.id.desc())
    )


def is_signed(session: Session, application: Application) -> bool:
    """Whether the application's signed F1-1 is stored (without loading it)."""
    return bool(session.scalar(select(exists().where(*_signed_application(application)))))


def submit(session: Session, draft: Application, citizen: Citizen, signature: Signature, *,
           now: dt.datetime, cal: WorkingCalendar, signer: str | None = None,
           sms: Sms | None = None) -> Application:
    """DRAFT → SUBMITTED: the term starts (L3.1), the registration day is fixed (R7.1), and a
    portal application made within working hours is registered at once; one made after hours
    waits for :func:`register_due` on its registration day, and ``sms`` tells the person it was
    submitted (the module's docstring: one SMS for one step)."""
    if draft.status is not Status.DRAFT:
        raise AlreadySubmitted(draft.number)
    registration_day = cal.registration_date(now, Channel.PORTAL)
    term_start = cal.term_starts_on(now, Channel.PORTAL)

    def effect() -> None:
        draft.version = draft.version + 1  # UPDATE … WHERE version = old: one winner
        signature.application_id = draft.id
        draft.arrived_at = now
        draft.submitted_at = now
        draft.term_started_on = term_start
        draft.result_due_on = service_term_due(term_start, cal)

    try:
        cases.change(session, draft, Action.SUBMIT, Actor(Role.CITIZEN), citizen_actor(citizen),
                     now=now, cal=cal, data={"signature_id": signature.id, "signer": signer,
                                             "registration_day": registration_day.isoformat(),
                                             "decision_target": decision_target_due(
                                                 term_start, cal).isoformat()},
                     effect=effect)
    except StaleDataError:
        session.rollback()
        raise AlreadySubmitted(draft.number) from None
    if registration_day == to_local(now).date():
        register(session, draft, now=now, cal=cal)  # its SMS is the only one
    elif sms is not None:
        _submitted_sms(session, draft, citizen, sms, registration_day, now=now)
    return draft


def submitted_sms_text(number: str, registration_day: dt.date, due: dt.date | None) -> str:
    """The submission's SMS, in the current language: nothing personal but the number."""
    return str(gettext(
        "Application %(number)s for social assistance is submitted and will be registered on "
        "%(day)s. Result due by %(due)s.", number=number,
        day=registration_day.strftime("%d.%m.%Y"), due=due.strftime("%d.%m.%Y") if due else "—"))


def _submitted_sms(session: Session, application: Application, citizen: Citizen, sms: Sms,
                   registration_day: dt.date, *, now: dt.datetime) -> None:
    """Queue the submission's SMS where the phone is the applicant's in the mobile citizens
    database, in the person's language; the outbox sends it after the commit."""
    phone = application.phone or citizen.phone
    if not mobile.sms_possible(session, application.applicant_iin or citizen.iin, phone):
        return
    assert phone is not None
    with force_locale(citizen.locale or "kk"):
        text = submitted_sms_text(application.number, registration_day, application.result_due_on)
    try:
        sms.queue(session, phone, text, SmsPurpose.SUBMISSION, now=now)
    except InvalidPhone:
        log.warning("submission sms for application %d not queued: invalid phone", application.id)
        return
    session.commit()


def register(session: Session, application: Application, *, now: dt.datetime,
             cal: WorkingCalendar) -> None:
    """R7.1: the system registers a portal application on its registration day."""
    cases.change(session, application, Action.REGISTER, Actor(Role.SYSTEM),
                 events.Actor.system(), now=now, cal=cal,
                 effect=lambda: setattr(application, "registered_on", to_local(now).date()))


def register_due(session: Session, *, now: dt.datetime, cal: WorkingCalendar) -> int:
    """The scheduled job: register every submitted portal application whose registration day
    has come (those made after hours, on a weekend or a holiday). Returns how many."""
    local = to_local(now)
    if not cal.is_working_day(local.date()) or local.time() < OFFICE_OPENS:
        return 0  # registered when the office opens on the registration day
    waiting = list(session.scalars(
        select(Application).where(Application.status == Status.SUBMITTED,
                                  Application.channel == Channel.PORTAL)
    ))
    done = 0
    for application in waiting:
        assert application.submitted_at is not None
        if cal.registration_date(application.submitted_at, Channel.PORTAL) <= to_local(now).date():
            try:
                register(session, application, now=now, cal=cal)
            except StaleDataError:  # another worker registered it a moment ago
                session.rollback()
                continue
            done += 1
    return done


def withdraw(session: Session, application: Application, citizen: Citizen, *,
             now: dt.datetime, cal: WorkingCalendar) -> None:
    """A submitted application can be withdrawn until the decision."""
    cases.change(session, application, Action.WITHDRAW, Actor(Role.CITIZEN),
                 citizen_actor(citizen), now=now, cal=cal)

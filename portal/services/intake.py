"""Intake of a paper application at a desk (R3.2, R3.3, R6.1, R6.2, R7.1, L3, L8).

The official finds the person by IIN (or creates them from the State database "Individuals"),
starts a paper draft (form F1, the desk's channel), fills it with the same section services the
portal uses (``draft_sections``), asks the F1-2 queries as the accepting specialist, ticks the
documents shown, and ends with a receipt: the coupon (provider, rural akim: accepted and
registered at once), the electronic receipt (State Corporation: accepted and forwarded), or the
F2-1 refusal to accept listing what was missing or expired. Services take ``now`` and the
calendar; case changes go through ``cases.change``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.apply import NeededDocument
from portal.domain.calendar import Channel, WorkingCalendar, to_local
from portal.domain.deadlines import service_term_due
from portal.domain.forms import ApplicantCapacity, Sex
from portal.domain.iin import parse_iin
from portal.domain.intake import DeskGaps, DeskTimes, ShownDocument, desk_checklist, desk_gaps
from portal.domain.intake import seconds as span_seconds
from portal.domain.package import DocumentKind
from portal.domain.registers import Requester
from portal.domain.workflow import Action, Actor, Role, Status
from portal.gateway import Gateway
from portal.models import Application, Citizen, Desk, Document, Receipt, StaffUser
from portal.models.application import ApplicationForm, ReceiptKind
from portal.services import cases, events
from portal.services.draft_sections import ground_proved_by_registers, subjects
from portal.services.drafts import new_number
from portal.services.register_queries import outcomes

__all__ = [
    "DocumentEntry",
    "NotInRegister",
    "PackageComplete",
    "PackageIncomplete",
    "accept",
    "checklist",
    "desk_drafts",
    "desk_of",
    "district_case",
    "document_key",
    "find_or_create_citizen",
    "gaps",
    "own_draft",
    "receipt_of",
    "refuse",
    "refuse_submitted",
    "register_submitted",
    "requester_for",
    "save_documents",
    "staff_actor",
    "start",
    "times",
]

LOCAL_DESKS = frozenset({Channel.PROVIDER, Channel.RURAL_AKIM})
_RECEIPT_PREFIX = {
    ReceiptKind.COUPON: "T",
    ReceiptKind.ELECTRONIC_RECEIPT: "E",
    ReceiptKind.REFUSAL_TO_ACCEPT: "F21",
}


class NotInRegister(Exception):
    """The State database "Individuals" does not know this IIN (or did not answer): nobody to
    create. ``outcome`` says which."""

    def __init__(self, outcome: str) -> None:
        super().__init__(outcome)
        self.outcome = outcome


class PackageIncomplete(Exception):
    """R6.2: the package lacks documents or holds expired ones; it cannot be accepted."""

    def __init__(self, found: DeskGaps) -> None:
        super().__init__(", ".join((*found.missing, *found.expired)))
        self.gaps = found


class PackageComplete(Exception):
    """Nothing is missing or expired: there is no ground to refuse acceptance (R6.2)."""


def staff_actor(staff: StaffUser) -> events.Actor:
    return events.Actor("staff", staff.id, staff.role.value)


def requester_for(staff: StaffUser) -> Requester:
    """Line 318: the F1-2 request is signed by a State Corporation employee or the provider's
    accepting specialist."""
    return (Requester.STATE_CORP_EMPLOYEE if staff.channel is Channel.STATE_CORP
            else Requester.PROVIDER_EMPLOYEE)


def desk_of(session: Session, staff: StaffUser) -> Desk | None:
    """The desk the official takes applications at: their own, or for a specialist of the
    department the district's provider desk."""
    if staff.desk is not None:
        return staff.desk
    if staff.role is Role.SPECIALIST and staff.district_id is not None:
        return session.scalar(select(Desk).where(Desk.district_id == staff.district_id,
                                                 Desk.channel == Channel.PROVIDER)
                              .order_by(Desk.id))
    return None


# -- the person --------------------------------------------------------------------------------

def find_or_create_citizen(session: Session, gateway: Gateway, iin: str,
                           staff: StaffUser) -> tuple[Citizen, bool]:
    """The citizen with this IIN, or a new one made from the State database "Individuals"
    (no password: they may sign in later with EDS). Returns (citizen, created now?)."""
    found = session.scalar(select(Citizen).where(Citizen.iin == iin))
    if found is not None:
        return found, False
    session.commit()  # the gateway writes its evidence in its own transaction
    result = gateway.person(iin, requester_for(staff), staff_id=staff.id)
    person = result.person
    if person is None:
        raise NotInRegister(result.outcome.value)
    parsed = parse_iin(iin)
    citizen = Citizen(iin=iin, surname=person.surname, given_name=person.given_name,
                      patronymic=person.patronymic, birth_date=parsed.birth_date,
                      sex=Sex(parsed.sex.value.lower()))
    session.add(citizen)
    session.flush()
    events.record(session, staff_actor(staff), "citizen_created_at_desk",
                  data={"citizen_id": citizen.id})
    session.commit()
    return citizen, True


def start(session: Session, staff: StaffUser, desk: Desk, citizen: Citizen, *,
          queued_at: dt.datetime | None, now: dt.datetime,
          number: str | None = None) -> Application:
    """A paper draft (F1) at this desk: the person is being served from ``now`` (L3.3), after
    waiting since ``queued_at``, the queue ticket's time (L3.2). ``number``: a fixed case
    number (the demo data's); a new random one by default."""
    if staff.district_id is None:
        raise ValueError("the official belongs to no district")
    draft = Application(
        number=number or new_number(now), citizen_id=citizen.id,
        district_id=staff.district_id,
        channel=desk.channel, form=ApplicationForm.F1, status=Status.DRAFT, desk_id=desk.id,
        capacity=ApplicantCapacity.SELF, submission_key=secrets.token_urlsafe(32),
        applicant_iin=citizen.iin, applicant_surname=citizen.surname,
        applicant_given_name=citizen.given_name, applicant_patronymic=citizen.patronymic,
        applicant_birth_date=citizen.birth_date, applicant_sex=citizen.sex,
        phone=citizen.phone, sections={}, queued_at=queued_at, service_started_at=now,
    )
    session.add(draft)
    session.flush()
    events.record(session, staff_actor(staff), "draft_started",
                  data={"number": draft.number, "channel": desk.channel.value,
                        "desk_id": desk.id}, at=now)
    session.commit()
    return draft


def desk_drafts(session: Session, staff: StaffUser, desk: Desk) -> list[Application]:
    """The paper drafts open at this desk (a specialist sees the district's paper drafts)."""
    query = select(Application).where(Application.district_id == staff.district_id,
                                      Application.status == Status.DRAFT,
                                      Application.channel != Channel.PORTAL)
    if staff.role is Role.INTAKE:
        query = query.where(Application.desk_id == desk.id)
    return list(session.scalars(query.order_by(Application.created_at.desc()).limit(50)))


def district_case(session: Session, staff: StaffUser, number: str) -> Application | None:
    """Any case of the official's district by number (its receipts are printed from here)."""
    if staff.district_id is None:
        return None
    return session.scalar(select(Application).where(
        Application.number == number, Application.district_id == staff.district_id,
        Application.status != Status.DRAFT))


def own_draft(session: Session, staff: StaffUser, desk: Desk | None,
              number: str) -> Application | None:
    """The one loader of the journey: a paper case of this official's district (and, for intake
    staff, of their desk) by number; None for anything else (the view answers 404)."""
    if staff.district_id is None or desk is None:
        return None
    query = select(Application).where(Application.number == number,
                                      Application.district_id == staff.district_id,
                                      Application.channel != Channel.PORTAL)
    if staff.role is Role.INTAKE:
        query = query.where(Application.desk_id == desk.id)
    return session.scalar(query)


# -- L8: the documents shown ----------------------------------------------------------------------

def checklist(draft: Application) -> tuple[NeededDocument, ...]:
    """The L8 items this desk checks for the draft (see ``domain.intake.desk_checklist``)."""
    if draft.ground is None or draft.applicant_iin is None:
        return ()
    rule = cases.ground_rule(draft)
    members = [iin for iin in subjects(draft) if iin != draft.applicant_iin]
    return desk_checklist(rule, draft.capacity, draft.applicant_iin, members, outcomes(draft),
                          ground_proved_by_registers=ground_proved_by_registers(draft))


@dataclass(frozen=True)
class DocumentEntry:
    """What the official recorded of one checklist item (F1: name, sheets, note; L8)."""

    item: NeededDocument
    title: str
    provided: bool
    original_compared: bool = False
    sheets: int | None = None
    number: str | None = None
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    note: str | None = None


def document_key(document: Document) -> str:
    return NeededDocument(document.kind, document.subject_iin).key


def save_documents(session: Session, draft: Application, entries: Sequence[DocumentEntry],
                   staff: StaffUser, *, now: dt.datetime) -> None:
    """One Document row per checklist item, shown or not; items no longer on the list go."""
    wanted = {e.item.key: e for e in entries}
    for document in list(draft.documents):
        if document_key(document) not in wanted:
            draft.documents.remove(document)
    by_key = {document_key(d): d for d in draft.documents}
    for key, entry in wanted.items():
        row = by_key.get(key)
        if row is None:
            row = Document(kind=entry.item.kind, subject_iin=entry.item.subject,
                           because=entry.item.because)
            draft.documents.append(row)
        row.proves = draft.ground if entry.item.kind is DocumentKind.GROUND_PROOF else None
        row.title = entry.title[:300]
        row.provided = entry.provided
        row.original_compared = entry.provided and entry.original_compared
        row.sheets = entry.sheets or 1
        row.number = entry.number
        row.issued_on = entry.issued_on
        row.valid_until = entry.valid_until
        row.note = entry.note
    events.record(session, staff_actor(staff), "draft_documents_checked",
                  data={"number": draft.number, "shown": sum(e.provided for e in entries),
                        "items": len(entries)}, at=now)
    session.commit()


def gaps(draft: Application, on: dt.date) -> DeskGaps:
    """R6.2: what the package lacks on ``on`` (every item of the checklist, shown and valid)."""
    if draft.ground is None:
        return DeskGaps(missing=(DocumentKind.GROUND_PROOF.value,))
    recorded = {document_key(d): d for d in draft.documents}
    shown = []
    for item in checklist(draft):
        row = recorded.get(item.key)
        shown.append(ShownDocument(item, provided=row is not None and row.provided,
                                   valid_until=row.valid_until if row is not None else None,
                                   proves=row.proves if row is not None else None))
    return desk_gaps(cases.ground_rule(draft), shown, on,
                     representative=draft.capacity.needs_power_of_attorney,
                     ground_proved_by_registers=ground_proved_by_registers(draft))


def checked(draft: Application) -> bool:
    """The documents were gone through (each checklist item has its row)."""
    keys = {document_key(d) for d in draft.documents}
    items = checklist(draft)
    return bool(items) and all(item.key in keys for item in items)


def times(draft: Application, now: dt.datetime | None = None) -> DeskTimes:
    return DeskTimes(draft.queued_at, draft.service_started_at, draft.service_ended_at or now)


# -- the end of intake ------------------------------------------------------------------------------

def _receipt(draft: Application, kind: ReceiptKind, staff: StaffUser, now: dt.datetime,
             **fields: object) -> Receipt:
    measured = times(draft, now)
    return Receipt(
        district_id=draft.district_id,
        kind=kind, number=f"{_RECEIPT_PREFIX[kind]}-{draft.number}", issued_at=now,
        issued_by_name=staff.full_name, issued_by_position=staff.position,
        wait_seconds=span_seconds(measured.wait), service_seconds=span_seconds(measured.service),
        **fields,
    )


def accept(session: Session, draft: Application, staff: StaffUser, *, now: dt.datetime,
           cal: WorkingCalendar) -> Receipt:
    """R6.1: a complete package is accepted (ACCEPT_PAPER). At the provider or the rural akim
    it is registered at once (R7.1) and the tear-off coupon shows the registration date, the
    result date (L3.1) and who accepted; at the State Corporation the electronic receipt lists
    the documents accepted, the employee, the time and the result date, and the case goes to
    the provider, which registers it. Raises PackageIncomplete (nothing saved) or
    IllegalTransition."""
    today = to_local(now).date()
    found = gaps(draft, today)
    if not found.complete:
        raise PackageIncomplete(found)
    desk = draft.desk
    duty = desk is not None and desk.duty_branch
    term_start = cal.term_starts_on(now, draft.channel, duty_branch=duty)
    due = service_term_due(term_start, cal)
    local = draft.channel in LOCAL_DESKS
    kind = ReceiptKind.COUPON if local else ReceiptKind.ELECTRONIC_RECEIPT
    receipt = _receipt(draft, kind, staff, now, result_due_on=due, application_date=today)
    actor = staff.actor
    who = staff_actor(staff)

    def accepted() -> None:
        draft.version = draft.version + 1
        draft.arrived_at = now
        draft.submitted_at = now
        draft.term_started_on = term_start
        draft.result_due_on = due
        draft.accepted_by_id = staff.id
        draft.service_ended_at = now
        if not local:
            draft.receipts.append(receipt)

    measured = times(draft, now)
    cases.change(session, draft, Action.ACCEPT_PAPER, actor, who, now=now, cal=cal,
                 data={"channel": draft.channel.value, "desk_id": draft.desk_id,
                       "receipt": receipt.number, "result_due_on": due.isoformat(),
                       "wait_seconds": span_seconds(measured.wait),
                       "service_seconds": span_seconds(measured.service)},
                 effect=accepted)
    if local:
        def registered() -> None:
            draft.version = draft.version + 1
            draft.registered_on = today
            draft.receipts.append(receipt)

        cases.change(session, draft, Action.REGISTER, actor, who, now=now, cal=cal,
                     data={"registered_on": today.isoformat(), "receipt": receipt.number},
                     effect=registered)
    return receipt


def refuse(session: Session, draft: Application, staff: StaffUser, *, now: dt.datetime,
           cal: WorkingCalendar) -> Receipt:
    """R6.2: an incomplete package or expired documents: the F2-1 receipt of refusal to accept,
    listing what was missing or expired. Raises PackageComplete when nothing is."""
    today = to_local(now).date()
    found = gaps(draft, today)
    if found.complete:
        raise PackageComplete()
    receipt = _receipt(draft, ReceiptKind.REFUSAL_TO_ACCEPT, staff, now, application_date=today,
                       incomplete=bool(found.missing), expired=bool(found.expired),
                       missing_documents=list(found.missing),
                       expired_documents=list(found.expired))

    def refused() -> None:
        draft.version = draft.version + 1
        draft.arrived_at = now
        draft.accepted_by_id = staff.id
        draft.service_ended_at = now
        draft.receipts.append(receipt)

    cases.change(session, draft, Action.REFUSE_ACCEPTANCE, staff.actor, staff_actor(staff),
                 now=now, cal=cal, reason="R6.2",
                 data={"receipt": receipt.number, "missing": list(found.missing),
                       "expired": list(found.expired)},
                 effect=refused)
    return receipt


# -- a submitted application, from the case page --------------------------------------------------

def register_submitted(session: Session, application: Application, actor: Actor,
                       who: events.Actor, *, now: dt.datetime, cal: WorkingCalendar) -> None:
    """R7.1: the provider or the rural akim registers a submitted application — a portal one
    not yet registered, or a paper one the State Corporation forwarded — on the day it does."""
    today = to_local(now).date()

    def registered() -> None:
        application.version = application.version + 1
        application.registered_on = today

    cases.change(session, application, Action.REGISTER, actor, who, now=now, cal=cal,
                 data={"registered_on": today.isoformat()}, effect=registered)


def refuse_submitted(session: Session, application: Application, actor: Actor,
                     who: events.Actor, staff: StaffUser, *, missing: Iterable[str],
                     expired: Iterable[str], now: dt.datetime,
                     cal: WorkingCalendar) -> Receipt:
    """R6.2 for a submitted application (line 45): the provider or the rural akim finds the
    package incomplete or a document expired and issues the F2-1 receipt naming them."""
    lacking, lapsed = list(dict.fromkeys(missing)), list(dict.fromkeys(expired))
    if not lacking and not lapsed:
        raise ValueError("name what is missing or expired")
    arrived = application.arrived_at or application.submitted_at or now
    receipt = Receipt(
        district_id=application.district_id,
        kind=ReceiptKind.REFUSAL_TO_ACCEPT, number=f"F21-{application.number}", issued_at=now,
        issued_by_name=staff.full_name, issued_by_position=staff.position,
        application_date=to_local(arrived).date(), incomplete=bool(lacking),
        expired=bool(lapsed), missing_documents=lacking, expired_documents=lapsed)

    def refused() -> None:
        application.version = application.version + 1
        application.receipts.append(receipt)

    cases.change(session, application, Action.REFUSE_ACCEPTANCE, actor, who, now=now, cal=cal,
                 reason="R6.2",
                 data={"receipt": receipt.number, "missing": lacking, "expired": lapsed},
                 effect=refused)
    return receipt


def receipt_of(application: Application, receipt_id: int) -> Receipt | None:
    return next((r for r in application.receipts if r.id == receipt_id), None)

"""What the citizen's application page reads (never commits): the timeline, the running
statutory deadlines and who looked at the case (L10.1, R15.11; issue #10)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, bindparam, case, exists, func, null, select
from sqlalchemy.orm import Session, defaultload, joinedload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.deadlines import Deadline, DeadlineState, case_deadlines
from portal.domain.grounds import GroundRule
from portal.domain.workflow import TERMINAL, Action, Status
from portal.models import (
    Application,
    Desk,
    Document,
    Event,
    InboxMessage,
    InspectionAct,
    PreliminaryDecision,
    Signature,
    StaffUser,
    Statement,
)
from portal.services.cases import (
    MILESTONE_LOADS,
    ground_rule_columns,
    milestones,
    rule_of_columns,
)
from portal.services.submission import DOCUMENT_KIND

__all__ = [
    "NESTED",
    "ONE_EACH",
    "PAPER_OBJECTION",
    "PAPER_REMARKS",
    "STAFF_ONE_EACH",
    "STAFF_PAGE",
    "CitizenCase",
    "DeadlineRow",
    "Look",
    "SentStatement",
    "Step",
    "citizen_case",
    "deadlines",
    "history",
    "looks",
    "settle",
    "statements_sent",
    "timeline",
    "with_presence",
]

# Events the person sees in the timeline: the steps of the case, not the signing plumbing.
_HIDDEN = frozenset({"signing_started", "signed", "signature_rejected", "signing_code_resent",
                     "signing_code_not_sent", "signing_secret_wrong", "signing_locked_out",
                     "signing_key_blocked"})


_STEPS = frozenset(a.value for a in Action)
# An objection (not an oral one: that is the hearing's) or remarks an official entered from the
# person's paper statement (R15.3, R15.6): the timeline says so, under these codes of its own.
PAPER_OBJECTION = "submit_objection_paper"
PAPER_REMARKS = "submit_remarks_paper"
_PAPER = {Action.SUBMIT_OBJECTION.value: PAPER_OBJECTION,
          Action.SUBMIT_REMARKS.value: PAPER_REMARKS}


class Step(NamedTuple):
    """A step of the timeline as the events' rows give it (its action the paper code above)."""

    at: dt.datetime
    action: str
    actor_kind: str
    actor_id: int | None
    role: str
    data: Any
    channel: Channel | None


# The case pages load their case in one query that also says which of its related rows exist
# (an EXISTS each): an absent relation is set empty there and then, a present one loads on first
# use, with the nested loads given in the query's options. Most cases have few of them, and a
# query not made costs nothing, where an eager load of every relation costs a query (or a join)
# each whether the case has the rows or not.
_CITIZEN_PAGE = ("preliminary_decisions", "objections", "remarks", "notifications", "documents",
                 "receipts", "decision", "income_computation", "commission_conclusion")
STAFF_PAGE = ("family", "incomes", "documents", "gateway_answers", "preliminary_decisions",
              "objections", "remarks", "notifications", "receipts")
# A case has at most one of each of these: joined to the case's row, which stays one row.
ONE_EACH = (joinedload(Application.district), joinedload(Application.district_ground),
            joinedload(Application.income_computation),
            joinedload(Application.commission_conclusion), joinedload(Application.decision))
STAFF_ONE_EACH = (*ONE_EACH, joinedload(Application.inspection_act),
                  joinedload(Application.precinct_conclusion))
# The rows under them, loaded with their parent relation (not one query per parent row).
NESTED = (
    defaultload(Application.documents).selectinload(Document.files),
    defaultload(Application.preliminary_decisions).selectinload(
        PreliminaryDecision.hearing_protocol),
    defaultload(Application.inspection_act).selectinload(InspectionAct.categories),
    defaultload(Application.inspection_act).selectinload(InspectionAct.incomes),
    defaultload(Application.inspection_act).selectinload(InspectionAct.support),
)


def with_presence(query: Select[Any], names: tuple[str, ...]) -> Select[Any]:
    """``query`` (of Application) with a column per relation in ``names``: has the case any
    of its rows."""
    return query.add_columns(*(_has(name) for name in names))


def _has(name: str) -> Any:
    target = Application.__mapper__.relationships[name].mapper.class_
    return exists().where(target.application_id == Application.id).label(f"has_{name}")


def settle(row: Any, names: tuple[str, ...]) -> Application:
    """The application of a :func:`with_presence` row, its absent relations set (no query)."""
    application: Application = row[0]
    relationships = Application.__mapper__.relationships
    for name, present in zip(names, row[1:], strict=True):
        if not present:
            set_committed_value(application, name, [] if relationships[name].uselist else None)
    return application


@dataclass(frozen=True)
class SignedApplication:
    """What the page shows of the signed F1-1: when it was signed and the document as signed
    (its state bodies' answers), not the signature's envelope."""

    signed_at: dt.datetime
    document: dict[str, Any]


@dataclass(frozen=True)
class CitizenCase:
    """The citizen's application for its page, its ground's rule (None without a ground), its
    latest signed F1-1 (as submission.signature_of) and the person's unread messages (the
    bell's count)."""

    application: Application
    rule: GroundRule | None
    signature: SignedApplication | None
    unread: int


def citizen_case(session: Session, citizen_id: int, number: str) -> CitizenCase | None:
    """The citizen's own application for its page, or None, in one query: the columns the page
    reads, which of its related rows exist (see STAFF_PAGE: the one-to-one rows too, absent in
    most cases), its ground's rule from its district rows' columns (ground_rule would load every
    ground row of the district), its signature's two columns and the bell's count."""
    row = session.execute(_citizen_case_query(),
                          {"citizen_id": citizen_id, "number": number}).first()
    if row is None:
        return None
    application = settle(row[:1 + len(_CITIZEN_PAGE)], _CITIZEN_PAGE)
    return CitizenCase(
        application,
        None if application.ground is None else rule_of_columns(application.ground, row),
        SignedApplication(row.signed_at, json.loads(row.signed_document))
        if row.signed_at is not None else None,
        int(row.unread or 0))


# What the citizen's page reads of the case's own row (the template, the deadlines, the forms'
# links): only these are loaded, and reading any other column raises (the page's tests) instead
# of costing a query. The whole row, the form's answers among them, and its one-to-one rows
# joined cost more to load than the rest of the page's reads together.
_PAGE_COLUMNS = (
    Application.number, Application.citizen_id, Application.channel, Application.form,
    Application.ground, Application.status, Application.version,
    Application.term_started_on, Application.submitted_at, Application.registered_on,
    Application.sent_to_precinct_on, Application.documents_received_on,
    Application.submitted_to_commission_on, Application.result_due_on,
    Application.result_issued_at, Application.updated_at,
)


@functools.cache
def _citizen_case_query() -> Any:
    """Built once (as every query here): SQLAlchemy then keeps its compiled form without
    working out the statement's cache key again each time."""
    def latest_signature(column: Any) -> Any:
        return (select(column).where(Signature.application_id == Application.id,
                                     Signature.document_kind == DOCUMENT_KIND)
                .order_by(Signature.id.desc()).limit(1).scalar_subquery())

    unread = (select(func.count()).select_from(InboxMessage)
              .where(InboxMessage.citizen_id == Application.citizen_id,
                     InboxMessage.read_at.is_(None)).scalar_subquery())
    return (ground_rule_columns(with_presence(select(Application), _CITIZEN_PAGE))
            .add_columns(latest_signature(Signature.signed_at).label("signed_at"),
                         latest_signature(Signature.document).label("signed_document"),
                         unread.label("unread"))
            .options(load_only(*_PAGE_COLUMNS, raiseload=True), *NESTED).where(
                Application.number == bindparam("number"),
                Application.citizen_id == bindparam("citizen_id")))


def timeline(session: Session, application: Application) -> list[Any]:
    """Every step of the case in time order (the audit chain's own events). A staff member's
    event that is no step of the procedure (a view, a lookup) is in :func:`looks` instead."""
    return history(session, application)[0]


def _nothing_added(event: Any) -> bool:
    """An upload whose every file was refused: the audit keeps it, the timeline does not say
    "files added" for it."""
    return event.action == "document_files_added" and not (event.data or {}).get("files")


class Look(NamedTuple):
    """One staff view, change or 1414 lookup of the case: role, desk and time, no name."""

    at: dt.datetime
    role: str
    channel: Channel | None
    action: str


def looks(session: Session, application: Application) -> list[Look]:
    """Who looked at my data: every event a staff member (the 1414 operator included) made on
    this case, newest first."""
    return history(session, application)[1]


def history(session: Session, application: Application) -> tuple[list[Any], list[Look]]:
    """:func:`timeline` and :func:`looks` together, from one read of the case's events (plain
    rows of the columns the page shows: no Event objects, whose hashes and data it never
    reads), each official's desk joined to their events. An objection or remarks an official
    entered from paper is a step of its own code (PAPER_OBJECTION, PAPER_REMARKS)."""
    steps: list[Any] = []
    staff: list[Any] = []
    for event in session.connection().execute(_events_query(),
                                              {"application_id": application.id}):
        # (unpacked: a row's attributes by name cost more than the rest of this loop)
        _at, action, actor_kind, _actor_id, _role, _data, _channel = event
        if action in _HIDDEN:
            continue  # the signing plumbing: no step, and no look at the person's data
        if actor_kind == "staff":
            staff.append(event)
            if action not in _STEPS:
                continue  # a view or a lookup: a look, not a step
            if action in _PAPER and not (_data or {}).get("oral"):
                steps.append(Step(_at, _PAPER[action], actor_kind, _actor_id, _role, _data,
                                  _channel))
                continue
        if not _nothing_added(event):
            steps.append(event)
    return steps, [Look(at, role, channel if actor_id else None, look_action(action, data))
                   for at, action, _, actor_id, role, data, channel in reversed(staff)]


FORM_VIEWED = "case_viewed:"  # + the form's slug + ":page" or ":pdf" (look_action)


def look_action(action: str, data: Any) -> str:
    """A look's code: an official's opening of one of the case's forms names the form and
    whether it was the page or the PDF (``case_viewed:f5:pdf``), other looks their action."""
    if action != "case_viewed" or not isinstance(data, dict):
        return action
    form = data.get("form")
    if not isinstance(form, str):
        return action
    return f"{FORM_VIEWED}{form.lower()}:{'pdf' if data.get('as') == 'pdf' else 'page'}"


@functools.cache
def _events_query() -> Any:
    """Built once (SQLAlchemy then reuses its compiled form without recomputing its key). The
    data of an event only where the timeline reads it: an upload's list of files; the desk's
    channel of a staff member's event (their desk's, none without one); whether an objection
    was oral (two WHENs, not an IN: its expanding list is worked out again on every run, some
    35 calls)."""
    return (select(Event.at, Event.action, Event.actor_kind, Event.actor_id, Event.role,
                   case((Event.action == "document_files_added", Event.data),
                        (Event.action == "submit_objection", Event.data),
                        (Event.action == "case_viewed", Event.data),
                        else_=null()).label("data"),
                   Desk.channel.label("channel"))
            .outerjoin(StaffUser, and_(Event.actor_kind == "staff",
                                       StaffUser.id == Event.actor_id))
            .outerjoin(Desk, Desk.id == StaffUser.desk_id)
            .where(Event.application_id == bindparam("application_id")).order_by(Event.seq))


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline
    state: DeadlineState
    working_days_left: int | None  # for a running clock


def deadlines(application: Application, cal: WorkingCalendar, today: dt.date,
              rule: GroundRule | None = None) -> list[DeadlineRow]:
    """The case's statutory clocks as dates, each done, running or overdue (domain.deadlines);
    ``rule``: the ground's, where the caller has it (else ground_rule works it out)."""
    if application.ground is None:
        return []
    rows = []
    for d in case_deadlines(milestones(application, rule), cal):
        state = d.state(today)
        left = (cal.working_days_between(today, d.due)
                if state is DeadlineState.RUNNING and d.due >= today else None)
        rows.append(DeadlineRow(d, state, left))
    return rows


@dataclass(frozen=True)
class SentStatement:
    """A statement of the person's own (R15.3 objection, R15.6 remarks): signed and sent in the
    cabinet — when, the text as signed and the code that verifies its signature — or handed in
    on paper and entered by an official (``paper``: when it was entered and the text as entered;
    no signature of the person's, no code)."""

    kind: Statement
    submitted_at: dt.datetime
    text: str
    short_code: str | None
    paper: bool = False


def statements_sent(session: Session, application: Application) -> list[SentStatement]:
    """Every objection and remarks of the person's own, oldest first: each signed in the
    cabinet, whether or not it had attachments, and each handed in on paper and entered by
    staff (no signature). An oral objection, put in the protocol by staff, is the hearing's, not
    a statement the person sent, and is not listed. The signatures' codes in one query, only
    where there are any."""
    mine = [(Statement.OBJECTION, o) for o in application.objections
            if o.signature_id or not o.oral] + \
        [(Statement.REMARKS, r) for r in application.remarks]
    if not mine:
        return []
    signed = [s.signature_id for _, s in mine if s.signature_id]
    codes = dict(session.connection().execute(_codes_query(), {"ids": signed}).all()
                 ) if signed else {}
    return sorted((SentStatement(kind, s.submitted_at, s.text, codes.get(s.signature_id),
                                 paper=s.signature_id is None)
                   for kind, s in mine if s.signature_id is None or s.signature_id in codes),
                  key=lambda sent: sent.submitted_at)


@functools.cache
def _codes_query() -> Any:
    return (select(Signature.id, Signature.short_code)
            .where(Signature.id.in_(bindparam("ids", expanding=True))))


# -- the cabinet's list of applications -------------------------------------------------------------

PAGE_SIZE = 20
# Decided or ended: listed after the cases still running.
_DONE = frozenset({*TERMINAL, Status.GRANTED, Status.REFUSED})


@dataclass(frozen=True)
class ApplicationsPage:
    """One page of a person's applications and where it stands among the pages."""

    applications: list[Application]
    number: int  # 1-based, within 1..pages
    pages: int
    total: int


def applications_page(session: Session, citizen_id: int, number: int,
                      size: int = PAGE_SIZE) -> ApplicationsPage:
    """Page ``number`` of the person's applications: open cases (drafts too) first, then the
    decided and ended ones, newest first within each; a page past the last is the last. Two
    queries for the page and one per relation its next steps read (MILESTONE_LOADS), however
    many applications the person has."""
    connection = session.connection()
    total = int(connection.execute(_count_query(), {"citizen_id": citizen_id}).scalar() or 0)
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    ids = list(connection.execute(_page_ids_query(), {
        "citizen_id": citizen_id, "size": size, "skip": (number - 1) * size}).scalars())
    found = {a.id: a for a in session.execute(_page_query(), {"ids": ids}).unique().scalars()
             } if ids else {}
    return ApplicationsPage([found[i] for i in ids if i in found], number, pages, total)


# Built once, as the case page's: SQLAlchemy then reuses their compiled form.
@functools.cache
def _count_query() -> Any:
    return (select(func.count()).select_from(Application)
            .where(Application.citizen_id == bindparam("citizen_id")))


@functools.cache
def _page_ids_query() -> Any:
    """Open cases first, newest first (ix_applications_citizen_created)."""
    done = case((Application.status.in_(_DONE), 1), else_=0)
    return (select(Application.id).where(Application.citizen_id == bindparam("citizen_id"))
            .order_by(done, Application.created_at.desc(), Application.id.desc())
            .limit(bindparam("size")).offset(bindparam("skip")))


@functools.cache
def _page_query() -> Any:
    return (select(Application).options(*MILESTONE_LOADS, joinedload(Application.district_ground))
            .where(Application.id.in_(bindparam("ids", expanding=True))))


def next_steps(applications: list[Application], cal: WorkingCalendar,
               today: dt.date) -> dict[int, DeadlineRow]:
    """Each application's nearest running or overdue statutory step, by application id."""
    steps = {}
    for application in applications:
        running = [r for r in deadlines(application, cal, today)
                   if r.state in (DeadlineState.RUNNING, DeadlineState.OVERDUE)]
        if running:
            steps[application.id] = min(running, key=lambda r: r.deadline.due)
    return steps

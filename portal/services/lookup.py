"""L10.1 use cases: the public status lookup (number + second factor) and the 1414 operator's
search, which writes one event per case seen so the person can read who looked at their data."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select
from sqlalchemy.orm import Session

from portal.domain.calendar import WorkingCalendar, to_local
from portal.domain.deadlines import Deadline, case_deadlines
from portal.domain.lookup import Factor, OperatorReason, factor_matches, next_step
from portal.domain.workflow import Status
from portal.models import Application, Citizen, StaffUser
from portal.services import events
from portal.services.cases import (
    MILESTONE_LOADS,
    lookup_milestones_select,
    milestones,
    row_milestones,
)

_CASE_LOADS = MILESTONE_LOADS

# Decided: the decision exists; the notification issued is the next fact the answer gives.
DECIDED = frozenset({Status.GRANTED, Status.REFUSED, Status.NOTIFIED})
HIDDEN = frozenset({Status.DRAFT})  # a draft is nobody's business but its author's


@dataclass(frozen=True)
class StatusAnswer:
    """All the public page and the API may say: no name, amount, address or ground."""

    number: str
    status: Status
    registered_on: dt.date | None
    next_step: Deadline | None
    result_due_on: dt.date | None
    decided: bool
    notification_issued_on: dt.date | None
    portal: bool  # made on the portal: the notification is in the cabinet (R15.11)


@dataclass(frozen=True)
class OperatorCase:
    """What the 1414 operator sees per case: more than the public page, no amounts or papers."""

    answer: StatusAnswer
    channel: str
    district: dict[str, str]  # its name by language
    deadlines: list[Deadline]


def _answer(application: Application, cal: WorkingCalendar, today: dt.date
            ) -> tuple[StatusAnswer, list[Deadline]]:
    deadlines = case_deadlines(milestones(application), cal) if application.ground else []
    return _status_answer(application, deadlines, today), deadlines


def _status_answer(case: Any, deadlines: list[Deadline], today: dt.date
                   ) -> StatusAnswer:
    """The answer from the case's columns (``case``: the Application or a row of them) and
    its deadlines."""
    issued = case.result_issued_at
    return StatusAnswer(
        number=case.number, status=case.status,
        registered_on=case.registered_on, next_step=next_step(deadlines, today),
        result_due_on=case.result_due_on, decided=case.status in DECIDED,
        notification_issued_on=to_local(issued).date() if issued else None,
        portal=case.form.value == "F1-1",
    )


def _names(application: Application) -> dict[str, str]:
    d = application.district
    return {"kk": d.name_kk, "ru": d.name_ru, "en": d.name_en}


@functools.cache
def case_by_number() -> Any:
    """The lookup's one statement, built once (SQLAlchemy then reuses its compiled form): the
    case's factors, its account holder's as a fallback, the answer's own columns and what its
    deadlines read (:func:`cases.lookup_milestones_select`)."""
    return (
        lookup_milestones_select(Application.id, Application.applicant_iin,
                                 Application.applicant_birth_date, Citizen.iin,
                                 Citizen.birth_date, Application.number, Application.form,
                                 Application.result_due_on)
        .join(Citizen, Citizen.id == Application.citizen_id)
        .where(Application.number == bindparam("number"))
    )


def status_for(connection: Connection, number: str, factor: Factor, *,
               cal: WorkingCalendar, today: dt.date) -> StatusAnswer | None:
    """The answer, or None for an unknown number, a wrong factor or a draft — alike.

    One statement either way (the case with its applicant's factors, the account holder's as a
    fallback, and what its deadlines read), then both constant-time comparisons either way. A
    Core connection is enough: only a case with a preliminary refusal, a decision or a
    notification loads its object graph, in a session on the same connection."""
    row = connection.execute(case_by_number(), {"number": number}).one_or_none()
    if row is None:
        ok = factor_matches(factor, None, None)
        iin, birth_date = None, None
    else:
        iin = row.applicant_iin or row.iin
        birth_date = row.applicant_birth_date or row.birth_date
        ok = factor_matches(factor, iin, birth_date)
    if row is None or not ok or row.status in HIDDEN:
        return None
    if row.ground is None:
        return _status_answer(row, [], today)
    # Most cases need none of their related rows for the deadlines: the row carries them.
    found = row_milestones(row)
    if found is None:  # a refusal round, a decision or a notification: the whole graph
        with Session(bind=connection) as session:
            application = session.execute(
                select(Application).options(*_CASE_LOADS).where(Application.id == row.id)
            ).unique().scalar_one()
            found = milestones(application)
    return _status_answer(row, case_deadlines(found, cal), today)


def operator_search(session: Session, operator: StaffUser, *, iin: str = "", number: str = "",
                    reason: str, cal: WorkingCalendar, today: dt.date) -> list[OperatorCase]:
    """The operator's search by IIN or by number; one ``operator_lookup`` event per case found
    (and one without a case when nothing was found), in one commit."""
    if reason not in OperatorReason.ALL:
        raise ValueError("unknown reason")
    query = (select(Application).options(*_CASE_LOADS)
             .join(Citizen, Citizen.id == Application.citizen_id)
             .where(Application.status.not_in(HIDDEN)))
    if number:
        query = query.where(Application.number == number)
    elif iin:
        query = query.where(or_(Application.applicant_iin == iin,
                                (Application.applicant_iin.is_(None)) & (Citizen.iin == iin)))
    else:
        raise ValueError("an IIN or a number is needed")
    found = list(session.scalars(query.order_by(Application.id.desc()).limit(50)).unique())
    actor = events.Actor("staff", operator.id, operator.role.value)
    by = "number" if number else "iin"
    cases = []
    for application in found:
        answer, deadlines = _answer(application, cal, today)
        cases.append(OperatorCase(answer, application.channel.value,
                                  _names(application), deadlines))
        events.record(session, actor, "operator_lookup", application_id=application.id,
                      reason=reason, data={"by": by})
    if not found:
        events.record(session, actor, "operator_lookup", reason=reason,
                      data={"by": by, "found": 0})
    session.commit()
    return cases

"""R6.3: the applicant asks the state registers (the F1-2 queries) and watches the answers come.

Queries go through ``Gateway.submit`` (a Celery task in production, at once in the embedded
default); the page polls :func:`progress`, which copies each answer to the case as it arrives.
An answer that is not "found" never blocks: it turns into a document to attach (R3.4).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.apply import APPLICANT_QUERIES, member_queries
from portal.domain.registers import GatewayOutcome, GatewayQuery, Requester
from portal.gateway import Gateway
from portal.models import Application, Citizen, GatewayRequest
from portal.services.draft_sections import keep_answer

__all__ = ["QueryProgress", "ask_registers", "outcomes", "planned", "progress"]

_SETTLED = frozenset({GatewayOutcome.FOUND, GatewayOutcome.NO_DATA, GatewayOutcome.MISMATCH})


@dataclass(frozen=True)
class QueryProgress:
    subject: str
    name: str
    query: GatewayQuery
    outcome: GatewayOutcome | None  # None: not answered yet
    asked: bool

    @property
    def may_retry(self) -> bool:
        return self.outcome in (GatewayOutcome.TIMEOUT, GatewayOutcome.UNAVAILABLE)


def planned(draft: Application) -> list[tuple[str, str, GatewayQuery]]:
    """(IIN, name, query) for the applicant and every family member, in the order shown."""
    plan: list[tuple[str, str, GatewayQuery]] = []
    if draft.applicant_iin:
        name = " ".join(p for p in (draft.applicant_surname, draft.applicant_given_name) if p)
        plan += [(draft.applicant_iin, name, q) for q in APPLICANT_QUERIES]
    for member in draft.family:
        if member.iin:
            plan += [(member.iin, member.full_name, q) for q in member_queries(member.relation)]
    return plan


def _latest(session: Session, draft: Application) -> dict[tuple[str, GatewayQuery], GatewayRequest]:
    rows = session.scalars(select(GatewayRequest).where(GatewayRequest.application_id == draft.id)
                           .order_by(GatewayRequest.id))
    return {(r.subject_iin, r.query): r for r in rows}


def ask_registers(session: Session, gateway: Gateway, draft: Application, citizen: Citizen, *,
                  retry: bool = False, requester: Requester = Requester.APPLICANT,
                  staff_id: int | None = None) -> int:
    """Ask every planned query not answered yet (and, with ``retry``, those that timed out or
    found the register down). Returns how many were asked. ``requester``: the applicant on the
    portal (R6.3), the accepting specialist at a desk (R3.3, with ``staff_id``)."""
    latest = _latest(session, draft)
    todo = []
    for iin, _name, query in planned(draft):
        row = latest.get((iin, query))
        if row is None or (retry and row.outcome not in _SETTLED and row.outcome is not None):
            todo.append((iin, query))
    session.commit()
    for iin, query in todo:
        gateway.submit(query, iin, requester, citizen_id=citizen.id, staff_id=staff_id,
                       application_id=draft.id)
    return len(todo)


def progress(session: Session, gateway: Gateway, draft: Application) -> list[QueryProgress]:
    """Each planned query with its outcome so far; answers that came are kept on the case."""
    latest = _latest(session, draft)
    kept = {a.evidence_id for a in draft.gateway_answers}
    changed = False
    found: list[QueryProgress] = []
    for iin, name, query in planned(draft):
        row = latest.get((iin, query))
        if row is None:
            found.append(QueryProgress(iin, name, query, None, asked=False))
            continue
        outcome = row.outcome
        if row.id not in kept:
            result = gateway.result(row.request_id)
            if result is not None:
                keep_answer(draft, result)
                outcome = result.outcome
                changed = True
        found.append(QueryProgress(iin, name, query, outcome, asked=True))
    if changed:
        session.commit()
    return found


def outcomes(draft: Application) -> dict[tuple[str, GatewayQuery], GatewayOutcome]:
    return {(a.subject_iin, a.query): a.outcome for a in draft.gateway_answers}

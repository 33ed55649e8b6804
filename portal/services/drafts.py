"""The portal application while it is a draft: start, save each section, delete (F1-1, R3.1).

Each function is one use case with one commit. Field saves write no event (a draft is the
person's own scratch paper); starting, confirming a section and deleting do. The state of the
sections is computed by ``domain.apply``; this module only keeps the marks and reopens what a
change makes stale.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.domain.apply import Mark, Section, SectionState, rests_on, section_states
from portal.domain.calendar import Channel
from portal.domain.forms import ApplicantCapacity
from portal.domain.workflow import Status
from portal.models import Application, Citizen, District, DistrictGround
from portal.models.application import ApplicationForm
from portal.services import events
from portal.services.cases import ground_rule

__all__ = [
    "DraftExists",
    "citizen_actor",
    "delete_draft",
    "drafts_of",
    "mark_done",
    "mark_touched",
    "marks",
    "new_number",
    "own_application",
    "start_draft",
    "states",
]

# Crockford's base32 without I, L, O, U: read aloud to 1414 without confusion.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class DraftExists(Exception):
    """The person already has a draft on this ground: continue it instead (one at a time)."""

    def __init__(self, draft: Application) -> None:
        super().__init__(draft.number)
        self.draft = draft


def new_number(now: dt.datetime) -> str:
    """A public case number: the year and eight random characters (no personal data, not
    guessable, so the 1414 lookup cannot be walked by counting)."""
    tail = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"SA-{now.year}-{tail[:4]}-{tail[4:]}"


def citizen_actor(citizen: Citizen) -> events.Actor:
    return events.Actor("citizen", citizen.id, "citizen")


def own_application(session: Session, citizen: Citizen, number: str, *,
                    with_milestones: bool = False) -> Application | None:
    """The one loader of the journey: the citizen's own application by number, else None;
    ``with_milestones`` loads what its deadlines read in the same round trips."""
    query = select(Application).where(Application.number == number,
                                      Application.citizen_id == citizen.id)
    if with_milestones:
        from portal.services.cases import MILESTONE_LOADS

        query = query.options(*MILESTONE_LOADS)
    return session.execute(query).unique().scalar_one_or_none()


def drafts_of(session: Session, citizen: Citizen) -> list[Application]:
    return list(session.scalars(
        select(Application)
        .where(Application.citizen_id == citizen.id, Application.status == Status.DRAFT)
        .order_by(Application.updated_at.desc(), Application.id.desc())
    ))


def start_draft(session: Session, citizen: Citizen, district: District, *,
                now: dt.datetime) -> Application:
    draft = Application(
        number=new_number(now), citizen_id=citizen.id, district_id=district.id,
        channel=Channel.PORTAL, form=ApplicationForm.F1_1, status=Status.DRAFT,
        capacity=ApplicantCapacity.SELF, submission_key=secrets.token_urlsafe(32),
        phone=citizen.phone, email=citizen.email, sections={},
    )
    session.add(draft)
    session.flush()
    # Draft events name the number, not the row: a deleted draft leaves its events behind.
    events.record(session, citizen_actor(citizen), "draft_started",
                  data={"number": draft.number}, at=now)
    session.commit()
    return draft


def marks(draft: Application) -> dict[Section, Mark]:
    found: dict[Section, Mark] = {}
    for key, value in (draft.sections or {}).items():
        try:
            found[Section(key)] = Mark(value)
        except ValueError:
            continue  # a section an older version had: ignored
    return found


def needs_income(draft: Application) -> bool | None:
    return None if draft.ground is None else ground_rule(draft).needs_income


def states(draft: Application) -> dict[Section, SectionState]:
    return section_states(marks(draft), needs_income(draft))


def _set_marks(draft: Application, changed: Mapping[Section, Mark | None]) -> None:
    current = dict(draft.sections or {})
    for section, mark in changed.items():
        if mark is None:
            current.pop(section.value, None)
        else:
            current[section.value] = mark.value
    draft.sections = current  # a new dict: JSON columns see reassignment, not mutation


def mark_touched(draft: Application, section: Section) -> None:
    """Something of ``section`` was saved: it and every section resting on it are in progress
    again (a confirmed answer must not hide one that is now stale)."""
    changed: dict[Section, Mark | None] = {section: Mark.TOUCHED}
    for later in rests_on(section):
        if marks(draft).get(later) is Mark.DONE:
            changed[later] = Mark.TOUCHED
    _set_marks(draft, changed)


def mark_done(session: Session, draft: Application, section: Section, citizen: Citizen, *,
              now: dt.datetime) -> None:
    """The person confirmed the section ("save and continue"); one event, one commit."""
    _set_marks(draft, {section: Mark.DONE})
    events.record(session, citizen_actor(citizen), "draft_section_done",
                  data={"number": draft.number, "section": section.value}, at=now)
    session.commit()


def choose_ground(session: Session, draft: Application, citizen: Citizen,
                  offer: DistrictGround, requested: str | None) -> None:
    """The kind of assistance and the ground, from the district's configuration.

    Raises DraftExists when another draft of this person is on the same ground.
    """
    other = session.scalar(
        select(Application).where(
            Application.citizen_id == citizen.id, Application.status == Status.DRAFT,
            Application.ground == offer.category, Application.id != draft.id,
        )
    )
    if other is not None:
        raise DraftExists(other)
    changed = draft.ground is not offer.category or draft.district_id != offer.district_id
    draft.district_id = offer.district_id
    draft.district_ground_id = offer.id
    draft.ground = offer.category
    draft.assistance_requested = requested
    if changed or Section.GROUND not in marks(draft):
        mark_touched(draft, Section.GROUND)
    try:
        session.commit()
    except IntegrityError:
        # Two tabs chose the same ground at once: the unique index let one win.
        session.rollback()
        winner = session.scalar(select(Application).where(
            Application.citizen_id == citizen.id, Application.status == Status.DRAFT,
            Application.ground == offer.category))
        if winner is None:
            raise
        raise DraftExists(winner) from None


def delete_draft(session: Session, draft: Application, citizen: Citizen, *,
                 now: dt.datetime) -> None:
    """A draft can be deleted; what it held goes with it (the event keeps only the number)."""
    if draft.status is not Status.DRAFT:
        raise ValueError("only a draft can be deleted")
    events.record(session, citizen_actor(citizen), "draft_deleted",
                  data={"number": draft.number}, at=now)
    session.delete(draft)
    session.commit()

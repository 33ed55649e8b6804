"""Which people of the simulated population have a case under each ground (L8.3), and which not.

This is the simulator's own reading, to pick demo and test people; the portal's decision stays
with the commission and ``portal.domain``. Per-capita income is computed as the domain does it
(``portal.domain.income``) over the household's incomes of the quarter before ``as_of``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.forms import Sex
from portal.domain.grounds import GroundCategory
from portal.domain.income import (
    SUBSISTENCE_MINIMUM_TIYN,
    is_below_threshold,
    per_capita_income,
    previous_quarter,
    threshold_tiyn,
)
from portal.gateway.names import SOCIALLY_SIGNIFICANT
from portal.models import RecordKind, RelationKind, SimIncome, SimPerson, SimRecord, SimRelation

PENSION_AGE: Final = {Sex.MALE: 63, Sex.FEMALE: 61}
OLD_AGE_WITHOUT_DISABILITY: Final = 80
RECENT: Final = dt.timedelta(days=365)  # a fire, disaster or release counts for a year


@dataclass(frozen=True)
class Facts:
    age: int
    sex: Sex
    lives_alone: bool
    records: tuple[tuple[RecordKind, str | None, dt.date, dt.date | None], ...]
    is_ward: bool
    parents_alive: tuple[bool, ...]
    per_capita_tiyn: int


def threshold_for(as_of: dt.date, multiplier: Fraction) -> int:
    year = min(max(SUBSISTENCE_MINIMUM_TIYN), as_of.year)
    return threshold_tiyn(SUBSISTENCE_MINIMUM_TIYN[year], multiplier)


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def facts_of(session: Session, iin: str, as_of: dt.date) -> Facts | None:
    person = session.scalar(select(SimPerson).where(SimPerson.iin == iin))
    if person is None or person.died_on is not None:
        return None
    household = session.scalars(select(SimPerson.iin).where(
        SimPerson.household == person.household, SimPerson.died_on.is_(None))).all()
    records = session.execute(select(SimRecord.kind, SimRecord.code, SimRecord.start_on,
                                     SimRecord.end_on).where(SimRecord.person_iin == iin)).all()
    relations = session.execute(select(SimRelation.kind, SimRelation.first_iin,
                                       SimRelation.ended_on).where(
        SimRelation.second_iin == iin,
        SimRelation.kind.in_((RelationKind.BIRTH, RelationKind.GUARDIANSHIP)))).all()
    parents = [first for kind, first, _ in relations if kind is RelationKind.BIRTH]
    alive = dict(session.execute(select(SimPerson.iin, SimPerson.died_on.is_(None)).where(
        SimPerson.iin.in_(parents))).all()) if parents else {}
    start, _end = previous_quarter(as_of)
    total = sum(session.scalars(select(SimIncome.amount_tiyn).where(
        SimIncome.person_iin.in_(household), SimIncome.quarter_start == start)))
    return Facts(
        age=_age(person.birth_date, as_of), sex=person.sex, lives_alone=len(household) == 1,
        records=tuple((r.kind, r.code, r.start_on, r.end_on) for r in records),
        is_ward=any(kind is RelationKind.GUARDIANSHIP and (ended is None or ended > as_of)
                    for kind, _, ended in relations),
        parents_alive=tuple(bool(alive.get(p)) for p in parents),
        per_capita_tiyn=per_capita_income(total, len(household)),
    )


def qualifies(facts: Facts, category: GroundCategory, as_of: dt.date, threshold: int) -> bool:
    def active(kind: RecordKind, codes: Collection[str] | None = None) -> bool:
        return any(k is kind and start <= as_of and (end is None or end >= as_of)
                   and (codes is None or code in codes)
                   for k, code, start, end in facts.records)

    def recent(kind: RecordKind) -> bool:
        return any(k is kind and as_of - RECENT <= start <= as_of
                   for k, _, start, _ in facts.records)

    match category:
        case GroundCategory.NATURAL_DISASTER:
            return recent(RecordKind.NATURAL_DISASTER)
        case GroundCategory.FIRE:
            return recent(RecordKind.FIRE)
        case GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE:
            return active(RecordKind.DISPENSARY, SOCIALLY_SIGNIFICANT)
        case GroundCategory.LOW_INCOME:
            return is_below_threshold(facts.per_capita_tiyn, threshold)
        case GroundCategory.ORPHAN:
            orphaned = bool(facts.parents_alive) and not any(facts.parents_alive)
            return facts.age < 18 and (facts.is_ward or orphaned)
        case GroundCategory.OLD_AGE_SELF_CARE:
            frail = facts.age >= OLD_AGE_WITHOUT_DISABILITY or active(RecordKind.DISABILITY, {"1"})
            return facts.age >= PENSION_AGE[facts.sex] and facts.lives_alone and frail
        case GroundCategory.RELEASED_FROM_PRISON:
            return recent(RecordKind.RELEASE) or active(RecordKind.PROBATION)


def near_miss(facts: Facts, category: GroundCategory, threshold: int) -> bool:
    """A person who does not qualify but comes close: the telling "no" for a demo or a test."""
    kinds = {k for k, *_ in facts.records}
    match category:
        case GroundCategory.NATURAL_DISASTER:
            return RecordKind.NATURAL_DISASTER in kinds
        case GroundCategory.FIRE:
            return RecordKind.FIRE in kinds
        case GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE:
            return RecordKind.DISPENSARY in kinds
        case GroundCategory.LOW_INCOME:
            return facts.per_capita_tiyn <= 3 * threshold
        case GroundCategory.ORPHAN:
            return facts.age < 18
        case GroundCategory.OLD_AGE_SELF_CARE:
            return facts.age >= PENSION_AGE[facts.sex]
        case GroundCategory.RELEASED_FROM_PRISON:
            return bool(kinds & {RecordKind.RELEASE, RecordKind.PROBATION})


def examples(session: Session, as_of: dt.date, threshold: int, *, skip: frozenset[str] = frozenset(),
             limit: int = 400) -> dict[GroundCategory, tuple[str | None, str | None]]:
    """For each ground, the first person (in generation order) who qualifies, and one who does
    not — one who comes close where there is one.

    The named cases come first in the population, so a few hundred people are enough to look at.
    """
    yes: dict[GroundCategory, str] = {}
    no: dict[GroundCategory, tuple[bool, str]] = {}
    candidates = select(SimPerson.iin).where(
        SimPerson.died_on.is_(None), SimPerson.scripted_outcome.is_(None),
        SimPerson.scripted_source.is_(None)).order_by(SimPerson.id).limit(limit)
    for iin in session.scalars(candidates):
        facts = None if iin in skip else facts_of(session, iin, as_of)
        if facts is None:
            continue
        for category in GroundCategory:
            if qualifies(facts, category, as_of, threshold):
                yes.setdefault(category, iin)
            elif not no.get(category, (False, ""))[0]:
                near = near_miss(facts, category, threshold)
                if near or category not in no:
                    no[category] = (near, iin)
        if len(yes) == len(GroundCategory) and all(near for near, _ in no.values()):
            break
    return {c: (yes.get(c), no[c][1] if c in no else None) for c in GroundCategory}

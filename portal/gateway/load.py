"""Writing a generated population into the simulated registers' tables, in bulk."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from portal.gateway.households import generate
from portal.models import SimIncome, SimPerson, SimRecord, SimRelation

# Children before parents when deleting: the other tables point at sim_people.iin.
_TABLES = (SimIncome, SimRecord, SimRelation, SimPerson)
_BATCH = 5_000


@dataclass(frozen=True)
class LoadReport:
    created: bool
    people: int
    seconds: float


def population_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SimPerson)) or 0


def load(session: Session, *, seed: int, people: int, districts: Sequence[str],
         as_of: dt.date, replace: bool = False) -> LoadReport:
    """Generate and store the population; without ``replace`` an existing one is kept as is.

    Commits: the registers are their own data, not part of any case's transaction.
    """
    started = time.perf_counter()
    existing = population_size(session)
    if existing and not replace:
        return LoadReport(False, existing, time.perf_counter() - started)
    population = generate(seed, people, districts, as_of)
    for model in _TABLES:
        session.execute(delete(model))
    for model, rows in ((SimPerson, population.people), (SimRelation, population.relations),
                        (SimRecord, population.records), (SimIncome, population.incomes)):
        for start in range(0, len(rows), _BATCH):
            # Core executemany: several times faster than the ORM's bulk insert here.
            table: Table = model.__table__  # type: ignore[assignment]
            session.execute(insert(table), rows[start:start + _BATCH])
    session.commit()
    return LoadReport(True, len(population.people), time.perf_counter() - started)

"""The `simulated` backend: each register answers from the generated population in the database.

Every call opens its own short read-only session: nothing about the population is held in
memory between calls. A scripted person fails on demand (docs/gateway.md).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any, Final

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from portal.domain.registers import QUERY_SOURCE, GatewayOutcome, GatewayQuery
from portal.gateway.base import RegisterTimeout, RegisterUnavailable
from portal.gateway.names import SOCIALLY_SIGNIFICANT
from portal.models import RecordKind, RelationKind, SimPerson, SimRecord, SimRelation

WARD_AGE: Final = 14  # F1-2 item 8: a ward over 14 is registered at a place of residence


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _full_name(p: SimPerson) -> str:
    return " ".join(x for x in (p.surname, p.given_name, p.patronymic) if x)


def _person(p: SimPerson) -> dict[str, Any]:
    return {"iin": p.iin, "surname": p.surname, "given_name": p.given_name,
            "patronymic": p.patronymic, "birth_date": p.birth_date.isoformat(),
            "sex": p.sex.value, "died_on": _iso(p.died_on)}


def _address(p: SimPerson) -> dict[str, Any]:
    # "district": the territorial code of the registered address (GBD FL gives a KATO code);
    # the portal reads it to choose the provider (R2.1).
    return {"district": p.district_code, "region": p.region, "city": p.city,
            "street": p.street, "house": p.house, "flat": p.flat,
            "registered_on": p.registered_on.isoformat()}


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class SimulatedBackend:
    name = "simulated"

    def __init__(self, sessions: sessionmaker[Session], *, today: Callable[[], dt.date],
                 delay_seconds: float = 0.0) -> None:
        self._sessions = sessions
        self._today = today
        self._delay = delay_seconds

    def answer(self, query: GatewayQuery, subject_iin: str, *,
               timeout: float) -> dict[str, Any] | None:
        """The register's data about the subject, or None when it holds nothing on them."""
        if self._delay:
            time.sleep(min(self._delay, timeout))
            if self._delay > timeout:
                raise RegisterTimeout()
        with self._sessions() as session:
            person = session.scalar(select(SimPerson).where(SimPerson.iin == subject_iin))
            if person is None:
                return None
            scripted = person.scripted_outcome
            if scripted is not None and person.scripted_source in (None, QUERY_SOURCE[query]):
                if scripted is GatewayOutcome.TIMEOUT:
                    raise RegisterTimeout()
                if scripted is GatewayOutcome.UNAVAILABLE:
                    raise RegisterUnavailable()
                return None
            data = _ANSWERS[query](self, session, person)
            return None if data is None else {"person": _person(person), **data}

    # -- one method per query ----------------------------------------------------------------

    def _identity(self, session: Session, p: SimPerson) -> dict[str, Any]:
        return {}

    def _residence(self, session: Session, p: SimPerson) -> dict[str, Any]:
        return {"address": _address(p)}

    def _records(self, session: Session, p: SimPerson, kind: RecordKind) -> list[SimRecord]:
        return list(session.scalars(select(SimRecord).where(
            SimRecord.person_iin == p.iin, SimRecord.kind == kind).order_by(SimRecord.id)))

    def _bank_details(self, session: Session, p: SimPerson) -> dict[str, Any]:
        return {"accounts": [
            {"bank": r.title, "bic": r.code, "iban": r.number, "opened_on": _iso(r.start_on)}
            for r in self._records(session, p, RecordKind.BANK_ACCOUNT)]}

    def _real_estate(self, session: Session, p: SimPerson) -> dict[str, Any]:
        return {"properties": [
            {"cadastral_number": r.number, "kind": r.code, "title": r.title,
             "address": r.address, "registered_on": _iso(r.start_on)}
            for r in self._records(session, p, RecordKind.REAL_ESTATE)]}

    def _dispensary(self, session: Session, p: SimPerson) -> dict[str, Any]:
        return {"registrations": [
            {"icd10": r.code, "diagnosis": r.title, "since": _iso(r.start_on),
             "until": _iso(r.end_on), "socially_significant": r.code in SOCIALLY_SIGNIFICANT}
            for r in self._records(session, p, RecordKind.DISPENSARY)]}

    def _disability(self, session: Session, p: SimPerson) -> dict[str, Any]:
        return {"disabilities": [
            {"group": r.code, "title": r.title, "number": r.number, "since": _iso(r.start_on),
             "until": _iso(r.end_on)}
            for r in self._records(session, p, RecordKind.DISABILITY)]}

    def _related(self, session: Session, kind: RelationKind, *, first: str | None = None,
                 second: str | None = None, either: str | None = None
                 ) -> list[tuple[SimRelation, SimPerson]]:
        query = select(SimRelation).where(SimRelation.kind == kind)
        if first is not None:
            query = query.where(SimRelation.first_iin == first)
        if second is not None:
            query = query.where(SimRelation.second_iin == second)
        if either is not None:
            query = query.where(or_(SimRelation.first_iin == either,
                                    SimRelation.second_iin == either))
        out = []
        for relation in session.scalars(query.order_by(SimRelation.id)):
            other_iin = relation.second_iin if relation.first_iin == (first or either) \
                else relation.first_iin
            other = session.scalar(select(SimPerson).where(SimPerson.iin == other_iin))
            if other is not None:
                out.append((relation, other))
        return out

    @staticmethod
    def _entry(relation: SimRelation, other: SimPerson) -> dict[str, Any]:
        return {"iin": other.iin, "full_name": _full_name(other),
                "birth_date": other.birth_date.isoformat(), "died_on": _iso(other.died_on),
                "record_number": relation.number, "office": relation.office,
                "registered_on": relation.registered_on.isoformat(),
                "ended_on": _iso(relation.ended_on)}

    def _birth_records(self, session: Session, p: SimPerson) -> dict[str, Any]:
        return {"children": [self._entry(r, child) for r, child in
                             self._related(session, RelationKind.BIRTH, first=p.iin)]}

    def _marriage(self, session: Session, p: SimPerson) -> dict[str, Any]:
        return {"marriages": [self._entry(r, spouse) for r, spouse in
                              self._related(session, RelationKind.MARRIAGE, either=p.iin)]}

    def _guardianship(self, session: Session, p: SimPerson) -> dict[str, Any]:
        return {
            "wards": [self._entry(r, ward) for r, ward in
                      self._related(session, RelationKind.GUARDIANSHIP, first=p.iin)],
            "guardians": [self._entry(r, g) for r, g in
                          self._related(session, RelationKind.GUARDIANSHIP, second=p.iin)],
        }

    def _ward_residence(self, session: Session, p: SimPerson) -> dict[str, Any] | None:
        today = self._today()
        guardians = [self._entry(r, g) for r, g in
                     self._related(session, RelationKind.GUARDIANSHIP, second=p.iin)
                     if r.ended_on is None or r.ended_on > today]
        if not guardians or _age(p.birth_date, today) < WARD_AGE:
            return None
        return {"address": _address(p), "guardians": guardians}


_ANSWERS: dict[GatewayQuery, Callable[[SimulatedBackend, Session, SimPerson],
                                      dict[str, Any] | None]] = {
    GatewayQuery.IDENTITY: SimulatedBackend._identity,
    GatewayQuery.RESIDENCE: SimulatedBackend._residence,
    GatewayQuery.BANK_DETAILS: SimulatedBackend._bank_details,
    GatewayQuery.REAL_ESTATE: SimulatedBackend._real_estate,
    GatewayQuery.BIRTH_RECORDS: SimulatedBackend._birth_records,
    GatewayQuery.MARRIAGE: SimulatedBackend._marriage,
    GatewayQuery.GUARDIANSHIP: SimulatedBackend._guardianship,
    GatewayQuery.WARD_RESIDENCE: SimulatedBackend._ward_residence,
    GatewayQuery.DISPENSARY: SimulatedBackend._dispensary,
    GatewayQuery.DISABILITY: SimulatedBackend._disability,
}

"""The simulated state registers: a generated population the `simulated` gateway answers from.

Keyed by IIN, as the real registers are, so the generator writes rows without asking the
database for ids. Only the simulated backend and its generator read or write these tables.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.domain.forms import Sex
from portal.domain.registers import GatewayOutcome, SourceSystem
from portal.models._types import enum_column
from portal.models.application import IncomeKind


class RelationKind(StrEnum):
    BIRTH = "birth"  # civil registry: first is the parent, second the child (F1-2 item 5)
    MARRIAGE = "marriage"  # civil registry: the two spouses (item 6)
    GUARDIANSHIP = "guardianship"  # National education database: guardian, ward (item 7)


class RecordKind(StrEnum):
    REAL_ESTATE = "real_estate"  # cadastre (item 4): code = property type, number = cadastral no.
    BANK_ACCOUNT = "bank_account"  # paying organisation (item 3): code = bank BIC, number = IBAN
    DISABILITY = "disability"  # disability database (L8): code = group 1-3 or "child"
    DISPENSARY = "dispensary"  # dispensary register (item 9): code = ICD-10
    # Proved by a document, not asked through the gateway (L8.3): kept so the simulator knows
    # who holds which paper.
    RELEASE = "release"  # certificate of release from a place of deprivation of liberty
    PROBATION = "probation"  # registration with the probation service
    FIRE = "fire"  # act of the state fire service
    NATURAL_DISASTER = "natural_disaster"  # act of the emergency commission


class SimPerson(Base):
    """One person of the State database "Individuals" (ЖТ МДҚ), with their registered address."""

    __tablename__ = "sim_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    iin: Mapped[str] = mapped_column(String(12), unique=True)
    surname: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    # As the register holds it: for a scripted mismatch it disagrees with the IIN.
    birth_date: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex))
    died_on: Mapped[dt.date | None] = mapped_column(Date)
    district_code: Mapped[str] = mapped_column(String(20), index=True)
    household: Mapped[int] = mapped_column(Integer, index=True)
    region: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(100))
    street: Mapped[str] = mapped_column(String(150))
    house: Mapped[str] = mapped_column(String(20))
    flat: Mapped[str | None] = mapped_column(String(20))
    registered_on: Mapped[dt.date] = mapped_column(Date)  # at this address since
    # Failure on demand (docs/gateway.md): every query, or only those of one source, fails so.
    scripted_outcome: Mapped[GatewayOutcome | None] = mapped_column(
        enum_column(GatewayOutcome, name="scripted_outcome")
    )
    scripted_source: Mapped[SourceSystem | None] = mapped_column(
        enum_column(SourceSystem, name="scripted_source")
    )


class SimRelation(Base):
    """A birth, marriage or guardianship record between two people of the population."""

    __tablename__ = "sim_relations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RelationKind] = mapped_column(enum_column(RelationKind))
    first_iin: Mapped[str] = mapped_column(ForeignKey("sim_people.iin"), index=True)
    second_iin: Mapped[str] = mapped_column(ForeignKey("sim_people.iin"), index=True)
    number: Mapped[str] = mapped_column(String(40))  # record or decision number
    office: Mapped[str] = mapped_column(String(200))  # registry office or guardianship body
    registered_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)


class SimRecord(Base):
    """Something a register holds about one person: property, account, disability, diagnosis…"""

    __tablename__ = "sim_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_iin: Mapped[str] = mapped_column(ForeignKey("sim_people.iin"), index=True)
    kind: Mapped[RecordKind] = mapped_column(enum_column(RecordKind))
    code: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    number: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date | None] = mapped_column(Date)


class SimIncome(Base):
    """One income of one person in one calendar quarter (wages, pension, benefit)."""

    __tablename__ = "sim_incomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_iin: Mapped[str] = mapped_column(ForeignKey("sim_people.iin"), index=True)
    quarter_start: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[IncomeKind] = mapped_column(enum_column(IncomeKind))
    payer: Mapped[str] = mapped_column(String(200))
    amount_tiyn: Mapped[int] = mapped_column(Integer)

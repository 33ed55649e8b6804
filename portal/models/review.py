"""What the commissions and the department record on a case, from inspection to notification."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.models.application import Application


def _case_fk(unique: bool = True) -> Mapped[int]:
    return mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=unique, index=not unique
    )


class InspectionAct(Base):
    """Form F3: act of inspection of the material situation (precinct commission)."""

    __tablename__ = "inspection_acts"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk()
    inspected_on: Mapped[dt.date] = mapped_column(Date)
    # The F3 items (family, housing, incomes, car, assistance, supplies, sanitary state …)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    refused: Mapped[bool] = mapped_column(default=False)
    refused_by: Mapped[str | None] = mapped_column(String(200))
    chair: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[str]] = mapped_column(JSON, default=list)
    applicant_has_read: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="inspection_act")


class PrecinctConclusion(Base):
    """Form F4: conclusion of the precinct commission on need / no need."""

    __tablename__ = "precinct_conclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk()
    number: Mapped[str] = mapped_column(String(30))
    concluded_on: Mapped[dt.date] = mapped_column(Date)
    needs_assistance: Mapped[bool]
    chair: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[str]] = mapped_column(JSON, default=list)
    accepted_by: Mapped[str | None] = mapped_column(String(200))
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)  # starts R11.1

    application: Mapped[Application] = relationship(back_populates="precinct_conclusion")


class IncomeComputation(Base):
    """Per-capita income under Order 181 (R11.1), frozen with the figures it used."""

    __tablename__ = "income_computations"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk()
    quarter_start: Mapped[dt.date] = mapped_column(Date)
    quarter_end: Mapped[dt.date] = mapped_column(Date)
    total_tiyn: Mapped[int] = mapped_column(Integer)
    members: Mapped[int] = mapped_column(Integer)
    per_capita_tiyn: Mapped[int] = mapped_column(Integer)
    threshold_tiyn: Mapped[int] = mapped_column(Integer)
    below_threshold: Mapped[bool]
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="income_computation")


class CommissionConclusion(Base):
    """Conclusion of the special commission, cited in decision F5."""

    __tablename__ = "commission_conclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk()
    concluded_on: Mapped[dt.date] = mapped_column(Date)
    needs_assistance: Mapped[bool]
    model_rules_ground: Mapped[int | None] = mapped_column(Integer)  # p.8 subparagraph
    recommended_amount_tiyn: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="commission_conclusion")


class PreliminaryDecision(Base):
    """The preliminary decision to refuse and the hearing notice (R15.1, R15.2)."""

    __tablename__ = "preliminary_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk()
    refusal_ground: Mapped[str] = mapped_column(String(40))  # L9: negative_conclusion | no_consent
    reasons: Mapped[str] = mapped_column(Text)
    notified_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    hearing_at: Mapped[dt.datetime]
    hearing_mode: Mapped[str] = mapped_column(String(20))  # video | phone | in_person | online
    hearing_link: Mapped[str | None] = mapped_column(String(500))
    objection_due_on: Mapped[dt.date] = mapped_column(Date)  # R15.3
    earliest_decision_on: Mapped[dt.date] = mapped_column(Date)  # R15.1

    application: Mapped[Application] = relationship(back_populates="preliminary_decision")


class Objection(Base):
    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk(unique=False)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    oral: Mapped[bool] = mapped_column(default=False)  # R15.4: an oral one goes to the protocol
    text: Mapped[str] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="objections")


class HearingProtocol(Base):
    """Hearing protocol (R15.4) that the recipient may read (R15.5)."""

    __tablename__ = "hearing_protocols"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk()
    held_at: Mapped[dt.datetime]
    text: Mapped[str] = mapped_column(Text)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    read_at: Mapped[dt.datetime | None]  # starts the R15.6 remarks window
    remarks_due_on: Mapped[dt.date | None] = mapped_column(Date)

    application: Mapped[Application] = relationship(back_populates="hearing_protocol")


class Remark(Base):
    __tablename__ = "remarks"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk(unique=False)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    text: Mapped[str] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="remarks")


class Decision(Base):
    """Form F5: decision to grant or refuse, signed by the head of department (L5)."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk()
    number: Mapped[str] = mapped_column(String(30), unique=True)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    granted: Mapped[bool]
    amount_tiyn: Mapped[int | None] = mapped_column(Integer)
    frequency: Mapped[str | None] = mapped_column(String(20))
    paid_from: Mapped[dt.date | None] = mapped_column(Date)
    refusal_ground: Mapped[str | None] = mapped_column(Text)
    head_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    specialist_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id"))

    application: Mapped[Application] = relationship(back_populates="decision")


class Notification(Base):
    """Form F6 (granted) or F7 (refused), sent by SMS, to the cabinet or printed (R15.8–R15.11)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk(unique=False)
    form: Mapped[str] = mapped_column(String(3))  # F6 | F7
    channel: Mapped[str] = mapped_column(String(10))  # sms | cabinet | print
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|sent|failed|handed
    phone: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id"))

    application: Mapped[Application] = relationship(back_populates="notifications")

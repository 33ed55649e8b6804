"""The application aggregate: what was asked, by whom, through which channel, with what data."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.domain.calendar import Channel
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Status
from portal.models._types import enum_column
from portal.models.district import District
from portal.models.people import Citizen, StaffUser

if TYPE_CHECKING:
    from portal.models.review import (
        CommissionConclusion,
        Decision,
        HearingProtocol,
        IncomeComputation,
        InspectionAct,
        Notification,
        Objection,
        PrecinctConclusion,
        PreliminaryDecision,
        Remark,
    )


class Application(Base):
    """One case: form F1 (paper) or F1-1 (portal), from draft to notified."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public case number, safe to show and to put in URLs (holds no personal data).
    number: Mapped[str] = mapped_column(String(20), unique=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))  # R2.2
    form: Mapped[str] = mapped_column(String(4))  # F1 | F1-1 (R3.2)
    ground: Mapped[GroundCategory | None] = mapped_column(enum_column(GroundCategory))
    status: Mapped[Status] = mapped_column(enum_column(Status), index=True, default=Status.DRAFT)
    # R3.1: representative acting under a power of attorney
    representative_name: Mapped[str | None] = mapped_column(String(200))
    representative_iin: Mapped[str | None] = mapped_column(String(12))
    poa_number: Mapped[str | None] = mapped_column(String(50))
    poa_date: Mapped[dt.date | None] = mapped_column(Date)
    # F1 fields
    assistance_requested: Mapped[str | None] = mapped_column(String(300))
    id_doc_type: Mapped[str | None] = mapped_column(String(60))
    id_doc_series: Mapped[str | None] = mapped_column(String(20))
    id_doc_number: Mapped[str | None] = mapped_column(String(30))
    id_doc_issued_by: Mapped[str | None] = mapped_column(String(200))
    id_doc_issued_on: Mapped[dt.date | None] = mapped_column(Date)
    addr_region: Mapped[str | None] = mapped_column(String(100))
    addr_city: Mapped[str | None] = mapped_column(String(100))
    addr_village: Mapped[str | None] = mapped_column(String(100))
    addr_street: Mapped[str | None] = mapped_column(String(150))
    addr_house: Mapped[str | None] = mapped_column(String(20))
    addr_flat: Mapped[str | None] = mapped_column(String(20))
    bank_name: Mapped[str | None] = mapped_column(String(150))
    bank_account: Mapped[str | None] = mapped_column(String(34))  # IBAN KZ.. (20 chars)
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(200))
    # Timeline anchors (the events table holds the full history)
    submitted_at: Mapped[dt.datetime | None]
    registered_on: Mapped[dt.date | None] = mapped_column(Date)  # R7.1
    result_due_on: Mapped[dt.date | None] = mapped_column(Date)  # L3.1
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    citizen: Mapped[Citizen] = relationship()
    district: Mapped[District] = relationship()
    accepted_by: Mapped[StaffUser | None] = relationship()
    family: Mapped[list[FamilyMember]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="FamilyMember.id"
    )
    incomes: Mapped[list[IncomeRecord]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="IncomeRecord.id"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Document.id"
    )
    gateway_answers: Mapped[list[GatewayAnswer]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="GatewayAnswer.id"
    )
    consents: Mapped[list[Consent]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Consent.id"
    )
    receipts: Mapped[list[Receipt]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Receipt.id"
    )
    inspection_act: Mapped[InspectionAct | None] = relationship(back_populates="application")
    precinct_conclusion: Mapped[PrecinctConclusion | None] = relationship(
        back_populates="application"
    )
    income_computation: Mapped[IncomeComputation | None] = relationship(
        back_populates="application"
    )
    commission_conclusion: Mapped[CommissionConclusion | None] = relationship(
        back_populates="application"
    )
    preliminary_decision: Mapped[PreliminaryDecision | None] = relationship(
        back_populates="application"
    )
    objections: Mapped[list[Objection]] = relationship(back_populates="application")
    hearing_protocol: Mapped[HearingProtocol | None] = relationship(back_populates="application")
    remarks: Mapped[list[Remark]] = relationship(back_populates="application")
    decision: Mapped[Decision | None] = relationship(back_populates="application")
    notifications: Mapped[list[Notification]] = relationship(back_populates="application")


class FamilyMember(Base):
    __tablename__ = "family_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    iin: Mapped[str | None] = mapped_column(String(12))
    full_name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(40))  # spouse | child | parent | ward | other
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    occupation: Mapped[str | None] = mapped_column(String(200))

    application: Mapped[Application] = relationship(back_populates="family")


class IncomeRecord(Base):
    """One income of one family member in the quarter before the application (Order 181)."""

    __tablename__ = "income_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    member_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(60))  # wages | pension | benefit | farm | other
    amount_tiyn: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)

    application: Mapped[Application] = relationship(back_populates="incomes")


class Document(Base):
    """An attached document of the List (L8) — listed on F1, checked at intake (R6.2)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(60))  # identity | income | ground_proof | poa | other
    title: Mapped[str] = mapped_column(String(300))
    sheets: Mapped[int] = mapped_column(Integer, default=1)
    note: Mapped[str | None] = mapped_column(String(300))
    provided: Mapped[bool] = mapped_column(default=True)
    expired: Mapped[bool] = mapped_column(default=False)
    storage_key: Mapped[str | None] = mapped_column(String(200))

    application: Mapped[Application] = relationship(back_populates="documents")


class GatewayAnswer(Base):
    """An answer of a state information system to one query of F1-2 (R3.3, R6.3)."""

    __tablename__ = "gateway_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    query: Mapped[int] = mapped_column(Integer)  # 1..9, the items of F1-2
    subject_iin: Mapped[str] = mapped_column(String(12))
    outcome: Mapped[str] = mapped_column(String(20))  # found | no_data | mismatch | error
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source_signature: Mapped[str | None] = mapped_column(Text)  # EDS of the answering body
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="gateway_answers")


class ConsentKind(StrEnum):
    PERSONAL_DATA = "personal_data"  # F1 consent 1; its absence is refusal ground L9(2)
    BANK_INFORMATION = "bank_information"  # F1 consent 2


class Consent(Base):
    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("application_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ConsentKind] = mapped_column(enum_column(ConsentKind))
    given: Mapped[bool] = mapped_column(default=False)
    given_at: Mapped[dt.datetime | None]

    application: Mapped[Application] = relationship(back_populates="consents")


class ReceiptKind(StrEnum):
    COUPON = "coupon"  # tear-off coupon at provider / rural akim (R6.1)
    ELECTRONIC_RECEIPT = "electronic_receipt"  # State Corporation (R6.1)
    REFUSAL_TO_ACCEPT = "refusal_to_accept"  # form F2-1 (R6.2)


class Receipt(Base):
    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ReceiptKind] = mapped_column(enum_column(ReceiptKind))
    number: Mapped[str] = mapped_column(String(30), unique=True)
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    issued_by_name: Mapped[str] = mapped_column(String(200))
    result_due_on: Mapped[dt.date | None] = mapped_column(Date)
    # F2-1: what was missing or expired, and which paragraph-12 items apply
    missing_documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    # L3.2 / L3.3: queue wait and service time measured at the desk, in seconds
    wait_seconds: Mapped[int | None] = mapped_column(Integer)
    service_seconds: Mapped[int | None] = mapped_column(Integer)

    application: Mapped[Application] = relationship(back_populates="receipts")

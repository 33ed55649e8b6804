"""What the commissions and the department record on a case, from inspection to notification."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.domain.forms import (
    DocumentAcceptor,
    Frequency,
    NotificationChannel,
    NotificationForm,
    NotificationStatus,
)
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.inspection import (
    CategoryPresent,
    HousingType,
    IncomeRow,
    InspectionFindings,
    SupportRow,
)
from portal.models._types import enum_column
from portal.models.application import Application, Document, InCaseDistrict


def _case_fk(unique: bool = True) -> Mapped[int]:
    return mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=unique, index=not unique
    )


class SupportKind(StrEnum):
    PRIOR_ASSISTANCE = "prior_assistance"  # F3 item 7
    OTHER_INCOME = "other_income"  # F3 item 8


class InspectionAct(Base):
    """Form F3: act of inspection of the material situation (precinct commission).

    Items 1–4 (name, address, family, date) come from the application; the others are columns
    and rows here, filled from a validated :class:`InspectionFindings` (see :meth:`fill`).
    """

    __tablename__ = "inspection_acts"
    __table_args__ = (
        CheckConstraint(
            "able_bodied >= 0 AND registered_unemployed >= 0 AND children >= 0 "
            "AND fee_paying_students >= 0 AND yearly_fee_tiyn >= 0 AND housing_costs_tiyn >= 0",
            name="counts_not_negative",
        ),
        CheckConstraint("fee_paying_students <= children", name="students_within_children"),
        CheckConstraint("NOT refused OR refused_by IS NOT NULL", name="refusal_names_who"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk()
    inspected_on: Mapped[dt.date] = mapped_column(Date)
    able_bodied: Mapped[int] = mapped_column(Integer, default=0)
    registered_unemployed: Mapped[int] = mapped_column(Integer, default=0)
    children: Mapped[int] = mapped_column(Integer, default=0)
    fee_paying_students: Mapped[int] = mapped_column(Integer, default=0)
    yearly_fee_tiyn: Mapped[int] = mapped_column(Integer, default=0)
    other_category: Mapped[str] = mapped_column(String(300), default="")
    housing: Mapped[HousingType | None] = mapped_column(enum_column(HousingType))
    housing_other: Mapped[str] = mapped_column(String(200), default="")
    housing_costs_tiyn: Mapped[int] = mapped_column(Integer, default=0)
    car: Mapped[str] = mapped_column(String(300), default="")
    other_housing: Mapped[str] = mapped_column(String(300), default="")
    school_supplies: Mapped[str] = mapped_column(String(300), default="")
    sanitary_state: Mapped[str] = mapped_column(String(300), default="")
    # "I refuse the inspection": the applicant or a family member (line 448)
    refused: Mapped[bool] = mapped_column(default=False)
    refused_by: Mapped[str | None] = mapped_column(String(200))
    chair: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[str]] = mapped_column(JSON, default=list)
    applicant_has_read: Mapped[bool] = mapped_column(default=False)  # "I have read the act"
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="inspection_act")
    categories: Mapped[list[InspectionCategory]] = relationship(
        cascade="all, delete-orphan", order_by="InspectionCategory.id"
    )
    incomes: Mapped[list[InspectionIncome]] = relationship(
        cascade="all, delete-orphan", order_by="InspectionIncome.id"
    )
    support: Mapped[list[InspectionSupport]] = relationship(
        cascade="all, delete-orphan", order_by="InspectionSupport.id"
    )

    def fill(self, findings: InspectionFindings) -> None:
        """Store the findings; refuses inconsistent ones with the codes of what is wrong."""
        problems = findings.problems()
        if problems:
            raise ValueError(f"inspection act is inconsistent: {', '.join(problems)}")
        for name in ("able_bodied", "registered_unemployed", "children", "fee_paying_students",
                     "yearly_fee_tiyn", "other_category", "housing", "housing_other",
                     "housing_costs_tiyn", "car", "other_housing", "school_supplies",
                     "sanitary_state"):
            setattr(self, name, getattr(findings, name))
        self.categories = [InspectionCategory(category=c) for c in sorted(findings.categories)]
        self.incomes = [
            InspectionIncome(member_name=r.member_name, income_kind=r.income_kind,
                             quarter_tiyn=r.quarter_tiyn, farm=r.farm)
            for r in findings.incomes
        ]
        self.support = [
            InspectionSupport(kind=kind, form=r.form, amount_tiyn=r.amount_tiyn, source=r.source)
            for kind, rows in ((SupportKind.PRIOR_ASSISTANCE, findings.prior_assistance),
                               (SupportKind.OTHER_INCOME, findings.other_income))
            for r in rows
        ]

    def findings(self) -> InspectionFindings:
        if self.housing is None:
            raise ValueError("the act holds no findings (the inspection was refused)")

        def rows(kind: SupportKind) -> tuple[SupportRow, ...]:
            return tuple(SupportRow(r.form, r.amount_tiyn, r.source)
                         for r in self.support if r.kind is kind)

        return InspectionFindings(
            able_bodied=self.able_bodied, registered_unemployed=self.registered_unemployed,
            children=self.children, fee_paying_students=self.fee_paying_students,
            yearly_fee_tiyn=self.yearly_fee_tiyn,
            categories=frozenset(c.category for c in self.categories),
            other_category=self.other_category, housing=self.housing,
            housing_other=self.housing_other, housing_costs_tiyn=self.housing_costs_tiyn,
            incomes=tuple(IncomeRow(r.member_name, r.income_kind, r.quarter_tiyn, r.farm)
                          for r in self.incomes),
            car=self.car, other_housing=self.other_housing,
            prior_assistance=rows(SupportKind.PRIOR_ASSISTANCE),
            other_income=rows(SupportKind.OTHER_INCOME),
            school_supplies=self.school_supplies, sanitary_state=self.sanitary_state,
        )


def _act_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("inspection_acts.id", ondelete="CASCADE"), index=True)


class InspectionCategory(Base):
    """F3: a category present in the family (veterans, pensioners, disability …)."""

    __tablename__ = "inspection_categories"
    __table_args__ = (UniqueConstraint("act_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    act_id: Mapped[int] = _act_fk()
    category: Mapped[CategoryPresent] = mapped_column(enum_column(CategoryPresent))


class InspectionIncome(Base):
    """F3 family income table: one member's income of one kind in the last quarter."""

    __tablename__ = "inspection_incomes"
    __table_args__ = (CheckConstraint("quarter_tiyn >= 0", name="quarter_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    act_id: Mapped[int] = _act_fk()
    member_name: Mapped[str] = mapped_column(String(200))
    income_kind: Mapped[str] = mapped_column(String(100))
    quarter_tiyn: Mapped[int] = mapped_column(Integer)
    farm: Mapped[str] = mapped_column(String(300), default="")  # farm, dacha, land share


class InspectionSupport(Base):
    """F3 items 7 and 8: assistance received before, other family income."""

    __tablename__ = "inspection_support"
    __table_args__ = (CheckConstraint("amount_tiyn >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    act_id: Mapped[int] = _act_fk()
    kind: Mapped[SupportKind] = mapped_column(enum_column(SupportKind))
    form: Mapped[str] = mapped_column(String(200))
    amount_tiyn: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200))


class PrecinctConclusion(Base):
    """Form F4: conclusion of the precinct commission on need / no need (lines 472–506)."""

    __tablename__ = "precinct_conclusions"
    __table_args__ = (
        CheckConstraint("copies IS NULL OR copies >= 1", name="copies_positive"),
        CheckConstraint(
            "accepted_on IS NULL OR (accepted_by_name IS NOT NULL AND accepted_by_position IS NOT "
            "NULL AND accepted_by_kind IS NOT NULL AND copies IS NOT NULL)",
            name="acceptance_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk()
    number: Mapped[str] = mapped_column(String(30))
    concluded_on: Mapped[dt.date] = mapped_column(Date)
    applicant_name: Mapped[str] = mapped_column(String(300))
    needs_assistance: Mapped[bool]
    chair: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[str]] = mapped_column(JSON, default=list)
    # "Accepted with the documents in ___ copies" by a rural akim or a department employee.
    copies: Mapped[int | None] = mapped_column(Integer)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    accepted_by_name: Mapped[str | None] = mapped_column(String(200))
    accepted_by_position: Mapped[str | None] = mapped_column(String(200))
    accepted_by_kind: Mapped[DocumentAcceptor | None] = mapped_column(
        enum_column(DocumentAcceptor)
    )
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    accepted_signature_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id"))

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
    __table_args__ = (
        # F5 (line 535): the commission concludes on grounds 1), 2) and 4) of paragraph 8.
        CheckConstraint(
            "model_rules_ground IS NULL OR model_rules_ground IN (1, 2, 4)", name="f5_grounds"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk()
    concluded_on: Mapped[dt.date] = mapped_column(Date)
    needs_assistance: Mapped[bool]
    model_rules_ground: Mapped[int | None] = mapped_column(Integer)  # p.8 subparagraph
    recommended_amount_tiyn: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="commission_conclusion")


class PreliminaryDecision(InCaseDistrict, Base):
    """The preliminary decision to refuse and the hearing notice (R15.1, R15.2).

    The windows count from ``delivered_at``, the moment the notice reached the person (cabinet,
    SMS, handed over), not from when this row was written (R15.3, line 73).
    """

    __tablename__ = "preliminary_decisions"
    __table_args__ = (
        CheckConstraint(
            "hearing_link IS NULL OR hearing_link LIKE 'https://%'",
            name="link_is_https",
        ),
        CheckConstraint(
            "(delivered_at IS NULL) = (delivered_via IS NULL)", name="delivery_complete"
        ),
        # The dashboard: a district's preliminary refusals by the day they were issued.
        Index("ix_preliminary_decisions_dashboard", "district_id", "issued_at",
              postgresql_include=["application_id", "lapsed_at"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk(unique=False)
    refusal_ground: Mapped[RefusalGround] = mapped_column(enum_column(RefusalGround))  # L9
    reasons: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[dt.datetime | None]
    delivered_via: Mapped[NotificationChannel | None] = mapped_column(
        enum_column(NotificationChannel)
    )
    hearing_at: Mapped[dt.datetime]
    hearing_mode: Mapped[HearingMode] = mapped_column(enum_column(HearingMode))
    hearing_link: Mapped[str | None] = mapped_column(String(500))
    # Computed from delivered_at when it is set (R15.3, R15.1).
    objection_due_on: Mapped[dt.date | None] = mapped_column(Date)
    earliest_decision_on: Mapped[dt.date | None] = mapped_column(Date)
    # The review resumed (the objection or hearing removed the ground): this refusal lapsed.
    lapsed_at: Mapped[dt.datetime | None]

    application: Mapped[Application] = relationship(back_populates="preliminary_decisions")
    hearing_protocol: Mapped[HearingProtocol | None] = relationship(
        back_populates="preliminary_decision"
    )


class Objection(Base):
    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk(unique=False)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    oral: Mapped[bool] = mapped_column(default=False)  # R15.4: an oral one goes to the protocol
    text: Mapped[str] = mapped_column(Text)

    # Signed in the cabinet (R15.3, R15.6): the signature and the attachments' document.
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    application: Mapped[Application] = relationship(back_populates="objections")
    document: Mapped[Document | None] = relationship()


class HearingProtocol(Base):
    """Hearing protocol (R15.4) that the recipient may read (R15.5)."""

    __tablename__ = "hearing_protocols"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk(unique=False)
    # The hearing of one preliminary refusal (R15.1): a resumed review's later refusal has its own.
    preliminary_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("preliminary_decisions.id", ondelete="CASCADE"), unique=True
    )
    held_at: Mapped[dt.datetime]
    text: Mapped[str] = mapped_column(Text)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    read_at: Mapped[dt.datetime | None]  # starts the R15.6 remarks window
    remarks_due_on: Mapped[dt.date | None] = mapped_column(Date)

    application: Mapped[Application] = relationship()
    preliminary_decision: Mapped[PreliminaryDecision | None] = relationship(
        back_populates="hearing_protocol"
    )


class Remark(Base):
    __tablename__ = "remarks"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk(unique=False)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    text: Mapped[str] = mapped_column(Text)

    # Signed in the cabinet (R15.3, R15.6): the signature and the attachments' document.
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    application: Mapped[Application] = relationship(back_populates="remarks")
    document: Mapped[Document | None] = relationship()


class Decision(Base):
    """Form F5: decision to grant or refuse, signed by the head of department (L5)."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("id", "granted", name="uq_decisions_id_granted"),
        CheckConstraint(
            "NOT granted OR (amount_tiyn IS NOT NULL AND amount_tiyn > 0 AND frequency IS NOT "
            "NULL)",
            name="grant_has_amount",
        ),
        CheckConstraint("granted OR refusal_ground IS NOT NULL", name="refusal_has_ground"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk()
    number: Mapped[str] = mapped_column(String(30), unique=True)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    granted: Mapped[bool]
    amount_tiyn: Mapped[int | None] = mapped_column(Integer)
    frequency: Mapped[Frequency | None] = mapped_column(enum_column(Frequency))
    paid_from: Mapped[dt.date | None] = mapped_column(Date)
    refusal_ground: Mapped[str | None] = mapped_column(Text)
    # F5 (line 533): the number and date of the document proving the ground
    ground_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    head_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    specialist_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id"))

    application: Mapped[Application] = relationship(back_populates="decision")
    ground_document: Mapped[Document | None] = relationship()


class Notification(InCaseDistrict, Base):
    """Form F6 (granted) or F7 (refused), sent by SMS, to the cabinet or printed (R15.8–R15.11).

    The database itself refuses an F6 for a refusal or an F7 for a grant: the notification
    carries its decision's ``granted`` through a composite foreign key, and a CHECK ties the
    form to it.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        ForeignKeyConstraint(
            ["decision_id", "decision_granted"], ["decisions.id", "decisions.granted"],
            name="fk_notifications_decision_granted", ondelete="CASCADE",
        ),
        CheckConstraint(
            "(form = 'F6') = decision_granted", name="form_matches_decision"
        ),
        # The notifications not yet delivered (pending, failed): every district's for the
        # sweeper (settle_pending), a district's by channel for the dashboard and the print list.
        Index("ix_notifications_undelivered", "status", "district_id", "channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = _case_fk(unique=False)
    decision_id: Mapped[int] = mapped_column(Integer, index=True)
    decision_granted: Mapped[bool]
    form: Mapped[NotificationForm] = mapped_column(enum_column(NotificationForm, length=3))
    assistance_type: Mapped[str] = mapped_column(String(300))  # "(type of assistance)"
    channel: Mapped[NotificationChannel] = mapped_column(enum_column(NotificationChannel))
    status: Mapped[NotificationStatus] = mapped_column(
        enum_column(NotificationStatus), default=NotificationStatus.PENDING
    )
    phone: Mapped[str | None] = mapped_column(String(20))
    # "Certified with the EDS of the responsible person": position and name (lines 594–601)
    responsible_name: Mapped[str] = mapped_column(String(200))
    responsible_position: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id"))
    # R15.9: the outbox message of an SMS notification; its outcome settles this row (a failed
    # one falls back to print, R15.10).
    sms_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_messages.id", ondelete="SET NULL"), index=True
    )
    # R15.10: who handed a printed notification over (sent_at is when).
    handed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    application: Mapped[Application] = relationship(back_populates="notifications")

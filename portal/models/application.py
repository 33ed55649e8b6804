"""The application aggregate: what was asked, by whom, through which channel, with what data."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy import event as orm_event
from sqlalchemy import inspect as orm_inspect
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from portal.db import Base, utcnow
from portal.domain.calendar import Channel
from portal.domain.forms import ApplicantCapacity, ConsentKind, Relation, Sex
from portal.domain.grounds import GroundCategory
from portal.domain.package import DocumentKind, PackageDocument
from portal.domain.registers import GatewayOutcome, GatewayQuery, Requester, SourceSystem
from portal.domain.workflow import Status
from portal.models._types import enum_column
from portal.models.district import Desk, District, DistrictGround
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


class ApplicationForm(StrEnum):
    F1 = "F1"  # written (R3.2)
    F1_1 = "F1-1"  # portal


class Application(Base):
    """One case: form F1 (paper) or F1-1 (portal), from draft to notified."""

    __tablename__ = "applications"
    __table_args__ = (
        # R3.2: the portal takes F1-1, the desks take F1.
        CheckConstraint("(channel = 'portal') = (form = 'F1-1')", name="form_matches_channel"),
        # R3.1: an attorney acts under a power of attorney with a number and a date.
        CheckConstraint(
            "capacity <> 'attorney' OR (poa_number IS NOT NULL AND poa_date IS NOT NULL "
            "AND representative_iin IS NOT NULL)",
            name="attorney_has_poa",
        ),
        # One draft per person and ground at a time (a second "apply" continues it).
        # The staff queue (services/queue.py): a district's cases by the nearest duty, keyset
        # pages on (next_due_on, id), with or without a status; search by the applicant's IIN
        # (the number is unique already); "assigned to me".
        Index("ix_applications_queue", "district_id", "next_due_on", "id"),
        Index("ix_applications_queue_status", "district_id", "status", "next_due_on", "id"),
        Index("ix_applications_queue_assignee", "district_id", "assignee_id", "next_due_on",
              "id"),
        Index("ix_applications_district_iin", "district_id", "applicant_iin"),
        # The cabinet's list (services/case_view.applications_page, migration 0011): a person's
        # applications newest first, a page at a time.
        Index("ix_applications_citizen_created", "citizen_id", "created_at", "id"),
        Index(
            "uq_applications_one_draft_per_ground", "citizen_id", "ground", unique=True,
            sqlite_where=text("status = 'draft' AND ground IS NOT NULL"),
            postgresql_where=text("status = 'draft' AND ground IS NOT NULL"),
        ),
        # The dashboard (services/dashboard.py, migrations 0008 and 0009): the period's cases by
        # the day their term started, the L3.1 table by the day the term ends, the open cases by
        # status; on PostgreSQL each covers what the aggregates read (decided_on and
        # decision_granted included), so they scan the index alone and join nothing.
        Index("ix_applications_dashboard_started", "district_id", "term_started_on", "status",
              postgresql_include=["ground", "channel", "result_due_on", "decided_on",
                                  "decision_granted", "id"]),
        Index("ix_applications_dashboard_due", "district_id", "result_due_on",
              postgresql_include=["status", "decided_on"]),
        Index("ix_applications_dashboard_open", "district_id", "status",
              postgresql_include=["next_due_on", "result_due_on", "decided_on"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public case number, safe to show and to put in URLs (holds no personal data).
    number: Mapped[str] = mapped_column(String(20), unique=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))  # R2.2
    form: Mapped[ApplicationForm] = mapped_column(enum_column(ApplicationForm, length=4))
    ground: Mapped[GroundCategory | None] = mapped_column(enum_column(GroundCategory))
    status: Mapped[Status] = mapped_column(enum_column(Status), index=True, default=Status.DRAFT)
    # R3.1: on one's own or the family's behalf, as legal representative or under a power of
    # attorney; the representative's details and the power of attorney.
    capacity: Mapped[ApplicantCapacity] = mapped_column(
        enum_column(ApplicantCapacity), default=ApplicantCapacity.SELF
    )
    representative_name: Mapped[str | None] = mapped_column(String(200))
    representative_iin: Mapped[str | None] = mapped_column(String(12))
    poa_number: Mapped[str | None] = mapped_column(String(50))
    poa_date: Mapped[dt.date | None] = mapped_column(Date)
    # The district's configuration chosen (amount, frequency): the case keeps it.
    district_ground_id: Mapped[int | None] = mapped_column(ForeignKey("district_grounds.id"))
    # F1 fields. The applicant is the recipient: the signed-in citizen, or the person they
    # represent (R3.1); their data is kept as the registers confirmed it when applying.
    applicant_iin: Mapped[str | None] = mapped_column(String(12))
    applicant_surname: Mapped[str | None] = mapped_column(String(100))
    applicant_given_name: Mapped[str | None] = mapped_column(String(100))
    applicant_patronymic: Mapped[str | None] = mapped_column(String(100))
    applicant_birth_date: Mapped[dt.date | None] = mapped_column(Date)
    applicant_sex: Mapped[Sex | None] = mapped_column(enum_column(Sex, name="applicant_sex"))
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
    # The address as the register holds it, or corrected by the person with a reason.
    address_from_register: Mapped[bool] = mapped_column(Boolean, default=False)
    address_correction_reason: Mapped[str | None] = mapped_column(String(300))
    bank_name: Mapped[str | None] = mapped_column(String(150))
    bank_account: Mapped[str | None] = mapped_column(String(34))  # IBAN KZ.. (20 chars)
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(200))
    bank_from_register: Mapped[bool] = mapped_column(Boolean, default=False)
    # Portal drafts: which sections the person touched or confirmed (domain.apply.Mark).
    sections: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # A second submission of the same draft (double tap, two tabs, a retry) finds this key
    # already used and lands on the same application; the version column makes the loser of
    # two concurrent submissions fail instead of submitting twice (SQLAlchemy version_id_col,
    # bumped by the services that must not race).
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Timeline anchors (the events table holds the full history)
    desk_id: Mapped[int | None] = mapped_column(ForeignKey("desks.id"))  # where handed in
    # L3.1: the package handed in, or the portal application made (signed)
    arrived_at: Mapped[dt.datetime | None]
    term_started_on: Mapped[dt.date | None] = mapped_column(Date)  # calendar.term_starts_on
    submitted_at: Mapped[dt.datetime | None]
    registered_on: Mapped[dt.date | None] = mapped_column(Date)  # R7.1
    sent_to_precinct_on: Mapped[dt.date | None] = mapped_column(Date)  # R7.2
    # R11.1: the documents reached the provider from the precinct commission or the rural akim
    documents_received_on: Mapped[dt.date | None] = mapped_column(Date)
    submitted_to_commission_on: Mapped[dt.date | None] = mapped_column(Date)
    result_due_on: Mapped[dt.date | None] = mapped_column(Date)  # L3.1
    result_issued_at: Mapped[dt.datetime | None]  # L3.1 met: the notification issued
    # L3.2 / L3.3 at a desk: the queue ticket's time, and when serving the person began and
    # ended (the receipt keeps the two spans in seconds).
    queued_at: Mapped[dt.datetime | None]
    service_started_at: Mapped[dt.datetime | None]
    service_ended_at: Mapped[dt.datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # The specialist the case is assigned to (the case page assigns; the queue filters by it).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # The last day of the nearest provider duty still to be done (domain.deadlines.next_due),
    # stored so that a million cases sort and filter in SQL; None when no duty runs. Kept by
    # services/cases.py::refresh_next_due, which every change of a case calls.
    next_due_on: Mapped[dt.date | None] = mapped_column(Date)
    # L3.1 as the dashboard counts it, stored so that a district's year is counted from one
    # index without joining the decisions: the day the case is decided (the day in Asia/Almaty
    # its result was issued or, until then, the day of its decision F5) and the decision's
    # outcome; None while there is no decision. Kept by services/cases.py::refresh_decided,
    # which every change of a case calls (migration 0009 filled them for earlier cases).
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decision_granted: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # The version moves only when a service says so (submission): field saves from two tabs or
    # an autosave racing a submit button must not fail each other, two submissions must.
    __mapper_args__ = {  # noqa: RUF012 (SQLAlchemy reads it once)
        "version_id_col": version, "version_id_generator": False,
    }

    citizen: Mapped[Citizen] = relationship()
    district: Mapped[District] = relationship()
    district_ground: Mapped[DistrictGround | None] = relationship()
    accepted_by: Mapped[StaffUser | None] = relationship(foreign_keys=[accepted_by_id])
    assignee: Mapped[StaffUser | None] = relationship(foreign_keys=[assignee_id])
    desk: Mapped[Desk | None] = relationship()
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
    # Several when a review resumed after a successful objection and a new ground was found
    # later; the current one is the latest that has not lapsed.
    preliminary_decisions: Mapped[list[PreliminaryDecision]] = relationship(
        back_populates="application", order_by="PreliminaryDecision.id"
    )
    objections: Mapped[list[Objection]] = relationship(back_populates="application")
    remarks: Mapped[list[Remark]] = relationship(back_populates="application")
    decision: Mapped[Decision | None] = relationship(back_populates="application")
    notifications: Mapped[list[Notification]] = relationship(back_populates="application")

    @property
    def preliminary_decision(self) -> PreliminaryDecision | None:
        """The pending preliminary refusal (R15.1), if any."""
        current = [p for p in self.preliminary_decisions if p.lapsed_at is None]
        return current[-1] if current else None

    @property
    def hearing_protocol(self) -> HearingProtocol | None:
        """The protocol of the pending preliminary refusal's hearing (R15.4)."""
        pending = self.preliminary_decision
        return pending.hearing_protocol if pending is not None else None


class FamilyMember(Base):
    __tablename__ = "family_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    iin: Mapped[str | None] = mapped_column(String(12))
    full_name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[Relation] = mapped_column(enum_column(Relation))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    occupation: Mapped[str | None] = mapped_column(String(200))
    # Confirmed by the State database "Individuals" (False: typed, the register did not answer).
    from_register: Mapped[bool] = mapped_column(Boolean, default=False)

    application: Mapped[Application] = relationship(back_populates="family")


class IncomeKind(StrEnum):
    WAGES = "wages"
    PENSION = "pension"
    BENEFIT = "benefit"
    FARM = "farm"
    OTHER = "other"


class IncomeRecord(Base):
    """One income of one family member in the quarter before the application (Order 181)."""

    __tablename__ = "income_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    member_name: Mapped[str] = mapped_column(String(200))
    member_iin: Mapped[str | None] = mapped_column(String(12))
    kind: Mapped[IncomeKind] = mapped_column(enum_column(IncomeKind))
    amount_tiyn: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)

    application: Mapped[Application] = relationship(back_populates="incomes")


class Statement(StrEnum):
    """A person's own signed statement on a preliminary refusal whose attachments a Document
    holds (R15.3 objection, R15.6 remarks on the hearing protocol)."""

    OBJECTION = "objection"
    REMARKS = "remarks"


class Document(Base):
    """An attached document of the List (L8) — listed on F1, checked at intake (R6.2).

    Its number and issue date are printed on F5 when it proves the ground (line 533); its
    validity makes "expired" (F2-1) a computation, not a checkbox.
    """

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("kind = 'ground_proof' OR proves IS NULL", name="proves_only_ground"),
        CheckConstraint("sheets >= 1", name="sheets_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    proves: Mapped[GroundCategory | None] = mapped_column(
        enum_column(GroundCategory, name="proves_ground")
    )
    title: Mapped[str] = mapped_column(String(300))
    number: Mapped[str | None] = mapped_column(String(60))
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    sheets: Mapped[int] = mapped_column(Integer, default=1)
    note: Mapped[str | None] = mapped_column(String(300))
    provided: Mapped[bool] = mapped_column(default=True)
    # L8: at a desk the original is shown, compared with the copy and returned.
    original_compared: Mapped[bool] = mapped_column(Boolean, default=False)
    storage_key: Mapped[str | None] = mapped_column(String(200))
    # On the portal (R3.4): whom the item is about and the register query that did not answer.
    subject_iin: Mapped[str | None] = mapped_column(String(12))
    because: Mapped[GatewayQuery | None] = mapped_column(
        enum_column(GatewayQuery, name="document_because")
    )
    # The attachments of an objection or remarks (R15.3, R15.6): open to files until the
    # statement is signed and recorded (sealed), then as fixed as the application's own.
    statement: Mapped[Statement | None] = mapped_column(
        enum_column(Statement, name="document_statement")
    )
    sealed_at: Mapped[dt.datetime | None]

    application: Mapped[Application] = relationship(back_populates="documents")
    # The uploaded pages and photos of this item (R3.4): several per document.
    files: Mapped[list[DocumentFile]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentFile.id"
    )

    def expired_on(self, day: dt.date) -> bool:
        return self.as_package_document().expired_on(day)

    def as_package_document(self) -> PackageDocument:
        return PackageDocument(self.kind, self.valid_until, self.proves)


class DocumentFile(Base):
    """One uploaded file of a document item: a checked, re-encoded photo or a checked PDF.

    The bytes live in the storage (portal/storage) under a random key, never in the database;
    deleting the row deletes the stored objects once the transaction commits (services/uploads).
    """

    __tablename__ = "document_files"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    # A small JPEG for previews, stored as its own object (images only).
    thumbnail_key: Mapped[str | None] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(60))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    # Shown to the person as a reminder; sanitised and cut, never used as a path.
    original_name: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The antivirus scan before the file was kept (portal/storage/scan.py): which scanner
    # ("clamd", or "test" in development) and when; both empty when none could answer and the
    # installation keeps files unscanned (UPLOAD_SCAN_REQUIRED off: development only).
    scanner: Mapped[str | None] = mapped_column(String(20))
    scanned_at: Mapped[dt.datetime | None] = mapped_column()

    document: Mapped[Document] = relationship(back_populates="files")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class GatewayAnswer(Base):
    """An answer of a state information system to one query of F1-2 (R3.3, R6.3).

    Line 318: the answer is certified with the EDS of the answering body and of whoever made the
    request — a State Corporation employee (or the accepting specialist) or the applicant.
    """

    __tablename__ = "gateway_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    query: Mapped[GatewayQuery] = mapped_column(enum_column(GatewayQuery))
    source_system: Mapped[SourceSystem] = mapped_column(enum_column(SourceSystem))
    subject_iin: Mapped[str] = mapped_column(String(12))
    outcome: Mapped[GatewayOutcome] = mapped_column(enum_column(GatewayOutcome))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source_signature: Mapped[str | None] = mapped_column(Text)  # EDS of the answering body
    requester: Mapped[Requester] = mapped_column(enum_column(Requester))
    requested_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    requester_signature: Mapped[str | None] = mapped_column(Text)  # EDS of the requester
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The gateway's own record of the call (docs/gateway.md): the answer copies what the case
    # needs (outcome, payload, the body's signature) and points at the evidence it came from.
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("gateway_requests.id"))

    application: Mapped[Application] = relationship(back_populates="gateway_answers")


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
    # Which wording was shown and signed: the form and edition, the language and the digest of
    # the exact text, so a later change of wording never rewrites what a person agreed to.
    wording_version: Mapped[str] = mapped_column(String(40))
    wording_locale: Mapped[str] = mapped_column(String(2))
    wording_sha256: Mapped[str] = mapped_column(String(64))

    application: Mapped[Application] = relationship(back_populates="consents")


class ReceiptKind(StrEnum):
    COUPON = "coupon"  # tear-off coupon at provider / rural akim (R6.1)
    ELECTRONIC_RECEIPT = "electronic_receipt"  # State Corporation (R6.1)
    REFUSAL_TO_ACCEPT = "refusal_to_accept"  # form F2-1 (R6.2)


class InCaseDistrict:
    """A row of a case that the dashboard counts by district (receipts, preliminary refusals,
    notifications): it carries its case's district, so the dashboard reads a district's rows of
    a period by an index on (district, day) without joining every district's rows to the cases
    (migration 0011_dashdistrict). A case's district is fixed once it leaves the draft, before
    any of these rows exists. The writers set it; one left unset is filled from the case when
    the row is inserted (:func:`_case_district`), so no row can miss it."""

    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))


@orm_event.listens_for(InCaseDistrict, "before_insert", propagate=True)
def _case_district(_mapper: Mapper[Any], connection: Any, target: Any) -> None:
    if target.district_id is not None:
        return
    case = orm_inspect(target).dict.get("application")  # the case, when the writer gave it
    target.district_id = case.district_id if case is not None else connection.scalar(
        select(Application.district_id).where(Application.id == target.application_id))


class Receipt(InCaseDistrict, Base):
    __tablename__ = "receipts"
    __table_args__ = (
        # F2-1 (line 399): a refusal to accept names its limb(s) and the application's date.
        CheckConstraint(
            "kind <> 'refusal_to_accept' OR ((incomplete OR expired) "
            "AND application_date IS NOT NULL)",
            name="refusal_has_reason",
        ),
        # The dashboard's intake table (L3.2, L3.3): a district's receipts by their day.
        Index("ix_receipts_dashboard", "district_id", "issued_at",
              postgresql_include=["application_id", "wait_seconds", "service_seconds"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ReceiptKind] = mapped_column(enum_column(ReceiptKind))
    number: Mapped[str] = mapped_column(String(30), unique=True)
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    issued_by_name: Mapped[str] = mapped_column(String(200))
    issued_by_position: Mapped[str | None] = mapped_column(String(200))
    result_due_on: Mapped[dt.date | None] = mapped_column(Date)
    # F2-1: the date of the application, which limb applies, what was missing or expired
    application_date: Mapped[dt.date | None] = mapped_column(Date)
    incomplete: Mapped[bool] = mapped_column(default=False)
    expired: Mapped[bool] = mapped_column(default=False)
    # Items of the intake checklist (services/intake.py: kind, or kind-IIN for a member's
    # identity document), missing and expired apart.
    missing_documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    expired_documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    # L3.2 / L3.3: queue wait and service time measured at the desk, in seconds
    wait_seconds: Mapped[int | None] = mapped_column(Integer)
    service_seconds: Mapped[int | None] = mapped_column(Integer)

    application: Mapped[Application] = relationship(back_populates="receipts")

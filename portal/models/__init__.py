"""ORM classes, one module per aggregate; importing this package registers them all."""

from portal.domain.forms import ConsentKind
from portal.models.accounts import (
    CodePurpose,
    OneTimeCode,
    SessionEnd,
    SignInMethod,
    StaffFactor,
    StaffRecoveryCode,
    SubjectKind,
    WebSession,
)
from portal.models.api import ApiToken
from portal.models.application import (
    Application,
    ApplicationForm,
    Consent,
    Document,
    DocumentFile,
    FamilyMember,
    GatewayAnswer,
    IncomeKind,
    IncomeRecord,
    Receipt,
    ReceiptKind,
)
from portal.models.district import (
    CalendarOverride,
    Commission,
    CommissionMember,
    CommissionRole,
    DayKind,
    Desk,
    District,
    DistrictGround,
)
from portal.models.event import Event, EventChainHead
from portal.models.gateway import GatewayRequest
from portal.models.holiday import HolidayAward
from portal.models.notify import MobileRegistration, SmsMessage, SmsPurpose, SmsStatus
from portal.models.people import Citizen, StaffUser
from portal.models.registers import (
    RecordKind,
    RelationKind,
    SimIncome,
    SimPerson,
    SimRecord,
    SimRelation,
)
from portal.models.review import (
    CommissionConclusion,
    Decision,
    HearingProtocol,
    IncomeComputation,
    InspectionAct,
    InspectionCategory,
    InspectionIncome,
    InspectionSupport,
    Notification,
    Objection,
    PrecinctConclusion,
    PreliminaryDecision,
    Remark,
    SupportKind,
)
from portal.models.signature import IssuedPdf, Signature, SigningBlob

__all__ = [
    "ApiToken",
    "Application",
    "ApplicationForm",
    "CalendarOverride",
    "Citizen",
    "CodePurpose",
    "Commission",
    "CommissionConclusion",
    "CommissionMember",
    "CommissionRole",
    "Consent",
    "ConsentKind",
    "DayKind",
    "Decision",
    "Desk",
    "District",
    "DistrictGround",
    "Document",
    "DocumentFile",
    "Event",
    "EventChainHead",
    "FamilyMember",
    "GatewayAnswer",
    "GatewayRequest",
    "HearingProtocol",
    "HolidayAward",
    "IncomeComputation",
    "IncomeKind",
    "IncomeRecord",
    "InspectionAct",
    "InspectionCategory",
    "InspectionIncome",
    "InspectionSupport",
    "IssuedPdf",
    "MobileRegistration",
    "Notification",
    "Objection",
    "OneTimeCode",
    "PrecinctConclusion",
    "PreliminaryDecision",
    "Receipt",
    "ReceiptKind",
    "RecordKind",
    "RelationKind",
    "Remark",
    "SessionEnd",
    "SignInMethod",
    "Signature",
    "SigningBlob",
    "SimIncome",
    "SimPerson",
    "SimRecord",
    "SimRelation",
    "SmsMessage",
    "SmsPurpose",
    "SmsStatus",
    "StaffFactor",
    "StaffRecoveryCode",
    "StaffUser",
    "SubjectKind",
    "SupportKind",
    "WebSession",
]

from portal.models.application import Statement
from portal.models.inbox import InboxKind, InboxMessage

__all__ += ["InboxKind", "InboxMessage", "Statement"]

"""ORM classes, one module per aggregate; importing this package registers them all."""

from portal.domain.forms import ConsentKind
from portal.models.application import (
    Application,
    ApplicationForm,
    Consent,
    Document,
    FamilyMember,
    GatewayAnswer,
    IncomeKind,
    IncomeRecord,
    Receipt,
    ReceiptKind,
)
from portal.models.district import Desk, District, DistrictGround
from portal.models.event import Event, EventChainHead
from portal.models.gateway import GatewayRequest
from portal.models.holiday import HolidayAward
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
from portal.models.signature import Signature, SigningBlob

__all__ = [
    "Application", "ApplicationForm", "Citizen", "CommissionConclusion", "Consent", "ConsentKind",
    "Decision", "Desk", "District", "DistrictGround", "Document", "Event", "EventChainHead",
    "FamilyMember", "GatewayAnswer", "GatewayRequest", "HearingProtocol", "HolidayAward",
    "IncomeComputation",
    "IncomeKind", "IncomeRecord", "InspectionAct", "InspectionCategory", "InspectionIncome",
    "InspectionSupport", "Notification", "Objection", "PrecinctConclusion",
    "PreliminaryDecision", "Receipt", "ReceiptKind", "RecordKind", "RelationKind", "Remark",
    "Signature", "SigningBlob", "SimIncome", "SimPerson", "SimRecord", "SimRelation",
    "StaffUser", "SupportKind",
]

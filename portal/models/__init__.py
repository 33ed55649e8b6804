"""ORM classes, one module per aggregate; importing this package registers them all."""

from portal.models.application import (
    Application,
    Consent,
    ConsentKind,
    Document,
    FamilyMember,
    GatewayAnswer,
    IncomeRecord,
    Receipt,
    ReceiptKind,
)
from portal.models.district import District, DistrictGround
from portal.models.event import Event, EventChainHead
from portal.models.people import Citizen, StaffUser
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
from portal.models.signature import Signature, SigningBlob

__all__ = [
    "Application", "Citizen", "CommissionConclusion", "Consent", "ConsentKind", "Decision",
    "District", "DistrictGround", "Document", "Event", "EventChainHead", "FamilyMember",
    "GatewayAnswer", "HearingProtocol", "IncomeComputation", "IncomeRecord", "InspectionAct",
    "Notification", "Objection", "PrecinctConclusion", "PreliminaryDecision", "Receipt",
    "ReceiptKind", "Remark", "Signature", "SigningBlob", "StaffUser",
]

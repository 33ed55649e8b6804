"""The closed vocabularies of forms F1–F7 and L10.2, and the rules that tie them together."""

from __future__ import annotations

import enum

__all__ = [
    "AkimatLevel",
    "ApplicantCapacity",
    "ConsentKind",
    "DocumentAcceptor",
    "Frequency",
    "NotificationChannel",
    "NotificationForm",
    "NotificationStatus",
    "Relation",
    "Sex",
    "notification_form",
]


class ApplicantCapacity(enum.StrEnum):
    """R3.1 (line 29): on one's own or the family's behalf, or through a representative."""

    SELF = "self"
    FAMILY = "family"
    LEGAL_REPRESENTATIVE = "legal_representative"  # F1 signature: "applicant (legal repr.)"
    ATTORNEY = "attorney"  # power of attorney, Civil Code art. 167

    @property
    def needs_power_of_attorney(self) -> bool:
        return self is ApplicantCapacity.ATTORNEY


class ConsentKind(enum.StrEnum):
    """The four statements of F1 / F1-1 (lines 184–190, 274–280) the applicant signs."""

    PERSONAL_DATA = "personal_data"  # consent 1; its absence is refusal ground L9(2)
    BANK_INFORMATION = "bank_information"  # consent 2
    REPORT_CHANGES = "report_changes"  # undertaking: changes within 10 working days
    SEPARATE_ACCOUNT = "separate_account"  # acknowledgement: a separate bank account


class DocumentAcceptor(enum.StrEnum):
    """F4 (line 506): who accepted the conclusion with the documents."""

    RURAL_AKIM = "rural_akim"
    DEPARTMENT = "department"  # employee of the authorised social-assistance body


class AkimatLevel(enum.StrEnum):
    """F5 title (line 523): whose akimat decides."""

    REPUBLICAN_CITY = "republican_city"
    CAPITAL = "capital"
    DISTRICT = "district"
    REGIONAL_CITY = "regional_city"  # city of regional significance


class Frequency(enum.StrEnum):
    ONE_OFF = "one_off"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class NotificationForm(enum.StrEnum):
    F6 = "F6"  # granted
    F7 = "F7"  # refused


class NotificationChannel(enum.StrEnum):
    SMS = "sms"  # R15.9
    CABINET = "cabinet"  # R15.11
    PRINT = "print"  # R15.10: printed and handed over


class NotificationStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    HANDED = "handed"


class Relation(enum.StrEnum):
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    WARD = "ward"
    SIBLING = "sibling"
    OTHER = "other"


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


def notification_form(granted: bool) -> NotificationForm:
    """R15.8: F6 notifies a grant, F7 a refusal."""
    return NotificationForm.F6 if granted else NotificationForm.F7

"""Plain-language names of the codes a person meets (grounds, relations, registers, answers)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.domain.forms import ApplicantCapacity, Frequency, Relation
from portal.domain.grounds import GroundCategory
from portal.domain.package import DocumentKind
from portal.domain.registers import GatewayOutcome, GatewayQuery
from portal.domain.workflow import Status

GROUND_LABELS = {
    GroundCategory.NATURAL_DISASTER: _l("Damage from a natural disaster"),
    GroundCategory.FIRE: _l("Damage from a fire"),
    GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE: _l("A socially significant disease"),
    GroundCategory.LOW_INCOME: _l("Low income"),
    GroundCategory.ORPHAN: _l("Orphanhood or lack of parental care"),
    GroundCategory.OLD_AGE_SELF_CARE: _l("Cannot look after oneself due to old age"),
    GroundCategory.RELEASED_FROM_PRISON: _l("Released from prison, or on probation"),
}
GROUND_EXPLANATIONS = {
    GroundCategory.NATURAL_DISASTER: _l("The family or its property suffered from a flood, "
                                        "an earthquake or another natural disaster."),
    GroundCategory.FIRE: _l("The family or its property suffered from a fire."),
    GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE: _l(
        "Someone is ill with a disease on the official list, e.g. tuberculosis."),
    GroundCategory.LOW_INCOME: _l("The family's average monthly income per person in the last "
                                  "quarter is not above the threshold the maslikhat set."),
    GroundCategory.ORPHAN: _l("An orphan or a child left without parental care."),
    GroundCategory.OLD_AGE_SELF_CARE: _l("An elderly person who cannot look after themself."),
    GroundCategory.RELEASED_FROM_PRISON: _l("Released from a place of deprivation of liberty, "
                                            "or registered with the probation service."),
}
# L8.3: the ONE document that proves each ground, named as the person will find it.
GROUND_PROOF_LABELS = {
    GroundCategory.NATURAL_DISASTER: _l("A document of the emergency service about the damage "
                                        "from the natural disaster"),
    GroundCategory.FIRE: _l("A certificate of the fire service about the fire"),
    GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE: _l(
        "A medical certificate of the socially significant disease"),
    GroundCategory.ORPHAN: _l("A document on orphanhood or lack of parental care (e.g. the "
                              "guardianship decision)"),
    GroundCategory.OLD_AGE_SELF_CARE: _l("A medical conclusion that the person cannot look "
                                         "after themself"),
    GroundCategory.RELEASED_FROM_PRISON: _l("A certificate of release, or of registration with "
                                            "the probation service"),
}
FREQUENCY_LABELS = {
    Frequency.ONE_OFF: _l("Paid once"),
    Frequency.MONTHLY: _l("Paid monthly"),
    Frequency.QUARTERLY: _l("Paid quarterly"),
    Frequency.YEARLY: _l("Paid yearly"),
}
# F1: "I ask to assign me ___ social assistance" — the kind, as an adjective.
ASSISTANCE_KIND_LABELS = {
    Frequency.ONE_OFF: _l("one-off"),
    Frequency.MONTHLY: _l("monthly"),
    Frequency.QUARTERLY: _l("quarterly"),
    Frequency.YEARLY: _l("yearly"),
}
ID_DOCUMENT_LABELS = {
    "id_card": _l("Identity card"),
    "passport": _l("Passport"),
    "residence_permit": _l("Residence permit"),
    "digital": _l("Digital document (eGov)"),
}
RELATION_LABELS = {
    Relation.SPOUSE: _l("Husband or wife"),
    Relation.CHILD: _l("Child"),
    Relation.PARENT: _l("Mother or father"),
    Relation.WARD: _l("Ward (under my guardianship)"),
    Relation.SIBLING: _l("Brother or sister"),
    Relation.OTHER: _l("Other relative"),
}
QUERY_LABELS = {
    GatewayQuery.IDENTITY: _l("Identity (State database \"Individuals\")"),
    GatewayQuery.RESIDENCE: _l("Registered address (State database \"Individuals\")"),
    GatewayQuery.BANK_DETAILS: _l("Bank details (organisation paying social assistance)"),
    GatewayQuery.REAL_ESTATE: _l("Real estate (Unified state real estate cadastre)"),
    GatewayQuery.BIRTH_RECORDS: _l("Children's birth records (civil registry)"),
    GatewayQuery.MARRIAGE: _l("Marriage (civil registry)"),
    GatewayQuery.GUARDIANSHIP: _l("Guardianship (National education database)"),
    GatewayQuery.WARD_RESIDENCE: _l("Ward's registered address (State database \"Individuals\")"),
    GatewayQuery.DISPENSARY: _l("Dispensary registration (register of dispensary patients)"),
    GatewayQuery.DISABILITY: _l("Disability (database of persons with disabilities)"),
}
# Short and neutral: what to attach is said once, on the documents page (one item per person,
# not one per register that had nothing).
OUTCOME_LABELS = {
    GatewayOutcome.FOUND: _l("Received"),
    GatewayOutcome.NO_DATA: _l("No data"),
    GatewayOutcome.MISMATCH: _l("Data do not match"),
    GatewayOutcome.TIMEOUT: _l("No answer in time"),
    GatewayOutcome.UNAVAILABLE: _l("Register unavailable"),
}
CAPACITY_LABELS = {
    ApplicantCapacity.SELF: _l("For myself"),
    ApplicantCapacity.FAMILY: _l("For my family, on its behalf"),
    ApplicantCapacity.LEGAL_REPRESENTATIVE: _l(
        "For a person I legally represent (my child, my ward)"),
    ApplicantCapacity.ATTORNEY: _l("For another person, under a power of attorney"),
}
DOCUMENT_LABELS = {
    DocumentKind.IDENTITY: _l("Identity document"),
    DocumentKind.INCOME: _l("Income for the last quarter"),
    DocumentKind.GROUND_PROOF: _l("A document proving the ground"),
    DocumentKind.POWER_OF_ATTORNEY: _l("Power of attorney"),
    DocumentKind.OTHER: _l("Other document"),
}
SIGNER_LABELS = {
    "keyfile": _l("EDS key file (NCALayer)"),
    "mobile": _l("eGov Mobile on your phone (QR code)"),
    "sms": _l("One-time code by SMS"),
}
STATUS_LABELS = {
    Status.DRAFT: _l("Draft: not submitted"),
    Status.SUBMITTED: _l("Submitted: waiting to be registered"),
    Status.REFUSED_ACCEPTANCE: _l("Not accepted: documents missing"),
    Status.WITHDRAWN: _l("Withdrawn"),
    Status.REGISTERED: _l("Registered: being checked"),
    Status.AT_PRECINCT: _l("With the precinct commission"),
    Status.INSPECTION_REFUSED: _l("With the precinct commission"),
    Status.PRECINCT_CONCLUDED: _l("Being checked by the department"),
    Status.INCOME_COMPUTED: _l("Being checked by the department"),
    Status.AT_SPECIAL_COMMISSION: _l("With the special commission"),
    Status.COMMISSION_CONCLUDED: _l("Waiting for the decision"),
    Status.PRELIMINARY_REFUSAL: _l("Preliminary refusal: you may object"),
    Status.OBJECTION_RECEIVED: _l("Objection received: hearing"),
    Status.HEARING_HELD: _l("Hearing held: waiting for the decision"),
    Status.GRANTED: _l("Granted"),
    Status.REFUSED: _l("Refused"),
    Status.NOTIFIED: _l("Decided: the notification is in your cabinet"),
}

# L10.1: the next statutory step of a case, named by its clock (domain.lookup.step_name).
STEP_LABELS = {
    "decision_target": _l("Decision due by"),
    "R7.2": _l("Documents to the precinct commission by"),
    "R11.1": _l("Documents to the special commission by"),
    "R15.1": _l("Decision not before"),
    "R15.3": _l("Last day to object to the preliminary refusal"),
    "R15.6": _l("Last day for remarks on the hearing protocol"),
    "R15.7": _l("Decision not before"),
    "R15.11": _l("Notification in the personal cabinet by"),
}


def step_label(deadline: object) -> str:
    from portal.domain.lookup import step_name

    name = step_name(deadline)  # type: ignore[arg-type]
    return str(STEP_LABELS.get(name, name))


def _label(table: dict, enum_cls: type) -> object:  # type: ignore[type-arg]
    def show(code: str) -> str:
        try:
            return str(table[enum_cls(code)])
        except (ValueError, KeyError):
            return code
    return show


def _iso_to_local(value: str) -> str:
    """An ISO date of a signed document as people read it (dd.mm.yyyy)."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
    except (TypeError, ValueError):
        return str(value)


def _decimal_tenge(value: str) -> str:
    """A decimal tenge string of a signed document ("13333.33") in the locale's format."""
    from decimal import Decimal, InvalidOperation

    from portal.web.i18n import tenge

    try:
        return tenge(int(Decimal(value) * 100))
    except (TypeError, ValueError, InvalidOperation):
        return str(value)


def init_app(app: Flask) -> None:
    filters = app.jinja_env.filters
    filters["ground_label"] = _label(GROUND_LABELS, GroundCategory)
    filters["ground_explanation"] = _label(GROUND_EXPLANATIONS, GroundCategory)
    filters["frequency_label"] = _label(FREQUENCY_LABELS, Frequency)
    filters["relation_label"] = _label(RELATION_LABELS, Relation)
    filters["query_label"] = _label(QUERY_LABELS, GatewayQuery)
    filters["outcome_label"] = _label(OUTCOME_LABELS, GatewayOutcome)
    filters["status_label"] = _label(STATUS_LABELS, Status)
    filters["capacity_label"] = _label(CAPACITY_LABELS, ApplicantCapacity)
    filters["document_label"] = _label(DOCUMENT_LABELS, DocumentKind)
    filters["id_document_label"] = lambda code: str(ID_DOCUMENT_LABELS.get(code, code))
    filters["iso_to_local"] = _iso_to_local
    filters["decimal_tenge"] = _decimal_tenge
    filters["step_label"] = step_label
    filters["signer_label"] = lambda name: str(SIGNER_LABELS.get(name, name))

"""Plain-language names of the codes a person meets (grounds, relations, registers, answers)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.domain.calendar import Channel
from portal.domain.forms import ApplicantCapacity, Frequency, Relation
from portal.domain.grounds import GroundCategory
from portal.domain.package import DocumentKind
from portal.domain.registers import GatewayOutcome, GatewayQuery
from portal.domain.workflow import Status
from portal.web.i18n import MAX_MARKUP, catalog_memo, translations

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

CHANNEL_LABELS = {
    Channel.PORTAL: _l("Portal (eGov)"),
    Channel.PROVIDER: _l("Department desk"),
    Channel.RURAL_AKIM: _l("Rural akim's office"),
    Channel.STATE_CORP: _l("State Corporation"),
}
# The provider's duties of domain.deadlines, by rule and clock: what has to be done by the date.
DUTY_LABELS = {
    ("L3.1", "service_term"): _l("Issue the result"),
    ("L3.1", "decision_target"): _l("Take the decision"),
    ("R7.2", ""): _l("Send to the precinct commission"),
    ("R11.1", ""): _l("Compute income and submit to the special commission"),
    ("R15.11", ""): _l("Send the notification to the cabinet"),
}


def duty_label(rule: str, key: str = "") -> str:
    label = DUTY_LABELS.get((rule, key))
    return str(label) if label is not None else rule
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
    label = STEP_LABELS.get(name)
    return name if label is None else translated(label)


def _label(table: dict, enum_cls: type) -> object:  # type: ignore[type-arg]
    def show(code: str) -> str:
        try:
            return translated(table[enum_cls(code)])
        except (ValueError, KeyError):
            return code
    return show
# The case's steps as the person reads them in the timeline (events.action).
EVENT_LABELS = {
    "submit": _l("You submitted the application"),
    "accept_paper": _l("The application was accepted at the desk"),
    "register": _l("The application was registered"),
    "refuse_acceptance": _l("The application was not accepted (documents missing or expired)"),
    "withdraw": _l("You withdrew the application"),
    "send_to_precinct": _l("Sent to the precinct commission"),
    "record_inspection": _l("The precinct commission inspected the material situation"),
    "record_inspection_refusal": _l("The inspection was refused"),
    "conclude_precinct": _l("The precinct commission gave its conclusion"),
    "receive_documents": _l("The department received the documents"),
    "compute_income": _l("The per-capita income was computed"),
    "submit_to_commission": _l("Sent to the special commission"),
    "conclude_commission": _l("The special commission gave its conclusion"),
    "issue_preliminary_refusal": _l("A preliminary decision to refuse, and a hearing, were set"),
    "deliver_preliminary_notice": _l("The notice of the preliminary decision reached you"),
    "submit_objection": _l("An objection was received"),
    # an objection or remarks an official entered from the person's paper statement
    # (services/case_view.py: PAPER_OBJECTION, PAPER_REMARKS)
    "submit_objection_paper": _l("Your objection handed in on paper was entered by the "
                                 "department"),
    "submit_remarks_paper": _l("Your remarks on the protocol handed in on paper were entered by "
                               "the department"),
    "hold_hearing": _l("The hearing was held"),
    "read_protocol": _l("The hearing protocol was read"),
    "submit_remarks": _l("Remarks on the protocol were received"),
    "resume_review": _l("The preliminary refusal lapsed: the review goes on"),
    "decide_grant": _l("Decision: granted"),
    "decide_refuse": _l("Decision: refused"),
    "notify": _l("The notification of the decision was issued"),
    # views and lookups, shown under "who looked at my data"
    "case_viewed": _l("opened the application"),
    "file_viewed": _l("opened a file of the application"),
    "operator_lookup": _l("looked up the status for a caller"),
    "status_lookup": _l("looked up the status"),
    # files of the application (a draft) or of an objection or remarks being written
    "document_files_added": _l("Files were added"),
    "document_file_removed": _l("A file was removed"),
    # signing a decision and handing its notification over (staff steps the person sees)
    "signing_started": _l("began signing a document"),
    "signed": _l("signed a document with EDS"),
    "notification_handed": _l("handed the printed notification over"),
}
# The statutory clocks (domain.deadlines) in words, by rule and key.
DEADLINE_LABELS = {
    "service_term": _l("The result is due (8 working days)"),
    "decision_target": _l("The decision is due (one working day before the result)"),
    "R7.2": _l("Sent to the precinct commission (1 working day)"),
    "R11.1": _l("Income computed and sent to the special commission (1 working day)"),
    "R15.1": _l("No decision to refuse before (3 working days after the notice)"),
    "R15.3": _l("Your objection can be sent until (2 working days)"),
    "R15.6": _l("Your remarks on the protocol can be sent until (3 working days)"),
    "R15.7": _l("No decision before the remarks window closes"),
    "R15.11": _l("The notification reaches your cabinet (1 working day)"),
}
DEADLINE_STATE_LABELS = {
    "running": _l("running"),
    "done": _l("done"),
    "overdue": _l("overdue"),
    "breached": _l("done, but not in time"),
    "closed": _l("closed"),
    "stopped": _l("stopped"),
}
ROLE_LABELS = {
    "intake": _l("Intake specialist"),
    "precinct": _l("Precinct commission member"),
    "specialist": _l("Social assistance specialist"),
    "commission": _l("Special commission secretary"),
    "head": _l("Head of department"),
    "operator": _l("1414 contact centre operator"),
    "admin": _l("Administrator"),
    "system": _l("The system"),
}
# "Who looked at my data": the desk an official sits at, in a sentence.
DESK_LABELS = {
    "provider": _l("district department"),
    "rural_akim": _l("rural akim's office"),
    "state_corp": _l("State Corporation office"),
    "portal": _l("portal"),
}


REFUSAL_GROUND_LABELS = {
    "negative_approval_answer": _l("a negative answer of an authorised state body"),
    "negative_conclusion": _l("a negative conclusion of an examination, study or inspection"),
    "no_personal_data_consent": _l("no consent to access to personal data"),
}
HEARING_MODE_LABELS = {
    "video_or_communication": _l("by video or phone"),
    "information_systems": _l("through the information systems"),
    "other_means": _l("in person or by other means"),
}


# A label's translation, kept per catalogue (on the catalogue object, as i18n._markup keeps the
# templates' strings): what ``str(label)`` gives, without Flask-Babel finding the domain and the
# catalogue again for each label of a page. Keyed by the lazy string's identity, which the memo
# holds (the tables' labels live as long as the process; a key's id cannot be reused meanwhile).
_TRANSLATED_ATTR = "_portal_labels"


def translated(label: object) -> str:
    """``str(label)`` for a lazy label of this module's tables, in the request's language."""
    memo = catalog_memo(translations(), _TRANSLATED_ATTR)
    found: tuple[object, str] | None = memo.get(id(label))
    if found is not None and found[0] is label:
        return found[1]
    text = str(label)
    if len(memo) >= MAX_MARKUP:
        memo.clear()
    memo[id(label)] = (label, text)
    return text


def _word(table: dict, code: object) -> str:  # type: ignore[type-arg]
    text = table.get(str(code))
    return translated(text) if text is not None else str(code)


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
    filters["channel_label"] = _label(CHANNEL_LABELS, Channel)
    filters["capacity_label"] = _label(CAPACITY_LABELS, ApplicantCapacity)
    filters["document_label"] = _label(DOCUMENT_LABELS, DocumentKind)
    filters["id_document_label"] = lambda code: str(ID_DOCUMENT_LABELS.get(code, code))
    filters["iso_to_local"] = _iso_to_local
    filters["decimal_tenge"] = _decimal_tenge
    filters["event_label"] = lambda code: _word(EVENT_LABELS, code)
    filters["deadline_label"] = lambda d: _word(DEADLINE_LABELS, d.key or d.rule)
    filters["deadline_state_label"] = lambda code: _word(DEADLINE_STATE_LABELS, code)
    filters["refusal_ground_label"] = lambda code: _word(REFUSAL_GROUND_LABELS, code)
    filters["hearing_mode_label"] = lambda code: _word(HEARING_MODE_LABELS, code)
    filters["role_label"] = lambda code: _word(ROLE_LABELS, code)
    filters["desk_label"] = lambda code: _word(DESK_LABELS, code)
    filters["step_label"] = step_label
    filters["signer_label"] = lambda name: str(SIGNER_LABELS.get(name, name))
    from portal.web import due, titles

    due.init_app(app)
    titles.init_app(app)


# The back office's case page (issue #11): the F3 act's items, the F4 acceptor, and the case's
# events as an official reads them (the citizen's wording where it fits).
CATEGORY_PRESENT_LABELS = {
    "war_veteran": _l("veteran of the Great Patriotic War"),
    "equated_veteran": _l("person equated to veterans"),
    "combat_veteran": _l("veteran of combat on the territory of other states"),
    "pensioner": _l("pensioner"),
    "over_80": _l("person over 80"),
    "socially_significant_disease": _l("person with a socially significant disease"),
    "disability": _l("person with a disability"),
    "child_with_disability": _l("child with a disability"),
    "other": _l("another category"),
}
HOUSING_LABELS = {
    "dormitory": _l("dormitory"),
    "rented": _l("rented"),
    "privatised": _l("privatised"),
    "service": _l("service housing"),
    "cooperative": _l("housing cooperative"),
    "private_house": _l("private house"),
    "other": _l("other"),
}
ACCEPTOR_LABELS = {
    "rural_akim": _l("rural akim"),
    "department": _l("employee of the department"),
}
INCOME_KIND_LABELS = {
    "wages": _l("wages"),
    "pension": _l("pension"),
    "benefit": _l("benefit"),
    "farm": _l("personal subsidiary farm"),
    "other": _l("other income"),
}
STAFF_EVENT_LABELS = {
    "submit": _l("The applicant submitted the application"),
    "withdraw": _l("The applicant withdrew the application"),
    "deliver_preliminary_notice": _l("The notice of the preliminary decision was delivered"),
    "case_viewed": _l("Opened the case"),
    "file_viewed": _l("Opened a file of the case"),
    "assign": _l("Assigned the case"),
    "signing_started": _l("Began signing with EDS"),
    "signed": _l("Signed with EDS"),
    "signature_rejected": _l("The signature was refused"),
    "notification_prepared": _l("The notification was prepared"),
    "notification_sms_failed": _l("The SMS notification could not be delivered"),
    "notification_handed": _l("The printed notification was handed over"),
    "draft_started": _l("Began entering the paper application"),
    "draft_documents_checked": _l("Checked the documents shown"),
    "citizen_created_at_desk": _l("Added the person from the State database \"Individuals\""),
}


def init_staff_case(app: Flask) -> None:
    filters = app.jinja_env.filters
    filters["category_label"] = lambda code: _word(CATEGORY_PRESENT_LABELS, code)
    filters["housing_label"] = lambda code: _word(HOUSING_LABELS, code)
    filters["acceptor_label"] = lambda code: _word(ACCEPTOR_LABELS, code)
    filters["income_kind_label"] = lambda code: _word(INCOME_KIND_LABELS, code)
    filters["staff_event_label"] = lambda code: _word(
        STAFF_EVENT_LABELS, code) if str(code) in STAFF_EVENT_LABELS else _word(EVENT_LABELS, code)
    init_delivery(app)


def init_delivery(app: Flask) -> None:
    """A refusal ground stored as a code (an event's reason) in words; free text stays as is."""
    app.jinja_env.filters["reason_label"] = lambda text: _word(REFUSAL_GROUND_LABELS, text)

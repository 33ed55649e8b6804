"""Every official form of a case as a :class:`~portal.documents.model.FormDocument`, built from the
rows the back office records, in the form's order with the form's own headings (the order's
annexes, `shared/seeds/`; where the seed is cut, docs/seed-notes.md §1.2–1.3 says what we print).

| slug | form | rows |
|---|---|---|
| coupon | tear-off coupon (R6.1, provider / rural akim) | `Receipt` kind coupon |
| receipt | electronic receipt (R6.1, State Corporation) | `Receipt` kind electronic_receipt, `Document` |
| f1 | F1, the written application (Annex 1) | `Application`, `Document`, `Consent` |
| f1-1 | F1-1, the portal application as signed (Annex 1-1) | the `Signature`'s signed document |
| f2-1 | F2-1, refusal to accept (Annex 2-1, R6.2) | `Receipt` kind refusal_to_accept |
| f3 | F3, act of inspection (Annex 3) | `InspectionAct` and its rows, `FamilyMember` |
| f4 | F4, precinct commission conclusion (Annex 4) | `PrecinctConclusion` (+ `Signature`) |
| f5 | F5, decision (Annex 5) | `Decision`, `CommissionConclusion`, `Document`, `Signature` |
| f6 | F6, notification of granting (Annex 6) | `Notification` F6, `Decision`, `Signature` |
| f7 | F7, notification of refusal (Annex 7) | `Notification` F7, `Decision`, `Signature` |

A builder returns None when the case has no such form (yet): the views answer 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.documents import labels, verification
from portal.documents.f1_1 import SignatureInfo, SignerKind, application_form, signing_time
from portal.documents.model import (
    Choice,
    Field,
    FormDocument,
    Item,
    Seal,
    Section,
    SignatureLine,
    Table,
    Text,
)
from portal.documents.words import tenge_in_words
from portal.domain.forms import ConsentKind, NotificationForm, NotificationStatus
from portal.domain.grounds import GroundCategory
from portal.domain.inspection import CategoryPresent
from portal.models import Application, Signature
from portal.models.application import Receipt, ReceiptKind
from portal.models.review import Decision, Notification, SupportKind

__all__ = ["FORMS", "FormSpec", "build", "money", "money_words"]

_DASH = "—"


# -- values as the forms print them ---------------------------------------------------------------

def _t(value: object) -> str:
    return _DASH if value is None or value == "" else str(value)


def _capitalised(text: str) -> str:
    """The first letter in capitals, the rest as it is (str.capitalize lowers the rest)."""
    return text[:1].upper() + text[1:]


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return _DASH
    if isinstance(value, dt.datetime):
        return signing_time(_aware(value))[:10]
    return value.strftime("%d.%m.%Y")


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def money(tiyn: int | None) -> str:
    """An amount in figures: "120 500,00 ₸" in the current locale's grouping."""
    from portal.web.i18n import tenge

    return _DASH if tiyn is None else tenge(tiyn)


def money_words(tiyn: int | None, language: str) -> str:
    return "" if tiyn is None else tenge_in_words(tiyn, language)


def _applicant(application: Application) -> str:
    parts = (application.applicant_surname, application.applicant_given_name,
             application.applicant_patronymic)
    name = " ".join(p for p in parts if p)
    return name or application.citizen.full_name


def _birth_date(application: Application) -> dt.date | None:
    return application.applicant_birth_date or application.citizen.birth_date


def _provider(application: Application, language: str) -> str:
    district = application.district
    name = getattr(district, f"provider_name_{language}", None) or district.provider_name_kk
    return str(name)


def _district(application: Application, language: str) -> str:
    district = application.district
    name = getattr(district, f"name_{language}", None) or district.name_kk
    return str(name)


def _name_hint() -> str:
    return str(_("(surname, name, patronymic (if any))"))


def _seal(session: Session, signature_id: int | None, heading: str, name: str,
          position: str, form: str | None = None) -> Seal | None:
    """The electronic signature block of a signed document (None while it is unsigned).
    ``form``: a notification sealed with its decision's signature names itself to /verify."""
    signature = session.get(Signature, signature_id) if signature_id is not None else None
    if signature is None:
        return None
    from signing.base import SigningError
    from signing.jws import parse_envelope
    from signing.names import describe_certificate

    common_name, issuer = name, None
    try:  # the certificate's own words for the signer, where the envelope holds it
        certificates = parse_envelope(signature.envelope).certificates
    except (SigningError, ValueError):  # the document still prints; /verify says what is wrong
        certificates = None
    if certificates:
        info = describe_certificate(certificates[0])
        common_name, issuer = info.common_name or name, info.issuer or None
    url = verification.verify_url(signature, form)
    code = verification.short_code(signature) if url else None
    rows = [(_("Signed by"), common_name), (_("Position"), _t(position)),
            (_("IIN"), "•••••••" + signature.signer_iin[-5:]),
            (_("Date and time of signing"), signing_time(_aware(signature.signed_at))),
            (_("Certificate serial number"), _t(signature.certificate_serial))]
    if issuer:
        rows.append((_("Certificate issued by"), issuer))
    rows.append((_("Content digest (SHA-256)"), _t(signature.document_digest)))
    if code:
        rows.append((_("Verification code"), code))
    return Seal(heading=heading, rows=tuple(rows), code=code, url=url,
                keywords=verification.pdf_keywords(signature, form) or "",
                signature_id=signature.id,
                note=_("TEST: signed with a TEST certificate of a simulated certification "
                       "authority."))


def _latest_receipt(application: Application, kind: ReceiptKind) -> Receipt | None:
    found = [r for r in application.receipts if r.kind is kind]
    return found[-1] if found else None


def _latest_notification(application: Application, form: NotificationForm) -> Notification | None:
    found = sorted((n for n in application.notifications if n.form is form), key=lambda n: n.id)
    return found[-1] if found else None


def _document_rows(application: Application) -> tuple[tuple[str, ...], ...]:
    return tuple((str(n), d.title, str(d.sheets), _t(d.note))
                 for n, d in enumerate((d for d in application.documents if d.provided), 1))


def _attachments_table(application: Application) -> Table:
    return Table(head=(_("No."), _("Document name"), _("Number of sheets in the document"),
                       _("Note")),
                 rows=_document_rows(application), widths=(10, 100, 34, 30),
                 empty=_("None listed."))


# -- R6.1: the tear-off coupon and the electronic receipt -----------------------------------------

def coupon(session: Session, application: Application, language: str) -> FormDocument | None:
    receipt = _latest_receipt(application, ReceiptKind.COUPON)
    if receipt is None:
        return None
    registered = application.registered_on or receipt.issued_at
    return FormDocument(
        form="coupon", slug="coupon", language=language, title=_("Tear-off coupon"),
        subtitle=_("No. %(number)s", number=receipt.number),
        addressee=(_provider(application, language),),
        sections=(Section("", (
            Field(_("Application No."), application.number),
            Field(_("Applicant"), _applicant(application), hint=_name_hint()),
            Field(_("Date of registration"), _date(registered)),
            Field(_("Date the public service will be received"), _date(receipt.result_due_on)),
            Field(_("Documents accepted by"), _t(receipt.issued_by_name),
                  hint=_("(surname and name of the person who accepted the documents)")),
            SignatureLine(_("Signature"), "", _("(signature of the person who accepted)")),
        )),),
        filename=f"coupon-{application.number}")


def electronic_receipt(session: Session, application: Application,
                       language: str) -> FormDocument | None:
    receipt = _latest_receipt(application, ReceiptKind.ELECTRONIC_RECEIPT)
    if receipt is None:
        return None
    return FormDocument(
        form="receipt", slug="receipt", language=language,
        title=_("Electronic receipt of acceptance of documents"),
        subtitle=_("No. %(number)s", number=receipt.number),
        addressee=(_("State Corporation \"Government for Citizens\""),),
        sections=(
            Section("", (
                Field(_("Application No."), application.number),
                Field(_("Applicant"), _applicant(application), hint=_name_hint()),
            )),
            Section(_("List of documents accepted from the applicant"),
                    (_attachments_table(application),)),
            Section("", (
                Field(_("Application accepted by"), _t(receipt.issued_by_name),
                      hint=_("(surname, name, patronymic (if any) of the employee)")),
                Field(_("Date and time the application was submitted"),
                      signing_time(_aware(receipt.issued_at))),
                Field(_("Date the ready documents will be issued"),
                      _date(receipt.result_due_on)),
            )),
        ),
        filename=f"receipt-{application.number}")


# -- F1, the written application (Annex 1, seed L141–201) ------------------------------------------

def f1(session: Session, application: Application, language: str) -> FormDocument | None:
    from portal.models.application import ApplicationForm
    from portal.web.consents import F1_CONSENT_TEXTS
    from portal.web.labels import ID_DOCUMENT_LABELS

    if application.form is not ApplicationForm.F1:
        return None
    a = application
    given = {c.kind: c.given for c in a.consents}
    accepted = _latest_receipt(a, ReceiptKind.COUPON) or _latest_receipt(
        a, ReceiptKind.ELECTRONIC_RECEIPT)
    acceptor = a.accepted_by
    acceptor_text = (f"{acceptor.full_name}, {acceptor.position}" if acceptor is not None
                     else (accepted.issued_by_name if accepted is not None else ""))
    kind = a.id_doc_type
    statements: list[Item] = []
    for consent_kind in ConsentKind:
        mark = "☒" if given.get(consent_kind) else "☐"
        statements.append(Text(f"{mark} {F1_CONSENT_TEXTS[consent_kind]}"))
    signer = a.representative_name or _applicant(a)
    return FormDocument(
        form="F1", slug="f1", language=language, title=_("Application"),
        subtitle=_("Form F1 · No. %(number)s", number=a.number),
        addressee=(_("To the head of the local executive body"), _provider(a, language)),
        sections=(
            Section("", (
                Field(_("Citizen"), _applicant(a), hint=_name_hint()),
                Field(_("Date of birth"), _date(_birth_date(a))),
                Field(_("Individual identification number"), _t(a.applicant_iin)),
                Field(_("Type of identity document"),
                      str(ID_DOCUMENT_LABELS.get(kind, kind)) if kind else _DASH),
                Field(_("Document series"), _t(a.id_doc_series)),
                Field(_("Document number"), _t(a.id_doc_number)),
                Field(_("Issued by whom"), _t(a.id_doc_issued_by)),
                Field(_("Date of issue"), _date(a.id_doc_issued_on)),
            )),
            Section(_("Address of the permanent place of residence"), (
                Field(_("Region"), _t(a.addr_region)),
                Field(_("City (district)"), _t(a.addr_city)),
                Field(_("Village"), _t(a.addr_village)),
                Field(_("Street (microdistrict)"), _t(a.addr_street)),
                Field(_("House"), _t(a.addr_house)),
                Field(_("Flat"), _t(a.addr_flat)),
            )),
            Section(_("Bank details"), (
                Field(_("Bank name"), _t(a.bank_name)),
                Field(_("Bank account No."), _t(a.bank_account)),
                Field(_("Phone"), _t(a.phone)),
            )),
            Section("", (
                Text(_("I ask to assign me %(what)s social assistance",
                       what=_t(a.assistance_requested)), strong=True),
            )),
            Section(_("List of documents attached to the application"),
                    (_attachments_table(a),)),
            Section("", tuple(statements)),
            Section("", (
                Field(_("Date"), _date(a.arrived_at or a.submitted_at)),
                SignatureLine(_("Applicant (legal representative)"), signer,
                              _("(surname, name, patronymic (if any), signature of the applicant "
                                "(legal representative))")),
            )),
            Section(_("Documents accepted by"), (
                SignatureLine("", acceptor_text,
                              _("(surname, name, patronymic (if any), position and signature of "
                                "the person who accepted the application)")),
                Field(_("Date"), _date(a.arrived_at or (accepted.issued_at if accepted else None))),
            )),
        ),
        filename=f"F1-{a.number}")


# -- F2-1, refusal to accept (Annex 2-1, seed L388–399; the end is cut, seed-notes §1.2) ---------

def f2_1(session: Session, application: Application, language: str) -> FormDocument | None:
    receipt = _latest_receipt(application, ReceiptKind.REFUSAL_TO_ACCEPT)
    if receipt is None:
        return None
    def named(code: str) -> str:  # a document kind's code as its name; a typed name as it is
        return _capitalised(labels.word(labels.DOCUMENT_KINDS, code))

    listed = [named(code) for code in receipt.missing_documents or []] + [
        str(_("%(document)s (validity expired)", document=named(code)))
        for code in receipt.expired_documents or []]
    missing = tuple((str(n), text) for n, text in enumerate(listed, 1))
    return FormDocument(
        form="F2-1", slug="f2-1", language=language,
        title=_("Receipt of refusal to accept the application for social assistance of "
                "%(date)s", date=_date(receipt.issued_at)),
        subtitle=_("Form F2-1 · No. %(number)s", number=receipt.number),
        addressee=(_provider(application, language),),
        sections=(
            Section("", (
                Field(_("Citizen"), _applicant(application), hint=_name_hint()),
                Field(_("Date of application"), _date(receipt.application_date)),
                Text(_("refused to accept the application for social assistance because the "
                       "applicant submitted, under the list of paragraph 12 of the Model Rules "
                       "for providing social assistance, establishing its amounts and defining "
                       "the list of certain categories of needy citizens, approved by Decree of "
                       "the Government of the Republic of Kazakhstan No. 523 of 30 June 2023:")),
                Choice(options=((_("an incomplete package of documents"), receipt.incomplete),
                                (_("documents whose validity has expired"), receipt.expired)),
                       hint=_("(underline whichever applies)")),
            )),
            Section(_("Documents missing or expired"), (
                Table(head=(_("No."), _("Document name")), rows=missing, widths=(10, 164)),
            )),
            Section("", (
                SignatureLine(_("Refused by"), _t(receipt.issued_by_name),
                              _("(surname, name, patronymic (if any), signature)")),
                Field(_("Date"), _date(receipt.issued_at)),
            )),
        ),
        filename=f"F2-1-{application.number}")


# -- F3, act of inspection (Annex 3, seed L407–455; items 1–4 cut, seed-notes §1.3) ---------------

def f3(session: Session, application: Application, language: str) -> FormDocument | None:
    from portal.web.labels import RELATION_LABELS

    act = application.inspection_act
    if act is None:
        return None
    a = application
    address = ", ".join(p for p in (a.addr_region, a.addr_city, a.addr_village, a.addr_street,
                                    a.addr_house and _("house %(n)s", n=a.addr_house),
                                    a.addr_flat and _("flat %(n)s", n=a.addr_flat)) if p)
    family = tuple((str(n), m.full_name, str(RELATION_LABELS.get(m.relation, m.relation)),
                    _date(m.birth_date), _t(m.occupation)) for n, m in enumerate(a.family, 1))
    present = {c.category for c in act.categories}
    # in the order the form lists them (seed L413), "another category" by its own name
    categories = [labels.word(labels.CATEGORIES_PRESENT, c.value) for c in CategoryPresent
                  if c in present and not (c is CategoryPresent.OTHER and act.other_category)]
    if act.other_category:
        categories.append(act.other_category)
    housing = (labels.word(labels.HOUSING, act.housing.value) if act.housing is not None
               else _DASH)
    if act.housing_other:
        housing = f"{housing}: {act.housing_other}"
    incomes = tuple((str(n), r.member_name, r.income_kind, money(r.quarter_tiyn),
                     money(r.quarter_tiyn // 3), _t(r.farm)) for n, r in enumerate(act.incomes, 1))

    def support(kind: SupportKind) -> Table:
        rows = tuple((str(n), r.form, money(r.amount_tiyn), r.source)
                     for n, r in enumerate((r for r in act.support if r.kind is kind), 1))
        return Table(head=(_("No."), _("Form"), _("Amount"), _("Source")), rows=rows,
                     widths=(10, 70, 40, 54), empty=_("None."))

    refused = act.refused
    members = tuple(SignatureLine(_("Commission member"), name) for name in act.members or [])
    return FormDocument(
        form="F3", slug="f3", language=language,
        title=_("Act of inspection of the material situation of the person (family)"),
        subtitle=_("Form F3 · Application No. %(number)s", number=a.number),
        addressee=(_provider(a, language),),
        sections=(
            Section(_("Who was inspected"), (
                Field(_("Applicant"), _applicant(a), number="1.", hint=_name_hint()),
                Field(_("Address"), address or _DASH, number="2."),
                Field(_("Date of inspection"), _date(act.inspected_on), number="3."),
            )),
            Section(_("Family composition"), (
                Table(head=(_("No."), _("Surname, name, patronymic (if any)"), _("Relation"),
                            _("Date of birth"), _("Occupation")),
                      rows=family, widths=(10, 60, 34, 26, 44), empty=_("None listed.")),
                Field(_("Able-bodied, in all (persons)"), str(act.able_bodied)),
                Field(_("Registered as unemployed with the employment bodies (persons)"),
                      str(act.registered_unemployed)),
                Field(_("Number of children"), str(act.children)),
                Field(_("of them studying for a fee at higher and secondary educational "
                        "institutions (persons)"), str(act.fee_paying_students)),
                Field(_("Cost of study per year"), money(act.yearly_fee_tiyn),
                      words=money_words(act.yearly_fee_tiyn, language)),
                Field(_("Presence in the family of veterans, pensioners, elderly people over 80, "
                        "people with socially significant diseases, people with disabilities, "
                        "children with disabilities (or another category)"),
                      "; ".join(categories) or _DASH),
            ), number="4."),
            Section(_("Housing conditions"), (
                Field(_("Housing (dormitory, rented, privatised, service housing, housing "
                        "cooperative, private house or other)"), housing),
                Field(_("Housing maintenance costs"), money(act.housing_costs_tiyn),
                      words=money_words(act.housing_costs_tiyn, language)),
            ), number="5."),
            Section(_("Family income"), (
                Table(head=(_("No."), _("Surname, name, patronymic (if any) of the family "
                                        "members with income (the applicant included)"),
                            _("Type of income"), _("Income for the last quarter (tenge): for "
                                                   "the quarter"),
                            _("monthly average"),
                            _("Personal subsidiary farm (plot, livestock and poultry), dacha "
                              "and land plot (land share)")),
                      rows=incomes, widths=(8, 44, 24, 28, 26, 44), empty=_("None.")),
            )),
            Section(_("Presence of"), (
                Field(_("a car (make, year of manufacture, title document, declared income from "
                        "its use)"), _t(act.car)),
                Field(_("other housing than the one lived in now (declared income from its "
                        "use)"), _t(act.other_housing)),
            ), number="6."),
            Section(_("Assistance received before (form, amount, source)"),
                    (support(SupportKind.PRIOR_ASSISTANCE),), number="7."),
            Section(_("Other family income (form, amount, source)"),
                    (support(SupportKind.OTHER_INCOME),), number="8."),
            Section("", (
                Field(_("Provision of the children with school supplies, clothes and shoes"),
                      _t(act.school_supplies), number="9."),
                Field(_("Sanitary and epidemiological condition of the place of residence"),
                      _t(act.sanitary_state), number="10."),
            )),
            Section(_("Commission"), (
                SignatureLine(_("Commission chair:"), act.chair),
                *members,
                Text(_("(signatures) (surname, name, patronymic (if any))")),
            )),
            Section("", (
                Field(_("I have read the act"), _("yes") if act.applicant_has_read else _DASH),
                SignatureLine("", _applicant(a) if act.applicant_has_read else "",
                              _("Surname, name, patronymic (if any) and signature of the "
                                "applicant")),
                Field(_("I refuse the inspection"), _t(act.refused_by) if refused else _DASH),
                SignatureLine("", _t(act.refused_by) if refused else "",
                              _("Surname, name, patronymic (if any) and signature of the "
                                "applicant (or one of the family members) (filled in when the "
                                "applicant refuses the inspection)")),
                Field(_("Date"), _date(act.inspected_on)),
            )),
        ),
        filename=f"F3-{a.number}")


# -- F4, the precinct commission's conclusion (Annex 4, seed L469–506) ----------------------------

def f4(session: Session, application: Application, language: str) -> FormDocument | None:
    c = application.precinct_conclusion
    if c is None:
        return None
    members = tuple(SignatureLine(_("Commission member"), name) for name in c.members or [])
    acceptor = (labels.word(labels.ACCEPTORS, c.accepted_by_kind.value)
                if c.accepted_by_kind is not None else _DASH)
    return FormDocument(
        form="F4", slug="f4", language=language,
        title=_("Conclusion of the precinct commission No. %(number)s of %(date)s",
                number=c.number, date=_date(c.concluded_on)),
        subtitle=_("Form F4 · Application No. %(number)s", number=application.number),
        addressee=(_provider(application, language),),
        sections=(
            Section("", (
                Text(_("The precinct commission, in accordance with the Rules for providing "
                       "social assistance, establishing its amounts and defining the list of "
                       "certain categories of needy citizens, having considered the application "
                       "of the person (family) who applied for social assistance provided to "
                       "certain categories of needy citizens")),
                Field(_("Applicant"), c.applicant_name, hint=_name_hint()),
                Text(_("and the documents attached to it, on the basis of the documents "
                       "submitted and the results of the inspection of the material situation of "
                       "the applicant (family), concludes on the")),
                Choice(options=((_("need"), c.needs_assistance),
                                (_("no need"), not c.needs_assistance)),
                       hint=_("(need, no need)")),
                Text(_("to provide the person (family) with social assistance provided to "
                       "certain categories of needy citizens.")),
            )),
            Section(_("Commission"), (
                SignatureLine(_("Commission chair:"), c.chair),
                *members,
                Text(_("(signatures) (surname, name, patronymic (if any))")),
            )),
            Section(_("Acceptance"), (
                Field(_("The conclusion with the attached documents, copies"), _t(c.copies)),
                Field(_("accepted on"), _date(c.accepted_on)),
                Field(_("Accepted by"), _t(c.accepted_by_name),
                      hint=_("(surname, name, patronymic (if any), position, signature of the "
                             "akim of the settlement, village or rural district or of the "
                             "employee of the authorised body for social assistance who accepted "
                             "the documents)")),
                Field(_("Position"), _t(c.accepted_by_position)),
                Field(_("Accepted as"), acceptor),
                SignatureLine(_("Signature"), ""),
            )),
        ),
        seal=_seal(session, c.accepted_signature_id,
                   _("Acceptance certified with an electronic digital signature"),
                   _t(c.accepted_by_name), _t(c.accepted_by_position)),
        filename=f"F4-{application.number}")


# -- F5, the decision (Annex 5, seed L520–559) -----------------------------------------------------

def _staff_name(session: Session, staff_id: int | None) -> tuple[str, str]:
    from portal.models import StaffUser

    staff = session.get(StaffUser, staff_id) if staff_id is not None else None
    return (staff.full_name, staff.position) if staff is not None else (_DASH, _DASH)


def _refusal_ground(decision: Decision) -> str:
    from portal.web.labels import REFUSAL_GROUND_LABELS

    code = decision.refusal_ground or ""
    label = REFUSAL_GROUND_LABELS.get(code)
    return str(label) if label is not None else _t(code)


def _assistance_kind(code: str) -> str:
    """The notification's "(type of assistance)": the ground in words, not its stored code."""
    from portal.web.labels import GROUND_LABELS

    if code not in {g.value for g in GroundCategory}:
        return _t(code)
    words = str(GROUND_LABELS[GroundCategory(code)])
    return words[:1].lower() + words[1:]  # inside the title's parentheses, mid-sentence


def f5(session: Session, application: Application, language: str) -> FormDocument | None:
    d = application.decision
    if d is None:
        return None
    level = labels.word(labels.AKIMAT_LEVELS, application.district.akimat_level.value)
    title = (_("Decision of the akimat of %(level)s of %(date)s No. %(number)s on granting "
               "social assistance", level=level, date=_date(d.decided_on), number=d.number)
             if d.granted else
             _("Decision of the akimat of %(level)s of %(date)s No. %(number)s on refusing "
               "social assistance", level=level, date=_date(d.decided_on), number=d.number))
    title = _capitalised(title)  # Kazakh opens with the level ("Астана әкімдігінің")
    ground_doc = d.ground_document
    ground_text = (_("No. %(number)s of %(date)s", number=_t(ground_doc.number),
                     date=_date(ground_doc.issued_on)) if ground_doc is not None else _DASH)
    cc = application.commission_conclusion
    if cc is None:
        commission = _DASH
    else:
        outcome = (_("needs social assistance") if cc.needs_assistance
                   else _("does not need social assistance"))
        commission = _("%(outcome)s, of %(date)s", outcome=outcome, date=_date(cc.concluded_on))
        if cc.model_rules_ground:
            commission += "; " + _("subparagraph %(n)s) of paragraph 8", n=cc.model_rules_ground)
        if cc.reasons:
            commission += f"; {cc.reasons}"
    if d.granted:
        outcome_items: tuple[Item, ...] = (
            Text(_("1. Grant social assistance."), strong=True),
            Field(_("Amount of social assistance"), money(d.amount_tiyn),
                  words=money_words(d.amount_tiyn, language)),
            Field(_("Frequency of the assistance"), labels.word(labels.FREQUENCIES,
                                              d.frequency.value if d.frequency else None),
                  hint=_("(in words)")),
        )
    else:
        outcome_items = (
            Field(_("2. Ground for refusal"), _refusal_ground(d),
                  hint=_("(ground for refusal)")),
            Text(_("refuse social assistance."), strong=True),
        )
    head, head_position = _staff_name(session, d.head_id)
    specialist, _specialist_position = _staff_name(session, d.specialist_id)
    seal = _seal(session, d.signature_id, _("Signed with the electronic digital signature of "
                                            "the head of department"), head, head_position)
    return FormDocument(
        form="F5", slug="f5", language=language, title=title,
        subtitle=_("Form F5 · Application No. %(number)s", number=application.number),
        addressee=(_district(application, language), _provider(application, language)),
        notice="" if seal is not None else _("Draft: not signed yet, not valid as a decision."),
        sections=(
            Section("", (
                Field(_("Applicant"), _applicant(application), hint=_name_hint()),
                Field(_("Sex"), labels.word(labels.SEXES, application.applicant_sex.value
                                            if application.applicant_sex else
                                            application.citizen.sex.value)),
                Field(_("Date of birth"), _date(_birth_date(application))),
                Field(_("Number and date of issue of the document proving the ground for being "
                        "counted as needy"), ground_text),
                Field(_("Conclusion of the special commission (on the grounds of subparagraphs "
                        "1), 2) and 4) of paragraph 8 of the Model Rules approved by Decree of "
                        "the Government of the Republic of Kazakhstan No. 523 of 30 June 2023)"),
                      commission),
            )),
            Section("", outcome_items),
            Section("", (
                SignatureLine(_("Head of department"), head, _name_hint()),
                SignatureLine(_("Specialist"), specialist, _name_hint()),
            )),
        ),
        seal=seal,
        filename=f"F5-{application.number}")


# -- F6 and F7, the notifications (Annexes 6 and 7, seed L566–642) ---------------------------------

def _notification(session: Session, application: Application, language: str,
                  form: NotificationForm) -> FormDocument | None:
    n = _latest_notification(application, form)
    d = application.decision
    if n is None or d is None:
        return None
    granted = form is NotificationForm.F6
    day = _date(n.sent_at or n.created_at)
    # The notice is sealed with its decision's signature: the block names that signature's
    # signer (the head), and does not repeat the form's own sentence on the responsible person.
    head, head_position = _staff_name(session, d.head_id)
    seal = _seal(session, n.signature_id, _("Sealed with the electronic digital signature of "
                                            "the decision"), head, head_position, form.value)
    if granted:
        title = _("Notification of granting social assistance (%(kind)s) of %(date)s",
                  kind=_assistance_kind(n.assistance_type), date=day)
        body: tuple[Item, ...] = (
            Field(_("Decision on granting social assistance"),
                  _("of %(date)s No. %(number)s", date=_date(d.decided_on), number=d.number)),
            Field(_("Amount granted"), _("from %(date)s: %(amount)s", date=_date(d.paid_from),
                                         amount=money(d.amount_tiyn)),
                  words=money_words(d.amount_tiyn, language), hint=_("(amount in words)")),
        )
    else:
        title = _("Notification of refusal of social assistance (%(kind)s) of %(date)s",
                  kind=_assistance_kind(n.assistance_type), date=day)
        body = (
            Field(_("Decision on refusing social assistance"),
                  _("of %(date)s No. %(number)s", date=_date(d.decided_on), number=d.number)),
            Field(_("Refused on the ground"), _refusal_ground(d),
                  hint=_("(ground: state the reasons)")),
        )
    return FormDocument(
        form=form.value, slug=form.value.lower(), language=language, title=title,
        subtitle=_("Form %(form)s · Application No. %(number)s", form=form.value,
                   number=application.number),
        addressee=(_provider(application, language),),
        notice="" if seal is not None else _("Draft: not signed yet, not valid as a "
                                             "notification."),
        sections=(
            Section("", (
                Field(_("Citizen"), _applicant(application), hint=_name_hint()),
                Field(_("Date of birth"), _date(_birth_date(application))),
                *body,
            )),
            Section("", (
                Text(_("The notification is certified with the electronic digital signature of "
                       "the responsible person")),
                Field(_("Responsible person"), f"{n.responsible_position} {n.responsible_name}",
                      hint=_("(position and surname, name, patronymic (if any) of the "
                             "responsible person)")),
            )),
        ),
        seal=seal,
        filename=f"{form.value}-{application.number}")


def f6(session: Session, application: Application, language: str) -> FormDocument | None:
    return _notification(session, application, language, NotificationForm.F6)


def f7(session: Session, application: Application, language: str) -> FormDocument | None:
    return _notification(session, application, language, NotificationForm.F7)


# -- F1-1, the portal application as signed (Annex 1-1), from the signed bytes ------------------------

def f1_1_signature(session: Session, application: Application,
                   signature: Signature) -> SignatureInfo:
    """Who signed the F1-1 and how, as its printout shows it."""
    from portal.services import submission
    from signing.base import SigningError
    from signing.jws import parse_envelope
    from signing.names import describe_certificate

    kind = SignerKind(submission.signer_of(session, application) or "keyfile")
    try:
        certificates = parse_envelope(signature.envelope).certificates
    except (SigningError, ValueError):
        certificates = None
    info = describe_certificate(certificates[0]) if certificates else None
    name = (application.citizen.full_name if kind is SignerKind.SMS_CODE or info is None
            else info.common_name)
    return SignatureInfo(
        signer_name=name, masked_iin="•••••••" + signature.signer_iin[-5:], kind=kind,
        signed_at=_aware(signature.signed_at), certificate_serial=signature.certificate_serial,
        certificate_issuer=info.issuer if info is not None else None,
        verification_code=signature.verification_code,
        verify_url=verification.verify_url(signature),
        short_code=verification.short_code(signature),
        keywords=verification.pdf_keywords(signature), signature_id=signature.id)


def f1_1(session: Session, application: Application, language: str) -> FormDocument | None:
    import json

    from portal.services import submission

    signature = submission.signature_of(session, application)
    if signature is None:
        return None
    return application_form(json.loads(signature.document),
                            f1_1_signature(session, application, signature), language)


# -- the list of forms -------------------------------------------------------------------------------

Builder = Callable[[Session, Application, str], FormDocument | None]


def _receipt_exists(kind: ReceiptKind) -> Callable[[Application], bool]:
    return lambda a: _latest_receipt(a, kind) is not None


def _portal_application(a: Application) -> bool:
    """A portal application handed in, whose signed F1-1 is stored (every one signed on the
    portal is; a case entered without it — an import, the demo's — has no F1-1 to show, so it
    is not offered as a link that would answer 404)."""
    from sqlalchemy.orm import object_session

    from portal.models.application import ApplicationForm
    from portal.services import submission

    if a.form is not ApplicationForm.F1_1 or a.submitted_at is None:
        return False
    session = object_session(a)
    return session is None or submission.is_signed(session, a)


def _decision_signed(a: Application) -> bool:
    return a.decision is not None and a.decision.signature_id is not None


def _notification_issued(form: NotificationForm) -> Callable[[Application], bool]:
    def issued(a: Application) -> bool:
        n = _latest_notification(a, form)
        return n is not None and (n.signature_id is not None
                                  or n.status is not NotificationStatus.PENDING)
    return issued


@dataclass(frozen=True)
class FormSpec:
    slug: str
    code: str
    build: Builder
    # The citizen may open it (their own case): None means staff only.
    citizen_may: Callable[[Application], bool] | None = None
    signed: bool = False  # carries an electronic signature with a QR code once signed


FORMS: dict[str, FormSpec] = {spec.slug: spec for spec in (
    FormSpec("coupon", "coupon", coupon, _receipt_exists(ReceiptKind.COUPON)),
    FormSpec("receipt", "receipt", electronic_receipt,
             _receipt_exists(ReceiptKind.ELECTRONIC_RECEIPT)),
    FormSpec("f1", "F1", f1),
    FormSpec("f1-1", "F1-1", f1_1, _portal_application, signed=True),
    FormSpec("f2-1", "F2-1", f2_1, _receipt_exists(ReceiptKind.REFUSAL_TO_ACCEPT)),
    FormSpec("f3", "F3", f3),
    FormSpec("f4", "F4", f4, signed=True),
    FormSpec("f5", "F5", f5, _decision_signed, signed=True),
    FormSpec("f6", "F6", f6, _notification_issued(NotificationForm.F6), signed=True),
    FormSpec("f7", "F7", f7, _notification_issued(NotificationForm.F7), signed=True),
)}


def build(session: Session, application: Application, slug: str,
          language: str) -> FormDocument | None:
    """The form ``slug`` of the case in ``language`` (kk, ru, en), or None when it has none."""
    spec = FORMS.get(slug)
    if spec is None:
        return None
    with force_locale(language):
        return spec.build(session, application, language)


def available(application: Application, *, citizen: bool) -> list[FormSpec]:
    """The forms the case has, for a list of links (the citizen's: only what they may open)."""
    out = []
    for spec in FORMS.values():
        if citizen:
            if spec.citizen_may is not None and spec.citizen_may(application):
                out.append(spec)
        elif _exists(application, spec.slug):
            out.append(spec)
    return out


def _exists(a: Application, slug: str) -> bool:
    from portal.models.application import ApplicationForm

    checks: dict[str, Callable[[], Any]] = {
        "coupon": lambda: _latest_receipt(a, ReceiptKind.COUPON),
        "receipt": lambda: _latest_receipt(a, ReceiptKind.ELECTRONIC_RECEIPT),
        "f1": lambda: a.form is ApplicationForm.F1 or None,
        "f1-1": lambda: _portal_application(a),
        "f2-1": lambda: _latest_receipt(a, ReceiptKind.REFUSAL_TO_ACCEPT),
        "f3": lambda: a.inspection_act,
        "f4": lambda: a.precinct_conclusion,
        "f5": lambda: a.decision,
        "f6": lambda: a.decision and _latest_notification(a, NotificationForm.F6),
        "f7": lambda: a.decision and _latest_notification(a, NotificationForm.F7),
    }
    return bool(checks[slug]())

"""Form F1-1, the portal application, as the citizen signed it: a PDF in Kazakh, Russian or English.

Made from the canonical JSON document that was signed (R6.4), never from the live rows, so the PDF
shows exactly what the signature covers: the F1 fields in the form's order, the answers of the
state bodies, the consents with their exact wording, the EDS and the date and time of signing
(dd.mm.yyyy hh:mm:ss, Asia/Almaty). The signatures of this installation are TEST ones, and every
page says so.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from portal.documents import labels
from portal.documents.model import Field, FormDocument, Item, Seal, Section, Table, Text
from portal.domain.calendar import ALMATY

__all__ = ["SignatureInfo", "SignerKind", "application_form", "application_pdf", "signing_time"]


class SignerKind(enum.StrEnum):
    KEY_FILE = "keyfile"  # EDS key file (NCALayer-like)
    MOBILE = "mobile"  # eGov Mobile
    SMS_CODE = "sms"  # one-time SMS code


@dataclass(frozen=True)
class SignatureInfo:
    signer_name: str
    masked_iin: str
    kind: SignerKind
    signed_at: dt.datetime  # aware
    certificate_serial: str | None = None
    certificate_issuer: str | None = None
    verification_code: str | None = None
    # /verify/<short code> (portal/documents/verification.py): printed with its QR code
    verify_url: str | None = None
    short_code: str | None = None
    keywords: str | None = None  # the PDF's keywords: "verify:<code> sha256:<digest>"
    signature_id: int | None = None  # the stored Signature (an issued PDF is remembered by it)


def _language(code: object) -> str:
    from portal.web.i18n import LANGUAGE_NAMES

    return str(LANGUAGE_NAMES.get(str(code), code or "—"))


def signing_time(moment: dt.datetime) -> str:
    """F1-1: the date and time of signing as dd.mm.yyyy hh:mm:ss, Astana time."""
    if moment.tzinfo is None:
        raise ValueError("signed_at must be timezone-aware")
    return moment.astimezone(ALMATY).strftime("%d.%m.%Y %H:%M:%S")


def _date(value: str | None) -> str:
    if not value:
        return "—"
    try:
        return dt.date.fromisoformat(value[:10]).strftime("%d.%m.%Y")
    except ValueError:
        return value


def _moment(value: str | None) -> str:
    if not value:
        return "—"
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return signing_time(parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC))


def _money(value: str | None) -> str:
    if value is None:
        return "—"
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return value
    return f"{amount:,.2f}".replace(",", "\u00a0") + " ₸"


def _text(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def _grid(head: list[str], rows: list[list[str]], widths: tuple[int, ...], empty: str) -> Table:
    return Table(head=tuple(head), rows=tuple(tuple(r) for r in rows), widths=widths, empty=empty)


def application_pdf(document: dict[str, Any], signature: SignatureInfo, locale: str) -> bytes:
    """The signed F1-1 as an A4 PDF in ``locale`` (kk, ru or en). Needs an app context (for the
    translations and PDF_FONT_DIR); :class:`~portal.documents.fonts.FontMissing` without the font.
    """
    from portal.documents.pdf import render_pdf

    return render_pdf(application_form(document, signature, locale))


def application_form(document: dict[str, Any], signature: SignatureInfo,
                     locale: str) -> FormDocument:
    """The signed F1-1 as a :class:`FormDocument` (the printable page and the PDF draw it), in
    the seed's order (Annex 1-1, L216–286; docs/seed-notes.md §1.1): the citizen, the state
    bodies' confirmation, the applicant's document, the address, the request, the attachments,
    bank details and contacts, the four statements, the EDS and the time of signing."""
    with force_locale(locale):
        return _build(document, signature, locale)


def _build(doc: dict[str, Any], sig: SignatureInfo, locale: str) -> FormDocument:
    district = doc.get("district") or {}
    applicant = doc.get("applicant") or {}
    identity = applicant.get("id_document") or {}
    sections: list[Section] = [Section("", (
        Field(_("Surname"), _text(applicant.get("surname"))),
        Field(_("Given name"), _text(applicant.get("given_name"))),
        Field(_("Patronymic (if any)"), _text(applicant.get("patronymic"))),
        Field(_("Date of birth"), _date(applicant.get("birth_date"))),
        Field(_("Sex"), labels.word(labels.SEXES, applicant.get("sex"))),
        Field(_("IIN"), _text(applicant.get("iin"))),
    ))]

    bodies = doc.get("state_bodies") or []
    sections.append(Section(
        _("Confirmation of state bodies: data received from the State database "
          "\"Individuals\""),
        (_grid([_("Data requested"), _("Information system"), _("IIN"), _("Answer"),
                _("Received"), _("Fingerprint (SHA-256)")],
               [[labels.word(labels.QUERIES, b.get("query")),
                 labels.word(labels.SOURCES, b.get("source_system")), _text(b.get("subject_iin")),
                 labels.word(labels.OUTCOMES, b.get("outcome")), _moment(b.get("answered_at")),
                 (_text(b.get("sha256"))[:12] + "…") if b.get("sha256") else "—"]
                for b in bodies], (28, 34, 26, 24, 30, 32), _("No requests were made.")),)))

    sections.append(Section(_("Applicant"), (
        Field(_("Identity document"), labels.word(labels.ID_DOCUMENTS, identity.get("type"))),
        Field(_("Series"), _text(identity.get("series"))),
        Field(_("Number"), _text(identity.get("number"))),
        Field(_("Issued by"), _text(identity.get("issued_by"))),
        Field(_("Date of issue"), _date(identity.get("issued_on"))),
        Field(_("Applying"), labels.word(labels.CAPACITIES, doc.get("capacity"))),
    )))
    representative = doc.get("representative")
    if representative:
        sections.append(Section(_("Representative"), (
            Field(_("Full name"), _text(representative.get("full_name"))),
            Field(_("IIN"), _text(representative.get("iin"))),
            Field(_("Power of attorney No."), _text(representative.get("poa_number"))),
            Field(_("Power of attorney date"), _date(representative.get("poa_date"))),
        )))

    address = doc.get("address") or {}
    rows: list[Item] = [
        Field(_("Region"), _text(address.get("region"))),
        Field(_("City or district"), _text(address.get("city"))),
        Field(_("Village"), _text(address.get("village"))),
        Field(_("Street or microdistrict"), _text(address.get("street"))),
        Field(_("House"), _text(address.get("house"))),
        Field(_("Flat"), _text(address.get("flat"))),
        Field(_("Source"), _("from the register") if address.get("from_register")
              else _("corrected by the applicant")),
    ]
    if address.get("correction_reason"):
        rows.append(Field(_("Reason for the correction"),
                          _text(address.get("correction_reason"))))
    sections.append(Section(_("Permanent address"), tuple(rows)))

    assistance = doc.get("assistance") or {}
    sections.append(Section(_("Request"), (Text(_(
        "I ask to assign me %(what)s social assistance on the ground: %(ground)s (%(frequency)s).",
        what=_text(assistance.get("requested")),
        ground=labels.word(labels.GROUNDS, assistance.get("ground")),
        frequency=labels.word(labels.FREQUENCIES, assistance.get("frequency")),
    )),)))

    family = doc.get("family") or []
    sections.append(Section(_("Family members"), (_grid(
        [_("No."), _("Full name"), _("IIN"), _("Relation"), _("Date of birth")],
        [[str(n), _text(m.get("full_name")), _text(m.get("iin")),
          labels.word(labels.RELATIONS, m.get("relation")), _date(m.get("birth_date"))]
         for n, m in enumerate(family, 1)], (10, 62, 34, 38, 30), _("None listed.")),)))

    income = doc.get("income")
    if income:
        quarter = _text(income.get("quarter"))
        if "/" in quarter:
            start, end = quarter.split("/", 1)
            quarter = f"{_date(start)} — {_date(end)}"
        sections.append(Section(_("Income for the quarter %(quarter)s", quarter=quarter), (
            _grid([_("No."), _("Family member"), _("Income type"), _("Amount"), _("Source")],
                  [[str(n), _text(r.get("member")),
                    labels.word(labels.INCOME_KINDS, r.get("kind")), _money(r.get("amount")),
                    labels.word(labels.INCOME_SOURCES, r.get("source"))]
                   for n, r in enumerate(income.get("records") or [], 1)],
                  (10, 60, 40, 34, 30), "—"),
            Field(_("Family members counted"), _text(income.get("members"))),
            Field(_("Average monthly income per person"), _money(income.get("per_capita"))),
        )))

    documents = doc.get("documents") or []
    sections.append(Section(_("List of attached documents"), (_grid(
        [_("No."), _("Document name"), _("Files"), _("Note")],
        [[str(n), _text(d.get("title")), _text(d.get("files")),
          labels.word(labels.DOCUMENT_KINDS, d.get("kind"))]
         for n, d in enumerate(documents, 1)], (10, 94, 20, 50),
        _("None: the data came from the state information systems.")),)))

    bank = doc.get("bank") or {}
    contacts = doc.get("contacts") or {}
    sections.append(Section(_("Bank details and contacts"), (
        Field(_("Bank name"), _text(bank.get("bank_name"))),
        Field(_("Account number (IBAN)"), _text(bank.get("iban"))),
        Field(_("Phone"), _text(contacts.get("phone"))),
        Field(_("E-mail"), _text(contacts.get("email"))),
    )))

    statements: list[Item] = []
    for consent in doc.get("consents") or []:
        mark = "☒" if consent.get("given") else "☐"
        statements += [
            Text(f"{mark} {labels.word(labels.CONSENTS, consent.get('kind'))}"
                 f" — {_('given') if consent.get('given') else _('not given')}", strong=True),
            Text(_text(consent.get("text"))),
            Text(_("Wording version %(version)s, language %(locale)s",
                   version=_text(consent.get("version")),
                   locale=_language(consent.get("locale")))),
        ]
    sections.append(Section(_("Consents and undertakings"), tuple(statements)))

    kinds = {SignerKind.KEY_FILE: _("EDS key file"), SignerKind.MOBILE: _("eGov Mobile"),
             SignerKind.SMS_CODE: _("one-time SMS code")}
    seal_rows = [
        (_("Signed by"), sig.signer_name),
        (_("IIN"), sig.masked_iin),
        (_("Signed with"), kinds[sig.kind]),
        (_("Date and time of signing"), signing_time(sig.signed_at)),
        (_("Certificate serial number"), _text(sig.certificate_serial)),
        (_("Certificate issued by"), _text(sig.certificate_issuer)),
    ]
    if sig.verification_code:
        seal_rows.append((_("Verification code"), sig.verification_code))
    seal_rows.append((_("Prepared"), _moment(doc.get("prepared_at"))))
    return FormDocument(
        form="F1-1", slug="f1-1", language=locale,
        title=_("Application for social assistance"),
        subtitle=_("Form F1-1 (portal) · No. %(number)s", number=_text(doc.get("number"))),
        addressee=(_("To the head of the local executive body"), _text(district.get("name")),
                   _("Service provider: %(provider)s", provider=_text(district.get("provider")))),
        sections=tuple(sections),
        seal=Seal(heading=_("Electronic digital signature of the applicant"),
                  rows=tuple(seal_rows),
                  code=(sig.short_code or sig.verification_code) if sig.verify_url else None,
                  url=sig.verify_url, keywords=sig.keywords or "",
                  signature_id=sig.signature_id,
                  note=_("TEST: signed with a TEST certificate of a simulated certification "
                         "authority.")),
        filename=f"F1-1-{_text(doc.get('number'))}")

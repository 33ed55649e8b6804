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
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from portal.documents import labels
from portal.documents.fonts import font_paths
from portal.domain.calendar import ALMATY

__all__ = ["SignatureInfo", "SignerKind", "application_pdf", "signing_time"]

FONT = "DejaVu"


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
    keywords: str | None = None  # e.g. "verify:<code> sha256:<digest>" (services/verification)
    verify_url: str | None = None  # printed as a QR code: /verify/<code> (#12)


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


class _Pdf(FPDF):
    def __init__(self, test_mark: str, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.test_mark = test_mark
        self.footer_text = footer_text
        for style, path in font_paths().items():
            self.add_font(FONT, style, str(path))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)

    def header(self) -> None:
        # A pale TEST across the page, drawn first so the text stays on top of it.
        with self.local_context(text_color=(225, 225, 225)):
            self.set_font(FONT, "B", 72)
            with self.rotation(45, x=self.w / 2, y=self.h / 2):
                self.text(self.w / 2 - 40, self.h / 2 + 10, self.test_mark)
        self.set_font(FONT, "", 10)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _heading(pdf: _Pdf, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_font(FONT, "", 9.5)


def _pairs(pdf: _Pdf, rows: list[tuple[str, str]]) -> None:
    """Label | value, one row per F1 field."""
    pdf.set_font(FONT, "", 9.5)
    with pdf.table(col_widths=(62, 112), first_row_as_headings=False, line_height=5,
                   text_align=("LEFT", "LEFT"), borders_layout="HORIZONTAL_LINES") as table:
        for label, value in rows:
            row = table.row()
            row.cell(label)
            row.cell(value)


def _grid(pdf: _Pdf, head: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
    pdf.set_font(FONT, "", 8.5)
    with pdf.table(col_widths=widths, line_height=4.5, text_align="LEFT",
                   headings_style=FontFace(emphasis="BOLD", fill_color=(238, 238, 238))) as table:
        heading = table.row()
        for text in head:
            heading.cell(text)
        for values in rows:
            row = table.row()
            for text in values:
                row.cell(text)
    pdf.set_font(FONT, "", 9.5)


def _qr(pdf: FPDF, url: str) -> None:
    """The QR code of the verification page and its address beside it (#12)."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    pdf.ln(2)
    top = pdf.get_y()
    if top + 30 > pdf.page_break_trigger:
        pdf.add_page()
        top = pdf.get_y()
    pdf.image(buffer, x=pdf.l_margin, y=top, w=28, h=28)
    pdf.set_xy(pdf.l_margin + 32, top + 4)
    pdf.set_font(FONT, "", 8.5)
    pdf.multi_cell(0, 4.5, _("Scan the QR code or open %(url)s to check this document and its "
                             "signature.", url=url), new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                   align="L")
    pdf.set_y(top + 30)
    pdf.set_font(FONT, "", 9.5)


def application_pdf(document: dict[str, Any], signature: SignatureInfo, locale: str) -> bytes:
    """The signed F1-1 as an A4 PDF in ``locale`` (kk, ru or en). Needs an app context (for the
    translations and PDF_FONT_DIR); :class:`~portal.documents.fonts.FontMissing` without the font.
    """
    with force_locale(locale):
        return _build(document, signature)


def _build(doc: dict[str, Any], sig: SignatureInfo) -> bytes:
    pdf = _Pdf(_("TEST"), _("TEST document: the electronic signatures of this installation are "
                            "simulated and have no legal force."))
    pdf.set_title(_("Application for social assistance (form F1-1)"))
    pdf.set_creator("social-assistance-portal")
    pdf.set_creation_date(sig.signed_at)
    if sig.keywords:
        pdf.set_keywords(sig.keywords)
    pdf.alias_nb_pages()
    pdf.add_page()

    district = doc.get("district") or {}
    pdf.set_font(FONT, "", 9.5)
    pdf.multi_cell(0, 5, "\n".join([
        _("To the head of the local executive body"),
        _text(district.get("name")),
        _("Service provider: %(provider)s", provider=_text(district.get("provider"))),
    ]), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 7, _("Application for social assistance"), align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9.5)
    pdf.multi_cell(0, 5, _("Form F1-1 (portal) · No. %(number)s", number=_text(doc.get("number"))),
                   align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    applicant = doc.get("applicant") or {}
    identity = applicant.get("id_document") or {}
    _heading(pdf, _("Applicant"))
    _pairs(pdf, [
        (_("Surname"), _text(applicant.get("surname"))),
        (_("Given name"), _text(applicant.get("given_name"))),
        (_("Patronymic (if any)"), _text(applicant.get("patronymic"))),
        (_("Date of birth"), _date(applicant.get("birth_date"))),
        (_("Sex"), labels.word(labels.SEXES, applicant.get("sex"))),
        (_("IIN"), _text(applicant.get("iin"))),
        (_("Identity document"), labels.word(labels.ID_DOCUMENTS, identity.get("type"))),
        (_("Series"), _text(identity.get("series"))),
        (_("Number"), _text(identity.get("number"))),
        (_("Issued by"), _text(identity.get("issued_by"))),
        (_("Date of issue"), _date(identity.get("issued_on"))),
        (_("Applying"), labels.word(labels.CAPACITIES, doc.get("capacity"))),
    ])
    representative = doc.get("representative")
    if representative:
        _heading(pdf, _("Representative"))
        _pairs(pdf, [
            (_("Full name"), _text(representative.get("full_name"))),
            (_("IIN"), _text(representative.get("iin"))),
            (_("Power of attorney No."), _text(representative.get("poa_number"))),
            (_("Power of attorney date"), _date(representative.get("poa_date"))),
        ])

    address = doc.get("address") or {}
    _heading(pdf, _("Permanent address"))
    rows = [
        (_("Region"), _text(address.get("region"))),
        (_("City or district"), _text(address.get("city"))),
        (_("Village"), _text(address.get("village"))),
        (_("Street or microdistrict"), _text(address.get("street"))),
        (_("House"), _text(address.get("house"))),
        (_("Flat"), _text(address.get("flat"))),
        (_("Source"), _("from the register") if address.get("from_register")
         else _("corrected by the applicant")),
    ]
    if address.get("correction_reason"):
        rows.append((_("Reason for the correction"), _text(address.get("correction_reason"))))
    _pairs(pdf, rows)

    bank = doc.get("bank") or {}
    contacts = doc.get("contacts") or {}
    _heading(pdf, _("Bank details and contacts"))
    _pairs(pdf, [
        (_("Bank name"), _text(bank.get("bank_name"))),
        (_("Account number (IBAN)"), _text(bank.get("iban"))),
        (_("Phone"), _text(contacts.get("phone"))),
        (_("E-mail"), _text(contacts.get("email"))),
    ])

    assistance = doc.get("assistance") or {}
    _heading(pdf, _("Request"))
    pdf.multi_cell(0, 5, _(
        "I ask to assign me %(what)s social assistance on the ground: %(ground)s (%(frequency)s).",
        what=_text(assistance.get("requested")),
        ground=labels.word(labels.GROUNDS, assistance.get("ground")),
        frequency=labels.word(labels.FREQUENCIES, assistance.get("frequency")),
    ), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    family = doc.get("family") or []
    _heading(pdf, _("Family members"))
    if family:
        _grid(pdf, [_("No."), _("Full name"), _("IIN"), _("Relation"), _("Date of birth")],
              [[str(n), _text(m.get("full_name")), _text(m.get("iin")),
                labels.word(labels.RELATIONS, m.get("relation")), _date(m.get("birth_date"))]
               for n, m in enumerate(family, 1)], (10, 62, 34, 38, 30))
    else:
        pdf.multi_cell(0, 5, _("None listed."), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    income = doc.get("income")
    if income:
        quarter = _text(income.get("quarter"))
        if "/" in quarter:
            start, end = quarter.split("/", 1)
            quarter = f"{_date(start)} — {_date(end)}"
        _heading(pdf, _("Income for the quarter %(quarter)s", quarter=quarter))
        _grid(pdf, [_("No."), _("Family member"), _("Income type"), _("Amount"), _("Source")],
              [[str(n), _text(r.get("member")), labels.word(labels.INCOME_KINDS, r.get("kind")),
                _money(r.get("amount")), labels.word(labels.INCOME_SOURCES, r.get("source"))]
               for n, r in enumerate(income.get("records") or [], 1)], (10, 60, 40, 34, 30))
        _pairs(pdf, [
            (_("Family members counted"), _text(income.get("members"))),
            (_("Average monthly income per person"), _money(income.get("per_capita"))),
        ])

    documents = doc.get("documents") or []
    _heading(pdf, _("List of attached documents"))
    if documents:
        _grid(pdf, [_("No."), _("Document name"), _("Files"), _("Note")],
              [[str(n), _text(d.get("title")), _text(d.get("files")),
                labels.word(labels.DOCUMENT_KINDS, d.get("kind"))]
               for n, d in enumerate(documents, 1)], (10, 94, 20, 50))
    else:
        pdf.multi_cell(0, 5, _("None: the data came from the state information systems."),
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    _heading(pdf, _("Confirmation of state bodies: data received from the State database "
                    "\"Individuals\""))
    bodies = doc.get("state_bodies") or []
    if bodies:
        _grid(pdf, [_("Data requested"), _("Information system"), _("IIN"), _("Answer"),
                    _("Received"), _("Fingerprint (SHA-256)")],
              [[labels.word(labels.QUERIES, b.get("query")),
                labels.word(labels.SOURCES, b.get("source_system")), _text(b.get("subject_iin")),
                labels.word(labels.OUTCOMES, b.get("outcome")), _moment(b.get("answered_at")),
                (_text(b.get("sha256"))[:12] + "…") if b.get("sha256") else "—"]
               for b in bodies], (28, 34, 26, 24, 30, 32))
    else:
        pdf.multi_cell(0, 5, _("No requests were made."), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    _heading(pdf, _("Consents and undertakings"))
    for consent in doc.get("consents") or []:
        mark = "☒" if consent.get("given") else "☐"
        pdf.set_font(FONT, "B", 9.5)
        pdf.multi_cell(0, 5, f"{mark} {labels.word(labels.CONSENTS, consent.get('kind'))}"
                       f" — {_('given') if consent.get('given') else _('not given')}",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(0, 4.6, _text(consent.get("text")), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        pdf.set_font(FONT, "", 7.5)
        pdf.multi_cell(0, 4, _("Wording version %(version)s, language %(locale)s",
                               version=_text(consent.get("version")),
                               locale=_language(consent.get("locale"))),
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        pdf.ln(1)

    kinds = {SignerKind.KEY_FILE: _("EDS key file"), SignerKind.MOBILE: _("eGov Mobile"),
             SignerKind.SMS_CODE: _("one-time SMS code")}
    _heading(pdf, _("Electronic digital signature of the applicant"))
    rows = [
        (_("Signed by"), sig.signer_name),
        (_("IIN"), sig.masked_iin),
        (_("Signed with"), kinds[sig.kind]),
        (_("Date and time of signing"), signing_time(sig.signed_at)),
        (_("Certificate serial number"), _text(sig.certificate_serial)),
        (_("Certificate issued by"), _text(sig.certificate_issuer)),
    ]
    if sig.verification_code:
        rows.append((_("Verification code"), sig.verification_code))
    rows.append((_("Prepared"), _moment(doc.get("prepared_at"))))
    _pairs(pdf, rows)
    if sig.verify_url:
        _qr(pdf, sig.verify_url)
    pdf.ln(2)
    pdf.set_font(FONT, "B", 9)
    pdf.set_text_color(160, 0, 0)
    pdf.multi_cell(0, 5, _("TEST: signed with a TEST certificate of a simulated certification "
                           "authority."), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())

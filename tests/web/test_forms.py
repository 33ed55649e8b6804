"""Every official form as a printable page and a PDF, in Kazakh and Russian (issue 12, Forms):
each holds its form's fields in the form's order, amounts in figures and in words, the QR code
and short code of its signature; staff of another district and another citizen get a 404."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal import db
from portal.db import utcnow
from portal.documents import cache, verification
from portal.domain.verification import display
from portal.domain.workflow import Role
from portal.models import Application, Citizen, District, Event, StaffUser
from portal.models.review import Decision
from tests.factories import create_application, create_citizen, create_district, create_staff
from tests.form_cases import Cases, make_cases
from tests.pages import ClientRequest, check_page

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) not installed; `make setup` installs it")

KAZAKH_LETTERS = "әғқңөұүһі"
# 121 625,50 ₸, the granted amount (tests/form_cases.py::AMOUNT_TIYN)
AMOUNT_WORDS = {
    "kk": "жүз жиырма бір мың алты жүз жиырма бес теңге елу тиын",
    "ru": "сто двадцать одна тысяча шестьсот двадцать пять тенге пятьдесят тиын",
}
AMOUNT_FIGURES = {"kk": "121 625,50", "ru": "121 625,50"}

# Each form's labels (English msgids, translated in the test) in the form's order, and values
# the rows hold that must be printed. The case each form is read from is the first item.
FORMS: dict[str, tuple[str, list[str], list[str]]] = {
    "coupon": ("granted", [
        "Tear-off coupon", "Application No.", "Applicant", "Date of registration",
        "Date the public service will be received", "Documents accepted by", "Signature",
    ], ["Қасымов Бауыржан Өмірұлы", "23.11.2026", "03.12.2026", "Серікбаев Ұлан"]),
    "receipt": ("state_corp", [
        "Electronic receipt of acceptance of documents", "Application No.", "Applicant",
        "List of documents accepted from the applicant", "Document name",
        "Number of sheets in the document", "Application accepted by",
        "Date and time the application was submitted", "Date the ready documents will be issued",
    ], ["Жеке куәлік", "Табыс туралы анықтама", "Жұмабаева Әсел Қайратқызы", "23.11.2026 11:07:00",
        "03.12.2026"]),
    "f1": ("granted", [
        "To the head of the local executive body", "Application", "Citizen", "Date of birth",
        "Individual identification number", "Type of identity document", "Document series",
        "Document number", "Issued by whom", "Date of issue",
        "Address of the permanent place of residence", "Region", "City (district)", "Village",
        "Street (microdistrict)", "House", "Flat", "Bank details", "Bank name",
        "Bank account No.", "Phone", "List of documents attached to the application",
        "Number of sheets in the document", "Note", "Date", "Applicant (legal representative)",
        "Documents accepted by",
    ], ["Қасымов Бауыржан Өмірұлы", "21.03.1985", "850321301238", "041234567", "ҚР ІІМ",
        "14.05.2019", "Ақмола облысы", "Көкшетау", "Шағалалы", "Әуезов көшесі",
        "KZ86125KZT5004100100", "+77011234567", "бір жолғы", "Өрт туралы анықтама",
        "түпнұсқа көрсетілді", "Серікбаев Ұлан"]),
    "f2-1": ("refused_acceptance", [
        "Citizen", "Date of application", "an incomplete package of documents",
        "documents whose validity has expired", "(underline whichever applies)",
        "Documents missing or expired", "Refused by", "Date",
    ], ["Қасымов Бауыржан Өмірұлы", "23.11.2026", "Өрт туралы анықтама",
        "Табыс туралы анықтама", "Серікбаев Ұлан"]),
    "f3": ("granted", [
        "Act of inspection of the material situation of the person (family)", "Applicant",
        "Address", "Date of inspection", "Family composition", "Able-bodied, in all (persons)",
        "Registered as unemployed with the employment bodies (persons)", "Number of children",
        "Cost of study per year", "Housing conditions", "Housing maintenance costs",
        "Family income", "Type of income", "monthly average", "Presence of",
        "Assistance received before (form, amount, source)",
        "Other family income (form, amount, source)",
        "Provision of the children with school supplies, clothes and shoes",
        "Sanitary and epidemiological condition of the place of residence", "Commission chair:",
        "Commission member", "I have read the act", "I refuse the inspection", "Date",
    ], ["Қасымова Гүлнұр Һадиқызы", "мұғалім", "24.11.2026", "Жақсылықов Нұрлан",
        "Әбенова Айгүл", "көпбалалы ана", "саяжай 6 сотық", "алимент", "сот шешімі",
        "қанағаттанарлық", "35 500"]),
    "f4": ("granted", [
        "Applicant", "(need, no need)", "Commission chair:", "Commission member",
        "The conclusion with the attached documents, copies", "accepted on", "Accepted by",
        "Position", "Accepted as", "Signed by", "Verification code",
    ], ["УК-17", "24.11.2026", "Қасымов Бауыржан Өмірұлы", "Жақсылықов Нұрлан", "Төлеуов Қайрат",
        "25.11.2026", "Омаров Ерлан", "ауыл әкімі"]),
    "f5": ("granted", [
        "Applicant", "Sex", "Date of birth",
        "Number and date of issue of the document proving the ground for being counted as "
        "needy", "1. Grant social assistance.", "Amount of social assistance",
        "Frequency of the assistance", "Head of department", "Specialist", "Signed by",
        "Date and time of signing", "Verification code",
    ], ["Қасымов Бауыржан Өмірұлы", "21.03.1985", "ТЖ-4471", "02.11.2026", "Нұрланова Сәуле",
        "Серікбаев Ұлан"]),
    "f6": ("granted", [
        "Citizen", "Date of birth", "Decision on granting social assistance", "Amount granted",
        "The notification is certified with the electronic digital signature of the "
        "responsible person", "Responsible person", "Signed by", "Verification code",
    ], ["Қасымов Бауыржан Өмірұлы", "21.03.1985", "27.11.2026", "01.12.2026", "бір жолғы",
        "Нұрланова Сәуле", "Бөлім басшысы"]),
    "f7": ("refused", [
        "Citizen", "Date of birth", "Decision on refusing social assistance",
        "Refused on the ground",
        "The notification is certified with the electronic digital signature of the "
        "responsible person", "Responsible person", "Signed by", "Verification code",
    ], ["Қасымов Бауыржан Өмірұлы", "21.03.1985", "27.11.2026", "Нұрланова Сәуле"]),
    "f1-1": ("portal", [
        "To the head of the local executive body", "Application for social assistance",
        "Surname", "Given name", "Date of birth", "IIN",
        "Confirmation of state bodies: data received from the State database \"Individuals\"",
        "Identity document", "Series", "Number", "Issued by", "Date of issue",
        "Permanent address", "Region", "City or district", "Street or microdistrict", "House",
        "Flat", "Request", "List of attached documents", "Bank name", "Account number (IBAN)",
        "Phone", "E-mail", "Consents and undertakings",
        "Electronic digital signature of the applicant", "Date and time of signing",
    ], ["Қасымов", "Бауыржан", "Өмірұлы", "21.03.1985", "850321301238", "041234567",
        "Қабанбай батыр даңғылы", "KZ86125KZT5004100100", "b.kassymov@example.kz",
        "Дербес деректерді жинауға және өңдеуге келісемін.", "Жалақы туралы анықтама"]),
}
WITH_AMOUNT = {"f5", "f6"}
SIGNED = {"f1-1", "f4", "f5", "f6", "f7"}


@dataclass
class Office:
    client_request: ClientRequest
    staff: StaffUser
    citizen: Citizen
    numbers: dict[str, str]  # case name → number
    codes: dict[str, str]  # form slug → the signature's code (signed forms)


def _short_code(signature: Any) -> str:
    """The signature's code as stored (the QR code's address carries it; the page prints it
    grouped, XXXX-XXXX-XXXX)."""
    return str(signature.short_code)


@pytest.fixture
def office(client_request: ClientRequest) -> Office:
    app = client_request.app
    with app.app_context():
        s = db.session()
        district = create_district(s, name_kk="Есіл ауданы", name_ru="Есильский район",
                                   provider_name_kk="Есіл ауданының әлеуметтік бөлімі",
                                   provider_name_ru="Отдел социальной защиты Есильского района")
        cases = make_cases(s, district)
        staff = create_staff(s, district, role=Role.SPECIALIST)
        s.commit()
        numbers = {name: getattr(cases, name).number for name in Cases.__dataclass_fields__}
        codes = {}
        from portal.models import Signature

        for slug, (case, _labels, _values) in FORMS.items():
            if slug in SIGNED:
                application = getattr(cases, case)
                if slug == "f1-1":
                    found = s.scalar(select(Signature).where(
                        Signature.application_id == application.id))
                    codes[slug] = _short_code(found) or ""
                    continue
                row = {"f4": application.precinct_conclusion,
                       "f5": application.decision}.get(slug)
                signature_id = (row.accepted_signature_id if slug == "f4" else row.signature_id) \
                    if row is not None else next(n for n in application.notifications
                                                 if n.form.value.lower() == slug).signature_id
                codes[slug] = _short_code(s.get(Signature, signature_id)) or ""
        citizen = cases.granted.citizen
        s.expunge_all()
    client_request.login(staff)
    return Office(client_request, staff, citizen, numbers, codes)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    out = subprocess.run([PDFTOTEXT, "-raw", "-enc", "UTF-8", str(path), "-"],  # type: ignore[list-item]
                         check=True, capture_output=True, timeout=30)
    return _squash(out.stdout.decode("utf-8"))


def _expected(app: Flask, slug: str, language: str) -> tuple[list[str], list[str]]:
    _case, msgids, values = FORMS[slug]
    with app.test_request_context(), force_locale(language):
        labels = [_squash(_(m)) for m in msgids]
    values = list(values)
    if slug in WITH_AMOUNT:
        values += [AMOUNT_WORDS[language], AMOUNT_FIGURES[language]]
    return labels, values


def _in_order(text: str, labels: list[str]) -> None:
    """Every label is there, each after the one before (the form's order)."""
    at = 0
    for label in labels:
        found = text.find(label, at)
        assert found >= 0, f"{label!r} missing after position {at}"
        at = found + len(label)


@needs_pdftotext
@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("slug", list(FORMS))
def test_r6_1_r6_2_f1_to_f7_each_form_page_and_pdf_hold_every_field_in_order(
        office: Office, slug: str, language: str, tmp_path: Path) -> None:
    client_request = office.client_request
    number = office.numbers[FORMS[slug][0]]
    labels, values = _expected(client_request.app, slug, language)

    response = client_request.client.get(f"/staff/cases/{number}/forms/{slug}?lang={language}")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    page = check_page(response)
    assert page.html is not None and page.html["lang"] == language
    assert page.find("nav") is None  # no site navigation on a printable page
    page_text = _squash(page.select_one("main").get_text(" "))  # type: ignore[union-attr]
    _in_order(page_text, labels)
    for value in values:
        assert value in page_text, value

    pdf = client_request.client.get(f"/staff/cases/{number}/forms/{slug}.pdf?lang={language}")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in pdf.headers["Cache-Control"]
    text = _pdf_text(pdf.data, tmp_path)
    _in_order(text, labels)
    for value in values:
        assert _squash(value) in text, value
    if language == "kk":  # every Kazakh letter the page shows survives into the PDF
        shown = {c for c in page_text.lower() if c in KAZAKH_LETTERS}
        assert shown and shown <= set(text.lower())
        if slug == "f3":  # the act's names and wording hold all nine
            assert set(KAZAKH_LETTERS) <= set(text)

    if slug in SIGNED:  # the QR code and the short code open /verify/<code>
        code = display(office.codes[slug])
        url = f"{office.client_request.app.config['PUBLIC_BASE_URL']}/verify/{office.codes[slug]}"
        svg = page.select_one("figure.qr svg[role=img]")
        assert svg is not None and svg.find("title") is not None and svg.find("path") is not None
        assert code in page_text and url in page_text
        assert code in text and url in text


@needs_pdftotext
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_f5_a_refusal_names_its_ground_and_has_no_amount(
        office: Office, language: str, tmp_path: Path) -> None:
    client_request = office.client_request
    number = office.numbers["refused"]
    with client_request.app.test_request_context(), force_locale(language):
        wanted = [_("Applicant"), _("2. Ground for refusal"),
                  _("a negative conclusion of an examination, study or inspection"),
                  _("refuse social assistance."), _("Head of department")]
        absent = _("Amount of social assistance")
    pdf = client_request.client.get(f"/staff/cases/{number}/forms/f5.pdf?lang={language}")
    text = _pdf_text(pdf.data, tmp_path)
    _in_order(text, [_squash(w) for w in wanted])
    assert _squash(absent) not in text


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_f5_its_title_begins_with_a_capital_letter(office: Office, language: str) -> None:
    """The Kazakh title opens with the akimat's level ("Астана әкімдігінің …")."""
    number = office.numbers["refused"]
    page = office.client_request.client.get(f"/staff/cases/{number}/forms/f5?lang={language}")
    title = check_page(page).select_one("h1")
    assert title is not None
    text = title.get_text(strip=True)
    assert text[:1].isupper(), text


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_l5_f6_f7_name_the_kind_of_assistance_in_words_not_its_code(
        office: Office, language: str) -> None:
    """The notification keeps the ground's code (``notifications.issue``); the form says it."""
    from portal.models import Notification

    client_request = office.client_request
    with client_request.app.app_context():
        for n in db.session().scalars(select(Notification)):
            n.assistance_type = "fire"
        db.session().commit()
    with client_request.app.test_request_context(), force_locale(language):
        words = _("Damage from a fire").lower()
    for slug, case in (("f6", "granted"), ("f7", "refused")):
        page = check_page(client_request.client.get(
            f"/staff/cases/{office.numbers[case]}/forms/{slug}?lang={language}"))
        title = page.select_one("h1")
        assert title is not None, slug
        assert f"({words})" in title.get_text(" ", strip=True), slug
        assert "(fire)" not in page.get_text(" ", strip=True), slug


def _qr_squares(data: bytes) -> int:
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(data)).pages[-1]
    return page.get_contents().get_data().count(b" re")  # type: ignore[union-attr]


def test_l5_the_qr_code_is_drawn_in_the_pdf_of_a_signed_decision(
        office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    client_request = office.client_request
    url = f"/staff/cases/{office.numbers['granted']}/forms/f5.pdf"
    with_qr = _qr_squares(client_request.client.get(url).data)
    monkeypatch.setattr(verification, "verify_url", lambda signature, form=None: None)
    without = _qr_squares(client_request.client.get(url).data)
    assert with_qr - without > 100  # a QR code of version 3+ has well over 100 dark runs


def test_forms_staff_of_another_district_and_another_citizen_get_404(office: Office) -> None:
    client_request = office.client_request
    app = client_request.app
    number = office.numbers["granted"]
    # the staff's own district: found
    assert client_request.client.get(f"/staff/cases/{number}/forms/f5").status_code == 200
    # a form the case does not have: 404
    assert client_request.client.get(f"/staff/cases/{number}/forms/f7").status_code == 404
    assert client_request.client.get(f"/staff/cases/{number}/forms/f9").status_code == 404
    with app.app_context():
        s = db.session()
        stranger = create_staff(s, create_district(s), role=Role.HEAD)
        other = create_citizen(s, iin="900101350229")
        s.commit()
        s.expunge_all()
    client_request.login(stranger)
    for slug in FORMS:
        case = office.numbers[FORMS[slug][0]]
        for suffix in ("", ".pdf"):
            response = client_request.client.get(f"/staff/cases/{case}/forms/{slug}{suffix}")
            assert response.status_code == 404, (slug, suffix)
    client_request.login(other)
    for slug in ("coupon", "f2-1", "f5", "f6", "f7", "f1-1"):
        case = office.numbers[FORMS[slug][0]]
        for suffix in ("", ".pdf"):
            url = f"/cabinet/applications/{case}/forms/{slug}{suffix}"
            assert client_request.client.get(url).status_code == 404, url


@needs_pdftotext
def test_forms_the_citizen_opens_their_own_documents_and_not_the_office_papers(
        office: Office, tmp_path: Path) -> None:
    client_request = office.client_request
    client_request.login(office.citizen)
    for slug in ("coupon", "f2-1", "f5", "f6", "f7", "receipt", "f1-1"):
        case = office.numbers[FORMS[slug][0]]
        page = client_request.get_url(f"/cabinet/applications/{case}/forms/{slug}?lang=ru")
        assert page.h1 is not None
        pdf = client_request.client.get(f"/cabinet/applications/{case}/forms/{slug}.pdf")
        assert pdf.status_code == 200 and pdf.headers["Content-Disposition"].startswith(
            "attachment")
        assert "no-store" in pdf.headers["Cache-Control"]
    text = _pdf_text(client_request.client.get(
        f"/cabinet/applications/{office.numbers['granted']}/forms/f6.pdf?lang=kk").data, tmp_path)
    assert AMOUNT_WORDS["kk"] in text
    for slug in ("f1", "f3", "f4"):  # the office's working papers have no citizen route
        url = f"/cabinet/applications/{office.numbers['granted']}/forms/{slug}"
        assert client_request.client.get(url).status_code == 404


def test_forms_an_unsigned_decision_is_a_draft_for_staff_and_hidden_from_the_citizen(
        office: Office) -> None:
    client_request = office.client_request
    app = client_request.app
    number = office.numbers["granted"]
    with app.app_context():
        s = db.session()
        decision = s.scalar(select(Decision).join(Application).where(Application.number == number))
        assert decision is not None
        decision.signature_id = None
        s.commit()
    page = client_request.get_url(f"/staff/cases/{number}/forms/f5?lang=ru")
    assert "Проект: еще не подписан" in page.get_text()
    assert page.select_one("figure.qr") is None
    client_request.login(office.citizen)
    assert client_request.client.get(
        f"/cabinet/applications/{number}/forms/f5").status_code == 404


def test_forms_opening_a_form_is_an_event_the_citizen_sees(office: Office) -> None:
    client_request = office.client_request
    number = office.numbers["granted"]
    client_request.client.get(f"/staff/cases/{number}/forms/f3.pdf?lang=ru")
    with client_request.app.app_context():
        events = db.session().scalars(
            select(Event).join(Application, Application.id == Event.application_id)
            .where(Application.number == number, Event.action == "case_viewed")).all()
        assert [(e.actor_kind, e.data) for e in events] == [
            ("staff", {"form": "F3", "as": "pdf", "language": "ru"})]
    client_request.client.get(f"/staff/cases/{number}/forms/f5")
    # the person reads which document was opened, and how, not "opened the application" twice
    client_request.login(office.citizen)
    page = client_request.get_url(f"/cabinet/applications/{number}")
    looks = [li.get_text(" ", strip=True) for li in page.select("ul.looks li")]
    assert any("(F3 нысаны)" in line and "PDF" in line for line in looks), looks
    assert sum("PDF" in line for line in looks) == 1, looks
    assert sum("(F5 нысаны)" in line for line in looks) == 1, looks


def test_forms_a_pdf_is_made_once_per_content_and_again_when_the_content_changes(
        office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    client_request = office.client_request
    number = office.numbers["granted"]
    made: list[str] = []
    real = cache.render_pdf

    def counting(document: Any) -> bytes:
        made.append(document.form)
        return real(document)

    monkeypatch.setattr(cache, "render_pdf", counting)
    url = f"/staff/cases/{number}/forms/f5.pdf?lang=kk"
    first = client_request.client.get(url).data
    second = client_request.client.get(url).data
    assert first == second and made == ["F5"]
    client_request.client.get(f"/staff/cases/{number}/forms/f5.pdf?lang=ru")
    assert made == ["F5", "F5"]  # another language is another content
    with client_request.app.app_context():
        s = db.session()
        decision = s.scalar(select(Decision).join(Application).where(Application.number == number))
        assert decision is not None
        decision.amount_tiyn = 5_000_000
        s.commit()
    changed = client_request.client.get(url).data
    assert made == ["F5", "F5", "F5"] and changed != first


def test_verify_url_is_the_verify_page_of_the_short_code_or_none(app: Flask) -> None:
    from types import SimpleNamespace

    from portal.documents.verification import verify_url

    if "verify.page" not in app.view_functions:
        app.add_url_rule("/verify/<code>", endpoint="verify.page", view_func=lambda code: code)
    with app.test_request_context():
        assert verify_url(SimpleNamespace(short_code="K7P2-QX9M")).endswith("/verify/K7P2-QX9M")
        assert verify_url(SimpleNamespace(short_code=None)) is None
        assert verify_url(SimpleNamespace()) is None
        assert verify_url(None) is None


def test_forms_the_case_pages_list_the_forms_each_reader_may_open(office: Office) -> None:
    client_request = office.client_request
    number = office.numbers["granted"]
    page = client_request.get_url(f"/staff/cases/{number}")
    links = {a["href"] for a in page.select("ul.form-links a")}
    assert {f"/staff/cases/{number}/forms/{slug}" for slug in
            ("coupon", "f1", "f3", "f4", "f5", "f6")} <= links
    assert f"/staff/cases/{number}/forms/f7" not in links
    client_request.login(office.citizen)
    page = client_request.get_url(f"/cabinet/applications/{number}")
    links = {a["href"] for a in page.select("ul.form-links a")}
    assert links == {f"/cabinet/applications/{number}/forms/{slug}{suffix}"
                     for slug in ("coupon", "f5", "f6") for suffix in ("", ".pdf")}


def test_forms_f1_1_is_offered_only_where_its_signed_application_is_stored(
        office: Office) -> None:
    """A portal case entered without its signed F1-1 (an import, the demo's) offers no F1-1
    link: the link would answer 404."""
    client_request = office.client_request
    signed = office.numbers["portal"]
    page = client_request.get_url(f"/staff/cases/{signed}")
    assert f"/staff/cases/{signed}/forms/f1-1" in {a["href"] for a in page.select("ul.form-links a")}
    with client_request.app.app_context():
        s = db.session()
        district = s.scalar(select(District))
        unsigned = create_application(s, district=district, submitted_at=utcnow()).number
        s.commit()
    page = client_request.get_url(f"/staff/cases/{unsigned}")
    links = {a["href"] for a in page.select("ul.form-links a")}
    assert not any("/forms/f1-1" in link for link in links)
    assert client_request.client.get(f"/staff/cases/{unsigned}/forms/f1-1").status_code == 404


def test_r6_2_f2_1_names_document_kinds_in_words_and_lists_the_expired_too(
        office: Office) -> None:
    from portal.models.application import Receipt, ReceiptKind

    number = office.numbers["refused_acceptance"]
    with office.client_request.app.app_context():
        s = db.session()
        receipt = s.scalar(select(Receipt).join(Application).where(
            Application.number == number, Receipt.kind == ReceiptKind.REFUSAL_TO_ACCEPT))
        assert receipt is not None
        receipt.missing_documents = ["ground_proof", "Өрт туралы анықтама"]
        receipt.expired_documents = ["identity"]
        s.commit()
    page = office.client_request.client.get(f"/staff/cases/{number}/forms/f2-1?lang=en")
    text = page.get_data(as_text=True)
    assert "ground_proof" not in text and ">identity<" not in text
    for name in ("Document proving the ground", "Өрт туралы анықтама",
                 "Identity document (validity expired)"):
        assert name in text, name


def test_l5_a_signed_pdf_names_its_signature_and_is_remembered_as_issued(
        office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    """/verify knows an uploaded copy: the keywords name the code, the bytes are remembered."""
    import hashlib

    from pypdf import PdfReader

    issued: list[str] = []

    def remember(session: Any, signature: Any, pdf: bytes) -> bytes:
        issued.append(hashlib.sha256(pdf).hexdigest())
        return pdf

    monkeypatch.setattr(verification, "remember_pdf", remember)
    client = office.client_request.client
    number = office.numbers["granted"]
    data = client.get(f"/staff/cases/{number}/forms/f5.pdf?lang=kk").data
    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata is not None
    assert str(metadata["/Keywords"]).startswith(f"verify:{office.codes['f5']} sha256:")
    assert issued == [hashlib.sha256(data).hexdigest()]
    again = client.get(f"/staff/cases/{number}/forms/f5.pdf?lang=kk").data  # from the cache
    assert again == data and issued == [hashlib.sha256(data).hexdigest()] * 2
    client.get(f"/staff/cases/{number}/forms/f3.pdf")  # unsigned: nothing to remember
    assert len(issued) == 2

"""Applying on the portal (F1-1) through the pages, on SQLite and PostgreSQL: from "start" to a
signed, submitted application, with and without htmx, and nobody else's draft reachable."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import db
from portal.db import utcnow
from portal.domain.forms import Relation
from portal.domain.workflow import Status
from portal.models import Application, Citizen, Event, GatewayAnswer, Signature
from portal.services import signing as signing_service
from signing import Holder
from tests import samples
from tests.factories import (
    create_application,
    create_citizen,
    create_district,
    load_registers,
)
from tests.pages import ClientRequest, check_page

IIN = "850321301238"  # the demo low-income citizen: a family on one wage
KEY_PASSWORD = "key-pass-2026"
HOLDER = Holder(iin=IIN, surname="ҚАСЫМОВ", name="БАУЫРЖАН", patronymic="СЕРІКҰЛЫ")


@pytest.fixture
def applicant(app: Flask) -> Citizen:
    return make_applicant(app)


def make_applicant(app: Flask) -> Citizen:
    """The demo low-income citizen with the registers, the district and a key file."""
    with app.app_context():
        session = db.session()
        load_registers(session)
        create_district(session, code="astana-esil")
        citizen = create_citizen(session, iin=IIN, confirmed_at=utcnow(), phone="+77011234567")
        session.commit()
        signing_service.context().signer("keyfile").enroll(HOLDER, KEY_PASSWORD)  # type: ignore[attr-defined]
        session.expunge(citizen)
        return citizen


def _csrf(page: BeautifulSoup) -> str:
    field = page.select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def _post(client: FlaskClient, url: str, data: dict[str, Any], *, htmx: bool = False,
          expect: int = 303) -> Any:
    form_page = url.rsplit("/", 1)[0] if url.endswith("/family/add") else url
    page = BeautifulSoup(client.get(form_page).get_data(as_text=True), "html.parser")
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(url, data={"csrf_token": _csrf(page), **data}, headers=headers)
    assert response.status_code == expect, (url, response.status_code,
                                            response.get_data(as_text=True)[:2000])
    return response


def _start(client_request: ClientRequest, applicant: Citizen) -> str:
    client_request.login(applicant)
    client = client_request.client
    page = client_request.get("citizen.new_application")
    response = client.post("/cabinet/applications/new", data={"csrf_token": _csrf(page)})
    assert response.status_code == 303
    match = re.search(r"/applications/([^/]+)/", response.headers["Location"])
    assert match is not None
    return match.group(1)


def _pdf_text(data: bytes) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:  # make test installs poppler-utils; CI has it
        pytest.skip("pdftotext is not installed")
    done = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True,
                          check=True)
    return done.stdout.decode("utf-8")


def _draft(app: Flask, number: str) -> Application:
    with app.app_context():
        found = db.session().scalar(select(Application).where(Application.number == number))
        assert found is not None
        return found


def _fill_to_check(client_request: ClientRequest, app: Flask, number: str) -> None:
    client = client_request.client
    base = f"/cabinet/applications/{number}"
    with app.app_context():
        draft = db.session().scalar(select(Application).where(Application.number == number))
        assert draft is not None
        low_income = next(g.id for g in draft.district.grounds if g.category.value == "low_income")
    _post(client, f"{base}/ground", {"offer": str(low_income)})
    _post(client, f"{base}/behalf", {"capacity": "family"})
    _post(client, f"{base}/applicant", {"id_doc_type": "id_card", "id_doc_number": "045678912",
                                        "id_doc_issued_by": "ҚР ІІМ",
                                        "id_doc_issued_on": "15.03.2020"})
    page = check_page(client.get(f"{base}/address"))
    address = {f["name"]: f.get("value", "") for f in page.select("form input[name^=addr_]")}
    _post(client, f"{base}/address", address)
    # a family of three: the applicant, the spouse, and a member the registers do not know
    _post(client, f"{base}/family/add", {"iin": "910415399015", "relation": "spouse",
                                         "full_name": "Қасымова Айгүл"})
    _post(client, f"{base}/family", {})
    _post(client, f"{base}/registers", {"action": "ask"})
    _post(client, f"{base}/registers", {"action": "continue"})
    _post(client, f"{base}/income", {f"{IIN}-wages": "240000"})
    _post(client, f"{base}/bank", {"bank_name": "Halyk Bank", "iban": "KZ86 125K ZT50 0410 0100"})
    _post(client, f"{base}/contacts", {"phone": "+7 701 123 45 67", "email": ""})
    # R3.4: the member the registers do not know needs an identity document; L8.2: the
    # applicant, who declared a wage, brings the income paper. Nothing else is asked.
    page = check_page(client.get(f"{base}/documents"))
    items = page.select("form[enctype='multipart/form-data']")
    legends = [legend.get_text(" ", strip=True) for legend in page.select("form legend")]
    assert len(items) == 2, legends
    assert any("Қасымова Айгүл" in legend for legend in legends)
    refused = client.post(f"{base}/documents", data={"csrf_token": _csrf(page)})
    assert refused.status_code == 422  # nothing attached yet: the error summary says what
    assert check_page(refused).select_one(".error-summary") is not None
    for item in items:
        upload = client.post(str(item["action"]), content_type="multipart/form-data", data={
            "csrf_token": _csrf(page), "next": f"{base}/documents",
            "camera": (io.BytesIO(samples.jpeg(gps=True)), "IMG_0001.jpg")})
        assert upload.status_code == 303, upload.get_data(as_text=True)[:500]
    _post(client, f"{base}/documents", {})
    _post(client, f"{base}/consents", {"personal_data": "y", "bank_information": "y",
                                       "report_changes": "y", "separate_account": "y"})


def test_f1_1_journey_from_start_to_a_submitted_signed_application(
        client_request: ClientRequest, app: Flask, applicant: Citizen) -> None:
    """F1-1, F1-2, R3.4, L8, R6.3, R6.4, R7.1, L3.1: every section, the F1-2 queries asked by the
    applicant, documents only for what the registers did not give, signed with the key file,
    submitted once with its dates."""
    number = _start(client_request, applicant)
    _fill_to_check(client_request, app, number)
    client = client_request.client
    base = f"/cabinet/applications/{number}"
    page = check_page(client.get(f"{base}/check"))
    assert "KZ86125KZT5004100100" in page.get_text()
    response = client.post(f"{base}/check", data={"csrf_token": _csrf(page), "signer": "keyfile"})
    assert response.status_code == 200
    sign_page = check_page(response)
    response = client.post(f"{base}/sign", data={"csrf_token": _csrf(sign_page),
                                                 "password": KEY_PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith(f"/applications/{number}")
    confirmation = check_page(client.get(f"{base}"))
    assert number in confirmation.get_text()
    # the signed F1-1 as a PDF holds the applicant's name in Kazakh letters
    link = confirmation.select_one("a[href$='f1-1.pdf']")
    assert link is not None
    pdf = client.get(str(link["href"]))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    assert "Қасымов" in _pdf_text(pdf.data)
    # #12: the portal knows the file it handed out: uploaded at /verify, it is issued, unchanged
    verify_page = client.get("/verify").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', verify_page)
    assert token is not None
    checked = client.post("/verify", data={"csrf_token": token.group(1),
                                           "file": (io.BytesIO(pdf.data), "F1-1.pdf")},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert 'data-verdict="valid"' in checked
    # a second submit (back button, double tap) changes nothing and lands on the same page
    again = client.post(f"{base}/sign", data={"csrf_token": _csrf(sign_page),
                                              "password": KEY_PASSWORD})
    assert again.status_code == 303
    with app.app_context():
        session = db.session()
        application = session.scalar(select(Application).where(Application.number == number))
        assert application is not None
        assert application.status in (Status.SUBMITTED, Status.REGISTERED)
        assert application.result_due_on is not None and application.term_started_on is not None
        signatures = session.scalars(select(Signature).where(
            Signature.application_id == application.id)).all()
        assert len(signatures) == 1
        answers = session.scalars(select(GatewayAnswer).where(
            GatewayAnswer.application_id == application.id)).all()
        # R3.4: the unknown family member's identity answer is kept and is not "found"
        assert any(a.subject_iin == "910415399015" and a.outcome.value != "found"
                   for a in answers)
        submitted = session.scalars(select(Event).where(
            Event.application_id == application.id, Event.action == "submit")).all()
        assert len(submitted) == 1


def test_htmx_autosave_answers_with_a_small_saved_fragment(
        client_request: ClientRequest, app: Flask, applicant: Citizen) -> None:
    number = _start(client_request, applicant)
    response = _post(client_request.client, f"/cabinet/applications/{number}/contacts",
                     {"phone": "+77011234567", "email": "a@example.kz"}, htmx=True, expect=200)
    body = response.get_data(as_text=True)
    assert 'id="save-status"' in body and len(body) < 4096
    assert response.headers.get("Vary", "").find("HX-Request") >= 0
    assert _draft(app, number).email == "a@example.kz"


def test_wrong_iban_is_explained_and_nothing_typed_is_lost(
        client_request: ClientRequest, app: Flask, applicant: Citizen) -> None:
    number = _start(client_request, applicant)
    with app.app_context():
        draft = db.session().scalar(select(Application).where(Application.number == number))
        assert draft is not None
        draft.sections = {s: "done" for s in ("ground", "behalf", "applicant", "family",
                                              "registers")}
        db.session().commit()
    response = _post(client_request.client, f"/cabinet/applications/{number}/bank",
                     {"bank_name": "Kaspi", "iban": "KZ86125KZT5004100101"}, expect=422)
    page = check_page(response)
    assert page.select_one(".error-summary") is not None
    assert page.select_one("input[name=iban]")["value"] == "KZ86125KZT5004100101"
    assert page.select_one("input[name=bank_name]")["value"] == "Kaspi"


def test_every_citizen_url_with_another_citizens_ids_is_not_found(
        client_request: ClientRequest, app: Flask, applicant: Citizen) -> None:
    """Every URL of the citizen journey and of files, given the ids of another citizen's draft,
    family member, document, file and submitted application, answers 404 — the same as for ids
    that do not exist."""
    from portal.domain.package import DocumentKind
    from portal.models import Document, DocumentFile, FamilyMember

    number = _start(client_request, applicant)
    with app.app_context():
        session = db.session()
        draft = session.scalar(select(Application).where(Application.number == number))
        assert draft is not None
        draft.family.append(FamilyMember(iin="910415399015", full_name="X",
                                         relation=Relation.SPOUSE))
        document = Document(kind=DocumentKind.IDENTITY, title="ID", provided=False)
        draft.documents.append(document)
        session.flush()
        file = DocumentFile(document_id=document.id, storage_key="0" * 64,
                            content_type="image/jpeg", size_bytes=1, sha256="0" * 64,
                            original_name="a.jpg")
        session.add(file)
        submitted = create_application(session, citizen=session.get(Citizen, applicant.id),
                                       district=draft.district, status=Status.SUBMITTED)
        session.commit()
        from portal.models import InboxKind, InboxMessage

        message = InboxMessage(citizen_id=applicant.id, application_id=submitted.id,
                               kind=InboxKind.REGISTERED, data={})
        session.add(message)
        session.commit()
        ids = {"member_id": draft.family[0].id, "document_id": document.id, "file_id": file.id,
               "message_id": message.id}
        numbers = [number, submitted.number]
        other = create_citizen(session, iin="921231445671", confirmed_at=utcnow())
        session.commit()
        session.expunge(other)
    client_request.login(other)
    client = client_request.client
    token = _csrf(check_page(client.get("/cabinet/")))
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("citizen.", "files.")) or not rule.arguments:
            continue
        for case_number in numbers:
            url = rule.rule.replace("<number>", case_number).replace("<form>", "f5")
            for name, value in ids.items():
                url = url.replace(f"<int:{name}>", str(value))
            assert "<" not in url, url
            if "GET" in (rule.methods or set()):
                assert client.get(url).status_code == 404, f"GET {url}"
            if "POST" in (rule.methods or set()):
                response = client.post(url, data={"csrf_token": token, "next": "/cabinet/"})
                assert response.status_code == 404, f"POST {url}: {response.status_code}"
            checked += 1
    assert checked >= 20



def _done(app: Flask, number: str, *sections: str) -> None:
    with app.app_context():
        draft = db.session().scalar(select(Application).where(Application.number == number))
        assert draft is not None
        draft.sections = {**(draft.sections or {}), **{s: "done" for s in sections}}
        db.session().commit()


def test_r3_1_an_attorney_gives_the_power_of_attorney_and_the_represented_person_applies(
        client_request: ClientRequest, app: Flask, applicant: Citizen) -> None:
    number = _start(client_request, applicant)
    url = f"/cabinet/applications/{number}/behalf"
    refused = _post(client_request.client, url, {"capacity": "attorney",
                                                 "represented_iin": "921231445671"}, expect=422)
    page = check_page(refused)
    errors = page.select_one(".error-summary").get_text()  # type: ignore[union-attr]
    assert "#poa_number" in str(page.select_one(".error-summary"))
    assert errors.strip()
    assert page.select_one("input[name=represented_iin]")["value"] == "921231445671"
    _post(client_request.client, url, {"capacity": "attorney", "represented_iin": "921231445671",
                                       "poa_number": "ДС-145", "poa_date": "01.11.2026"})
    draft = _draft(app, number)
    assert draft.applicant_iin == "921231445671"
    assert draft.representative_iin == IIN and draft.poa_number == "ДС-145"
    assert str(draft.poa_date) == "2026-11-01"


def test_l9_declining_the_personal_data_consent_says_it_is_a_ground_to_refuse(
        client_request: ClientRequest, app: Flask, applicant: Citizen) -> None:
    number = _start(client_request, applicant)
    url = f"/cabinet/applications/{number}/consents"
    response = _post(client_request.client, url, {"bank_information": "y", "report_changes": "y",
                                                  "separate_account": "y"}, expect=200)
    page = check_page(response)
    warning = page.select_one(".notice-warning")
    assert warning is not None and warning.select_one("button") is not None
    with app.app_context():
        draft = db.session().scalar(select(Application).where(Application.number == number))
        assert draft is not None
        given = {c.kind.value: c.given for c in draft.consents}
        assert given == {"personal_data": False, "bank_information": True,
                         "report_changes": True, "separate_account": True}
        # every statement is kept with the exact wording's digest, language and version
        assert all(len(c.wording_sha256) == 64 and c.wording_locale == "kk"
                   for c in draft.consents)
    # the person may go on without it
    _post(client_request.client, url, {"bank_information": "y", "report_changes": "y",
                                       "separate_account": "y", "declined_ok": "1"})
    assert _draft(app, number).sections.get("consents") == "done"


def test_r6_3_the_registers_panel_is_a_fragment_for_htmx_and_a_page_without(
        client_request: ClientRequest, app: Flask, applicant: Citizen) -> None:
    number = _start(client_request, applicant)
    _done(app, number, "ground", "behalf", "applicant", "family")
    with app.app_context():
        draft = db.session().scalar(select(Application).where(Application.number == number))
        assert draft is not None
        offer = next(g for g in draft.district.grounds if g.category.value == "low_income")
        draft.ground, draft.district_ground_id, draft.applicant_iin = offer.category, offer.id, IIN
        db.session().commit()
    url = f"/cabinet/applications/{number}/registers"
    page = check_page(client_request.client.get(url))
    assert page.select_one("button[value=ask]") is not None
    _post(client_request.client, url, {"action": "ask"})
    fragment = client_request.client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 286  # every answer is in: htmx stops polling
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="registers"' in body
    assert "HX-Request" in fragment.headers.get("Vary", "")
    rows = BeautifulSoup(body, "html.parser").select(".register-answers li")
    assert len(rows) == 9  # the applicant's F1-2 queries and the disability look-up


def _to_signing(client_request: ClientRequest, app: Flask, applicant: Citizen, signer: str
                ) -> tuple[str, BeautifulSoup]:
    number = _start(client_request, applicant)
    _fill_to_check(client_request, app, number)
    # the documents the registers did not give (see the journey test)
    base = f"/cabinet/applications/{number}"
    page = check_page(client_request.client.get(f"{base}/documents"))
    for item in page.select("form[enctype='multipart/form-data']"):
        client_request.client.post(str(item["action"]), content_type="multipart/form-data", data={
            "csrf_token": _csrf(page), "next": f"{base}/documents",
            "files": (io.BytesIO(samples.pdf()), "scan.pdf")})
    _post(client_request.client, f"{base}/documents", {})
    _post(client_request.client, f"{base}/consents", {
        "personal_data": "y", "bank_information": "y", "report_changes": "y",
        "separate_account": "y"})
    check = check_page(client_request.client.get(f"{base}/check"))
    response = client_request.client.post(f"{base}/check", data={"csrf_token": _csrf(check),
                                                                 "signer": signer})
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return number, check_page(response)


def _last_code(app: Flask) -> str:
    from portal.models import SmsMessage

    with app.app_context():
        texts = db.session().scalars(select(SmsMessage.text).order_by(SmsMessage.id.desc()))
        match = re.search(r"\b(\d{6})\b", next(iter(texts)))
        assert match is not None
        return match.group(1)


def test_r6_4_without_an_eds_the_application_is_confirmed_by_an_sms_code(
        client_request: ClientRequest, app: Flask, applicant: Citizen) -> None:
    """Like egov.kz: a one-time code to the number the mobile citizens database registers to
    the IIN; a wrong code says so and keeps the exchange; the right one submits."""
    from portal.notify import mobile

    with app.app_context():
        mobile.register(db.session(), IIN, "+77011234567")
        db.session().commit()
    number, page = _to_signing(client_request, app, applicant, "sms")
    assert page.select_one("#sms-code") is not None
    base = f"/cabinet/applications/{number}"
    challenge = str(page.select_one("input[name=challenge_id]")["value"])  # type: ignore[index]
    wrong = client_request.client.post(f"{base}/sign", data={
        "csrf_token": _csrf(page), "challenge_id": challenge, "decision": "confirm",
        "code": "000000" if _last_code(app) != "000000" else "111111"})
    assert wrong.status_code == 422
    assert check_page(wrong).select_one(".error-summary") is not None
    right = client_request.client.post(f"{base}/sign", data={
        "csrf_token": _csrf(page), "challenge_id": challenge, "decision": "confirm",
        "code": _last_code(app)})
    assert right.status_code == 303, right.get_data(as_text=True)[:1500]
    with app.app_context():
        application = db.session().scalar(select(Application).where(Application.number == number))
        assert application is not None and application.status is not Status.DRAFT
        from portal.models import SmsMessage
        from portal.models.notify import SmsPurpose
        from portal.services.submission import signer_of

        assert signer_of(db.session(), application) == "sms"
        # the phone is registered to the IIN: one SMS confirms the submission, naming the
        # number — the registration's when it was registered at once (R7.1), else its own
        confirmations = db.session().scalars(select(SmsMessage).where(
            SmsMessage.purpose.in_([SmsPurpose.SUBMISSION, SmsPurpose.REGISTERED]))).all()
        assert len(confirmations) == 1 and number in confirmations[0].text
        assert confirmations[0].purpose is (SmsPurpose.REGISTERED if application.status
                                            is Status.REGISTERED else SmsPurpose.SUBMISSION)


def test_a_wrong_key_password_shows_the_same_signing_again_with_the_reason(
        client_request: ClientRequest, app: Flask, applicant: Citizen) -> None:
    number, page = _to_signing(client_request, app, applicant, "keyfile")
    base = f"/cabinet/applications/{number}"
    wrong = client_request.client.post(f"{base}/sign", data={"csrf_token": _csrf(page),
                                                             "password": "not-the-password"})
    assert wrong.status_code == 422
    again = check_page(wrong)
    assert again.select_one("#key-password") is not None
    assert again.select_one(".error-summary") is not None
    right = client_request.client.post(f"{base}/sign", data={"csrf_token": _csrf(again),
                                                             "password": KEY_PASSWORD})
    assert right.status_code == 303


def test_a_retry_after_the_key_file_exchange_was_used_up_signs_with_a_new_one(
        client_request: ClientRequest, app: Flask, applicant: Citizen) -> None:
    """A request that died after the signer took the password but before the signature was
    stored (a killed worker) uses the single-use exchange up; the person's retry with the same
    form begins a new exchange for the same bytes and submits the application once."""
    number, page = _to_signing(client_request, app, applicant, "keyfile")
    with client_request.client.session_transaction() as cookie:
        challenge_id = cookie["apply_signing"]["challenge"]
    with app.app_context():
        signing_service.context().signer("keyfile").complete(challenge_id, KEY_PASSWORD)
    base = f"/cabinet/applications/{number}"
    retry = client_request.client.post(f"{base}/sign", data={"csrf_token": _csrf(page),
                                                             "password": KEY_PASSWORD})
    assert retry.status_code == 303, retry.get_data(as_text=True)[:1000]
    with app.app_context():
        session = db.session()
        application = session.scalar(select(Application).where(Application.number == number))
        assert application is not None and application.status is not Status.DRAFT
        signatures = session.scalars(select(Signature).where(
            Signature.application_id == application.id)).all()
        assert len(signatures) == 1 and signatures[0].challenge_id != challenge_id


SECTIONS = ("ground", "behalf", "applicant", "address", "family", "registers", "income", "bank",
            "contacts", "documents", "consents")


def _ready_draft(client_request: ClientRequest, app: Flask, applicant: Citizen) -> str:
    """A draft whose sections can all start (so every page shows, none redirects)."""
    number = _start(client_request, applicant)
    with app.app_context():
        session = db.session()
        draft = session.scalar(select(Application).where(Application.number == number))
        assert draft is not None
        offer = next(g for g in draft.district.grounds if g.category.value == "low_income")
        draft.ground, draft.district_ground_id, draft.applicant_iin = offer.category, offer.id, IIN
        draft.sections = {s: "done" for s in SECTIONS}
        session.commit()
    return number


@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_page_is_whole_without_htmx_and_answers_htmx(
        client_request: ClientRequest, app: Flask, applicant: Citizen, section: str) -> None:
    number = _ready_draft(client_request, app, applicant)
    url = f"/cabinet/applications/{number}/{section}"
    page = client_request.client.get(url)
    assert page.status_code == 200, page.status_code
    soup = check_page(page)
    assert soup.select_one("body[hx-history=false]") is not None
    assert "no-store" in page.headers["Cache-Control"]
    with_htmx = client_request.client.get(url, headers={"HX-Request": "true"})
    assert with_htmx.status_code in (200, 286)
    assert "HX-Request" in with_htmx.headers.get("Vary", "")


HOSTILE = ["", " ", "x" * 5000, "<script>alert(1)</script>", "' OR 1=1 --", "٣٤٥٦", "𝟖𝟓𝟎𝟑𝟐𝟏",
           "-1", "1e309", "NaN", "\u202e", "KZ" + "9" * 40, "32.13.2026", "99999999999999999999"]


@pytest.mark.parametrize("value", HOSTILE)
def test_no_hostile_input_on_any_section_gives_a_server_error_or_reflected_markup(
        client_request: ClientRequest, app: Flask, applicant: Citizen, value: str) -> None:
    number = _ready_draft(client_request, app, applicant)
    client = client_request.client
    token = _csrf(check_page(client.get(f"/cabinet/applications/{number}/contacts")))
    fields = ["offer", "requested", "capacity", "represented_iin", "poa_number", "poa_date",
              "surname", "given_name", "id_doc_type", "id_doc_number", "id_doc_issued_by",
              "id_doc_issued_on", "addr_region", "addr_city", "addr_street", "addr_house",
              "reason", "iin", "relation", "full_name", "bank_name", "iban", "phone", "email",
              "action", "signer", f"{IIN}-wages", "personal_data", "continue"]
    for path in (*SECTIONS, "family/add", "check"):
        for htmx in (False, True):
            response = client.post(
                f"/cabinet/applications/{number}/{path}",
                data={"csrf_token": token, **dict.fromkeys(fields, value)},
                headers={"HX-Request": "true"} if htmx else {})
            assert response.status_code < 500, (path, value, response.status_code)
            assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_signing_posts_are_rate_limited_per_address(client_request: ClientRequest, app: Flask,
                                                    applicant: Citizen) -> None:
    """Each try costs a password, PIN or code, or sends an SMS: past the limit, a 429 page that
    says when to try again."""
    number = _start(client_request, applicant)
    client = client_request.client
    token = _csrf(check_page(client.get(f"/cabinet/applications/{number}/")))
    answers = [client.post(f"/cabinet/applications/{number}/sign", data={"csrf_token": token})
               for _ in range(11)]
    assert all(a.status_code != 429 for a in answers[:10])
    assert answers[10].status_code == 429


def test_l10_1_the_application_page_shows_the_steps_the_deadlines_and_who_looked(
        client_request: ClientRequest, app: Flask, applicant: Citizen) -> None:
    """L10.1, L3.1: the status in the cabinet — every step, each running statutory deadline as
    a date, and every staff view with role and desk, never the official's name."""
    from portal.domain.calendar import Channel
    from portal.domain.workflow import Role
    from portal.services import events
    from tests.factories import create_desk, create_staff

    with app.app_context():
        session = db.session()
        citizen = session.get(Citizen, applicant.id)
        district = create_district(session)
        application = create_application(session, citizen=citizen, district=district,
                                         status=Status.REGISTERED)
        application.term_started_on = application.registered_on = dt.date(2026, 11, 27)
        official = create_staff(session, district, Role.INTAKE,
                                desk=create_desk(session, district, Channel.STATE_CORP),
                                full_name="Секретова Айжан")
        events.record(session, events.Actor("citizen", citizen.id, "citizen"), "submit",
                      application_id=application.id, to_status="submitted")
        events.record(session, events.Actor("staff", official.id, "intake"), "case_viewed",
                      application_id=application.id)
        session.commit()
        number = application.number
    client_request.login(applicant)
    page = check_page(client_request.client.get(f"/cabinet/applications/{number}"))
    timeline = page.select_one("ol.timeline").get_text(" ")  # type: ignore[union-attr]
    assert "Сіз өтініш бердіңіз" in timeline  # the step, in Kazakh
    assert "өтінішті ашты" not in timeline  # a view is not a step of the case
    deadlines = page.select_one(".deadlines").get_text(" ")  # type: ignore[union-attr]
    assert "Нәтиже беру мерзімі" in deadlines and "09.12.2026" in deadlines  # L3.1 as a date
    looked = page.select_one(".looks").get_text(" ")  # type: ignore[union-attr]
    assert "Өтініштерді қабылдау маманы" in looked and "Мемлекеттік корпорация" in looked
    assert "өтінішті ашты" in looked
    assert "Секретова" not in page.get_text()  # the official's name is not shown
    # the cabinet's list names the next statutory step and its date
    cabinet = check_page(client_request.client.get("/cabinet/")).get_text(" ")
    assert "Келесі қадам: Учаскелік комиссияға жіберу (1 жұмыс күні) — 30.11.2026" in cabinet


def test_a_draft_goes_in_under_the_configuration_in_force_when_the_district_changed_it(
        client_request: ClientRequest, app: Flask, applicant: Citizen) -> None:
    """An administrator changed the amount while the person was filling in: the application is
    made under the row in force; a ground no longer offered sends the person back to choose."""
    from portal.models import DistrictGround

    number = _start(client_request, applicant)
    _fill_to_check(client_request, app, number)
    with app.app_context():
        session = db.session()
        draft = session.scalar(select(Application).where(Application.number == number))
        assert draft is not None and draft.district_ground is not None
        old = draft.district_ground
        old.retired_at = utcnow()
        session.flush()
        new = DistrictGround(district_id=old.district_id, category=old.category,
                             frequency=old.frequency, amount_tiyn=old.amount_tiyn + 500_000,
                             replaces_id=old.id)
        session.add(new)
        session.commit()
        new_id = new.id
    client_request.client.get(f"/cabinet/applications/{number}/check")
    assert _draft(app, number).district_ground_id == new_id
    with app.app_context():
        session = db.session()
        row = session.get(DistrictGround, new_id)
        assert row is not None
        row.enabled = False
        session.commit()
    response = client_request.client.get(f"/cabinet/applications/{number}/check")
    assert response.status_code == 303 and response.headers["Location"].endswith("/ground")

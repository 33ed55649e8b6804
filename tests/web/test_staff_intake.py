"""Intake of paper applications at a desk (issue 11: R3, R6, R7.1, L3, L8), on SQLite and
PostgreSQL: the whole journey at each desk type, the receipts, the refusals, who may do it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select

from portal import db
from portal.db import utcnow
from portal.domain.calendar import Channel, to_local
from portal.domain.deadlines import service_term_due
from portal.domain.grounds import GroundCategory
from portal.domain.registers import Requester
from portal.domain.workflow import Role, Status
from portal.models import Application, Citizen, District, Event, GatewayRequest, StaffUser
from portal.models.application import ApplicationForm, ReceiptKind
from portal.services.workdays import calendar
from tests.factories import create_desk, create_district, create_staff, load_registers
from tests.pages import ClientRequest, check_page

IIN = "850321301238"  # known to the simulated registers
UNKNOWN_IIN = "910415399015"  # in no register (NO_DATA)


def _csrf(page: BeautifulSoup) -> str:
    field = page.select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def _post(client_request: ClientRequest, url: str, data: dict[str, Any], *,
          form_page: str | None = None, expect: int = 303) -> Any:
    client = client_request.client
    page = BeautifulSoup(client.get(form_page or url).get_data(as_text=True), "html.parser")
    response = client.post(url, data={"csrf_token": _csrf(page), **data})
    assert response.status_code == expect, (url, response.status_code,
                                            response.get_data(as_text=True)[:3000])
    return response


def _desk_staff(app: Flask, channel: Channel, *, role: Role = Role.INTAKE,
                district_code: str = "astana-esil") -> StaffUser:
    with app.app_context():
        s = db.session()
        district = s.scalar(select(District).where(District.code == district_code))
        if district is None:
            if district_code == "astana-esil":
                load_registers(s)
            district = create_district(s, code=district_code)
        desk = create_desk(s, district, channel) if role is Role.INTAKE else None
        if role is Role.SPECIALIST and not any(d.channel is Channel.PROVIDER
                                               for d in district.desks):
            create_desk(s, district, Channel.PROVIDER)
        staff = create_staff(s, district, role=role, desk=desk, full_name="Сейткали Айгерім",
                             position="Бас маман")
        s.commit()
        s.expunge(staff)
        return staff


def _application(app: Flask, number: str) -> Application:
    with app.app_context():
        s = db.session()
        found = s.scalar(select(Application).where(Application.number == number))
        assert found is not None
        for relation in ("receipts", "documents", "family", "gateway_answers", "consents"):
            getattr(found, relation)
        s.expunge_all()
        return found


def _start(client_request: ClientRequest, iin: str = IIN, ticket: str = "") -> str:
    response = _post(client_request, "/staff/intake/", {"iin": iin, "ticket_time": ticket})
    match = re.search(r"/staff/intake/([^/]+)/ground", response.headers["Location"])
    assert match is not None, response.headers["Location"]
    return match.group(1)


def _offer(app: Flask, number: str, ground: GroundCategory) -> str:
    with app.app_context():
        draft = db.session().scalar(select(Application).where(Application.number == number))
        assert draft is not None
        return str(next(g.id for g in draft.district.grounds if g.category is ground))


def _fill(client_request: ClientRequest, number: str, ground: GroundCategory = GroundCategory.ORPHAN,
          *, family: bool = False) -> None:
    """Every step before the documents: ground, applicant, family, registers, consents."""
    app = client_request.app
    base = f"/staff/intake/{number}"
    _post(client_request, f"{base}/ground", {"offer": _offer(app, number, ground),
                                             "capacity": "self"})
    page = check_page(client_request.client.get(f"{base}/applicant"))
    address = {f["name"]: f.get("value", "") for f in page.select("form input[name^=addr_]")}
    _post(client_request, f"{base}/applicant", {
        **address, "surname": "Қасымов", "given_name": "Бауыржан", "patronymic": "Серікұлы",
        "id_doc_type": "id_card", "id_doc_number": "045678912", "id_doc_issued_by": "ҚР ІІМ",
        "id_doc_issued_on": "15.03.2020", "bank_name": "Halyk Bank",
        "iban": "KZ86 125K ZT50 0410 0100", "phone": "+7 701 123 45 67"})
    if family:
        _post(client_request, f"{base}/family/add", {"iin": UNKNOWN_IIN, "relation": "spouse",
                                                     "full_name": "Қасымова Айгүл"},
              form_page=f"{base}/family")
    _post(client_request, f"{base}/family", {})
    _post(client_request, f"{base}/registers", {"action": "ask"})
    _post(client_request, f"{base}/registers", {"action": "continue"})
    _post(client_request, f"{base}/consents", {"personal_data": "y", "bank_information": "y",
                                               "report_changes": "y", "separate_account": "y"})


def _documents(client_request: ClientRequest, number: str, *, skip: tuple[str, ...] = (),
               expired: tuple[str, ...] = (), expect: int = 303) -> Any:
    """Tick every item of the checklist as shown and compared, except ``skip``."""
    url = f"/staff/intake/{number}/documents"
    page = check_page(client_request.client.get(url))
    keys = [str(box["name"])[: -len("-provided")] for box in
            page.select("input[name$=-provided]")]
    data: dict[str, str] = {}
    for key in keys:
        if key in skip:
            continue
        data.update({f"{key}-provided": "y", f"{key}-compared": "y", f"{key}-sheets": "2"})
        if key in expired:
            data[f"{key}-valid_until"] = "01.01.2020"
    return _post(client_request, url, data, expect=expect)


def _finish(client_request: ClientRequest, number: str, action: str,
            expect: int = 303) -> Any:
    return _post(client_request, f"/staff/intake/{number}/finish", {"action": action},
                 expect=expect)


# -- the whole intake at each desk --------------------------------------------------------------

def test_r6_1_r7_1_l3_1_provider_desk_accepts_registers_and_issues_the_coupon(
        client_request: ClientRequest) -> None:
    app = client_request.app
    staff = _desk_staff(app, Channel.PROVIDER)
    client_request.login(staff)
    number = _start(client_request)
    _fill(client_request, number)
    _documents(client_request, number)
    response = _finish(client_request, number, "accept")
    page = check_page(client_request.client.get(response.headers["Location"]))
    case = _application(app, number)
    assert "Үзбелі талон" in page.select_one("h1").get_text()
    assert case.status is Status.REGISTERED
    assert case.form is ApplicationForm.F1 and case.channel is Channel.PROVIDER
    assert case.desk_id == staff.desk_id and case.accepted_by_id == staff.id
    today = to_local(utcnow()).date()
    assert case.registered_on == today
    [coupon] = case.receipts
    assert coupon.kind is ReceiptKind.COUPON
    with app.app_context():
        cal = calendar()
        due = service_term_due(cal.term_starts_on(case.arrived_at, Channel.PROVIDER), cal)
    assert coupon.result_due_on == due == case.result_due_on
    assert due.strftime("%d.%m.%Y") in page.get_text()
    assert coupon.issued_by_name == "Сейткали Айгерім" and coupon.issued_by_position
    assert {d.kind.value for d in case.documents if d.provided} == {"identity", "ground_proof"}
    assert all(d.original_compared and d.sheets == 2 for d in case.documents)


def test_r6_1_state_corporation_issues_the_electronic_receipt_and_does_not_register(
        client_request: ClientRequest) -> None:
    app = client_request.app
    staff = _desk_staff(app, Channel.STATE_CORP)
    client_request.login(staff)
    number = _start(client_request)
    _fill(client_request, number)
    _documents(client_request, number)
    response = _finish(client_request, number, "accept")
    page = check_page(client_request.client.get(response.headers["Location"]))
    case = _application(app, number)
    assert case.status is Status.SUBMITTED and case.registered_on is None  # forwarded (R7.1)
    [receipt] = case.receipts
    assert receipt.kind is ReceiptKind.ELECTRONIC_RECEIPT
    assert receipt.result_due_on is not None
    text = page.get_text()
    assert receipt.result_due_on.strftime("%d.%m.%Y") in text
    assert "Сейткали Айгерім" in text
    # the documents accepted are listed on the receipt
    assert len(page.select("article.receipt ol li")) == 2
    with app.app_context():
        asked = db.session().scalars(select(GatewayRequest.requester).where(
            GatewayRequest.application_id == case.id)).all()
    assert set(asked) == {Requester.STATE_CORP_EMPLOYEE}  # R3.3: the desk asked, not the citizen


def test_r6_1_r7_1_rural_akim_desk_registers_with_the_coupon(
        client_request: ClientRequest) -> None:
    app = client_request.app
    staff = _desk_staff(app, Channel.RURAL_AKIM)
    client_request.login(staff)
    number = _start(client_request)
    _fill(client_request, number, GroundCategory.LOW_INCOME)
    _documents(client_request, number)
    _finish(client_request, number, "accept")
    case = _application(app, number)
    assert case.status is Status.REGISTERED and case.channel is Channel.RURAL_AKIM
    assert [r.kind for r in case.receipts] == [ReceiptKind.COUPON]
    # L8.2: the low-income ground asks for income papers, and no other proof of the ground
    assert {d.kind.value for d in case.documents} == {"identity", "income"}


# -- refusals to accept (R6.2) ------------------------------------------------------------------------

def test_r6_2_incomplete_package_gets_the_f2_1_receipt_listing_what_is_missing(
        client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER))
    number = _start(client_request)
    _fill(client_request, number, family=True)
    _documents(client_request, number, skip=("ground_proof", f"identity-{UNKNOWN_IIN}"))
    # an incomplete package cannot be accepted
    page = check_page(_finish(client_request, number, "accept", expect=422))
    assert "F2-1" in page.get_text()
    response = _finish(client_request, number, "refuse")
    page = check_page(client_request.client.get(response.headers["Location"]))
    case = _application(app, number)
    assert case.status is Status.REFUSED_ACCEPTANCE
    [receipt] = case.receipts
    assert receipt.kind is ReceiptKind.REFUSAL_TO_ACCEPT
    assert receipt.incomplete and not receipt.expired
    assert receipt.missing_documents == [f"identity-{UNKNOWN_IIN}", "ground_proof"]
    listed = [li.get_text(strip=True) for li in page.select("article.receipt ol li")]
    assert any("Қасымова Айгүл" in item for item in listed)  # the member's identity document
    assert len(listed) == 2


def test_r6_2_expired_document_gets_the_f2_1_receipt(client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.RURAL_AKIM))
    number = _start(client_request)
    _fill(client_request, number)
    _documents(client_request, number, expired=("ground_proof",))
    _finish(client_request, number, "refuse")
    case = _application(app, number)
    [receipt] = case.receipts
    assert receipt.expired and not receipt.incomplete
    assert receipt.expired_documents == ["ground_proof"] and receipt.missing_documents == []
    assert receipt.application_date == to_local(utcnow()).date()


def test_r6_2_a_complete_package_cannot_be_refused(client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER))
    number = _start(client_request)
    _fill(client_request, number)
    _documents(client_request, number)
    _finish(client_request, number, "refuse", expect=422)
    assert _application(app, number).status is Status.DRAFT


# -- the person, the steps, the times ----------------------------------------------------------------

def test_iin_search_is_a_post_and_the_iin_never_reaches_a_url(
        client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER))
    response = _post(client_request, "/staff/intake/", {"iin": IIN})
    assert IIN not in response.headers["Location"]
    page = client_request.get("staff.intake")
    search = page.select_one("form input[name=iin]")
    assert search is not None
    assert search.find_parent("form")["method"] == "post"
    # a GET with the IIN in the query finds nobody and starts nothing
    before = _count(app)
    client_request.client.get(f"/staff/intake/?iin={IIN}")
    assert _count(app) == before


def _count(app: Flask) -> int:
    with app.app_context():
        return len(db.session().scalars(select(Application.id)).all())


def test_r3_3_a_person_unknown_to_the_portal_is_created_from_the_register(
        client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER))
    with app.app_context():
        assert db.session().scalar(select(Citizen).where(Citizen.iin == IIN)) is None
    number = _start(client_request)
    with app.app_context():
        citizen = db.session().scalar(select(Citizen).where(Citizen.iin == IIN))
        assert citizen is not None and citizen.password_hash is None
    assert _application(app, number).applicant_surname


def test_an_iin_no_register_knows_is_refused_with_a_message_and_kept(
        client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER))
    response = _post(client_request, "/staff/intake/", {"iin": UNKNOWN_IIN}, expect=422)
    page = check_page(response)
    assert page.select_one(".error-summary") is not None
    assert page.select_one("input[name=iin]")["value"] == UNKNOWN_IIN


def test_a_step_with_errors_keeps_what_was_entered(client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER))
    number = _start(client_request)
    base = f"/staff/intake/{number}"
    _post(client_request, f"{base}/ground", {"offer": _offer(app, number, GroundCategory.ORPHAN),
                                             "capacity": "self"})
    response = _post(client_request, f"{base}/applicant", {
        "surname": "Қасымов", "given_name": "Бауыржан", "id_doc_number": "045678912",
        "addr_street": "Абай даңғылы", "iban": "KZ00 bad"}, expect=422)
    page = check_page(response)
    assert page.select_one("input[name=id_doc_number]")["value"] == "045678912"
    assert page.select_one("input[name=addr_street]")["value"] == "Абай даңғылы"
    assert page.title is not None and page.title.get_text().startswith(("Қате", "Error", "Ошибка"))
    # the ground step was saved: the draft is a paper F1 draft at this desk
    draft = _application(app, number)
    assert draft.status is Status.DRAFT and draft.ground is GroundCategory.ORPHAN
    assert draft.form is ApplicationForm.F1


def test_documents_shown_must_be_compared_with_the_original_l8(
        client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER))
    number = _start(client_request)
    _fill(client_request, number)
    url = f"/staff/intake/{number}/documents"
    response = _post(client_request, url, {f"identity-{IIN}-provided": "y",
                                           f"identity-{IIN}-sheets": "3"}, expect=422)
    page = check_page(response)
    assert page.select_one(f"input[name=identity-{IIN}-sheets]")["value"] == "3"


def test_l3_2_l3_3_the_ticket_and_service_times_are_stored(
        client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER))
    now = to_local(utcnow())
    ticket = (now - dt.timedelta(minutes=40)) if now.hour * 60 + now.minute >= 40 else now
    number = _start(client_request, ticket=ticket.strftime("%H:%M"))
    _fill(client_request, number)
    _documents(client_request, number)
    page = client_request.get("staff.intake_finish", number=number)
    if ticket != now:
        assert "30" in page.get_text()
    _finish(client_request, number, "accept")
    case = _application(app, number)
    assert case.queued_at is not None and case.service_started_at is not None
    assert case.service_ended_at is not None
    assert to_local(case.queued_at).strftime("%H:%M") == ticket.strftime("%H:%M")
    assert case.queued_at <= case.service_started_at <= case.service_ended_at
    [coupon] = case.receipts
    assert coupon.wait_seconds == int((case.service_started_at - case.queued_at).total_seconds())
    assert coupon.service_seconds == int(
        (case.service_ended_at - case.service_started_at).total_seconds())
    with app.app_context():
        event = db.session().scalar(select(Event).where(Event.action == "accept_paper"))
        assert event is not None and event.data["wait_seconds"] == coupon.wait_seconds


def test_a_ticket_time_in_the_future_is_refused(client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER))
    later = to_local(utcnow()) + dt.timedelta(minutes=5)
    if later.date() != to_local(utcnow()).date():
        pytest.skip("too close to midnight")
    _post(client_request, "/staff/intake/", {"iin": IIN, "ticket_time": later.strftime("%H:%M")},
          expect=422)


# -- who may see and do it ---------------------------------------------------------------------------

def test_another_districts_desk_cannot_see_the_draft(client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER))
    number = _start(client_request)
    client_request.login(_desk_staff(app, Channel.PROVIDER, district_code="other-district"))
    for step in ("ground", "applicant", "family", "registers", "documents", "consents",
                 "finish"):
        assert client_request.client.get(f"/staff/intake/{number}/{step}").status_code == 404
    assert number not in client_request.client.get("/staff/intake/").get_data(as_text=True)


def test_another_districts_official_cannot_open_a_receipt(client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER))
    number = _start(client_request)
    _fill(client_request, number)
    _documents(client_request, number)
    receipt_url = _finish(client_request, number, "accept").headers["Location"]
    assert client_request.client.get(receipt_url).status_code == 200
    client_request.login(_desk_staff(app, Channel.PROVIDER, district_code="other-district"))
    assert client_request.client.get(receipt_url).status_code == 404


def test_another_desk_of_the_district_does_not_see_the_draft(
        client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER))
    number = _start(client_request)
    client_request.login(_desk_staff(app, Channel.STATE_CORP))
    assert client_request.client.get(f"/staff/intake/{number}/ground").status_code == 404


@pytest.mark.parametrize("role", [Role.PRECINCT, Role.HEAD, Role.OPERATOR, Role.COMMISSION,
                                  Role.ADMIN], ids=str)
def test_roles_without_a_desk_cannot_intake(client_request: ClientRequest, role: Role) -> None:
    client_request.login_as(role)
    assert client_request.client.get("/staff/intake/").status_code == 403


def test_a_specialist_enters_at_the_provider_desk_but_only_intake_accepts_r6_1(
        client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER, role=Role.SPECIALIST))
    number = _start(client_request)
    _fill(client_request, number)
    _documents(client_request, number)
    page = client_request.get("staff.intake_finish", number=number)
    assert page.select_one("button[value=accept]") is None
    _finish(client_request, number, "accept", expect=422)
    assert _application(app, number).channel is Channel.PROVIDER


def test_every_intake_page_passes_the_page_checks_in_three_languages(
        client_request: ClientRequest) -> None:
    app = client_request.app
    client_request.login(_desk_staff(app, Channel.PROVIDER))
    number = _start(client_request)
    _fill(client_request, number)
    for language in ("kk", "ru", "en"):
        client_request.set_language(language)
        client_request.get("staff.intake")
        for step in ("ground", "applicant", "family", "registers", "documents", "consents",
                     "finish"):
            client_request.get(f"staff.intake_{step}", number=number)

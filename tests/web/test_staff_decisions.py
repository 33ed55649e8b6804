"""The case page's preliminary refusal, decision and notification (R15.1–R15.11, L5, L3.1):
each handler as htmx and as a plain POST, the roles, the head signing F5 with EDS, and the
print-and-hand-over list per district — on both databases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select

from portal import db
from portal.db import utcnow
from portal.domain.calendar import ALMATY, Channel, WorkingCalendar, to_local
from portal.domain.forms import NotificationChannel, NotificationStatus
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.workflow import Role, Status
from portal.models import (
    Application,
    District,
    HearingProtocol,
    Notification,
    Objection,
    StaffUser,
)
from portal.models.application import ApplicationForm
from portal.services import decisions
from portal.services import signing as signing_service
from portal.services.workdays import calendar
from signing import Holder
from tests.factories import create_staff
from tests.pages import ClientRequest, check_page
from tests.web.case_helpers import Office, act, make_office


def token(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


HEAD_IIN = "760212350620"
KEY_PASSWORD = "head-pass-9"
CAL = WorkingCalendar()


@pytest.fixture
def office(app: Flask) -> Office:
    return make_office(app)


def _login(client_request: ClientRequest, office: Office, role: Role,
           *, foreign: bool = False) -> None:
    table = office.foreign_staff if foreign else office.staff
    client_request.set_language("en")  # the assertions read the English messages
    client_request.login(StaffUser(id=table[role]))


def _staff(office: Office, role: Role) -> StaffUser:
    with office.app.app_context():
        staff = db.session().get(StaffUser, office.staff[role])
        assert staff is not None
        db.session().expunge(staff)
        return staff


def _hearing_fields() -> dict[str, str]:
    _first, last = decisions.hearing_window(utcnow(), CAL)
    return {"ground": "negative_conclusion", "reasons": "F4: the commission found no need",
            "hearing_date": last.isoformat(), "hearing_time": "11:00",
            "hearing_mode": "video_or_communication",
            "hearing_link": "https://meet.example/hearing"}


def _read(office: Office, number: str, what: Any) -> Any:
    """``what(application)`` read inside the app context (relations load lazily)."""
    with office.app.app_context():
        application = db.session().scalar(select(Application).where(Application.number == number))
        return what(application)


def _new_case(office: Office, channel: Channel = Channel.PROVIDER) -> str:
    number = office.case(Status.COMMISSION_CONCLUDED)
    if channel is Channel.PORTAL:
        with office.app.app_context():
            application = db.session().scalar(select(Application)
                                              .where(Application.number == number))
            assert application is not None
            application.channel, application.form = Channel.PORTAL, ApplicationForm.F1_1
            db.session().commit()
    return number


def _status(office: Office, number: str) -> Status:
    return office.application(number).status


def _text(response: Any) -> str:
    return " ".join(BeautifulSoup(response.get_data(as_text=True), "html.parser")
                    .get_text(" ", strip=True).split())


def _refused_case(office: Office, *, channel: Channel = Channel.PROVIDER,
                  days_ago: int = 20, hearing: bool = False) -> str:
    """A case whose preliminary refusal went out ``days_ago`` (by services, in the past): the
    notice reached the person the same day, and (``hearing``) the hearing was held."""
    number = _new_case(office, channel)
    cal = CAL
    start = to_local(utcnow()).date() - dt.timedelta(days=days_ago)
    while not cal.is_working_day(start):
        start -= dt.timedelta(days=1)
    issued = min(dt.datetime.combine(start, dt.time(10), tzinfo=ALMATY),
                 utcnow() - dt.timedelta(minutes=1))
    hearing_day = cal.add_working_days(start, 2)
    with office.app.app_context():
        s = db.session()
        application = s.scalar(select(Application).where(Application.number == number))
        specialist = s.get(StaffUser, office.staff[Role.SPECIALIST])
        assert application is not None and specialist is not None
        decisions.issue_preliminary_refusal(
            s, application, specialist, ground=RefusalGround.NEGATIVE_CONCLUSION,
            reasons="No need", hearing_at=dt.datetime.combine(hearing_day, dt.time(11),
                                                              tzinfo=ALMATY),
            mode=HearingMode.OTHER_MEANS, link=None, now=issued, cal=cal)
        if channel is not Channel.PORTAL:
            decisions.deliver_notice(s, application, specialist, via=NotificationChannel.PRINT,
                                     delivered_at=issued, now=issued, cal=cal)
        if hearing:
            held = dt.datetime.combine(hearing_day, dt.time(11), tzinfo=ALMATY)
            decisions.hold_hearing(s, application, specialist, held_at=held, text="Heard.",
                                   now=held, cal=cal)
    return number


# -- R15.1, R15.2 ---------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [False, True])
def test_r15_1_specialist_issues_the_preliminary_refusal(
        office: Office, client_request: ClientRequest, htmx: bool) -> None:
    number = office.case(Status.COMMISSION_CONCLUDED)
    _login(client_request, office, Role.SPECIALIST)
    response = act(client_request, number, "issue_preliminary_refusal", _hearing_fields(),
                   htmx=htmx)
    if htmx:
        assert response.status_code == 200
        assert response.headers["HX-Redirect"].endswith(f"/staff/cases/{number}")
    else:
        assert response.status_code == 303
    application = office.application(number)
    assert application.status is Status.PRELIMINARY_REFUSAL
    page = client_request.get("staff.case", number=number)
    assert "preliminary decision to refuse was made" in page.get_text(" ", strip=True)


@pytest.mark.parametrize("htmx", [False, True])
def test_r15_2_a_hearing_after_the_objection_window_is_refused_with_the_days(
        office: Office, client_request: ClientRequest, htmx: bool) -> None:
    number = office.case(Status.COMMISSION_CONCLUDED)
    _login(client_request, office, Role.SPECIALIST)
    first, last = decisions.hearing_window(utcnow(), CAL)
    fields = {**_hearing_fields(), "hearing_date": (last + dt.timedelta(days=7)).isoformat(),
              "reasons": "Kept reasons"}
    response = act(client_request, number, "issue_preliminary_refusal", fields, htmx=htmx)
    assert response.status_code == 422
    text = _text(response)
    assert first.strftime("%d.%m.%Y") in text and last.strftime("%d.%m.%Y") in text
    assert "Kept reasons" in response.get_data(as_text=True)  # what was entered stays
    if not htmx:
        check_page(response)
    assert _status(office, number) is Status.COMMISSION_CONCLUDED


def test_r15_1_only_a_specialist_issues_the_preliminary_refusal(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case(Status.COMMISSION_CONCLUDED)
    _login(client_request, office, Role.SPECIALIST)
    page = BeautifulSoup(client_request.client.get(f"/staff/cases/{number}")
                         .get_data(as_text=True), "html.parser")
    _login(client_request, office, Role.HEAD)
    response = act(client_request, number, "issue_preliminary_refusal", _hearing_fields(),
                   page=page)
    assert response.status_code == 403
    assert _status(office, number) is Status.COMMISSION_CONCLUDED


def test_r15_1_another_districts_case_is_a_404(office: Office,
                                               client_request: ClientRequest) -> None:
    number = office.case(Status.COMMISSION_CONCLUDED, foreign=True)
    _login(client_request, office, Role.SPECIALIST)
    html = client_request.client.get(client_request.url("staff.queue")).get_data(as_text=True)
    response = client_request.client.post(
        f"/staff/cases/{number}/actions/issue_preliminary_refusal",
        data={"csrf_token": token(html), "version": "1", "seen": "0", **_hearing_fields()})
    assert response.status_code == 404


# -- the notice, objections, the hearing, the protocol, remarks, resuming ----------------------

def test_r15_3_r15_4_r15_5_r15_6_paper_case_through_the_hearing_plain_and_htmx(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case(Status.COMMISSION_CONCLUDED)
    _login(client_request, office, Role.SPECIALIST)
    assert act(client_request, number, "issue_preliminary_refusal",
               _hearing_fields()).status_code == 303
    now = to_local(utcnow())
    earlier = now  # typed to the minute: the one the refusal was made in
    bad = act(client_request, number, "deliver_preliminary_notice",
              {"via": "print", "delivered_on": "31.02.2026", "delivered_time": "10:00"},
              htmx=True)
    assert bad.status_code == 422 and "day, month and year" in _text(bad)
    delivered = act(client_request, number, "deliver_preliminary_notice",
                    {"via": "print", "delivered_on": earlier.date().isoformat(),
                     "delivered_time": earlier.strftime("%H:%M")}, htmx=True)
    assert delivered.status_code == 200 and "HX-Redirect" in delivered.headers
    assert _read(office, number, lambda a: a.preliminary_decision.delivered_via) \
        is NotificationChannel.PRINT
    # R15.3: a paper objection (empty first: refused, nothing saved).
    assert act(client_request, number, "submit_objection", {"text": " "}).status_code == 422
    assert act(client_request, number, "submit_objection",
               {"text": "I object on paper"}).status_code == 303
    assert _status(office, number) is Status.OBJECTION_RECEIVED
    # R15.4: the hearing, with an oral objection written into the protocol.
    held = act(client_request, number, "hold_hearing",
               {"held_on": earlier.date().isoformat(), "held_time": earlier.strftime("%H:%M"),
                "text": "The applicant was heard.", "oral_objection": "Said so at the hearing"},
               htmx=True)
    assert held.status_code == 200, _text(held)
    with office.app.app_context():
        protocol = db.session().scalar(select(HearingProtocol))
        assert protocol is not None and "Said so at the hearing" in protocol.text
        assert protocol.made_by_id == office.staff[Role.SPECIALIST]
        oral = db.session().scalar(select(Objection).where(Objection.oral.is_(True)))
        assert oral is not None
    assert _status(office, number) is Status.HEARING_HELD
    # R15.5, R15.6: read at the office, then remarks on paper.
    assert act(client_request, number, "read_protocol", {}).status_code == 303
    assert _read(office, number, lambda a: a.hearing_protocol.read_at) is not None
    assert act(client_request, number, "submit_remarks", {"text": "Remarks"},
               htmx=True).status_code == 200
    # The ground fell away: resume (a reason is required).
    assert act(client_request, number, "resume_review", {"reason": ""}).status_code == 422
    assert act(client_request, number, "resume_review",
               {"reason": "The objection proved need"}).status_code == 303
    # Back to where the review stood by its records (this seeded case has only registration).
    assert _status(office, number) is Status.REGISTERED


def test_r15_1_the_case_page_says_the_notice_channel_and_the_ground_in_words(
        office: Office, client_request: ClientRequest) -> None:
    number = _refused_case(office)  # a paper case, its notice handed over on paper
    _login(client_request, office, Role.SPECIALIST)
    page = client_request.get("staff.case", number=number)
    text = page.get_text(" ", strip=True)
    assert "printed, to hand over" in text and ", print " not in text
    history = page.select_one(".case-history")
    assert history is not None
    assert "a negative conclusion of an examination" in history.get_text(" ", strip=True)
    assert "negative_conclusion" not in history.get_text(" ", strip=True)


# -- R15.7: the decision, signed by the head -------------------------------------------------

def test_r15_1_r15_3_a_refusal_before_the_windows_says_which_and_until_when(
        office: Office, client_request: ClientRequest) -> None:
    number = _refused_case(office, channel=Channel.PORTAL, days_ago=0)
    _login(client_request, office, Role.HEAD)
    page = client_request.get("staff.case", number=number)
    assert "A decision is possible from" in page.get_text(" ", strip=True)
    for htmx in (True, False):
        response = act(client_request, number, "decide_refuse",
                       {"ground": "negative_conclusion", "reasons": "No need"}, htmx=htmx)
        assert response.status_code == 422
        text = _text(response)
        assert "R15.3" in text or "R15.1" in text
        assert "A decision is possible from" in text
    assert _status(office, number) is Status.PRELIMINARY_REFUSAL


def _enrol_head(office: Office) -> int:
    with office.app.app_context():
        s = db.session()
        district = s.get(District, office.district_id)
        assert district is not None
        head = create_staff(s, district, Role.HEAD, iin=HEAD_IIN, full_name="Нұрланова Сәуле",
                            position="Бөлім басшысы")
        s.commit()
        signing_service.context().signer("keyfile").enroll(  # type: ignore[attr-defined]
            Holder(iin=HEAD_IIN, surname="НҰРЛАНОВА", name="СӘУЛЕ", position="Бөлім басшысы",
                   organisation="ТЕСТ әкімдігі", bin="990340001234"), KEY_PASSWORD)
        return head.id


@pytest.mark.parametrize("htmx", [False, True])
def test_r15_7_l5_head_signs_a_refusal_and_it_goes_onto_the_print_list(
        office: Office, client_request: ClientRequest, htmx: bool) -> None:
    number = _refused_case(office, hearing=True)
    head_id = _enrol_head(office)
    client_request.set_language("en")
    client_request.login(StaffUser(id=head_id))
    response = act(client_request, number, "decide_refuse",
                   {"ground": "negative_conclusion", "reasons": "No need, heard"}, htmx=htmx)
    target = f"/staff/cases/{number}/decision/sign"
    if htmx:
        assert response.headers["HX-Redirect"] == target
    else:
        assert response.status_code == 303 and response.headers["Location"] == target
    page = client_request.get_url(target)
    assert "No need, heard" in page.get_text(" ", strip=True)
    started = client_request.client.post(target, data={"csrf_token": token(str(page)),
                                                       "signer": "keyfile"})
    assert started.status_code == 200
    panel = BeautifulSoup(started.get_data(as_text=True), "html.parser")
    challenge = panel.select_one("input[name=challenge_id]")
    assert challenge is not None
    complete = f"/staff/cases/{number}/decision/complete"
    wrong = client_request.client.post(complete, data={
        "csrf_token": token(str(panel)), "challenge_id": challenge["value"],
        "password": "wrong-password-1"})
    assert wrong.status_code == 422 and _status(office, number) is Status.HEARING_HELD
    done = client_request.client.post(complete, data={
        "csrf_token": token(str(panel)), "challenge_id": challenge["value"],
        "password": KEY_PASSWORD})
    assert done.status_code == 303, _text(done)
    application = office.application(number)
    assert application.status is Status.REFUSED
    with office.app.app_context():
        from portal.models import Decision
        decision = db.session().scalar(select(Decision))
        assert decision is not None and decision.signature_id is not None
        assert decision.number.endswith("/00001") and decision.head_id == head_id
        rows = list(db.session().scalars(select(Notification)))
        # A paper case without a registered phone: printed and handed over (R15.10).
        assert [(n.channel, n.status) for n in rows] == [
            (NotificationChannel.PRINT, NotificationStatus.PENDING)]
    # The print list of the district, linked from the queue: the intake desk hands it over
    # (L3.1: the result).
    _login(client_request, office, Role.INTAKE)
    queue = client_request.get("staff.queue")
    assert queue.select_one(f"a[href='{client_request.url('staff.print_list')}']") is not None
    listed = client_request.get("staff.print_list")
    assert number in listed.get_text(" ", strip=True)
    form = listed.select_one("table form")
    assert form is not None
    handed = client_request.client.post(str(form["action"]),
                                        data={"csrf_token": token(str(listed))})
    assert handed.status_code == 303
    application = office.application(number)
    assert application.status is Status.NOTIFIED and application.result_issued_at is not None
    after = client_request.get("staff.print_list")
    assert after.select_one("table") is None  # the flash names it; the list is empty


def test_r15_7_only_the_head_decides(office: Office, client_request: ClientRequest) -> None:
    number = office.case(Status.COMMISSION_CONCLUDED)
    _login(client_request, office, Role.SPECIALIST)
    page = BeautifulSoup(client_request.client.get(f"/staff/cases/{number}")
                         .get_data(as_text=True), "html.parser")
    assert page.select_one("#action-decide_grant") is None
    html = str(page)
    response = client_request.client.post(
        f"/staff/cases/{number}/actions/decide_grant",
        data={"csrf_token": token(html), "version": str(office.application(number).version),
              "seen": "0", "amount": "45000", "frequency": "monthly",
              "paid_from": "2026-12-01"})
    assert response.status_code == 403
    # The signing pages are the head's alone.
    assert client_request.client.get(f"/staff/cases/{number}/decision/sign").status_code in {
        403, 404}


@pytest.mark.parametrize("htmx", [False, True])
def test_r15_7_grant_form_errors_keep_what_was_entered(
        office: Office, client_request: ClientRequest, htmx: bool) -> None:
    number = office.case(Status.COMMISSION_CONCLUDED)
    _login(client_request, office, Role.HEAD)
    response = act(client_request, number, "decide_grant",
                   {"amount": "-5", "frequency": "monthly", "paid_from": "soon"}, htmx=htmx)
    assert response.status_code == 422
    text = _text(response)
    assert "more than 0" in text and "day, month and year" in text
    assert 'value="soon"' in response.get_data(as_text=True)


def test_r15_11_r15_8_portal_grant_signed_reaches_the_cabinet_at_once(
        office: Office, client_request: ClientRequest) -> None:
    number = _new_case(office, Channel.PORTAL)
    head_id = _enrol_head(office)
    client_request.set_language("en")
    client_request.login(StaffUser(id=head_id))
    response = act(client_request, number, "decide_grant",
                   {"amount": "45 000", "frequency": "monthly", "paid_from": "2026-12-01"})
    assert response.status_code == 303
    page = client_request.get_url(response.headers["Location"])
    started = client_request.client.post(response.headers["Location"],
                                         data={"csrf_token": token(str(page)),
                                               "signer": "keyfile"})
    panel = BeautifulSoup(started.get_data(as_text=True), "html.parser")
    challenge = panel.select_one("input[name=challenge_id]")
    assert challenge is not None
    done = client_request.client.post(f"/staff/cases/{number}/decision/complete", data={
        "csrf_token": token(str(panel)), "challenge_id": challenge["value"],
        "password": KEY_PASSWORD})
    assert done.status_code == 303
    application = office.application(number)
    assert application.status is Status.NOTIFIED and application.result_issued_at is not None
    with office.app.app_context():
        rows = list(db.session().scalars(select(Notification)))
        assert [(n.channel.value, n.form.value, n.status.value) for n in rows] == [
            ("cabinet", "F6", "sent")]
        assert rows[0].signature_id is not None


# -- R15.10: the print list per district -----------------------------------------------------

def test_r15_10_print_list_is_per_district_and_for_the_desks(
        office: Office, client_request: ClientRequest) -> None:
    number = _refused_case(office, hearing=True)
    with office.app.app_context():
        s = db.session()
        application = s.scalar(select(Application).where(Application.number == number))
        head = s.get(StaffUser, office.staff[Role.HEAD])
        assert application is not None and head is not None
        head.iin = HEAD_IIN
        from portal.models import Signature
        signature = Signature(application_id=application.id, document_kind="decision",
                              signer_iin=HEAD_IIN, signer_role="head", certificate_serial="1",
                              document=b"{}", document_digest="0" * 64, envelope="x",
                              verification_code="code-print-list")
        s.add(signature)
        s.commit()
        decisions.decide(s, application, head, decisions.DecisionDraft(
            granted=False, refusal_ground=RefusalGround.NEGATIVE_CONCLUSION, reasons="x"),
            number="X/1", signature=signature, now=utcnow(), cal=calendar())
    # NOTIFY by a specialist on the case page makes the printed notification.
    _login(client_request, office, Role.SPECIALIST)
    assert act(client_request, number, "notify", {}, htmx=True).status_code == 200
    with office.app.app_context():
        row = db.session().scalar(select(Notification))
        assert row is not None and row.channel is NotificationChannel.PRINT
        row_id = row.id
    # Another district's desk sees nothing and cannot hand it over.
    _login(client_request, office, Role.INTAKE, foreign=True)
    listed = client_request.get("staff.print_list")
    assert number not in listed.get_text(" ", strip=True)
    assert client_request.client.post(f"/staff/print-list/{row_id}/handed", data={
        "csrf_token": token(str(listed))}).status_code == 404
    # Roles without the duty do not reach the list.
    for role in (Role.PRECINCT, Role.COMMISSION, Role.HEAD):
        _login(client_request, office, role)
        assert client_request.client.get("/staff/print-list").status_code in {403, 404}
    # The district's specialist records the hand-over from the case page (NOTIFY again).
    _login(client_request, office, Role.SPECIALIST)
    assert act(client_request, number, "notify", {}).status_code == 303
    assert _status(office, number) is Status.NOTIFIED


def test_r15_1_r15_4_bad_input_gets_messages_never_a_500(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case(Status.COMMISSION_CONCLUDED)
    _login(client_request, office, Role.SPECIALIST)
    for junk in ({"ground": "x", "hearing_mode": "y", "hearing_date": "0001-01-01",
                  "hearing_time": "99:99", "reasons": "r" * 5000},
                 {"hearing_date": "9999-12-31", "hearing_time": "10:00",
                  "ground": "negative_conclusion", "hearing_mode": "other_means",
                  "reasons": "x", "hearing_link": "javascript:alert(1)"},
                 {}):
        response = act(client_request, number, "issue_preliminary_refusal", junk, htmx=True)
        assert response.status_code == 422, junk
    assert act(client_request, number, "issue_preliminary_refusal",
               _hearing_fields()).status_code == 303
    for action, junk in (
            ("deliver_preliminary_notice", {"via": "cabinet", "delivered_on": "2026-01-01",
                                            "delivered_time": "10:00"}),
            ("deliver_preliminary_notice", {"via": "print", "delivered_on": "0001-01-01",
                                            "delivered_time": "00:00"}),
            ("hold_hearing", {"held_on": "2100-01-01", "held_time": "10:00", "text": "x"}),
            ("hold_hearing", {"held_on": "", "held_time": "", "text": ""})):
        response = act(client_request, number, action, junk)
        assert response.status_code == 422, (action, junk)
    _login(client_request, office, Role.HEAD)
    response = act(client_request, number, "decide_refuse", {"ground": "nope", "reasons": ""})
    assert response.status_code == 422


def test_r15_7_a_case_changed_while_the_head_signs_is_not_decided(
        office: Office, client_request: ClientRequest) -> None:
    number = _refused_case(office, hearing=True)
    head_id = _enrol_head(office)
    client_request.set_language("en")
    client_request.login(StaffUser(id=head_id))
    response = act(client_request, number, "decide_refuse",
                   {"ground": "negative_conclusion", "reasons": "No need"})
    page = client_request.get_url(response.headers["Location"])
    started = client_request.client.post(response.headers["Location"], data={
        "csrf_token": token(str(page)), "signer": "keyfile"})
    panel = BeautifulSoup(started.get_data(as_text=True), "html.parser")
    challenge = panel.select_one("input[name=challenge_id]")
    assert challenge is not None
    with office.app.app_context():  # meanwhile a specialist resumes the review
        s = db.session()
        application = s.scalar(select(Application).where(Application.number == number))
        specialist = s.get(StaffUser, office.staff[Role.SPECIALIST])
        assert application is not None and specialist is not None
        decisions.resume(s, application, specialist, reason="New income certificate",
                         now=utcnow(), cal=CAL)
    done = client_request.client.post(f"/staff/cases/{number}/decision/complete", data={
        "csrf_token": token(str(panel)), "challenge_id": challenge["value"],
        "password": KEY_PASSWORD})
    assert done.status_code == 303
    assert _status(office, number) is Status.REGISTERED
    with office.app.app_context():
        from portal.models import Decision
        assert db.session().scalar(select(Decision)) is None


def test_r15_7_the_head_may_sign_on_the_phone_instead(
        office: Office, client_request: ClientRequest) -> None:
    number = _new_case(office)
    head_id = _enrol_head(office)
    with office.app.app_context():
        signing_service.context().signer("mobile").enroll(  # type: ignore[attr-defined]
            Holder(iin=HEAD_IIN, surname="НҰРЛАНОВА", name="СӘУЛЕ", position="Бөлім басшысы",
                   organisation="ТЕСТ әкімдігі", bin="990340001234"), "58142037")
    client_request.set_language("en")
    client_request.login(StaffUser(id=head_id))
    response = act(client_request, number, "decide_grant",
                   {"amount": "45000", "frequency": "monthly", "paid_from": "2026-12-01"})
    page = client_request.get_url(response.headers["Location"])
    assert [str(i["value"]) for i in page.select("input[name=signer]")] == ["keyfile", "mobile"]
    started = client_request.client.post(response.headers["Location"], data={
        "csrf_token": token(str(page)), "signer": "mobile"})
    assert started.status_code == 200
    panel = BeautifulSoup(started.get_data(as_text=True), "html.parser")
    assert panel.select_one(".qr svg") is not None
    assert _status(office, number) is Status.COMMISSION_CONCLUDED  # nothing decided yet


# -- a retry after the request died (#14; integration/test_fault_decision.py kills real workers) --

def _grant_signing(office: Office, client_request: ClientRequest) -> tuple[str, dict[str, str]]:
    """A portal case with the head's grant begun with the key file: the number and the form of
    the final POST (with the head's password)."""
    number = _new_case(office, Channel.PORTAL)
    head_id = _enrol_head(office)
    client_request.set_language("en")
    client_request.login(StaffUser(id=head_id))
    response = act(client_request, number, "decide_grant",
                   {"amount": "45 000", "frequency": "monthly", "paid_from": "2026-12-01"})
    page = client_request.get_url(response.headers["Location"])
    started = client_request.client.post(response.headers["Location"], data={
        "csrf_token": token(str(page)), "signer": "keyfile"})
    panel = BeautifulSoup(started.get_data(as_text=True), "html.parser")
    challenge = panel.select_one("input[name=challenge_id]")
    assert challenge is not None
    return number, {"csrf_token": token(str(panel)), "challenge_id": str(challenge["value"]),
                    "password": KEY_PASSWORD}


def _decided_once(office: Office, number: str) -> list[Any]:
    """One decision, one signature, one notification, one of each event; the signatures."""
    from portal.models import Decision, Event, Signature

    with office.app.app_context():
        s = db.session()
        application = s.scalar(select(Application).where(Application.number == number))
        assert application is not None and application.status is Status.NOTIFIED
        signatures = list(s.scalars(select(Signature).where(
            Signature.application_id == application.id, Signature.document_kind == "decision")))
        actions = list(s.scalars(select(Event.action).where(
            Event.application_id == application.id,
            Event.action.in_(["decide_grant", "notify"]))))
        assert len(signatures) == 1 and sorted(actions) == ["decide_grant", "notify"]
        assert len(list(s.scalars(select(Decision)))) == 1
        assert len(application.notifications) == 1
        s.expunge_all()
        return signatures


def test_r15_7_a_retry_after_the_key_file_exchange_was_used_up_decides_with_a_new_one(
        office: Office, client_request: ClientRequest) -> None:
    """A request that died after the signer took the password, before the signature was stored,
    used the single-use exchange up: the head's retry begins a new one for the same F5 bytes
    instead of sending them back to fill in the decision again."""
    number, form = _grant_signing(office, client_request)
    with office.app.app_context():
        signing_service.context().signer("keyfile").complete(form["challenge_id"], KEY_PASSWORD)
    done = client_request.client.post(f"/staff/cases/{number}/decision/complete", data=form)
    assert done.status_code == 303, _text(done)
    assert "was signed and the notification sent" in _text(
        client_request.client.get(done.headers["Location"]))
    [signature] = _decided_once(office, number)
    assert signature.challenge_id != form["challenge_id"]


def test_r15_7_a_retry_after_the_decision_was_recorded_makes_only_the_notification(
        office: Office, client_request: ClientRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The request recorded the decision and died before the notification: the retry with the
    same form is not told the case changed — the same signed bytes made the decision, so only
    the notification is made."""
    from portal.services import notifications

    number, form = _grant_signing(office, client_request)
    real = notifications.issue

    def dies(*_args: object, **_kwargs: object) -> None:
        raise SystemExit("the worker dies here")

    monkeypatch.setattr(notifications, "issue", dies)
    with pytest.raises(SystemExit):
        client_request.client.post(f"/staff/cases/{number}/decision/complete", data=form)
    assert _status(office, number) is Status.GRANTED
    monkeypatch.setattr(notifications, "issue", real)
    done = client_request.client.post(f"/staff/cases/{number}/decision/complete", data=form)
    assert done.status_code == 303, _text(done)
    assert "was signed and the notification sent" in _text(
        client_request.client.get(done.headers["Location"]))
    _decided_once(office, number)

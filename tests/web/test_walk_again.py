"""What the second cold walk through the portal found: each fix with the test that showed it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from portal import db
from portal.domain.calendar import Channel
from portal.domain.workflow import Role, Status
from portal.models import Citizen, Decision
from tests.factories import create_application
from tests.pages import ClientRequest, check_page
from tests.web.lookup_helpers import IIN, csrf, make_case

PAST = {
    "term_started_on": dt.date(2025, 3, 3),
    "registered_on": dt.date(2025, 3, 3),
    "submitted_at": dt.datetime(2025, 3, 3, 5, tzinfo=dt.UTC),
    "result_due_on": dt.date(2025, 3, 13),
}


def _text(node: object) -> str:
    assert node is not None
    return " ".join(node.get_text().split())  # type: ignore[attr-defined]


def _status_answer(app: Flask) -> Any:
    """The public lookup's answer, in English, for the lookup helpers' case."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    data = {"csrf_token": csrf(client, "/status"), "number": "SA-2026-K4PQ-9TXM", "factor": IIN}
    return check_page(client.post("/status", data=data))


def test_l3_1_the_status_lookup_marks_a_past_next_step_and_result_date_overdue(app: Flask) -> None:
    make_case(app, **PAST)
    page = _status_answer(app)
    assert _text(page.select_one(".status-due")) == "was due on 13.03.2025, overdue"
    assert "overdue" in _text(page.select_one(".status-next"))
    assert page.select_one(".status-due strong.overdue") is not None


def test_l3_1_a_future_result_date_is_shown_plainly(app: Flask) -> None:
    make_case(app, result_due_on=dt.date.today() + dt.timedelta(days=30))
    page = _status_answer(app)
    assert "overdue" not in _text(page.select_one(".status-due"))


def test_l3_1_the_operator_sees_past_dates_as_overdue(app: Flask, client_request: ClientRequest) -> None:
    make_case(app, **PAST)
    client_request.login_as(Role.OPERATOR)
    client = client_request.client
    client.set_cookie("lang", "en")
    page = check_page(
        client.post(
            "/operator/", data={"csrf_token": csrf(client, "/operator/"), "query": IIN, "reason": "call"}
        )
    )
    facts = _text(page.select_one(".case-summary dl.facts"))
    assert "was due on 13.03.2025, overdue" in facts
    assert "overdue" in _text(page.select_one(".case-summary ul.deadlines"))


def _own_past_case(client_request: ClientRequest) -> str:
    """A citizen signed in (English pages) with an application of their own whose dates have
    passed; its number."""
    citizen = client_request.login_as("citizen")
    client_request.client.set_cookie("lang", "en")
    with client_request.app.app_context():
        s = db.session()
        number = create_application(s, citizen=s.get(Citizen, citizen.id), **PAST).number
        s.commit()
    return number


def test_l3_1_the_cabinet_list_and_the_application_page_mark_a_past_result_date_overdue(
    client_request: ClientRequest,
) -> None:
    number = _own_past_case(client_request)
    cabinet = client_request.get("citizen.cabinet")
    card = _text(cabinet.select_one(".card-list .card"))
    assert "the result was due on 13.03.2025, overdue" in card
    assert "Next:" in card and card.count("overdue") == 2
    page = client_request.get("citizen.application", number=number)
    assert "was due on 13.03.2025, overdue" in _text(page.select_one("dl.facts"))


def _notify(session: Session, decision: Decision, **fields: Any) -> None:
    """The notification of ``decision`` (F6 for a grant, F7 for a refusal)."""
    from portal.domain.forms import NotificationForm
    from portal.models import Notification

    session.add(decision)
    session.flush()
    session.add(
        Notification(
            application_id=decision.application_id,
            decision_id=decision.id,
            decision_granted=decision.granted,
            form=NotificationForm.F6 if decision.granted else NotificationForm.F7,
            assistance_type="low_income",
            responsible_name="Нұрланова Сәуле",
            responsible_position="Бөлім басшысы",
            **fields,
        )
    )


def _notice_sealed_with_its_decisions_signature(app: Flask) -> tuple[str, str, int]:
    """A granted case whose notification F6 carries the decision's signature, as
    services.notifications builds it."""
    from portal.domain.forms import Frequency, NotificationChannel, NotificationStatus
    from tests.form_cases import signature

    with app.app_context():
        s = db.session()
        application = create_application(s, status=Status.NOTIFIED)
        sealed = signature(s, application, "decision", "head")
        decision = Decision(
            application_id=application.id,
            number="Ш-77",
            decided_on=dt.date(2026, 11, 20),
            granted=True,
            amount_tiyn=4_325_000,
            frequency=Frequency.ONE_OFF,
            paid_from=dt.date(2026, 11, 20),
            signature_id=sealed.id,
        )
        _notify(
            s,
            decision,
            channel=NotificationChannel.CABINET,
            status=NotificationStatus.SENT,
            created_at=dt.datetime(2026, 11, 23, 4, tzinfo=dt.UTC),
            sent_at=dt.datetime(2026, 11, 23, 4, tzinfo=dt.UTC),
            signature_id=sealed.id,
        )
        s.commit()
        return str(sealed.short_code), application.number, application.id


def test_l5_the_verify_page_of_a_notification_names_the_notice_sealed_by_its_decision(app: Flask) -> None:
    code, _number, _id = _notice_sealed_with_its_decisions_signature(app)
    client = app.test_client()
    client.set_cookie("lang", "en")
    page = check_page(client.get(f"/verify/{code}?form=F6"))
    assert "(form F6)" in _text(page.select_one(".verify-form-name"))
    sealed = _text(page.select_one(".verify-sealed-by"))
    assert "(form F5)" in sealed and "Ш-77" in sealed and "20.11.2026" in sealed
    # The upload form on that page keeps naming the notice.
    assert page.select_one("form[action$='?form=F6']") is not None
    # The decision's own code, or a form no notice of it has, still names the decision.
    for url in (f"/verify/{code}", f"/verify/{code}?form=F7", f"/verify/{code}?form=x"):
        other = check_page(client.get(url))
        assert "(form F5)" in _text(other.select_one(".verify-form-name"))
        assert other.select_one(".verify-sealed-by") is None


def test_l5_the_notifications_qr_code_and_pdf_keywords_name_the_notice(app: Flask) -> None:
    from portal.documents import forms
    from portal.models import Application

    code, _number, application_id = _notice_sealed_with_its_decisions_signature(app)
    with app.test_request_context():
        s = db.session()
        application = s.get(Application, application_id)
        assert application is not None
        document = forms.f6(s, application, "en")
        assert document is not None and document.seal is not None
        assert document.seal.url is not None and document.seal.url.endswith(f"/verify/{code}?form=F6")
        assert document.seal.keywords.endswith("form:F6")
        decision = forms.f5(s, application, "en")
        assert decision is not None and decision.seal is not None
        assert decision.seal.url is not None and decision.seal.url.endswith(f"/verify/{code}")


def test_r15_10_l3_1_the_print_list_gives_the_result_date_not_the_nearest_duty(
    client_request: ClientRequest,
) -> None:
    from portal.domain.forms import NotificationChannel, NotificationStatus
    from portal.models import District, StaffUser

    staff = client_request.login_as(Role.SPECIALIST)
    assert isinstance(staff, StaffUser)
    client_request.client.set_cookie("lang", "en")
    with client_request.app.app_context():
        s = db.session()
        application = create_application(
            s,
            district=s.get(District, staff.district_id),
            status=Status.REFUSED,
            result_due_on=dt.date(2025, 3, 13),
            next_due_on=dt.date(2025, 3, 11),
        )
        decision = Decision(
            application_id=application.id,
            number="Ш-78",
            decided_on=dt.date(2025, 3, 10),
            granted=False,
            refusal_ground="negative_conclusion",
        )
        _notify(s, decision, channel=NotificationChannel.PRINT, status=NotificationStatus.PENDING)
        s.commit()
    page = client_request.get("staff.print_list")
    assert _text(page.select_one("td.result-due")) == "was due on 13.03.2025, overdue"


def test_a_get_on_a_post_only_signing_address_goes_to_the_steps_page_not_405(
    client_request: ClientRequest,
) -> None:
    client_request.login_as("citizen")
    client = client_request.client
    for path, landing in (
        ("/cabinet/applications/SA-1/objection/sign", "/cabinet/applications/SA-1/objection"),
        ("/cabinet/applications/SA-1/remarks/sign", "/cabinet/applications/SA-1/remarks"),
        ("/cabinet/applications/SA-1/sign", "/cabinet/applications/SA-1/check"),
        ("/cabinet/applications/SA-1/protocol/read", "/cabinet/applications/SA-1"),
        ("/cabinet/applications/SA-1/withdraw", "/cabinet/applications/SA-1"),
        ("/staff/cases/SA-1/actions/notify", "/staff/cases/SA-1"),
        ("/staff/cases/SA-1/decision/complete", "/staff/cases/SA-1/decision/sign"),
        ("/staff/cases/SA-1/assign", "/staff/cases/SA-1"),
        ("/staff/print-list/7/handed", "/staff/print-list"),
        ("/files/7/remove", "/"),  # never on to a file's download by walking up
    ):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"] == landing, path


def test_a_get_on_a_post_only_address_goes_back_to_the_same_site_page_it_came_from(
    client_request: ClientRequest,
) -> None:
    client_request.login_as("citizen")
    client = client_request.client
    came_from = "http://localhost/cabinet/applications/SA-1/objection?x=1"
    response = client.get("/cabinet/applications/SA-1/objection/sign", headers={"Referer": came_from})
    assert response.headers["Location"] == "/cabinet/applications/SA-1/objection?x=1"
    for foreign in ("https://evil.example/cabinet/", "http://localhost//evil.example/"):
        response = client.get("/cabinet/applications/SA-1/sign", headers={"Referer": foreign})
        assert response.headers["Location"] == "/cabinet/applications/SA-1/check", foreign


def test_the_staff_header_names_who_is_signed_in_their_role_and_desk(client_request: ClientRequest) -> None:
    staff = client_request.login_as(Role.INTAKE)
    client_request.client.set_cookie("lang", "en")
    page = client_request.get("staff.queue")
    who = _text(page.select_one("header .staff-who"))
    assert f"Signed in: {staff.full_name}" in who  # type: ignore[union-attr]
    assert "Intake specialist" in who and "district department" in who
    # A public page (it may be cached) names nobody.
    assert client_request.get("public.index").select_one(".staff-who") is None
    # A citizen's pages say nothing of the kind.
    client_request.login_as("citizen")
    assert client_request.get("citizen.cabinet").select_one(".staff-who") is None


def test_r11_2_a_desk_case_on_the_disease_ground_gets_no_income_action(
    app: Flask, client_request: ClientRequest
) -> None:
    from portal.domain.grounds import GroundCategory
    from portal.models import StaffUser
    from tests.web.case_helpers import make_office

    office = make_office(app)
    number = office.case(Status.REGISTERED, ground=GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE)
    client_request.login(StaffUser(id=office.staff[Role.SPECIALIST]))
    client_request.client.set_cookie("lang", "en")
    page = client_request.get("staff.case", number=number)
    assert page.select_one("#action-compute_income") is None
    assert page.select_one("#action-submit_to_commission") is not None  # the route goes on
    token = page.select_one("input[name=csrf_token]")
    assert token is not None
    response = client_request.client.post(
        f"/staff/cases/{number}/actions/compute_income",
        data={"csrf_token": token["value"], "version": "1", "seen": "0"},
    )
    assert response.status_code == 403
    assert "(R11.2)" in _text(check_page(response).select_one("[role=alert]"))
    assert office.application(number).status is Status.REGISTERED


def test_what_was_sent_says_nothing_yet_rather_than_an_empty_list(
    client_request: ClientRequest,
) -> None:
    number = _own_past_case(client_request)
    page = client_request.get("citizen.application", number=number)
    heading = page.select_one("h2#sent")
    assert heading is not None
    after = heading.find_next_sibling()
    assert after is not None and after.name == "p" and _text(after) == "Nothing yet."
    assert not [ul for ul in page.select("ul") if not ul.select("li")]


def test_what_was_sent_on_a_paper_application_says_it_was_handed_in_on_paper(
    client_request: ClientRequest,
) -> None:
    citizen = client_request.login_as("citizen")
    with client_request.app.app_context():
        s = db.session()
        number = create_application(s, citizen=s.get(Citizen, citizen.id),
                                    channel=Channel.PROVIDER, **PAST).number
        s.commit()
    page = client_request.get("citizen.application", number=number)
    said = _text(page.select_one("p.sent-none"))
    assert said.startswith("Өтінішіңізді қағаз түрінде қабылдау орнында тапсырдыңыз"), said


def test_a_document_named_on_a_kazakh_page_is_named_in_russian_on_a_russian_page(
    client_request: ClientRequest,
) -> None:
    from portal.db import utcnow
    from portal.domain.package import DocumentKind
    from portal.models import DocumentFile, Statement
    from tests.factories import create_document

    citizen = client_request.login_as("citizen")
    client_request.client.set_cookie("lang", "ru")
    with client_request.app.app_context():
        s = db.session()
        application = create_application(s, citizen=s.get(Citizen, citizen.id), **PAST)
        for kind, title, statement in (
            (DocumentKind.IDENTITY, "Жеке басын куәландыратын құжат — Қасымова Гүлнұр", None),
            (DocumentKind.OTHER, "Қарсылыққа қосымшалар", Statement.OBJECTION),
            (DocumentKind.OTHER, "Справка с работы, своими словами", None),
        ):
            document = create_document(
                s,
                application,
                kind=kind,
                title=title,
                statement=statement,
                sealed_at=utcnow() if statement else None,
            )
            s.add(
                DocumentFile(
                    document_id=document.id,
                    original_name="scan.pdf",
                    storage_key=f"k-{document.id}",
                    content_type="application/pdf",
                    size_bytes=1,
                    sha256="0" * 64,
                )
            )
        number = application.number
        s.commit()
    page = client_request.get("citizen.application", number=number)
    sent = [_text(li) for li in page.select("ul.sent-list li")]
    assert "Документ, удостоверяющий личность — Қасымова Гүлнұр — scan.pdf" in sent
    assert "Приложения к возражению — scan.pdf" in sent
    assert "Справка с работы, своими словами — scan.pdf" in sent  # typed by a person: as typed

"""An objection (R15.3) and remarks on the protocol (R15.6) the person handed in on paper, entered
by a specialist on the back office's case page, are the person's own statements: the cabinet's
application page lists them under "What was sent" and in the refusal's sections, marked as
received on paper at the department with the time they were entered and the text as entered, and
the timeline says so — in Kazakh and Russian (issue #10). An oral objection stays the hearing's."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal import db
from portal.db import utcnow
from portal.domain.calendar import WorkingCalendar, to_local
from portal.domain.workflow import Role, Status
from portal.models import Application, Citizen, Objection, Remark, StaffUser
from portal.services import decisions
from portal.views.citizen.case import minute
from tests.factories import create_citizen
from tests.pages import ClientRequest, check_page
from tests.web.case_helpers import Office, act, make_office

OBJECTION = "Табыс дұрыс есептелмеген: ұлым қазаннан бері жұмыс істемейді."
REMARKS = "Хаттамада менің анықтамам туралы айтылмаған."
ORAL = "Said so at the hearing"


@pytest.fixture
def office(app: Flask) -> Office:
    return make_office(app)


def _person(app: Flask, iin: str) -> Citizen:
    with app.app_context():
        person = create_citizen(db.session(), iin=iin, confirmed_at=utcnow())
        db.session().commit()
        db.session().expunge(person)
        return person


def _paper_case(office: Office, client_request: ClientRequest, citizen: Citizen) -> str:
    """The person's case taken by a specialist through the back office's forms: a preliminary
    refusal, its notice handed over, an objection on paper, the hearing with an oral objection,
    the protocol read at the office, remarks on paper."""
    number = office.case(Status.COMMISSION_CONCLUDED, citizen=citizen)
    client_request.set_language("en")
    client_request.login(StaffUser(id=office.staff[Role.SPECIALIST]))
    _first, last = decisions.hearing_window(utcnow(), WorkingCalendar())
    assert act(client_request, number, "issue_preliminary_refusal", {
        "ground": "negative_conclusion", "reasons": "F4: the commission found no need",
        "hearing_date": last.isoformat(), "hearing_time": "11:00",
        "hearing_mode": "video_or_communication",
        "hearing_link": "https://meet.example/hearing"}).status_code == 303
    now = to_local(utcnow())
    assert act(client_request, number, "deliver_preliminary_notice", {
        "via": "print", "delivered_on": now.date().isoformat(),
        "delivered_time": now.strftime("%H:%M")}).status_code == 303
    assert act(client_request, number, "submit_objection", {"text": OBJECTION}).status_code == 303
    assert act(client_request, number, "hold_hearing", {
        "held_on": now.date().isoformat(), "held_time": now.strftime("%H:%M"),
        "text": "The applicant was heard.", "oral_objection": ORAL}).status_code == 303
    assert act(client_request, number, "read_protocol", {}).status_code == 303
    assert act(client_request, number, "submit_remarks", {"text": REMARKS}).status_code == 303
    return number


def _rows(page: BeautifulSoup, selector: str) -> list[str]:
    return [" ".join(row.get_text(" ").split()) for row in page.select(selector)]


def test_r15_3_r15_6_paper_statements_are_listed_as_the_persons_own_marked_paper_kk_ru(
        app: Flask, office: Office, client_request: ClientRequest) -> None:
    citizen = _person(app, "900101350229")
    number = _paper_case(office, client_request, citizen)
    with app.app_context():
        session = db.session()
        application = session.scalar(select(Application).where(Application.number == number))
        assert application is not None and application.status is Status.HEARING_HELD
        paper = session.scalar(select(Objection).where(Objection.oral.is_(False)))
        remark = session.scalar(select(Remark))
        assert paper is not None and remark is not None
        assert paper.signature_id is None and remark.signature_id is None  # staff entered them
        objection_at, remarks_at = minute(paper.submitted_at), minute(remark.submitted_at)
        due = application.hearing_protocol.remarks_due_on  # type: ignore[union-attr]
        assert due is not None
    client_request.login(citizen)
    for lang in ("kk", "ru"):
        client_request.set_language(lang)
        page = check_page(client_request.client.get(f"/cabinet/applications/{number}"))
        with app.test_request_context(), force_locale(lang):
            said = {
                "objection": gettext("Your objection was handed in on paper at the department "
                                     "and entered on %(when)s", when=objection_at),
                "remarks": gettext("Your remarks on the hearing protocol were handed in on paper "
                                   "at the department and entered on %(when)s", when=remarks_at),
                "text": gettext("The text as entered by the department"),
                "mark": gettext("(on paper, at the department)"),
                "objection_step": gettext("Your objection handed in on paper was entered by the "
                                          "department"),
                "remarks_step": gettext("Your remarks on the protocol handed in on paper were "
                                        "entered by the department"),
                "oral_step": gettext("An objection was received"),
                "nothing": gettext("Nothing yet."),
            }
        assert said["mark"] != "(on paper, at the department)"  # really translated
        assert said["objection_step"] != "Your objection handed in on paper was entered by the " \
                                         "department"
        # "What was sent": both, oldest first, with the time entered and the text as entered;
        # no signature to check; the oral objection is the protocol's, not listed
        sent = page.select("#sent ~ ul.sent-list li.sent-statement")
        assert [item["class"] for item in sent] == [["sent-statement", "sent-paper"]] * 2
        assert page.select_one("p.sent-none") is None
        for item, sentence, text in zip(sent, (said["objection"], said["remarks"]),
                                        (OBJECTION, REMARKS), strict=True):
            assert " ".join(item.get_text(" ").split()).startswith(sentence)
            assert item.select_one("summary").get_text() == said["text"]  # type: ignore[union-attr]
            assert item.select_one(".statement-text").get_text() == text  # type: ignore[union-attr]
            assert item.select_one("a[href^='/verify/']") is None
        assert ORAL not in page.select_one("ul.sent-list").get_text()  # type: ignore[union-attr]
        # the refusal's sections: the paper ones marked, the oral one not
        objections = page.select("#refusal ul.received > li")
        assert len(objections) == 2
        marks = [li.select_one(".paper-mark") for li in objections]
        assert [m.get_text() if m else None for m in marks] == [said["mark"], None]
        assert objection_at in objections[0].get_text()
        remarks = page.select("#protocol ul.received > li")
        assert len(remarks) == 1 and remarks_at in remarks[0].get_text()
        assert remarks[0].select_one(".paper-mark").get_text() == said["mark"]  # type: ignore[union-attr]
        # the timeline in the person's words; the oral objection keeps its label
        steps = _rows(page, "ol.timeline li")
        assert f"{objection_at} {said['objection_step']}" in steps
        assert f"{remarks_at} {said['remarks_step']}" in steps
        assert sum(step.endswith(said["oral_step"]) for step in steps) == 1
        # R15.6: the window still runs from the protocol read at the office, as before
        assert page.select_one("#remarks a#remarks-start") is not None
        assert due.strftime("%d.%m.%Y") in page.select_one("#protocol").get_text()  # type: ignore[union-attr]
        assert said["nothing"] not in page.select_one("#sent").find_next().get_text()  # type: ignore[union-attr]

    # another person's cabinet: not found, nothing of the statements shown
    client_request.login(_person(app, "921231445671"))
    response = client_request.client.get(f"/cabinet/applications/{number}")
    assert response.status_code == 404
    assert OBJECTION not in response.get_data(as_text=True)

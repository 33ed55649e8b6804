"""A preliminary refusal in the cabinet, on SQLite and PostgreSQL (R15.1–R15.6, issue #10):
the notice, an objection while its window is open, the protocol read, remarks in their window."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from portal import db
from portal.db import utcnow
from portal.domain.calendar import WorkingCalendar, to_local
from portal.domain.forms import NotificationChannel
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.workflow import Actor, IllegalTransition, Role, Status
from portal.models import (
    Application,
    Citizen,
    Document,
    DocumentFile,
    Event,
    HearingProtocol,
    Objection,
    Remark,
    Signature,
    Statement,
)
from portal.models.review import PreliminaryDecision
from portal.services import cases, events
from portal.services import signing as signing_service
from portal.services.uploads import FilesLocked
from signing import Holder
from tests import samples
from tests.factories import almaty, create_application, create_citizen
from tests.pages import ClientRequest, check_page

CAL = WorkingCalendar()
SPECIALIST = Actor(Role.SPECIALIST)
CITIZEN = Actor(Role.CITIZEN)
STAFF = events.Actor("staff", 1, "specialist")
KEY_PASSWORD = "key-pass-2026"


@pytest.fixture
def citizen(app: Flask) -> Citizen:
    with app.app_context():
        person = create_citizen(db.session(), confirmed_at=utcnow())
        db.session().commit()
        db.session().expunge(person)
        return person


def _refusal(app: Flask, citizen: Citizen, delivered_at: dt.datetime, *,
             protocol: bool = False) -> str:
    """A case with a preliminary refusal whose notice reached the person at ``delivered_at``."""
    with app.app_context():
        session = db.session()
        application = create_application(session, citizen=session.get(Citizen, citizen.id),
                                          status=Status.PRELIMINARY_REFUSAL)
        application.preliminary_decisions.append(PreliminaryDecision(
            refusal_ground=RefusalGround.NEGATIVE_CONCLUSION, reasons="F4: no need found",
            issued_at=delivered_at - dt.timedelta(hours=1), hearing_at=delivered_at
            + dt.timedelta(days=4), hearing_mode=HearingMode.VIDEO_OR_COMMUNICATION,
            hearing_link="https://meet.example/hearing-1"))
        session.commit()
        cases.deliver_preliminary_notice(session, application, SPECIALIST, STAFF,
                                         delivered_at=delivered_at,
                                         via=NotificationChannel.CABINET, now=utcnow(), cal=CAL)
        if protocol:
            cases.change(session, application, cases.Action.HOLD_HEARING, SPECIALIST, STAFF,
                         now=utcnow(), cal=CAL, effect=lambda: session.add(HearingProtocol(
                             application_id=application.id,
                             preliminary_decision_id=application.preliminary_decision.id,  # type: ignore[union-attr]
                             held_at=utcnow(), text="The applicant said the income is wrong.")))
        return application.number


def _csrf(page: BeautifulSoup) -> str:
    field = page.select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def _enrol(app: Flask, citizen: Citizen) -> None:
    with app.app_context():
        signing_service.context().signer("keyfile").enroll(  # type: ignore[attr-defined]
            Holder(iin=citizen.iin, surname="ҚАСЫМОВ", name="БАУЫРЖАН"), KEY_PASSWORD)


def _sign(client: FlaskClient, number: str, kind: str, text: str,
          files: list[tuple[bytes, str]] = (), signer: str = "keyfile") -> TestResponse:  # type: ignore[assignment]
    """Write the statement on its page, add the files, choose the signer and sign with the key
    file: the answer of the last POST (303 when recorded)."""
    base = f"/cabinet/applications/{number}/{kind}"
    page = check_page(client.get(base))
    data: dict[str, object] = {"csrf_token": _csrf(page), "text": text, "signer": signer,
                               "decision": "sign"}
    if files:
        data["files"] = [(io.BytesIO(content), name) for content, name in files]
    started = client.post(base, data=data, content_type="multipart/form-data")
    if started.status_code != 200 or signer != "keyfile":
        return started
    sign_page = check_page(started)
    assert sign_page.select_one("#key-password") is not None
    return client.post(f"{base}/sign", data={"csrf_token": _csrf(sign_page),
                                             "password": KEY_PASSWORD})


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(model)) or 0)


def test_r15_1_r15_3_the_notice_shows_ground_hearing_and_window_and_an_objection_is_saved(
        client_request: ClientRequest, app: Flask, citizen: Citizen) -> None:
    number = _refusal(app, citizen, utcnow())
    _enrol(app, citizen)
    client_request.login(citizen)
    client = client_request.client
    page = check_page(client.get(f"/cabinet/applications/{number}"))
    notice = page.select_one("#refusal")
    assert notice is not None
    text = notice.get_text(" ")
    assert "F4: no need found" in text and "https://meet.example/hearing-1" in str(notice)
    start = page.select_one("#objection a#objection-start")  # the window is open
    assert start is not None and start["href"] == f"/cabinet/applications/{number}/objection"
    form = check_page(client.get(str(start["href"])))
    assert form.select_one("#statement-text") is not None
    assert form.select_one("input[type=file][name=files]") is not None
    response = _sign(client, number, "objection",
                     "The income counted is last year's, not this quarter.")
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    with app.app_context():
        session = db.session()
        application = session.scalar(select(Application).where(Application.number == number))
        assert application is not None and application.status is Status.OBJECTION_RECEIVED
        objection = session.scalar(select(Objection))
        assert objection is not None and objection.signature_id is not None
        signature = session.get(Signature, objection.signature_id)
        assert signature is not None and signature.document_kind == "objection"
        assert signature.application_id == application.id
        signed = json.loads(signature.document)
        assert signed["text"] == objection.text and signed["application"] == number
        assert session.scalar(select(Event.actor_kind).where(
            Event.action == "submit_objection")) == "citizen"


def test_r15_3_an_objection_is_signed_with_its_attachments_and_they_are_sealed(
        client_request: ClientRequest, app: Flask, citizen: Citizen) -> None:
    number = _refusal(app, citizen, utcnow())
    _enrol(app, citizen)
    client_request.login(citizen)
    client = client_request.client
    base = f"/cabinet/applications/{number}/objection"
    page = check_page(client.get(base))
    # a file first, then a refused one: the text typed so far stays on the page
    added = client.post(base, content_type="multipart/form-data", data={
        "csrf_token": _csrf(page), "text": "Draft text kept.", "decision": "upload",
        "files": [(io.BytesIO(samples.pdf()), "payslip.pdf"),
                  (io.BytesIO(b"MZ not a picture"), "virus.exe")]})
    assert added.status_code == 422
    again = check_page(added)
    assert "Draft text kept." in again.select_one("#statement-text").get_text()  # type: ignore[union-attr]
    assert "virus.exe" in again.select_one(".error-summary").get_text()  # type: ignore[union-attr]
    assert [a.get_text() for a in again.select(".file-list .file-name")] == ["payslip.pdf"]
    # a second file, then remove it again with its button in the same form
    client.post(base, content_type="multipart/form-data", data={
        "csrf_token": _csrf(again), "text": "x", "decision": "upload",
        "files": [(io.BytesIO(samples.jpeg()), "photo.jpg")]})
    with app.app_context():
        photo = db.session().scalar(select(DocumentFile).where(
            DocumentFile.original_name == "photo.jpg"))
        assert photo is not None
        photo_id = photo.id
    # the generic upload and remove routes do not touch a statement's files
    assert client.post(f"/files/{photo_id}/remove", data={"csrf_token": _csrf(again)}
                       ).status_code == 409
    removed = client.post(base, data={"csrf_token": _csrf(again), "text": "y",
                                      "remove": str(photo_id)})
    assert removed.status_code == 200
    assert [a.get_text() for a in check_page(removed).select(".file-list .file-name")] == [
        "payslip.pdf"]
    # not sent yet: the application's "what was sent" does not list it
    sent = check_page(client.get(f"/cabinet/applications/{number}")).select_one("#sent")
    assert sent is not None and "payslip.pdf" not in sent.find_next("ul").get_text()  # type: ignore[union-attr]
    response = _sign(client, number, "objection", "The payslip shows this quarter's income.")
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    with app.app_context():
        session = db.session()
        objection = session.scalar(select(Objection))
        assert objection is not None and objection.document is not None
        holder = objection.document
        assert holder.statement is Statement.OBJECTION and holder.sealed_at is not None
        assert [f.original_name for f in holder.files] == ["payslip.pdf"]
        signature = session.get(Signature, objection.signature_id)
        assert signature is not None
        signed = json.loads(signature.document)
        assert [a["sha256"] for a in signed["attachments"]] == [holder.files[0].sha256]
        pdf_id = holder.files[0].id
        with pytest.raises(FilesLocked):
            from portal.services.uploads import remove_file

            remove_file(session, holder.files[0], actor=events.Actor("citizen", citizen.id,
                                                                      "citizen"))
    page = check_page(client.get(f"/cabinet/applications/{number}"))
    assert page.select_one(f"#refusal a[href='/files/{pdf_id}?download=1']") is not None
    assert "payslip.pdf" in page.select_one("#sent").find_next("ul").get_text()  # type: ignore[union-attr]


def test_r15_3_a_late_objection_is_refused_with_the_reason_and_saved_nowhere(
        client_request: ClientRequest, app: Flask, citizen: Citizen) -> None:
    number = _refusal(app, citizen, almaty(dt.date(2026, 4, 6), 15))  # closed on 08.04.2026
    _enrol(app, citizen)
    client_request.login(citizen)
    client = client_request.client
    page = check_page(client.get(f"/cabinet/applications/{number}"))
    assert page.select_one("#objection-start") is None  # the form is replaced by the reason
    assert page.select_one("#objection p") is not None
    closed = check_page(client.get(f"/cabinet/applications/{number}/objection"))
    assert closed.select_one("#statement-text") is None
    assert "08.04.2026" in closed.select_one("#statement-closed").get_text()  # type: ignore[union-attr]
    events_before = _count(app, Event)
    response = client.post(f"/cabinet/applications/{number}/objection",
                           content_type="multipart/form-data",
                           data={"csrf_token": _csrf(page), "text": "Too late but still here.",
                                 "signer": "keyfile", "decision": "sign",
                                 "files": [(io.BytesIO(samples.pdf()), "late.pdf")]})
    assert response.status_code == 303
    after = check_page(client.get(response.headers["Location"]))
    assert "2 жұмыс күні 08.04.2026 аяқталды" in after.get_text()  # the reason, with the day
    for model in (Objection, Document, DocumentFile, Signature):
        assert _count(app, model) == 0, model
    assert _count(app, Event) == events_before  # not even a signing started


def test_r15_3_the_window_closing_while_signing_saves_nothing(
        client_request: ClientRequest, app: Flask, citizen: Citizen,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Signing began on the last day at 23:58; the key password is typed at 00:01 Asia/Almaty:
    refused with the reason, no signature stored, no objection."""
    from portal.views.citizen import refusal

    friday = dt.date(2027, 3, 5)  # before the 8 March holiday: the window closes on 10 March
    number = _refusal(app, citizen, almaty(friday, 15))
    _enrol(app, citizen)
    client_request.login(citizen)
    client = client_request.client
    base = f"/cabinet/applications/{number}/objection"
    monkeypatch.setattr(refusal, "utcnow", lambda: almaty(dt.date(2027, 3, 10), 23, 58))
    page = check_page(client.get(base))
    started = client.post(base, data={"csrf_token": _csrf(page), "text": "Signed at midnight.",
                                      "signer": "keyfile", "decision": "sign"})
    assert started.status_code == 200
    monkeypatch.setattr(refusal, "utcnow", lambda: almaty(dt.date(2027, 3, 11), 0, 1))
    late = client.post(f"{base}/sign", data={"csrf_token": _csrf(check_page(started)),
                                             "password": KEY_PASSWORD})
    assert late.status_code == 303
    assert "10.03.2027" in check_page(client.get(late.headers["Location"])).get_text()
    assert _count(app, Objection) == 0 and _count(app, Signature) == 0


def test_r15_3_an_objection_at_23_59_on_the_last_day_is_taken_through_the_page(
        client_request: ClientRequest, app: Flask, citizen: Citizen,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.views.citizen import refusal

    number = _refusal(app, citizen, almaty(dt.date(2027, 3, 5), 15))
    _enrol(app, citizen)
    client_request.login(citizen)
    monkeypatch.setattr(refusal, "utcnow", lambda: almaty(dt.date(2027, 3, 10), 23, 59))
    response = _sign(client_request.client, number, "objection", "Just in time, 23:59.")
    assert response.status_code == 303
    assert _count(app, Objection) == 1


def test_r15_3_an_empty_objection_keeps_the_page_with_the_reason(
        client_request: ClientRequest, app: Flask, citizen: Citizen) -> None:
    number = _refusal(app, citizen, utcnow())
    client_request.login(citizen)
    response = _sign(client_request.client, number, "objection", "")
    assert response.status_code == 422
    page = check_page(response)
    assert page.select_one(".error-summary a[href='#statement-text']") is not None
    assert page.select_one("#statement-text[aria-invalid=true]") is not None
    assert _count(app, Objection) == 0


def test_r15_6_remarks_are_signed_with_an_sms_code_where_there_is_no_key(
        client_request: ClientRequest, app: Flask, citizen: Citizen) -> None:
    from portal.models import SmsMessage
    from portal.notify import mobile

    number = _refusal(app, citizen, utcnow(), protocol=True)
    with app.app_context():
        mobile.register(db.session(), citizen.iin, "+77011234567")
        db.session().commit()
    client_request.login(citizen)
    client = client_request.client
    page = check_page(client.get(f"/cabinet/applications/{number}"))
    client.post(f"/cabinet/applications/{number}/protocol/read", data={"csrf_token": _csrf(page)})
    started = _sign(client, number, "remarks", "The protocol omits my payslip.", signer="sms")
    assert started.status_code == 200
    sign_page = check_page(started)
    assert sign_page.select_one("#sms-code") is not None
    with app.app_context():
        code_text = db.session().scalars(select(SmsMessage.text).order_by(
            SmsMessage.id.desc())).first()
    code = re.search(r"\b(\d{6})\b", code_text or "")
    assert code is not None
    done = client.post(f"/cabinet/applications/{number}/remarks/sign", data={
        "csrf_token": _csrf(sign_page), "decision": "confirm", "code": code.group(1)})
    assert done.status_code == 303, done.get_data(as_text=True)[:1500]
    with app.app_context():
        remark = db.session().scalar(select(Remark))
        assert remark is not None and remark.signature_id is not None
        assert remark.text == "The protocol omits my payslip."


def test_r15_5_r15_6_reading_the_protocol_opens_three_working_days_for_remarks(
        client_request: ClientRequest, app: Flask, citizen: Citizen) -> None:
    number = _refusal(app, citizen, utcnow(), protocol=True)
    _enrol(app, citizen)
    client_request.login(citizen)
    client = client_request.client
    page = check_page(client.get(f"/cabinet/applications/{number}"))
    assert "The applicant said" not in page.get_text()  # not shown until it is opened
    # remarks before reading are refused (R15.5) and saved nowhere
    early = client.post(f"/cabinet/applications/{number}/remarks",
                        data={"csrf_token": _csrf(page), "text": "Remarks before reading it.",
                              "decision": "sign", "signer": "keyfile"})
    assert early.status_code == 303
    assert _count(app, Remark) == 0
    client.post(f"/cabinet/applications/{number}/protocol/read",
                data={"csrf_token": _csrf(page)})
    page = check_page(client.get(f"/cabinet/applications/{number}"))
    assert "The applicant said the income is wrong." in page.get_text()
    due = CAL.add_working_days(to_local(utcnow()).date(), 3)
    assert due.strftime("%d.%m.%Y") in page.select_one("#protocol").get_text()  # type: ignore[union-attr]
    assert page.select_one("#remarks-start") is not None
    response = _sign(client, number, "remarks", "The protocol omits my second point.",
                     files=[(samples.pdf(), "second-point.pdf")])
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    with app.app_context():
        session = db.session()
        remarks = session.scalars(select(Remark)).all()
        assert [r.text for r in remarks] == ["The protocol omits my second point."]
        assert remarks[0].document is not None
        assert [f.original_name for f in remarks[0].document.files] == ["second-point.pdf"]
        assert session.scalar(select(func.count()).select_from(Event).where(
            Event.action == "read_protocol")) == 1


def test_r15_6_remarks_after_three_working_days_are_refused_and_saved_nowhere(
        client_request: ClientRequest, app: Flask, citizen: Citizen,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.views.citizen import refusal

    number = _refusal(app, citizen, utcnow(), protocol=True)
    client_request.login(citizen)
    client = client_request.client
    page = check_page(client.get(f"/cabinet/applications/{number}"))
    client.post(f"/cabinet/applications/{number}/protocol/read", data={"csrf_token": _csrf(page)})
    due = CAL.add_working_days(to_local(utcnow()).date(), 3)
    monkeypatch.setattr(refusal, "utcnow", lambda: almaty(due + dt.timedelta(days=1), 0, 1))
    closed = check_page(client.get(f"/cabinet/applications/{number}/remarks"))
    assert due.strftime("%d.%m.%Y") in closed.select_one("#statement-closed").get_text()  # type: ignore[union-attr]
    response = client.post(f"/cabinet/applications/{number}/remarks",
                           content_type="multipart/form-data",
                           data={"csrf_token": _csrf(closed), "text": "Late remarks here.",
                                 "decision": "sign", "signer": "keyfile",
                                 "files": [(io.BytesIO(samples.pdf()), "late.pdf")]})
    assert response.status_code == 303
    assert _count(app, Remark) == 0 and _count(app, DocumentFile) == 0


def test_r15_3_an_objection_at_23_59_on_the_last_day_counts_and_at_00_01_it_does_not(
        app: Flask) -> None:
    """Friday 5 March 2027, before the 8 March holiday (Monday): the two working days are
    Tuesday 9 and Wednesday 10 March, Asia/Almaty time."""
    with app.app_context():
        session = db.session()
        friday = dt.date(2027, 3, 5)
        late = create_application(session, status=Status.PRELIMINARY_REFUSAL)
        in_time = create_application(session, status=Status.PRELIMINARY_REFUSAL)
        for application in (late, in_time):
            application.preliminary_decisions.append(PreliminaryDecision(
                refusal_ground=RefusalGround.NEGATIVE_CONCLUSION, reasons="x",
                issued_at=almaty(friday, 9), hearing_at=almaty(dt.date(2027, 3, 12), 11),
                hearing_mode=HearingMode.OTHER_MEANS))
            session.commit()
            cases.deliver_preliminary_notice(session, application, SPECIALIST, STAFF,
                                             delivered_at=almaty(friday, 15),
                                             via=NotificationChannel.CABINET,
                                             now=almaty(friday, 15, 30), cal=CAL)
        assert in_time.preliminary_decision.objection_due_on == dt.date(2027, 3, 10)  # type: ignore[union-attr]
        who = events.Actor("citizen", in_time.citizen_id, "citizen")
        cases.submit_objection(session, in_time, CITIZEN, who, text="in time", oral=False,
                               now=almaty(dt.date(2027, 3, 10), 23, 59), cal=CAL)
        with pytest.raises(IllegalTransition) as refused:
            cases.submit_objection(session, late, CITIZEN, who, text="late", oral=False,
                                   now=almaty(dt.date(2027, 3, 11), 0, 1), cal=CAL)
        assert refused.value.rule == "R15.3"
        assert refused.value.closed_on == dt.date(2027, 3, 10)


def test_l10_1_every_cabinet_url_with_another_citizens_ids_is_not_found(
        client_request: ClientRequest, app: Flask, citizen: Citizen) -> None:
    """Every cabinet and file URL — the application page, the notice's objection and remarks
    pages and their signing, the protocol, the messages — given another person's application
    number, message, document and file, answers 404, as for ids that do not exist; and nothing
    of theirs changes."""
    from portal.domain.package import DocumentKind
    from portal.models import InboxKind, InboxMessage

    number = _refusal(app, citizen, utcnow(), protocol=True)
    with app.app_context():
        session = db.session()
        application = session.scalar(select(Application).where(Application.number == number))
        assert application is not None
        holder = Document(application_id=application.id, kind=DocumentKind.OTHER, title="x",
                          statement=Statement.OBJECTION)
        session.add(holder)
        session.flush()
        file = DocumentFile(document_id=holder.id, storage_key="0" * 64,
                            content_type="image/jpeg", size_bytes=1, sha256="0" * 64,
                            original_name="a.jpg")
        message = InboxMessage(citizen_id=citizen.id, application_id=application.id,
                               kind=InboxKind.PROTOCOL_READY, data={})
        session.add_all([file, message])
        session.commit()
        ids = {"document_id": holder.id, "file_id": file.id, "message_id": message.id,
               "member_id": 1}
        other = create_citizen(session, iin="921231445671", confirmed_at=utcnow())
        session.commit()
        session.expunge(other)
        events_before = _count(app, Event)
    client_request.login(other)
    client = client_request.client
    token = _csrf(check_page(client.get("/cabinet/")))
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("citizen.", "files.")) or not rule.arguments:
            continue
        url = rule.rule.replace("<number>", number).replace("<form>", "f5")
        for name, value in ids.items():
            url = url.replace(f"<int:{name}>", str(value))
        assert "<" not in url, url
        if "GET" in (rule.methods or set()):
            assert client.get(url).status_code == 404, f"GET {url}"
        if "POST" in (rule.methods or set()):
            response = client.post(url, data={"csrf_token": token, "text": "Not my case at all.",
                                              "decision": "sign", "signer": "keyfile",
                                              "remove": str(file.id), "next": "/cabinet/"})
            assert response.status_code == 404, f"POST {url}: {response.status_code}"
        checked += 1
    assert checked >= 20
    for url in ("/cabinet/messages", "/cabinet/"):
        assert number not in client.get(url).get_data(as_text=True)
    with app.app_context():
        session = db.session()
        assert session.get(InboxMessage, message.id).read_at is None  # type: ignore[union-attr]
        assert _count(app, Objection) == 0 and _count(app, DocumentFile) == 1
        actions = set(session.scalars(select(Event.action).order_by(Event.id).offset(events_before)))
        assert not actions & {"submit_objection", "read_protocol", "submit_remarks"}


def test_r15_3_no_objection_page_without_a_preliminary_refusal_and_a_plain_reason_after_it(
        client_request: ClientRequest, app: Flask, citizen: Citizen) -> None:
    """Nothing to object to: 404. A case decided meanwhile: the page says the step is no longer
    open, in the person's language, and a POST saves nothing."""
    number = _refusal(app, citizen, utcnow(), protocol=True)
    with app.app_context():
        session = db.session()
        plain = create_application(session, citizen=session.get(Citizen, citizen.id),
                                   status=Status.REGISTERED)
        decided = session.scalar(select(Application).where(Application.number == number))
        assert decided is not None
        decided.status = Status.REFUSED  # decided by the head on the back office's pages
        session.commit()
        plain_number = plain.number
    client_request.login(citizen)
    client_request.set_language("en")
    client = client_request.client
    for kind in ("objection", "remarks"):
        assert client.get(f"/cabinet/applications/{plain_number}/{kind}").status_code == 404
    page = check_page(client.get(f"/cabinet/applications/{number}/objection"))
    reason = page.select_one("#statement-closed")
    assert reason is not None and "no longer open" in reason.get_text()
    response = client.post(f"/cabinet/applications/{number}/objection",
                           data={"csrf_token": _csrf(page), "text": "Decided already, still.",
                                 "decision": "sign", "signer": "keyfile"})
    assert response.status_code == 303
    assert _count(app, Objection) == 0


def test_r15_3_r15_6_what_was_sent_lists_each_signed_statement_with_or_without_attachments(
        client_request: ClientRequest, app: Flask, citizen: Citizen) -> None:
    """A walk-through found a signed objection with no files missing from "What was sent": it
    lists every statement the person signed, with its date, the text as signed and a link that
    verifies the signature."""
    number = _refusal(app, citizen, utcnow(), protocol=True)
    _enrol(app, citizen)
    client_request.login(citizen)
    client = client_request.client
    assert _sign(client, number, "objection", "No files, only this text.").status_code == 303
    page = check_page(client.get(f"/cabinet/applications/{number}"))
    client.post(f"/cabinet/applications/{number}/protocol/read", data={"csrf_token": _csrf(page)})
    assert _sign(client, number, "remarks", "The protocol omits my point.").status_code == 303
    page = check_page(client.get(f"/cabinet/applications/{number}"))
    assert page.select_one("p.sent-none") is None
    sent = page.select("#sent ~ ul.sent-list li.sent-statement")
    assert len(sent) == 2
    with app.app_context():
        session = db.session()
        objection, remark = session.scalar(select(Objection)), session.scalar(select(Remark))
        assert objection is not None and objection.document is None  # no attachments at all
        assert remark is not None
        codes = [session.get(Signature, s.signature_id).short_code  # type: ignore[union-attr]
                 for s in (objection, remark)]
        days = [to_local(s.submitted_at).strftime("%d.%m.%Y %H:%M") for s in (objection, remark)]
    for item, text, code, day in zip(sent, ("No files, only this text.",
                                            "The protocol omits my point."), codes, days,
                                     strict=True):
        assert day in item.get_text(" ")
        assert item.select_one(".statement-text").get_text() == text  # type: ignore[union-attr]
        link = item.select_one("a")
        assert link is not None and link["href"] == f"/verify/{code}"
        assert client.get(str(link["href"])).status_code == 200


def test_the_timeline_writes_each_time_as_the_local_datetime_filter_does() -> None:
    from portal.views.citizen.case import minute
    from portal.web.i18n import local_datetime

    for at in (dt.datetime(2026, 11, 27, 18, 59, 59, tzinfo=dt.UTC),
               dt.datetime(2026, 11, 27, 19, 0, tzinfo=dt.UTC),
               dt.datetime(2023, 12, 31, 23, 5, 1, 999, tzinfo=dt.UTC),  # before March 2024: UTC+6
               dt.datetime(2026, 1, 1, 4, 7)):  # naive: UTC
        assert minute(at) == local_datetime(at, "short")


def test_the_page_says_what_the_services_say_timeline_looks_signature_and_bell(
        client_request: ClientRequest, app: Flask, citizen: Citizen) -> None:
    """The timeline's and the looks' rows are written in the view (not by a template loop) and
    the signature and the bell's count come with the case's one query: each row, time and
    label as the services and the label filters give them, the signed F1-1's time and every
    register's answer, and the unread count."""
    from portal.domain.calendar import Channel
    from portal.models import InboxKind, InboxMessage
    from portal.services import case_view
    from portal.web.i18n import local_datetime
    from tests.factories import create_desk, create_staff
    from tests.form_cases import signature

    with app.app_context():
        session = db.session()
        application = create_application(session, citizen=session.get(Citizen, citizen.id),
                                          status=Status.REGISTERED)
        district = application.district
        officials = [create_staff(session, district, role, desk=create_desk(session, district,
                                                                            channel))
                     for role, channel in ((Role.INTAKE, Channel.STATE_CORP),
                                           (Role.SPECIALIST, Channel.PROVIDER))]
        events.record(session, events.Actor("citizen", citizen.id, "citizen"), "submit",
                      application_id=application.id, to_status="submitted")
        for k in range(6):
            who = officials[k % 2]
            events.record(session, events.Actor("staff", who.id, who.role.value),
                          "case_viewed" if k % 2 else "register", application_id=application.id)
        events.record(session, events.Actor("staff", None, "operator"), "status_lookup",
                      application_id=application.id)
        signed = signature(session, application, "application", "applicant")
        signed.document = json.dumps({"state_bodies": [
            {"query": "identity", "outcome": "found"},
            {"query": "residence", "outcome": "no_data"}]}).encode()
        for _ in range(3):
            session.add(InboxMessage(citizen_id=citizen.id, application_id=application.id,
                                     kind=InboxKind.REGISTERED, data={}, created_at=utcnow()))
        session.commit()
        number, signed_at = application.number, signed.signed_at
    client_request.login(citizen)
    client_request.set_language("ru")
    page = check_page(client_request.client.get(f"/cabinet/applications/{number}"))
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        from flask_babel import force_locale

        session = db.session()
        found = session.scalar(select(Application).where(Application.number == number))
        assert found is not None
        filters = app.jinja_env.filters
        with force_locale("ru"):
            steps = [(e.at.isoformat(), f"{local_datetime(e.at, 'short')} "
                      f"{filters['event_label'](e.action)}")
                     for e in case_view.timeline(session, found)]
            looks = [(look.at.isoformat(), f"{local_datetime(look.at, 'short')} — "
                      f"{filters['role_label'](look.role)}"
                      + (f", {filters['desk_label'](look.channel.value)}" if look.channel else "")
                      + f": {filters['event_label'](look.action)}")
                     for look in case_view.looks(session, found)]
            answers = [f"{filters['query_label'](q)} {filters['outcome_label'](o)}"
                       for q, o in (("identity", "found"), ("residence", "no_data"))]
            signed_text = local_datetime(signed_at)
    assert len(steps) == 4 and len(looks) == 7  # the steps; every staff event, the 1414 too
    for selector, expected in (("ol.timeline li", steps), ("ul.looks li", looks)):
        rows = page.select(selector)
        assert [(str(r.select_one("time")["datetime"]),  # type: ignore[index]
                 " ".join(r.get_text().split())) for r in rows] == expected
    assert signed_text in page.get_text()
    assert [" ".join(li.get_text().split()) for li in page.select(".register-answers li")] == answers
    assert page.select_one("a.inbox-bell .bell-count").get_text() == "3"  # type: ignore[union-attr]

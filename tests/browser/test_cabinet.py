"""A preliminary refusal read and answered in the cabinet, in Chromium at 360×740 in Kazakh, with
JavaScript on and off (R15.1–R15.6, R15.11): the message under the bell, the notice, an objection
with an attachment signed with the key file, the protocol (made by the service) read, a signed
remark; then the head's refusal (made by the services four weeks on, the windows having run)
and its F7 in the cabinet, the F5 and F7 opened and each verified at /verify with every check
passed; an objection whose window closed while the page was open is refused; axe on every step
(where JavaScript runs)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from portal import create_app, db
from portal.config import TestConfig
from portal.db import utcnow
from portal.domain.calendar import WorkingCalendar
from portal.domain.forms import NotificationChannel
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.workflow import Action, Actor, Role, Status
from portal.models import Application, Citizen, HearingProtocol, Objection, StaffUser
from portal.models.review import PreliminaryDecision
from portal.services import cases, events
from portal.services import signing as signing_service
from signing import Holder
from tests import samples
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import AXE, _violations
from tests.factories import create_application, create_citizen, create_district, create_staff
from tests.pages import ClientRequest

pytestmark = pytest.mark.browser
CAL = WorkingCalendar()
STAFF = events.Actor("staff", 1, "specialist")
SPECIALIST = Actor(Role.SPECIALIST)
KEY_PASSWORD = "key-pass-2026"
PEOPLE = {True: "850321301238", False: "921231445671"}  # JavaScript on / off
HEAD_IIN = "760212350620"  # the head of department who signs the decision


@pytest.fixture(scope="module")
def cabinet_server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
                   ) -> Iterator[tuple[Any, str]]:
    copy = tmp_path_factory.mktemp("cabinet") / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{copy}"
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # The signed forms' QR codes and /verify links carry the public address: this server's.
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.engine_of(app).dispose()


def _refused_case(app: Any, citizen_id: int) -> str:
    """A registered case the specialist refuses preliminarily (through the service: the cabinet
    message comes from there), the notice delivered to the cabinet now."""
    with app.app_context():
        session = db.session()
        application = create_application(session, citizen=session.get(Citizen, citizen_id),
                                         district=create_district(session),
                                         status=Status.REGISTERED)
        session.commit()
        cases.change(session, application, Action.ISSUE_PRELIMINARY_REFUSAL, SPECIALIST, STAFF,
                     now=utcnow(), cal=CAL, effect=lambda: application.preliminary_decisions.append(
                         PreliminaryDecision(
                             refusal_ground=RefusalGround.NEGATIVE_CONCLUSION,
                             reasons="Учаскелік комиссия мұқтаждық жоқ деп қорытынды берді.",
                             hearing_at=utcnow() + dt.timedelta(days=4),
                             hearing_mode=HearingMode.VIDEO_OR_COMMUNICATION,
                             hearing_link="https://meet.example/hearing")))
        cases.deliver_preliminary_notice(session, application, SPECIALIST, STAFF,
                                         delivered_at=utcnow(), via=NotificationChannel.CABINET,
                                         now=utcnow(), cal=CAL)
        return application.number


def _decided(app: Any, number: str) -> None:
    """The windows ran (the refusal round moved four weeks back, as the back-office journey
    does); the head signs a refusal with the TEST key file and the notification is issued, all
    through the services the signing page calls."""
    from portal.notify import sms
    from portal.services import decisions, notifications
    from signing import Role as SignRole
    from signing import canonical_json
    from tests.browser.test_back_office_journeys import as_if_weeks_ago

    as_if_weeks_ago(app, number)
    with app.app_context():
        session = db.session()
        application = session.scalar(select(Application).where(Application.number == number))
        assert application is not None
        head = session.scalar(select(StaffUser).where(StaffUser.iin == HEAD_IIN))
        if head is None:
            head = create_staff(session, application.district, Role.HEAD, iin=HEAD_IIN,
                                full_name="Нұрланова Сәуле", position="Бөлім басшысы")
            session.commit()  # the signer keeps its keys through a connection of its own
            signing_service.context().signer("keyfile").enroll(  # type: ignore[attr-defined]
                Holder(iin=HEAD_IIN, surname="НҰРЛАНОВА", name="СӘУЛЕ",
                       position="Бөлім басшысы", organisation="ТЕСТ әкімдігі",
                       bin="990340001234"), KEY_PASSWORD)
        head.district_id = application.district_id
        session.commit()
        draft = decisions.DecisionDraft(
            granted=False, refusal_ground=RefusalGround.NEGATIVE_CONCLUSION,
            reasons="Қарсылық пен ескертулер мұқтаждықты растамады.")
        now = utcnow()
        f5 = decisions.next_decision_number(session, application, now)
        data = canonical_json(decisions.decision_document(session, application, draft, head,
                                                          number=f5, now=now))
        who = decisions.staff_actor(head)
        challenge = signing_service.start_signing(
            session, who, signer_name="keyfile", document=data, signer_iin=HEAD_IIN,
            purpose=decisions.DECISION_PURPOSE, role=SignRole.STAFF,
            application_id=application.id)
        signature = signing_service.complete_signing(
            session, who, signer_name="keyfile", challenge_id=challenge.id,
            answer=KEY_PASSWORD, document=data, expected_iin=HEAD_IIN,
            purpose=decisions.DECISION_PURPOSE, document_kind="decision",
            application_id=application.id)
        decisions.decide(session, application, head, draft, number=f5, signature=signature,
                         now=utcnow(), cal=CAL)
        notifications.issue(session, application, sms=sms(), now=utcnow(), cal=CAL)
        assert application.status is Status.NOTIFIED


def _person(app: Any, js: bool) -> Citizen:
    with app.app_context():
        session = db.session()
        citizen = create_citizen(session, iin=PEOPLE[js], confirmed_at=utcnow())
        session.commit()
        signing_service.context().signer("keyfile").enroll(  # type: ignore[attr-defined]
            Holder(iin=PEOPLE[js], surname="ҚАСЫМОВ", name="БАУЫРЖАН"), KEY_PASSWORD)
        session.expunge(citizen)
        return citizen


def _check(page: Any, js: bool, label: str) -> None:
    """Every step: a screenshot, no horizontal scroll at 360 px, axe finds nothing (axe runs
    where JavaScript runs: the same pages pass it with JavaScript on)."""
    screenshot(page, f"cabinet-{'js' if js else 'nojs'}-{label}")
    if js:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
            label
        assert _violations(page) == [], label


def _sign_with_key(page: Any, text: str, attachment: Path | None) -> None:
    """On the statement page: the text, a file added (the page comes back with it and the text
    kept), the key file chosen, the password."""
    page.locator("#statement-text").fill(text)
    if attachment is not None:
        page.locator("#statement-files").set_input_files(str(attachment))
        page.locator("button[name=decision][value=upload]").click()
        assert attachment.name in page.locator(".file-list").inner_text()
        assert page.locator("#statement-text").input_value() == text
    page.locator("#signer-keyfile").check()
    page.locator("#statement-sign").click()
    page.locator("#key-password").fill(KEY_PASSWORD)
    page.locator("form:has(#key-password) button[type=submit]").click()


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_r15_the_person_reads_the_notice_objects_reads_the_protocol_and_remarks(
        browser: Any, cabinet_server: tuple[Any, str], tmp_path: Path, js: bool) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (npm install)")
    app, base = cabinet_server
    citizen = _person(app, js)
    number = _refused_case(app, citizen.id)
    late_number = _refused_case(app, citizen.id)
    attachment = tmp_path / "tolem-parakshasy.pdf"
    attachment.write_bytes(samples.pdf())
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True,
                                  java_script_enabled=js)
    try:
        # signed in as the journey ends (the sign-in pages have their own browser tests)
        client = app.test_client()
        ClientRequest(app, client).login(citizen)
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
        page = context.new_page()
        page.goto(f"{base}/cabinet/")
        bell = page.locator("a.inbox-bell")
        assert bell.get_attribute("aria-label") == "Хабарламалар, 2 оқылмаған"
        _check(page, js, "cabinet")
        bell.click()
        _check(page, js, "messages")
        page.locator(".inbox-message", has_text=number).locator(
            "a[href^='/cabinet/messages/']").click()
        assert number in page.locator(".inbox-body").inner_text()
        assert page.locator("a.inbox-bell").get_attribute("aria-label") == \
            "Хабарламалар, 1 оқылмаған"
        _check(page, js, "message")
        page.locator("main a.button").click()
        assert page.locator("#refusal").is_visible()
        _check(page, js, "notice")
        page.locator("#objection-start").click()
        _check(page, js, "objection")
        _sign_with_key(page, "Табыс өткен жылғы, осы тоқсандағы емес.", attachment)
        assert "Қарсылығыңызға қол қойылып" in page.locator("main").inner_text()
        assert attachment.name in page.locator("#refusal").inner_text()
        _check(page, js, "objection-sent")
        with app.app_context():
            session = db.session()
            application = session.scalar(select(Application).where(Application.number == number))
            assert application is not None
            objection = session.scalar(select(Objection).where(
                Objection.application_id == application.id))
            assert objection is not None and objection.signature_id is not None
            pre = application.preliminary_decision
            assert pre is not None
            cases.change(session, application, Action.HOLD_HEARING, SPECIALIST, STAFF,
                         now=utcnow(), cal=CAL, effect=lambda: session.add(HearingProtocol(
                             application_id=application.id, preliminary_decision_id=pre.id,
                             held_at=utcnow(), text="Өтініш беруші табыс дұрыс есептелмеді деді.")))
        page.reload()
        assert page.locator("a.inbox-bell .bell-count").inner_text() == "2"  # the protocol's
        page.locator("#protocol button[type=submit]").click()
        assert "табыс дұрыс есептелмеді" in page.locator("#protocol").inner_text()
        _check(page, js, "protocol")
        page.locator("#remarks-start").click()
        _sign_with_key(page, "Хаттамада екінші дәлелім жоқ.", None)
        assert "Ескертулеріңізге қол қойылып" in page.locator("main").inner_text()
        _check(page, js, "remarks-sent")
        # Four weeks on, the head refuses (by the services, signed with the key file) and the
        # F7 reaches the cabinet: the message, the F5 and F7 to read, each verifiable.
        unread = int(page.locator("a.inbox-bell .bell-count").inner_text() or 0) \
            if page.locator("a.inbox-bell .bell-count").count() else 0
        _decided(app, number)
        page.goto(f"{base}/cabinet/applications/{number}")
        assert page.locator("a.inbox-bell .bell-count").inner_text() == str(unread + 1)
        # "Who looked at my data" names the head's signing in words, never an event's code.
        for line in page.locator("ul.looks li").all_inner_texts():
            assert not re.search(r": [a-z_]+$", line.strip()), line
        _check(page, js, "decided")
        for form in ("f5", "f7"):
            page.goto(f"{base}/cabinet/applications/{number}")
            page.locator(f"main a[href='/cabinet/applications/{number}/forms/{form}']").click()
            assert number in page.locator("main").inner_text()
            _check(page, js, form)
            page.goto(str(page.locator("a[href*='/verify/']").first.get_attribute("href")))
            assert page.locator(".verify-verdict.ok").count() == 1
            assert page.locator("ul.verify-checks li.failed").count() == 0
            assert page.locator("ul.verify-checks li.passed").count() >= 8
            _check(page, js, f"{form}-verify")
        # An objection whose window closes while its page is open: refused, saved nowhere.
        page.goto(f"{base}/cabinet/applications/{late_number}/objection")
        page.locator("#statement-text").fill("Кеш қалған қарсылық.")
        with app.app_context():
            session = db.session()
            late = session.scalar(select(Application).where(Application.number == late_number))
            assert late is not None and late.preliminary_decision is not None
            long_ago = dt.datetime(2026, 4, 6, 10, tzinfo=dt.UTC)
            late.preliminary_decision.delivered_at = long_ago
            late.preliminary_decision.objection_due_on = dt.date(2026, 4, 8)
            session.commit()
        page.locator("#statement-sign").click()
        assert "08.04.2026 аяқталды" in page.locator("main").inner_text()
        assert page.locator("#objection-start").count() == 0
        _check(page, js, "objection-late")
        page.goto(f"{base}/cabinet/applications/{late_number}/objection")
        assert page.locator("#statement-closed").is_visible()
        assert page.locator("#statement-text").count() == 0
        with app.app_context():
            session = db.session()
            late = session.scalar(select(Application).where(Application.number == late_number))
            assert late is not None and late.objections == []
    finally:
        context.close()

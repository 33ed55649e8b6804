"""A preliminary refusal read and answered in the cabinet, in Chromium at 360×740 in Kazakh with
JavaScript on: the notice, an objection, the protocol, a remark; axe on every step (R15.1–R15.6)."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from portal import create_app, db
from portal.config import TestConfig
from portal.db import utcnow
from portal.domain.calendar import WorkingCalendar
from portal.domain.forms import NotificationChannel
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.workflow import Actor, Role, Status
from portal.models import HearingProtocol
from portal.models.review import PreliminaryDecision
from portal.services import cases, events
from tests.browser.test_accessibility import AXE, _violations
from tests.factories import create_application, create_citizen
from tests.pages import ClientRequest

pytestmark = pytest.mark.browser
CAL = WorkingCalendar()
STAFF = events.Actor("staff", 1, "specialist")


@pytest.fixture(scope="module")
def refusal_server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
                   ) -> Iterator[tuple[Any, str, str]]:
    copy = tmp_path_factory.mktemp("cabinet") / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{copy}"
    app = create_app(config)
    with app.app_context():
        session = db.session()
        citizen = create_citizen(session, confirmed_at=utcnow())
        application = create_application(session, citizen=citizen,
                                         status=Status.PRELIMINARY_REFUSAL)
        application.preliminary_decisions.append(PreliminaryDecision(
            refusal_ground=RefusalGround.NEGATIVE_CONCLUSION,
            reasons="Учаскелік комиссия мұқтаждық жоқ деп қорытынды берді.",
            issued_at=utcnow() - dt.timedelta(hours=1), hearing_at=utcnow() + dt.timedelta(days=4),
            hearing_mode=HearingMode.VIDEO_OR_COMMUNICATION,
            hearing_link="https://meet.example/hearing"))
        session.commit()
        cases.deliver_preliminary_notice(session, application, Actor(Role.SPECIALIST), STAFF,
                                         delivered_at=utcnow(), via=NotificationChannel.CABINET,
                                         now=utcnow(), cal=CAL)
        number = application.number
        session.expunge(citizen)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}", number, citizen  # type: ignore[misc]
    server.shutdown()
    db.engine_of(app).dispose()


def test_r15_the_person_reads_the_notice_objects_reads_the_protocol_and_remarks(
        browser: Any, refusal_server: Any) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (npm install)")
    app, base, number, citizen = refusal_server
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    try:
        # signed in as the journey ends (the sign-in pages have their own browser tests)
        client = app.test_client()
        ClientRequest(app, client).login(citizen)
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
        page = context.new_page()
        page.goto(f"{base}/cabinet/")
        page.locator(f"a[href$='/applications/{number}']").click()
        assert page.locator("#refusal").is_visible()
        assert _violations(page) == []
        page.locator("#objection-text").fill("Табыс өткен жылғы, осы тоқсандағы емес.")
        page.locator("#objection button[type=submit]").click()
        assert "Қарсылығыңыз" in page.locator("main").inner_text()
        with app.app_context():
            session = db.session()
            from portal.models import Application

            application = session.query(Application).filter_by(number=number).one()
            cases.change(session, application, cases.Action.HOLD_HEARING, Actor(Role.SPECIALIST),
                         STAFF, now=utcnow(), cal=CAL, effect=lambda: session.add(HearingProtocol(
                             application_id=application.id,
                             preliminary_decision_id=application.preliminary_decision.id,
                             held_at=utcnow(), text="Өтініш беруші табыс дұрыс есептелмеді деді.")))
        page.reload()
        page.locator("#protocol button[type=submit]").click()
        assert "табыс дұрыс есептелмеді" in page.locator("#protocol").inner_text()
        assert _violations(page) == []
        page.locator("#remarks-text").fill("Хаттамада екінші дәлелім жоқ.")
        page.locator("#remarks button[type=submit]").click()
        assert "Ескертулеріңіз" in page.locator("main").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert _violations(page) == []
    finally:
        context.close()

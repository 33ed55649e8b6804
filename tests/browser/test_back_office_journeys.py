"""The back office end to end in Chromium at desktop size (1280×800), in Russian (issue #11):

(a) a paper application at the State Corporation desk (electronic receipt), registered by the
    provider, the precinct inspection (F3, F4), a preliminary refusal with the hearing, an oral
    objection written into the protocol, the protocol read, the wait for remarks, a refusal signed
    by the head with the key file and its F7 on the print list, handed over;
(b) a portal application made by the application journey (tests/browser/test_apply.py) to a grant
    signed by the head, and its F6 in the citizen's cabinet: the bell, the message, the document
    and its /verify page with every check passed.

Every official signs in through the real staff sign-in (password, then the authenticator code
computed from the demo's TOTP secret, which `flask demo load` prints), once per role for the
module; axe finds nothing on any page visited (the sign-in pages, the same for every official,
are audited at the first sign-in; the application journey that (b) starts from is audited by
its own test).

Time: the law makes the head wait (R15.1, R15.3, R15.6) and the portal has no test clock —
services take `now`, the web reads the real one. So, as the services' tests and the demo do, the
refusal round is moved into the past where time "must have passed": after the browser has
recorded the hearing and the reading of the protocol (and the head has been refused, told which
window runs and until when), the refusal round's own rows (notice, objection window, hearing,
protocol, remarks window) are re-dated four weeks back with the same working-day arithmetic
the services use; the audit log is never backdated. Every step itself is taken in the browser.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from portal import create_app, db
from portal.config import TestConfig
from portal.domain.calendar import to_local
from portal.domain.deadlines import (
    earliest_decision_date,
    objection_window_closes,
    remarks_window_closes,
)
from portal.domain.workflow import Status
from portal.models import Application
from portal.services.workdays import calendar
from tests.browser.conftest import open_decision_verify, screenshot, upload_changed_copy
from tests.browser.test_accessibility import AXE, _violations

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PAPER_IIN = "500706400099"  # the demo pensioner with no phone: her notices are printed (R15.10)
KEY_PASSWORD = "demo-key-2026"


@pytest.fixture(scope="module")
def office_server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
                  ) -> Iterator[tuple[Any, str, dict[str, str], str]]:
    """The portal with `flask demo load` done: (app, base URL, TOTP secret by staff login, the
    IIN of one of the demo family's children)."""
    copy = tmp_path_factory.mktemp("office") / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{copy}"
    config.LOAD_DEMO_DATA = True
    app = create_app(config)
    done = app.test_cli_runner().invoke(args=["demo", "load"])
    assert done.exit_code == 0, done.output
    secrets = {m.group(1): m.group(2) for m in re.finditer(
        r"^\s+\w+\s+(\S+)\s+demo-\S+-2026\s+\d{12}\s+([A-Z2-7]{16,})\s", done.output, re.M)}
    assert {"corp", "intake", "specialist", "precinct", "commission", "head"} <= set(secrets)
    with app.app_context():
        from portal.domain.registers import GatewayQuery, Requester
        from portal.gateway import gateway

        children = gateway().ask(GatewayQuery.BIRTH_RECORDS, "850321301238",
                                 Requester.APPLICANT).payload
        assert children and children["children"]
        child = str(children["children"][0]["iin"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}", secrets, child
    server.shutdown()
    db.engine_of(app).dispose()


class Office:
    """One signed-in browser per official, each signed in once through /sign-in/staff."""

    def __init__(self, browser: Any, base: str, secrets: dict[str, str]) -> None:
        self.browser, self.base, self.secrets = browser, base, secrets
        self.pages: dict[str, Any] = {}

    def __call__(self, login: str) -> Any:
        if login not in self.pages:
            first = not self.pages  # the sign-in pages are the same for everyone: audited once
            context = self.browser.new_context(viewport=DESKTOP, bypass_csp=True,
                                               accept_downloads=True)
            context.add_cookies([{"name": "lang", "value": "ru", "url": self.base}])
            page = context.new_page()
            page.goto(f"{self.base}/sign-in/staff")
            if first:
                check(page, f"{login}-sign-in")
            page.locator("main input[name=login]").fill(login)
            page.locator("main input[name=password]").fill(f"demo-{login}-2026")
            page.locator("main form button[type=submit]").click()
            page.locator("main input[name=code]").fill(pyotp.TOTP(self.secrets[login]).now())
            if first:
                check(page, f"{login}-code")
            page.locator("main form button[type=submit]").click()
            assert page.locator("h1").inner_text() == "Очередь заявлений", login
            self.pages[login] = page
        return self.pages[login]

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture(scope="module")
def office(browser: Any, office_server: tuple[Any, str, dict[str, str], str]) -> Iterator[Office]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (npm install)")
    _app, base, secrets, _child = office_server
    staff = Office(browser, base, secrets)
    yield staff
    staff.close()


def check(page: Any, label: str) -> None:
    """Every page: a screenshot (where wanted), and axe finds no WCAG 2.2 A/AA violation."""
    screenshot(page, f"back-office-{label}")
    assert _violations(page) == [], label


def open_case(page: Any, base: str, number: str, label: str) -> None:
    page.goto(f"{base}/staff/cases/{number}")
    assert number in page.locator("h1").inner_text()
    check(page, label)


def submit(page: Any, action: str, label: str) -> None:
    """Send the action's form (htmx posts it and follows HX-Redirect to the case page); the
    page that comes back says it was done."""
    panel = page.locator(f"#action-{action}")
    with page.expect_navigation():
        panel.locator("button[type=submit]").last.click()
    page.wait_for_load_state()
    errors = page.locator(".error-summary")
    assert errors.count() == 0, f"{label}: {errors.first.inner_text()}"
    check(page, label)


def inspect_at_precinct(precinct: Any, base: str, number: str, *, supplies: str, needs: bool,
                        conclusion: str, reasons: str, labels: tuple[str, str, str]) -> None:
    """The precinct commission on the case: the act of inspection F3, then its conclusion F4
    (R7.2); ``labels`` name the case page, the act and the conclusion."""
    open_case(precinct, base, number, labels[0])
    panel = precinct.locator("#action-record_inspection")
    panel.locator("input[name=housing]").first.check()
    panel.locator("#record_inspection-school_supplies").fill(supplies)
    panel.locator("#record_inspection-sanitary_state").fill("удовлетворительное")
    panel.locator("#record_inspection-applicant_has_read").check()
    submit(precinct, "record_inspection", labels[1])
    panel = precinct.locator("#action-conclude_precinct")
    panel.locator("#conclude_precinct-number").fill(conclusion)
    panel.locator(f"input[name=needs][value={'yes' if needs else 'no'}]").check()
    panel.locator("#conclude_precinct-reasons").fill(reasons)
    submit(precinct, "conclude_precinct", labels[2])


def case_status(app: Any, number: str) -> Status:
    with app.app_context():
        found = db.session().scalar(select(Application).where(Application.number == number))
        assert found is not None
        return found.status


def as_if_weeks_ago(app: Any, number: str, weeks: int = 4) -> None:
    """Move the refusal round's rows (not the audit log) ``weeks`` back: the notice, the
    objections, the hearing, its protocol and remarks, and the windows counted from them, recomputed on
    the working calendar from the moved days as the services compute them."""
    delta = dt.timedelta(weeks=weeks)
    with app.app_context():
        s = db.session()
        application = s.scalar(select(Application).where(Application.number == number))
        assert application is not None
        cal = calendar()
        pre = application.preliminary_decision
        assert pre is not None and pre.delivered_at is not None
        pre.issued_at -= delta
        pre.delivered_at -= delta
        pre.hearing_at -= delta
        delivered = to_local(pre.delivered_at).date()
        pre.objection_due_on = objection_window_closes(delivered, cal)
        pre.earliest_decision_on = earliest_decision_date(delivered, cal)
        for objection in application.objections:
            objection.submitted_at -= delta
        protocol = application.hearing_protocol
        assert protocol is not None and protocol.read_at is not None
        protocol.held_at -= delta
        protocol.read_at -= delta
        protocol.remarks_due_on = remarks_window_closes(to_local(protocol.read_at).date(), cal)
        for remark in application.remarks:
            remark.submitted_at -= delta
        from portal.services import cases

        cases.refresh_next_due(application, cal)
        s.commit()


# -- (a) paper, State Corporation desk, to a refusal handed over --------------------------------

def test_r6_1_r7_2_r15_f7_paper_application_to_a_refusal_handed_over(
        office: Office, office_server: tuple[Any, str, dict[str, str], str]) -> None:
    app, base, _secrets, _child = office_server
    # The State Corporation desk: find the person, F1 field for field, the L8 checklist.
    corp = office("corp")
    corp.goto(f"{base}/staff/intake/")
    check(corp, "a01-intake")
    corp.locator("main input[name=iin]").fill(PAPER_IIN)
    corp.locator("main form button[type=submit]").click()
    assert "/ground" in corp.url, corp.url
    check(corp, "a02-ground")
    number = corp.url.split("/staff/intake/")[1].split("/")[0]
    corp.locator("label", has_text="Пожар").first.click()
    corp.locator("#capacity input[type=radio]").first.check()
    corp.locator("main form button[type=submit]").last.click()
    assert "/applicant" in corp.url, corp.url
    check(corp, "a03-applicant")
    corp.locator("#id_doc_number").fill("045678912")
    corp.locator("#id_doc_issued_by").fill("МВД РК")
    corp.locator("#id_doc_issued_on").fill("15.03.2020")
    if not corp.locator("#iban").input_value():
        corp.locator("#bank_name").fill("Halyk Bank")
        corp.locator("#iban").fill("KZ86125KZT5004100100")
    corp.locator("main form button[type=submit]").last.click()
    assert "/family" in corp.url, corp.url
    check(corp, "a04-family")
    corp.locator("main form button[type=submit]").last.click()
    assert "/registers" in corp.url, corp.url
    corp.locator("button[name=action][value=ask]").click()
    corp.locator("button[name=action][value=continue]").wait_for()
    check(corp, "a05-registers")
    corp.locator("button[name=action][value=continue]").click()
    assert "/documents" in corp.url, corp.url
    check(corp, "a06-documents")
    for box in corp.locator("input[name$=-provided]").all():
        key = str(box.get_attribute("name"))[: -len("-provided")]
        box.check()
        corp.locator(f"input[name='{key}-compared']").check()
        corp.locator(f"input[name='{key}-sheets']").fill("1")
    corp.locator("main form button[type=submit]").last.click()
    assert "/consents" in corp.url, corp.url
    check(corp, "a07-consents")
    for box in corp.locator("main input[type=checkbox]").all():
        box.check()
    corp.locator("main form button[type=submit]").last.click()
    assert "/finish" in corp.url, corp.url
    check(corp, "a08-finish")
    corp.locator("button[name=action][value=accept]").click()
    check(corp, "a09-receipt")
    receipt = corp.locator("main").inner_text()
    assert "Электронная расписка" in receipt or "расписк" in receipt.lower(), receipt[:500]
    assert case_status(app, number) is Status.SUBMITTED  # forwarded to the provider (R7.1)

    # The provider's intake desk registers it (R7.1) and refers it to the precinct (R7.2).
    desk = office("intake")
    open_case(desk, base, number, "a10-case-submitted")
    submit(desk, "register", "a11-registered")
    assert case_status(app, number) is Status.REGISTERED
    submit(desk, "send_to_precinct", "a12-at-precinct")
    # The precinct commission: the act of inspection F3, then its conclusion F4 (no need).
    inspect_at_precinct(office("precinct"), base, number, supplies="достаточно", needs=False,
                        conclusion="17",
                        reasons="Жилой дом не пострадал от пожара, имущество сохранено.",
                        labels=("a13-precinct", "a14-f3", "a15-f4"))
    assert case_status(app, number) is Status.PRECINCT_CONCLUDED
    # The specialist: the preliminary refusal on the F4 conclusion, with the hearing (R15.1, R15.2).
    specialist = office("specialist")
    open_case(specialist, base, number, "a16-specialist")
    panel = specialist.locator("#action-issue_preliminary_refusal")
    panel.locator("input[name=ground][value=negative_conclusion]").check()
    panel.locator("#issue_preliminary_refusal-reasons").fill(
        "Участковая комиссия заключила (F4 № 17), что семья не нуждается в помощи.")
    submit(specialist, "issue_preliminary_refusal", "a17-preliminary-refusal")
    assert case_status(app, number) is Status.PRELIMINARY_REFUSAL
    # A paper application: the notice was handed over now (the windows count from today).
    now = to_local(dt.datetime.now(dt.UTC))
    panel = specialist.locator("#action-deliver_preliminary_notice")
    panel.locator("#deliver_preliminary_notice-delivered_time").fill(now.strftime("%H:%M"))
    submit(specialist, "deliver_preliminary_notice", "a18-notice-delivered")
    # The hearing, with an objection stated orally, written into the protocol (R15.4, R15.5).
    panel = specialist.locator("#action-hold_hearing")
    panel.locator("#hold_hearing-held_time").fill(to_local(dt.datetime.now(dt.UTC))
                                                  .strftime("%H:%M"))
    panel.locator("#hold_hearing-text").fill(
        "Присутствовала заявитель Сұлтанова К. Рассмотрены акт F3 и заключение F4.")
    panel.locator("#hold_hearing-oral_objection").fill(
        "Заявитель возражает: сгорела летняя кухня и запас угля на зиму.")
    submit(specialist, "hold_hearing", "a19-hearing-held")
    assert case_status(app, number) is Status.HEARING_HELD
    protocol = specialist.locator("main").inner_text()
    assert "сгорела летняя кухня" in protocol
    # The person read the protocol at the office: the 3 working days for remarks start (R15.6).
    submit(specialist, "read_protocol", "a20-protocol-read")
    # The head may not decide yet: the page says which window runs and until when.
    head = office("head")
    open_case(head, base, number, "a21-head-too-early")
    # Codes never show: the notice's channel and the history's ground are in words.
    case_text = head.locator("#case").inner_text()
    assert ", print" not in case_text and "negative_conclusion" not in case_text
    assert "отрицательное заключение экспертизы" in head.locator(".case-history").inner_text()
    blocked = head.locator("#action-decide_refuse .notice").inner_text()
    assert "Решение возможно с" in blocked and re.search(r"R15\.[136]", blocked), blocked

    # Four weeks on (the windows ran without remarks): the head decides and signs (R15.7).
    as_if_weeks_ago(app, number)
    open_case(head, base, number, "a22-head")
    assert head.locator("#action-decide_refuse .notice").count() == 0
    head.locator("#decide_refuse-reasons").fill(
        "Нуждаемость не установлена; возражение на слушании не подтверждено документами.")
    submit(head, "decide_refuse", "a23-decision-sign")
    assert head.url.endswith(f"/staff/cases/{number}/decision/sign"), head.url
    head.locator("#signer-keyfile").check()
    head.locator("main form button[type=submit]").click()
    head.locator("#key-password").fill(KEY_PASSWORD)
    check(head, "a24-key-password")
    with head.expect_navigation():
        head.locator("form:has(#key-password) button[type=submit]").click()
    check(head, "a25-refused")
    assert case_status(app, number) is Status.REFUSED
    # No phone in the mobile citizens database: the F7 goes onto the print list (R15.10).
    desk.goto(f"{base}/staff/")
    desk.locator("main a[href='/staff/print-list']").first.click()
    check(desk, "a26-print-list")
    row = desk.locator("table.queue tbody tr", has_text=number)
    assert "F7" in row.inner_text()
    with desk.expect_navigation():
        row.locator("button", has_text=f"Вручено: {number}").click()
    check(desk, "a27-handed-over")
    assert desk.locator("table.queue tbody tr", has_text=number).count() == 0
    assert case_status(app, number) is Status.NOTIFIED
    # The F7 as printed: the refusal's ground in words, certified with the head's EDS.
    open_case(desk, base, number, "a28-case-notified")
    # Every step of the history and each notification in words (no event or channel codes).
    for cell in desk.locator(".case-history tbody td").all_inner_texts():
        assert not re.fullmatch(r"[a-z_]+", cell.strip()), cell
    assert ", print," not in desk.locator("#case").inner_text()
    desk.goto(f"{base}/staff/cases/{number}/forms/f7")
    check(desk, "a29-f7")
    f7 = desk.locator("main").inner_text()
    assert number in f7 and "Сұлтанова" in f7
    assert "(ущерб от пожара)" in f7 and "(fire)" not in f7  # the kind of assistance in words


# -- (b) the portal application to a signed grant and its F6 in the cabinet ---------------------

def _citizen_page(browser: Any, app: Any, base: str, iin: str) -> Any:
    """The citizen's own browser at desktop size in Russian, signed in as the sign-in journey
    leaves it (the session helper of tests/browser/test_cabinet.py: the application journey
    signed this person in a few minutes ago, and a second SMS code to the same number so soon
    is refused by design)."""
    from portal.models import Citizen
    from tests.pages import ClientRequest

    with app.app_context():
        citizen = db.session().scalar(select(Citizen).where(Citizen.iin == iin))
        assert citizen is not None
        db.session().expunge(citizen)
    client = app.test_client()
    ClientRequest(app, client).login(citizen)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base},
                         {"name": "lang", "value": "ru", "url": base}])
    return context.new_page()


def _unread(page: Any) -> int:
    count = page.locator("a.inbox-bell .bell-count")
    return int(count.inner_text()) if count.count() else 0


def _the_decision_pdf_verifies_by_its_qr_code(head: Any, base: str, number: str) -> None:
    """#12: the head downloads the signed decision's PDF (F5); the link its QR code carries opens
    /verify with every check passed; the same PDF with one byte changed, uploaded there, fails
    the file's digest check and nothing else is claimed for it."""
    pdf = open_decision_verify(head, base)
    check(head, "b16a-verify")
    assert head.locator(".verify-verdict.ok").count() == 1
    assert head.locator("ul.verify-checks li.failed").count() == 0
    assert head.locator("ul.verify-checks li.passed").count() >= 8
    answer = upload_changed_copy(head, pdf)
    check(head, "b16b-verify-changed")
    assert answer.get_attribute("data-verdict") == "changed"
    assert head.locator(".verify-answer li[data-check=file]").count() == 1


def test_r15_7_r15_11_portal_application_to_a_signed_grant_and_its_f6_in_the_cabinet(
        browser: Any, office: Office,
        office_server: tuple[Any, str, dict[str, str], str]) -> None:
    from tests.browser.test_apply import IIN, _journey

    app, base, _secrets, child = office_server
    with app.app_context():
        before = set(db.session().scalars(select(Application.number)))
    # The F1-1 journey, signed and submitted (its pages audited by its own test).
    _journey(browser, base, child, js=True, audit=False)
    with app.app_context():
        number = db.session().scalar(select(Application.number).where(
            Application.applicant_iin == IIN, Application.number.not_in(before),
            Application.status == Status.SUBMITTED))
    assert number is not None
    citizen = _citizen_page(browser, app, base, IIN)
    try:
        # The specialist registers it (R7.1) and refers it to the precinct (R7.2).
        specialist = office("specialist")
        open_case(specialist, base, number, "b01-submitted")
        submit(specialist, "register", "b02-registered")
        submit(specialist, "send_to_precinct", "b03-at-precinct")
        inspect_at_precinct(office("precinct"), base, number, supplies="недостаточно",
                            needs=True, conclusion="18", reasons="Доход семьи ниже черты.",
                            labels=("b04-precinct", "b05-f3", "b06-f4"))
        # The specialist: documents back, income computed (R11.1), to the special commission.
        open_case(specialist, base, number, "b07-specialist")
        submit(specialist, "receive_documents", "b08-documents-received")
        submit(specialist, "compute_income", "b09-income")
        assert case_status(app, number) is Status.INCOME_COMPUTED
        submit(specialist, "submit_to_commission", "b10-at-commission")
        commission = office("commission")
        open_case(commission, base, number, "b11-commission")
        panel = commission.locator("#action-conclude_commission")
        panel.locator("input[name=needs][value=yes]").check()
        panel.locator("input[name=model_rules_ground][value='4']").check()
        submit(commission, "conclude_commission", "b12-commission-concluded")
        assert case_status(app, number) is Status.COMMISSION_CONCLUDED
        # The cabinet before the decision.
        citizen.goto(f"{base}/cabinet/")
        unread = _unread(citizen)
        # The head grants and signs F5 with the key file (R15.7); the F6 reaches the cabinet.
        head = office("head")
        open_case(head, base, number, "b13-head")
        panel = head.locator("#action-decide_grant")
        panel.locator("#decide_grant-amount").fill("45 000")
        panel.locator("input[name=frequency][value=monthly]").check()
        submit(head, "decide_grant", "b14-decision-sign")
        head.locator("#signer-keyfile").check()
        head.locator("main form button[type=submit]").click()
        head.locator("#key-password").fill(KEY_PASSWORD)
        check(head, "b15-key-password")
        with head.expect_navigation():
            head.locator("form:has(#key-password) button[type=submit]").click()
        check(head, "b16-granted")
        assert case_status(app, number) is Status.NOTIFIED  # a portal case: the cabinet at once
        _the_decision_pdf_verifies_by_its_qr_code(head, base, number)
        # The citizen: one more unread message, the decision's.
        citizen.goto(f"{base}/cabinet/")
        assert _unread(citizen) == unread + 1
        assert citizen.locator("a.inbox-bell").get_attribute("aria-label") == \
            f"Уведомления, непрочитанных: {unread + 1}"
        check(citizen, "b17-cabinet")
        citizen.locator("a.inbox-bell").click()
        check(citizen, "b18-messages")
        citizen.locator(".inbox-message", has_text=number).first.locator(
            "a[href^='/cabinet/messages/']").first.click()
        assert number in citizen.locator(".inbox-body").inner_text()
        assert _unread(citizen) == unread
        check(citizen, "b19-message")
        citizen.locator("main a.button").first.click()
        check(citizen, "b20-application")
        citizen.locator(f"main a[href='/cabinet/applications/{number}/forms/f6']").click()
        check(citizen, "b21-f6")
        f6 = citizen.locator("main").inner_text()
        assert number in f6 and "45 000" in f6.replace("\u00a0", " ")
        assert "(малообеспеченность)" in f6 and "low_income" not in f6  # the kind in words
        verify = citizen.locator("a[href*='/verify/']").first
        citizen.goto(str(verify.get_attribute("href")))
        check(citizen, "b22-verify")
        assert citizen.locator(".verify-verdict.ok").count() == 1
        assert citizen.locator("ul.verify-checks li.failed").count() == 0
        assert citizen.locator("ul.verify-checks li.passed").count() >= 8
    finally:
        citizen.context.close()

"""#12 in one browser test: a head of department signs a decision, opens its PDF, and the link
the PDF's QR code carries opens the verification page with every check passed; a changed copy
of the PDF uploaded there fails the file's digest check; axe finds nothing on the verify page
and on the dashboard.

Set up by the services, not by clicking: `demo load`'s own function brings the demo district's
case SA-2026-DEMO-0105 through intake and both commissions (services/review.py) to the head's
decision, with the head's authenticator enrolled; the head gets a TEST key file. Then in
Chromium, as a person would: the real staff sign-in (password, then the authenticator's code),
the grant decided and signed with the key file on the signing page, the PDF downloaded, its QR
code read from the page drawn as a picture (pdftoppm, zbarimg: tests/qr.py), its link opened.
"""

from __future__ import annotations

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
from portal.domain.workflow import Status
from portal.models import Application
from portal.services import verification
from tests.browser.conftest import open_decision_verify, upload_changed_copy
from tests.browser.test_accessibility import AXE, _violations

pytestmark = pytest.mark.browser

NUMBER = "SA-2026-DEMO-0105"  # the demo case the special commission concluded on
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def head_server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
                ) -> Iterator[tuple[Any, str, str]]:
    """The portal with the demo district loaded: (app, base URL, the head's TOTP secret)."""
    from portal.cli import demo
    from portal.services.events import Actor
    from portal.services.signing_ca import issue_certificate

    copy = tmp_path_factory.mktemp("decision") / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{copy}"
    app = create_app(config)
    with app.app_context():
        session = db.session()
        _created, accounts = demo.load(session)
        head = next(h for h in demo._holders(session) if h.iin == demo.STAFF_IINS["head"])
        issue_certificate(session, Actor.system(), signer_name="keyfile", holder=head,
                          secret=demo.KEY_FILE_PASSWORD)
        session.commit()
        secret = next(a.totp_secret for a in accounts if a.login == "head")
        status = session.scalar(select(Application.status).where(Application.number == NUMBER))
    assert secret and status is Status.COMMISSION_CONCLUDED
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base  # the QR code's link: this server
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, base, secret
    server.shutdown()
    db.engine_of(app).dispose()


def _status(app: Any) -> Status:
    with app.app_context():
        found = db.session().scalar(
            select(Application.status).where(Application.number == NUMBER))
    assert found is not None
    return Status(found)


def test_the_head_signs_the_pdfs_qr_code_verifies_it_and_a_changed_copy_fails(
        browser: Any, head_server: tuple[Any, str, str]) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (npm install)")
    app, base, secret = head_server
    from portal.cli.demo import KEY_FILE_PASSWORD, demo_password

    # bypass_csp: axe is injected as a script of its own (the portal's CSP would refuse it).
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True, accept_downloads=True)
    try:
        head = context.new_page()
        # The real staff sign-in: the password, then the authenticator's code.
        head.goto(f"{base}/sign-in/staff")
        head.locator("main input[name=login]").fill("head")
        head.locator("main input[name=password]").fill(demo_password("head"))
        head.locator("main form button[type=submit]").click()
        head.locator("main input[name=code]").fill(pyotp.TOTP(secret).now())
        with head.expect_navigation():
            head.locator("main form button[type=submit]").click()
        assert head.url.rstrip("/").endswith("/staff"), head.url

        # R15.7: the head grants and signs the decision F5 with the key file.
        head.goto(f"{base}/staff/cases/{NUMBER}")
        panel = head.locator("#action-decide_grant")
        panel.locator("#decide_grant-amount").fill("45 000")
        panel.locator("input[name=frequency][value=monthly]").check()
        with head.expect_navigation():
            panel.locator("button[type=submit]").last.click()
        assert head.url.endswith(f"/staff/cases/{NUMBER}/decision/sign"), head.url
        head.locator("#signer-keyfile").check()
        head.locator("main form button[type=submit]").click()
        head.locator("#key-password").fill(KEY_FILE_PASSWORD)
        with head.expect_navigation():
            head.locator("form:has(#key-password) button[type=submit]").click()
        assert _status(app) in {Status.GRANTED, Status.NOTIFIED}

        # The signed decision's PDF, from the case page; its QR code, read off the page as a
        # phone reads it, opens /verify: every check passed.
        pdf = open_decision_verify(head, base)
        assert head.locator(".verify-verdict.ok").count() == 1
        checks = head.locator("ul.verify-checks li")
        assert [c.get_attribute("data-check") for c in checks.all()] == [
            str(c) for c in verification.SHOWN_CHECKS]
        assert head.locator("ul.verify-checks li.passed").count() == len(
            verification.SHOWN_CHECKS)
        assert _violations(head) == []

        # The same PDF with one byte changed, uploaded there: the file's digest check fails,
        # and that is all that is claimed of it.
        answer = upload_changed_copy(head, pdf)
        assert answer.get_attribute("data-verdict") == "changed"
        assert [li.get_attribute("data-check") for li in answer.locator("li").all()] == [
            verification.FILE_CHECK]
        assert _violations(head) == []

        # The dashboard of the head's district, with this decision in it.
        head.goto(f"{base}/staff/dashboard")
        assert head.locator("#table-status").count() == 1
        assert _violations(head) == []
    finally:
        context.close()

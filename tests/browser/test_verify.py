"""#12 The verify page on a 360 px phone, JavaScript on and off: a signed document's checks, the
issued PDF recognised, a changed PDF failing the file check; axe finds nothing (kk, ru)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from portal import create_app, db
from portal.config import TestConfig
from portal.documents.f1_1 import SignatureInfo, SignerKind, application_pdf
from portal.domain import verification as codes
from portal.models import Signature
from portal.services import signing as signing_service
from portal.services import verification
from portal.services.events import Actor
from signing import Holder, canonical_json
from tests.browser.test_accessibility import AXE, _violations

pytestmark = pytest.mark.browser

IIN = "850321301238"
DOCUMENT = {"form": "F1-1", "number": "SA-2026-K4PQ-9TXM", "district": {"name": "Есіл ауданы"},
            "applicant": {"iin": IIN, "surname": "ҚАСЫМОВ", "given_name": "БАУЫРЖАН"},
            "prepared_at": "2026-11-27T04:04:00+00:00"}
CHECKS = 8


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
                  ) -> Iterator[tuple[str, str, Path, Path]]:
    """The portal with one signed F1-1: (base URL, code, the issued PDF, a changed copy)."""
    folder = tmp_path_factory.mktemp("verify")
    copy = folder / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{copy}"
    app = create_app(config)
    document = canonical_json(DOCUMENT)
    with app.test_request_context():
        session = db.session()
        ctx = signing_service.context()
        ctx.signer("keyfile").enroll(  # type: ignore[attr-defined]
            Holder(iin=IIN, surname="ҚАСЫМОВ", name="БАУЫРЖАН", patronymic=""), "qwerty-123")
        actor = Actor("citizen", 1, "citizen")
        challenge = signing_service.start_signing(
            session, actor, signer_name="keyfile", document=document, signer_iin=IIN,
            purpose="application")
        signature = signing_service.complete_signing(
            session, actor, signer_name="keyfile", challenge_id=challenge.id, answer="qwerty-123",
            document=document, expected_iin=IIN, purpose="application",
            document_kind="application")
        stored = session.get(Signature, signature.id)
        assert stored is not None
        pdf = verification.remember_pdf(session, stored, application_pdf(DOCUMENT, SignatureInfo(
            signer_name="ҚАСЫМОВ БАУЫРЖАН", masked_iin="•••••••01238", kind=SignerKind.KEY_FILE,
            signed_at=stored.signed_at, verification_code=codes.display(stored.short_code),
            keywords=verification.pdf_keywords(stored)), "kk"))
        code = stored.short_code
    issued = folder / "F1-1.pdf"
    issued.write_bytes(pdf)
    changed = folder / "F1-1-changed.pdf"
    flipped = bytearray(pdf)
    flipped[len(pdf) // 2] ^= 0x01
    changed.write_bytes(bytes(flipped))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", code, issued, changed
    server.shutdown()
    db.engine_of(app).dispose()


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide at 360 px"


def test_the_qr_link_shows_every_check_passed_and_a_changed_pdf_fails_with_javascript(
    signed_server: tuple[str, str, Path, Path], phone: Any
) -> None:
    base, code, _issued, changed = signed_server
    page = phone.new_page()
    page.goto(f"{base}/verify/{codes.display(code)}")
    assert page.locator("ul.verify-checks li.passed").count() == CHECKS
    assert page.locator("ul.verify-checks li.failed").count() == 0
    assert IIN not in page.content()
    _fits(page)
    page.locator("input[type=file]").set_input_files(str(changed))
    page.locator(".verify-upload button[type=submit]").click()
    answer = page.locator(".verify-answer")
    answer.wait_for()
    assert answer.get_attribute("data-verdict") == "changed"
    assert page.locator(".verify-answer li[data-check=file]").count() == 1
    _fits(page)


def test_the_code_form_and_the_issued_pdf_work_without_javascript(
    signed_server: tuple[str, str, Path, Path], phone_no_js: Any
) -> None:
    base, code, issued, _changed = signed_server
    page = phone_no_js.new_page()
    page.goto(f"{base}/verify")
    page.locator("input[name=code]").fill(codes.display(code).lower())
    page.locator("form.verify-form button[type=submit]").click()
    assert page.locator("ul.verify-checks li.passed").count() == CHECKS
    page.goto(f"{base}/verify")
    page.locator("input[type=file]").set_input_files(str(issued))
    page.locator("form.verify-form button[type=submit]").click()
    assert page.locator(".verify-answer").get_attribute("data-verdict") == "valid"
    _fits(page)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_verify_pages_have_no_wcag_violations(
    signed_server: tuple[str, str, Path, Path], browser: Any, lang: str
) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (npm install)")
    base, code, _issued, changed = signed_server
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    try:
        context.add_cookies([{"name": "lang", "value": lang, "url": base}])
        page = context.new_page()
        page.goto(f"{base}/verify/{code}")
        assert _violations(page) == []
        page.locator("input[type=file]").set_input_files(str(changed))
        page.locator(".verify-upload button[type=submit]").click()
        page.locator(".verify-answer").wait_for()
        assert _violations(page) == []
        page.goto(f"{base}/verify/{codes.new_code()}")  # the unknown-code page
        assert _violations(page) == []
    finally:
        context.close()

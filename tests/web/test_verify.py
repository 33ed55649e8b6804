"""#12 Verification for anyone: /verify/<code>, the upload of a PDF or signature file, the limit.

A real TEST signing (key file) is stored through the signing service, so every check of
signing.verify runs for real; the tampering is done to the bytes a person would hold.
"""

from __future__ import annotations

import base64
import io
import json
import re
import time
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from cryptography import x509
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from portal import db, migrate
from portal.documents.f1_1 import SignatureInfo, SignerKind, application_pdf
from portal.domain import verification as codes
from portal.models import IssuedPdf, Signature
from portal.services import signing as signing_service
from portal.services import signing_ca, verification
from portal.services.events import Actor
from signing import Holder, Role, canonical_json

IIN = "850321301238"
SURNAME, GIVEN = "ҚАСЫМОВ", "БАУЫРЖАН"
STREET = "Сарыарқа даңғылы"
NUMBER = "SA-2026-K4PQ-9TXM"
CITIZEN = Actor("citizen", 1, "citizen")
DOCUMENT = {
    "form": "F1-1", "number": NUMBER, "district": {"name": "Есіл ауданы"},
    "applicant": {"iin": IIN, "surname": SURNAME, "given_name": GIVEN,
                  "birth_date": "1985-03-21"},
    "address": {"street": STREET, "house": "12"},
    "assistance": {"ground": "fire", "requested": "біржолғы"},
    "prepared_at": "2026-11-27T04:04:00+00:00",
}
CHECKS = ["signature", "chain", "validity", "revocation", "key_usage", "policy", "iin", "digest"]


@dataclass(frozen=True)
class Signed:
    id: int
    code: str
    long_code: str
    envelope: str
    document: bytes
    serial: str


@pytest.fixture
def signed(app: Flask) -> Signed:
    document = canonical_json(DOCUMENT)
    with app.test_request_context():
        session = db.session()
        ctx = signing_service.context()
        holder = Holder(iin=IIN, surname=SURNAME, name=GIVEN, patronymic="СЕРІКҰЛЫ")
        ctx.signer("keyfile").enroll(holder, "qwerty-123")  # type: ignore[attr-defined]
        challenge = signing_service.start_signing(
            session, CITIZEN, signer_name="keyfile", document=document, signer_iin=IIN,
            purpose="application")
        signature = signing_service.complete_signing(
            session, CITIZEN, signer_name="keyfile", challenge_id=challenge.id,
            answer="qwerty-123", document=document, expected_iin=IIN, purpose="application",
            document_kind="application")
        return Signed(signature.id, signature.short_code, signature.verification_code,
                      signature.envelope, signature.document, signature.certificate_serial)


def _checks(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {li["data-check"]: " ".join(li["class"])
            for li in soup.select("ul.verify-checks li")}


def _english(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.get("/language/en")
    return client


def _csrf(client: FlaskClient, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _upload(client: FlaskClient, url: str, data: bytes, name: str = "file.pdf") -> tuple[int, str]:
    import io

    response = client.post(url, data={"csrf_token": _csrf(client, url),
                                      "file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def _verdict(html: str) -> str:
    found = BeautifulSoup(html, "html.parser").select_one(".verify-answer")
    assert found is not None, "no answer about the file"
    return str(found["data-verdict"])


def _answer_checks(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [str(li["data-check"]) for li in soup.select(".verify-answer li[data-check]")]


def _pdf(app: Flask, signed: Signed, locale: str = "ru") -> bytes:
    with app.test_request_context():
        signature = db.session().get(Signature, signed.id)
        assert signature is not None
        pdf = application_pdf(DOCUMENT, SignatureInfo(
            signer_name=f"{SURNAME} {GIVEN}", masked_iin="•••••••01238", kind=SignerKind.KEY_FILE,
            signed_at=signature.signed_at, certificate_serial=signature.certificate_serial,
            verification_code=codes.display(signature.short_code),
            keywords=verification.pdf_keywords(signature)), locale)
        return verification.remember_pdf(db.session(), signature, pdf)


def personal_data() -> list[str]:
    return [IIN, SURNAME.title(), STREET, "21.03.1985", "1985-03-21", "біржолғы"]


# -- the short code ------------------------------------------------------------------------------

def test_every_signature_gets_a_short_unguessable_code() -> None:
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000  # 60 random bits: no collision in a few thousand
    for code in made:
        assert len(code) == 12 and set(code) <= set(codes.ALPHABET)
        assert not set(code) & set("01IO")  # no look-alikes
    assert codes.normalise(" k4pq-9txm hb2c ") == "K4PQ9TXMHB2C"
    assert codes.normalise("K4PQ-9TXM-HB2O") is None and codes.normalise("") is None
    assert codes.display("K4PQ9TXMHB2C") == "K4PQ-9TXM-HB2C"


def test_a_stored_signature_has_a_unique_short_code(app: Flask, signed: Signed) -> None:
    assert codes.normalise(signed.code) == signed.code
    assert signed.code != signed.long_code


def test_the_migration_gives_existing_signatures_a_code(db_app: Flask) -> None:
    engine = db.engine_of(db_app)
    migrate.downgrade(engine, "0007_api")
    with engine.begin() as conn:
        for n in (1, 2, 3):
            conn.execute(text(
                "INSERT INTO signatures (document_kind, signer_iin, signer_role,"
                " certificate_serial, document, document_digest, envelope, signed_at,"
                " verification_code) VALUES ('application', :iin, 'citizen', '1', :doc,"
                " :digest, 'x.y.z', CURRENT_TIMESTAMP, :code)"),
                {"iin": IIN, "doc": b"{}", "digest": "0" * 64, "code": f"long-{n}"})
    migrate.upgrade(engine)
    assert migrate.drift(engine) == []
    with engine.connect() as conn:
        found = conn.execute(text("SELECT short_code FROM signatures")).scalars().all()
    assert len(found) == 3 and len(set(found)) == 3
    assert all(codes.normalise(code) == code for code in found)


# -- the page ------------------------------------------------------------------------------------

def test_a_good_signature_passes_every_check(app: Flask, signed: Signed) -> None:
    client = app.test_client()
    response = client.get(f"/verify/{codes.display(signed.code)}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _checks(html) == dict.fromkeys(CHECKS, "passed")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".verify-number").get_text(strip=True) == NUMBER
    assert soup.select_one(".verify-iin").get_text(strip=True) == "•••••••01238"
    assert soup.select_one(".verify-signer-name").get_text(strip=True).startswith(SURNAME)
    assert soup.select_one(".verify-digest").get_text(strip=True) == \
        verification.hashlib.sha256(signed.document).hexdigest()
    assert signed.serial in html and "TEST" in html
    assert response.headers["Cache-Control"] == "no-store"


def test_the_page_shows_no_iin_nor_the_citizens_data(app: Flask, signed: Signed) -> None:
    for language in ("kk", "ru", "en"):
        client = app.test_client()
        client.get(f"/language/{language}")
        html = client.get(f"/verify/{signed.code}").get_data(as_text=True)
        for value in personal_data():
            assert value not in html, (language, value)


def test_the_page_speaks_kazakh_russian_and_english(app: Flask, signed: Signed) -> None:
    headings = {}
    for language in ("kk", "ru", "en"):
        client = app.test_client()
        client.get(f"/language/{language}")
        soup = BeautifulSoup(client.get(f"/verify/{signed.code}").get_data(as_text=True),
                             "html.parser")
        headings[language] = soup.select_one(".verify-verdict h2").get_text(strip=True)
    assert headings["en"] == "The signature is valid"
    assert len(set(headings.values())) == 3


def test_the_long_code_and_a_lower_case_code_open_the_same_document(
    app: Flask, signed: Signed
) -> None:
    client = app.test_client()
    for code in (signed.long_code, signed.code.lower()):
        response = client.get(f"/verify/{code}")
        assert response.status_code == 200
        assert codes.display(signed.code) in response.get_data(as_text=True)


def _without_token(html: str) -> str:
    html = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    # The language links come back to the page asked for.
    return re.sub(r"next=[^\"&]+", "", html)


def test_an_unknown_code_and_a_wrong_code_look_the_same(app: Flask, signed: Signed) -> None:
    client = app.test_client()
    unknown = client.get("/verify/ZZZZ-ZZZZ-ZZZZ")
    wrong = client.get("/verify/not-a-code-at-all")
    assert unknown.status_code == wrong.status_code == 404
    assert _without_token(unknown.get_data(as_text=True)) == \
        _without_token(wrong.get_data(as_text=True))
    assert "verify-unknown" in unknown.get_data(as_text=True)


def test_an_unknown_code_and_a_wrong_code_take_similar_time(
    app: Flask, signed: Signed, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", False)
    client = app.test_client()
    times: dict[str, list[float]] = {"unknown": [], "wrong": []}
    for _ in range(15):
        for kind, code in (("unknown", "ZZZZ-ZZZZ-ZZZZ"), ("wrong", "x")):
            start = time.perf_counter()
            client.get(f"/verify/{code}")
            times[kind].append(time.perf_counter() - start)
    unknown, wrong = sorted(times["unknown"])[7], sorted(times["wrong"])[7]
    assert abs(unknown - wrong) < max(unknown, wrong) * 0.5 + 0.005


def test_a_revoked_certificate_fails_the_revocation_check_only(app: Flask, signed: Signed) -> None:
    with app.test_request_context():
        signing_ca.revoke_certificate(db.session(), Actor("system", None, "system"),
                                      serial=int(signed.serial, 16),
                                      reason=x509.ReasonFlags.key_compromise)
    html = _english(app).get(f"/verify/{signed.code}").get_data(as_text=True)
    checks = _checks(html)
    assert checks.pop("revocation") == "failed"
    assert checks == dict.fromkeys([c for c in CHECKS if c != "revocation"], "passed")
    assert "The signature did not pass every check" in html
    assert "The certificate has been revoked" in html


def test_the_code_form_at_verify_opens_the_report_by_post(app: Flask, signed: Signed) -> None:
    client = app.test_client()
    response = client.post("/verify", data={"csrf_token": _csrf(client, "/verify"),
                                            "code": codes.display(signed.code).lower()})
    assert response.status_code == 200
    assert _checks(response.get_data(as_text=True)) == dict.fromkeys(CHECKS, "passed")
    unknown = client.post("/verify", data={"csrf_token": _csrf(client, "/verify"),
                                           "code": IIN})
    assert unknown.status_code == 404 and IIN not in unknown.get_data(as_text=True)


def test_the_form_without_code_or_file_is_explained(app: Flask) -> None:
    client = _english(app)
    response = client.post("/verify", data={"csrf_token": _csrf(client, "/verify")})
    assert response.status_code == 422
    assert "Enter the verification code, or choose a file to check." in \
        response.get_data(as_text=True)


# -- uploads -------------------------------------------------------------------------------------

def test_the_pdf_the_portal_issued_is_recognised_unchanged(app: Flask, signed: Signed) -> None:
    pdf = _pdf(app, signed)
    client = app.test_client()
    status, html = _upload(client, f"/verify/{signed.code}", pdf)
    assert status == 200 and _verdict(html) == "valid"
    status, html = _upload(client, "/verify", pdf)
    assert status == 200 and _verdict(html) == "valid"
    assert _checks(html) == dict.fromkeys(CHECKS, "passed")
    with app.app_context():
        assert db.session().scalar(select(IssuedPdf.signature_id)) == signed.id


def test_a_tampered_pdf_fails_the_file_check(app: Flask, signed: Signed) -> None:
    pdf = _pdf(app, signed)
    # The same document printed with another number: what a forger would produce.
    with app.test_request_context():
        signature = db.session().get(Signature, signed.id)
        assert signature is not None
        forged = application_pdf({**DOCUMENT, "number": "SA-2026-FAKE-0000"}, SignatureInfo(
            signer_name="X", masked_iin="•", kind=SignerKind.KEY_FILE,
            signed_at=signature.signed_at, keywords=verification.pdf_keywords(signature)), "ru")
    assert forged != pdf
    client = _english(app)
    status, html = _upload(client, "/verify", forged)
    assert status == 200 and _verdict(html) == "changed"
    assert _answer_checks(html) == ["file"]
    assert "has been changed" in html
    # A single byte changed in the issued file, on the document's own page.
    flipped = bytearray(pdf)
    flipped[len(pdf) // 2] ^= 0x01
    status, html = _upload(client, f"/verify/{signed.code}", bytes(flipped))
    assert _verdict(html) == "changed" and _answer_checks(html) == ["file"]
    # Below it, the portal's own copy is reported as its own, not as a second verdict that
    # would read "valid, not changed since" about the file the person chose.
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.select(".notice.ok")
    assert "has not been changed since" not in html
    original = soup.select_one(".verify-original h2")
    assert original is not None
    assert original.get_text(strip=True) == "The document the portal issued under this code"


def test_a_pdf_the_portal_never_issued_is_not_ours(app: Flask, signed: Signed) -> None:
    from fpdf import FPDF

    other = FPDF()
    other.add_page()
    client = app.test_client()
    status, html = _upload(client, "/verify", bytes(other.output()))
    assert status == 200 and _verdict(html) == "unknown"
    status, html = _upload(client, "/verify", b"just some text", "notes.txt")
    assert _verdict(html) == "unknown"


def _bundle(envelope: str, document: bytes) -> bytes:
    return json.dumps({"envelope": envelope,
                       "document": base64.b64encode(document).decode()}).encode()


def test_the_signature_file_the_portal_holds_is_recognised(app: Flask, signed: Signed) -> None:
    client = app.test_client()
    status, html = _upload(client, "/verify", _bundle(signed.envelope, signed.document),
                           "signature.json")
    assert status == 200 and _verdict(html) == "valid"
    status, html = _upload(client, "/verify", signed.envelope.encode(), "signature.jws")
    assert _verdict(html) == "valid"


def _flip_signature_byte(envelope: str) -> str:
    head, payload, sig = envelope.split(".")
    raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
    raw[5] ^= 0x01
    return ".".join([head, payload, base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()])


def test_a_changed_byte_of_the_signature_fails_the_signature_check(
    app: Flask, signed: Signed
) -> None:
    client = app.test_client()
    changed = _flip_signature_byte(signed.envelope)
    status, html = _upload(client, "/verify", _bundle(changed, signed.document), "sig.json")
    assert status == 200 and _verdict(html) == "changed"
    assert _answer_checks(html) == ["signature"]
    assert _checks(html)["signature"] == "failed"


def test_a_changed_document_in_a_signature_file_fails_the_digest_check(
    app: Flask, signed: Signed
) -> None:
    client = app.test_client()
    other = canonical_json({**DOCUMENT, "number": "SA-2026-FAKE-0000"})
    _status, html = _upload(client, f"/verify/{signed.code}", _bundle(signed.envelope, other),
                           "sig.json")
    assert _verdict(html) == "changed"
    assert _answer_checks(html) == ["digest"]


def test_a_signature_file_of_a_revoked_certificate_says_so(app: Flask, signed: Signed) -> None:
    with app.test_request_context():
        signing_ca.revoke_certificate(db.session(), Actor("system", None, "system"),
                                      serial=int(signed.serial, 16),
                                      reason=x509.ReasonFlags.key_compromise)
    _status, html = _upload(app.test_client(), "/verify",
                           _bundle(signed.envelope, signed.document), "sig.json")
    assert _verdict(html) == "invalid"
    assert [c for c, state in _checks(html).items() if state == "failed"] == ["revocation"]


def test_a_file_without_a_choice_is_explained_on_the_page(app: Flask, signed: Signed) -> None:
    client = _english(app)
    url = f"/verify/{signed.code}"
    response = client.post(url, data={"csrf_token": _csrf(client, url)})
    assert response.status_code == 422
    assert "Choose the PDF or the signature file to check." in response.get_data(as_text=True)


# -- the limit -----------------------------------------------------------------------------------

def test_the_verify_pages_are_rate_limited_per_address(app: Flask, signed: Signed) -> None:
    client = _english(app)
    statuses = [client.get(f"/verify/{codes.new_code()}").status_code for _ in range(20)]
    assert set(statuses) == {404}
    limited = client.get(f"/verify/{signed.code}")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "Too many checks" in limited.get_data(as_text=True)
    # The upload and the code form share the same budget.
    assert client.get("/verify").status_code == 429
    other = app.test_client()
    answer = other.get(f"/verify/{signed.code}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert answer.status_code == 200



def test_the_f1_1_pdf_carries_the_qr_code_and_the_address_of_its_verify_page(
    app: Flask, signed: Signed
) -> None:
    from pypdf import PdfReader

    with app.test_request_context():
        signature = db.session().get(Signature, signed.id)
        assert signature is not None
        url = verification.verify_url(signature)
        pdf = application_pdf(DOCUMENT, SignatureInfo(
            signer_name="X", masked_iin="•", kind=SignerKind.KEY_FILE,
            signed_at=signature.signed_at, verification_code=codes.display(signature.short_code),
            keywords=verification.pdf_keywords(signature), verify_url=url), "ru")
    assert url.endswith(f"/verify/{signed.code}")
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert url in text and codes.display(signed.code) in text
    # the QR code, drawn as vector squares (portal/documents/pdf.py::draw_qr)
    assert sum(page.get_contents().get_data().count(b" re") for page in reader.pages) > 100
    assert verification._code_in_pdf(pdf) == signed.code


def test_an_officials_decision_shows_the_position_and_organisation_of_the_certificate(
    app: Flask,
) -> None:
    head_iin = "921231445671"
    decision = canonical_json({"form": "F5", "decision_number": "D-2026-0042",
                               "decided_on": "2026-11-30", "applicant": {"iin": IIN}})
    with app.test_request_context():
        session = db.session()
        holder = Holder(iin=head_iin, surname="ОМАРОВА", name="ӘЙГЕРІМ", patronymic="",
                        position="Бөлім басшысы", organisation="Есіл ауданының ЖҚӘБ",
                        bin="990340001234")
        signing_service.context().signer("keyfile").enroll(  # type: ignore[attr-defined]
            holder, "qwerty-123")
        head = Actor("staff", 7, "head")
        challenge = signing_service.start_signing(
            session, head, signer_name="keyfile", document=decision, signer_iin=head_iin,
            purpose="decision", role=Role.STAFF)
        signature = signing_service.complete_signing(
            session, head, signer_name="keyfile", challenge_id=challenge.id, answer="qwerty-123",
            document=decision, expected_iin=head_iin, purpose="decision",
            document_kind="decision")
        code = signature.short_code
    html = _english(app).get(f"/verify/{code}").get_data(as_text=True)
    assert _checks(html) == dict.fromkeys(CHECKS, "passed")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".verify-number").get_text(strip=True) == "D-2026-0042"
    assert "form F5" in soup.select_one(".verify-form-name").get_text()
    assert "Бөлім басшысы, Есіл ауданының ЖҚӘБ" in html
    assert "30.11.2026" in html or "11/30/26" in html or "Nov 30, 2026" in html
    assert IIN not in html and head_iin not in html

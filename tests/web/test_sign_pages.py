"""The signing pages: the phone page of the mobile signer and the polled status (#3)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from portal import db
from portal.services import signing as svc
from portal.services.events import Actor
from portal.views.sign import remember_challenge
from signing import Action, Challenge, FailureMode, Holder, canonical_json
from tests.pages import check_page

IIN = "850321301238"
DOCUMENT = canonical_json({"form": "F1-1", "ground": "fire"})


def _begin(app: Flask, failure_mode: FailureMode = FailureMode.NONE) -> tuple[str, str]:
    with app.test_request_context():
        ctx = svc.context()
        if not ctx.signer("mobile").is_enrolled(IIN):  # type: ignore[attr-defined]
            ctx.signer("mobile").enroll(  # type: ignore[attr-defined]
                Holder(iin=IIN, surname="ҚАСЫМОВ", name="БАУЫРЖАН"), "2580")
        challenge = svc.start_signing(db.session(), Actor("citizen", 1, "citizen"),
                                      signer_name="mobile", document=DOCUMENT, signer_iin=IIN,
                                      purpose="application", title="F1-1",
                                      failure_mode=failure_mode)
        assert challenge.link is not None
        return challenge.id, challenge.link.rsplit("/", 1)[1]


def _track(client: FlaskClient, app: Flask, challenge_id: str) -> None:
    with client.session_transaction() as s, app.test_request_context():
        from flask import session

        # What a journey does right after start_signing; only the action and ids matter here.
        remember_challenge(Challenge(id=challenge_id, signer="mobile", action=Action.SCAN_QR,
                                     expires_at=datetime.now(UTC)), "/cabinet/")
        s.update(dict(session))


def _csrf(client: FlaskClient, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def test_the_phone_page_shows_what_is_signed_and_masks_the_iin(app: Flask, client: FlaskClient) -> None:
    _, token = _begin(app)
    response = client.get(f"/sign/mobile/{token}")
    assert response.status_code == 200
    page = check_page(response)
    text = page.get_text()
    assert "F1-1" in text and "TEST" in text
    assert "әлеуметтік көмекке өтініш" in text  # the purpose in words, not its code
    assert IIN not in text and IIN[-5:] in text
    assert response.headers["Cache-Control"] == "no-store"
    # A document of a shape the application template does not know: a plain list of fields.
    shown = page.select_one(".document-text .document-fields")
    assert shown is not None and "fire" in shown.get_text() and "{" not in shown.get_text()
    assert page.select_one("#pin")["maxlength"] == "4"  # this person's PIN has 4 digits


def test_signing_on_the_phone_then_the_first_page_sees_it(app: Flask, client: FlaskClient) -> None:
    challenge_id, token = _begin(app)
    _track(client, app, challenge_id)
    first = check_page(client.get(f"/sign/status/{challenge_id}"))
    assert first.select_one("#signing-status[role=status] #signing-status-body[hx-trigger]")
    unchanged = client.get(f"/sign/status/{challenge_id}", headers={"HX-Request": "true"})
    assert unchanged.status_code == 204  # no swap while pending: focus and live region stay

    phone = app.test_client()
    csrf = _csrf(phone, f"/sign/mobile/{token}")
    wrong = phone.post(f"/sign/mobile/{token}", data={"csrf_token": csrf, "pin": "0000"})
    assert wrong.status_code == 422
    wrong_page = check_page(wrong)
    summary = wrong_page.select_one(".error-summary[role=alert] a[href='#pin']")
    assert summary is not None and "Қалған әрекет саны: 2" in summary.get_text()
    assert wrong_page.title is not None and wrong_page.title.get_text().startswith("Қате")
    done = phone.post(f"/sign/mobile/{token}", data={"csrf_token": csrf, "pin": "2580"})
    assert done.status_code == 200
    check_page(done)
    reused = phone.post(f"/sign/mobile/{token}", data={"csrf_token": csrf, "pin": "2580"})
    assert reused.status_code == 410

    polled = client.get(f"/sign/status/{challenge_id}", headers={"HX-Request": "true"})
    body = polled.get_data(as_text=True)
    assert polled.status_code == 200 and "<h1>" not in body  # the fragment only
    assert 'hx-post="/cabinet/"' in body and 'hx-trigger="load"' in body
    assert "every 2s" not in body  # polling stops
    page = check_page(client.get(f"/sign/status/{challenge_id}"))  # JavaScript off
    assert page.select_one("form[method=post][action='/cabinet/'] button") is not None


def test_declining_on_the_phone_fails_the_signing(app: Flask, client: FlaskClient) -> None:
    challenge_id, token = _begin(app)
    _track(client, app, challenge_id)
    phone = app.test_client()
    csrf = _csrf(phone, f"/sign/mobile/{token}")
    declined = phone.post(f"/sign/mobile/{token}",
                          data={"csrf_token": csrf, "decision": "decline", "pin": "2580"})
    assert "Ештеңе қол қойылмады" in declined.get_data(as_text=True)
    status = client.get(f"/sign/status/{challenge_id}").get_data(as_text=True)
    assert "Қол қою тоқтатылды" in status


def test_a_scripted_cancel_ends_on_a_readable_page(app: Flask) -> None:
    _, token = _begin(app, FailureMode.CANCEL)
    phone = app.test_client()
    csrf = _csrf(phone, f"/sign/mobile/{token}")
    response = phone.post(f"/sign/mobile/{token}", data={"csrf_token": csrf, "pin": "2580"})
    assert response.status_code == 410
    check_page(response)
    assert "Қол қою тоқтатылды" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["nonsense", "A" * 43, "%E2%82%B8" * 30, "x" * 5000])
def test_unknown_tokens_get_a_page_not_an_error(client: FlaskClient, token: str) -> None:
    response = client.get(f"/sign/mobile/{token}")
    assert response.status_code == 404
    check_page(response)


def test_a_stranger_cannot_poll_someone_elses_signing(app: Flask, client: FlaskClient) -> None:
    challenge_id, _ = _begin(app)
    assert client.get(f"/sign/status/{challenge_id}").status_code == 404
    polled = client.get(f"/sign/status/{challenge_id}", headers={"HX-Request": "true"})
    body = polled.get_data(as_text=True)
    assert "hx-trigger" not in body  # a lost session stops polling instead of looping on 404
    assert "Қайта бастаңыз" in body


def test_mobile_pages_are_not_found_where_the_mobile_signer_is_off(app: Flask) -> None:
    _, token = _begin(app)
    assert app.test_client().get(f"/sign/mobile/{token}").status_code == 200
    app.config["SIGNERS"] = "keyfile"
    app.extensions.pop("signing", None)
    response = app.test_client().get(f"/sign/mobile/{token}")
    assert response.status_code == 404
    check_page(response)


def test_a_signature_that_fails_verification_shows_as_failed_not_signed(
    app: Flask, client: FlaskClient
) -> None:
    challenge_id, token = _begin(app, FailureMode.WRONG_PERSON)
    _track(client, app, challenge_id)
    phone = app.test_client()
    csrf = _csrf(phone, f"/sign/mobile/{token}")
    on_phone = phone.post(f"/sign/mobile/{token}", data={"csrf_token": csrf, "pin": "2580"})
    # R6.4: the phone verifies as the portal will before it says "signed", and gives the reason.
    page = check_page(on_phone)
    assert page.h1 is not None and page.h1.get_text() == "Қол қойылмады"
    assert "басқа адамға тиесілі" in page.select_one(".refusal-reasons").get_text()
    with app.test_request_context(), pytest.raises(svc.SignatureRejectedBefore):
        svc.complete_signing(db.session(), Actor("citizen", 1, "citizen"), signer_name="mobile",
                             challenge_id=challenge_id, answer=None, document=DOCUMENT,
                             expected_iin=IIN, purpose="application",
                             document_kind="application")
    polled = client.get(f"/sign/status/{challenge_id}", headers={"HX-Request": "true"})
    body = polled.get_data(as_text=True)
    assert "hx-post" not in body and "hx-trigger" not in body
    assert "тексеруден өтпеді" in body


def test_the_keyfile_panel_shows_owner_masked_iin_and_validity(app: Flask) -> None:
    with app.test_request_context():
        ctx = svc.context()
        ctx.signer("keyfile").enroll(  # type: ignore[attr-defined]
            Holder(iin=IIN, surname="ҚАСЫМОВ", name="БАУЫРЖАН"), "qwerty-123")
        challenge = svc.start_signing(db.session(), Actor("citizen", 1, "citizen"),
                                      signer_name="keyfile", document=DOCUMENT, signer_iin=IIN,
                                      purpose="application")
        html = render_template_string(
            '{% from "components/signing.html" import keyfile_panel %}'
            "{{ keyfile_panel(challenge, '/x', error='wrong') }}", challenge=challenge)
    assert "ҚАСЫМОВ БАУЫРЖАН" in html
    assert IIN not in html and IIN[-5:] in html
    assert 'aria-invalid="true"' in html and 'type="password"' in html

"""The phone link is only a link: it shows no personal data and cannot decline without the PIN;
PIN posts are limited per person across signings (security review items 10 and 1)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from portal import db
from portal.services import signing as svc
from portal.services.events import Actor
from portal.views.sign import PIN_LIMIT_PER_PERSON
from signing import Holder, canonical_json
from tests.pages import check_page

IIN = "850321301238"
MEMBER_IIN = "760212350620"
PHONE_NUMBER = "+77011234567"
DOCUMENT = canonical_json({
    "form": "F1-1", "ground": "fire",
    "applicant": {"iin": IIN, "surname": "ҚАСЫМОВ", "given_name": "БАУЫРЖАН", "phone": PHONE_NUMBER},
    "members": [{"relation": "spouse", "note": f"ЖСН {MEMBER_IIN}"}],
})


def _begin(app: Flask) -> tuple[str, str]:
    with app.test_request_context():
        ctx = svc.context()
        if not ctx.signer("mobile").is_enrolled(IIN):  # type: ignore[attr-defined]
            ctx.signer("mobile").enroll(  # type: ignore[attr-defined]
                Holder(iin=IIN, surname="ҚАСЫМОВ", name="БАУЫРЖАН"), "2580")
        challenge = svc.start_signing(db.session(), Actor("citizen", 1, "citizen"),
                                      signer_name="mobile", document=DOCUMENT, signer_iin=IIN,
                                      purpose="application", title="F1-1")
        assert challenge.link is not None
        return challenge.id, challenge.link.rsplit("/", 1)[1]


def _csrf(client: FlaskClient, url: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert match is not None
    return match.group(1)


def test_the_phone_link_alone_shows_no_iin_name_or_personal_field_item_10(
    app: Flask, client: FlaskClient
) -> None:
    _, token = _begin(app)
    page = check_page(client.get(f"/sign/mobile/{token}"))
    text = page.get_text()
    for secret in (IIN, MEMBER_IIN, "ҚАСЫМОВ", "БАУЫРЖАН", PHONE_NUMBER):
        assert secret not in text, secret
    assert "Қ••• Б•••" in text  # the owner can still recognise their own key
    assert "әлеуметтік көмекке өтініш" in text and page.select_one(".digest") is not None
    shown = page.select_one(".document-text .document-fields")
    assert shown is not None and "fire" in shown.get_text()
    assert "spouse" in shown.get_text() and MEMBER_IIN[-5:] in shown.get_text()


def test_declining_on_the_phone_needs_the_pin_item_10(app: Flask) -> None:
    _, token = _begin(app)
    phone = app.test_client()
    csrf = _csrf(phone, f"/sign/mobile/{token}")
    for pin in ("", "9173"):
        refused = phone.post(f"/sign/mobile/{token}",
                             data={"csrf_token": csrf, "decision": "decline", "pin": pin})
        assert refused.status_code == 422
        assert check_page(refused).select_one(".error-summary a[href='#pin']") is not None
    with app.test_request_context():
        assert svc.context().signer("mobile").open(token).title == "F1-1"  # type: ignore[attr-defined]
    declined = phone.post(f"/sign/mobile/{token}",
                          data={"csrf_token": csrf, "decision": "decline", "pin": "2580"})
    assert declined.status_code == 200 and "Ештеңе қол қойылмады" in declined.get_data(as_text=True)


def test_pin_posts_are_limited_per_person_across_signings_and_addresses_item_1(app: Flask) -> None:
    allowed = int(PIN_LIMIT_PER_PERSON.split()[0])
    tokens = [_begin(app)[1] for _ in range(3)]
    statuses = []
    for attempt in range(allowed + 1):
        token = tokens[attempt % 3]
        phone = app.test_client()
        address = {"REMOTE_ADDR": f"198.51.100.{attempt + 1}"}
        csrf = _csrf(phone, f"/sign/mobile/{token}")
        # An empty PIN is refused before it counts against the key store: only the limiter counts.
        statuses.append(phone.post(f"/sign/mobile/{token}", data={"csrf_token": csrf, "pin": ""},
                                   environ_base=address).status_code)
    assert statuses[:allowed] == [422] * allowed
    assert statuses[allowed] == 429

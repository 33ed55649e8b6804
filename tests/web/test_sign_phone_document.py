"""The phone page as a new user reads it (issue #9): the F1-1 in their words, the PIN's length,
labels that tell the link's expiry from the certificate's validity; the SMS panel; the menu."""

from __future__ import annotations

import re

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from portal import db
from portal.notify import mobile
from portal.services import signing as svc
from portal.services import signing_sms
from portal.services.events import Actor
from signing import Holder, canonical_json
from tests.pages import check_page

IIN = "850321301238"
PIN = "58142037"  # the demo's PIN has 8 digits
F1_1 = {
    "form": "F1-1", "version": 1, "number": "SA-2026-000101", "language": "kk",
    "district": {"code": "750000", "name": "Алматы қ. Бостандық ауданы", "provider": "ЖҚӘББ"},
    "assistance": {"ground": "low_income", "frequency": "monthly", "requested": "атаулы көмек"},
    "capacity": "self", "representative": None,
    "applicant": {"iin": IIN, "surname": "ҚАСЫМОВ", "given_name": "БАУЫРЖАН", "patronymic": None,
                  "birth_date": "1985-03-21", "sex": "male",
                  "id_document": {"type": "id_card", "series": None, "number": "045678912",
                                  "issued_by": "ҚР ІІМ", "issued_on": "2019-05-14"}},
    "address": {"region": "Алматы", "city": "Алматы", "village": None, "street": "Абай даңғылы",
                "house": "10", "flat": "5", "from_register": True, "correction_reason": None},
    "family": [{"iin": "760212350620", "full_name": "ҚАСЫМОВА АЙГҮЛ", "relation": "spouse",
                "birth_date": "1976-02-12"}],
    "income": {"quarter": "2026-07-01/2026-09-30",
               "records": [{"member": "ҚАСЫМОВ БАУЫРЖАН", "kind": "wages", "amount": "123456.00",
                            "source": "register"}],
               "members": "3", "per_capita": "41152.00"},
    "bank": {"bank_name": "Halyk Bank", "iban": "KZ86125KZT5004100100"},
    "contacts": {"phone": "+77011234567", "email": None},
    "documents": [{"kind": "income", "title": "Анықтама", "files": 2}],
    "consents": [{"kind": "personal_data", "given": True, "text": "Келісім беремін", "version": "1",
                  "locale": "kk"}],
    "state_bodies": [{"query": "identity", "source_system": "gbd_fl", "subject_iin": IIN,
                      "outcome": "no_data", "answered_at": "2026-11-27T04:05:09+00:00",
                      "sha256": "ab" * 32}],
    "prepared_at": "2026-11-27T04:10:00+00:00",
}
DOCUMENT = canonical_json(F1_1)


def _begin(app: Flask) -> str:
    with app.test_request_context():
        ctx = svc.context()
        if not ctx.signer("mobile").is_enrolled(IIN):  # type: ignore[attr-defined]
            ctx.signer("mobile").enroll(  # type: ignore[attr-defined]
                Holder(iin=IIN, surname="ҚАСЫМОВ", name="БАУЫРЖАН"), PIN)
        challenge = svc.start_signing(db.session(), Actor("citizen", 1, "citizen"),
                                      signer_name="mobile", document=DOCUMENT, signer_iin=IIN,
                                      purpose="application.submit", title="F1-1")
        assert challenge.link is not None
        return challenge.link.rsplit("/", 1)[1]


def _csrf(client: FlaskClient, url: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert match is not None
    return match.group(1)


def test_r6_4_the_phone_page_shows_the_application_in_kazakh_words_not_json(
    app: Flask, client: FlaskClient
) -> None:
    page = check_page(client.get(f"/sign/mobile/{_begin(app)}"))
    document = page.select_one(".document-text .signed-document")
    assert document is not None
    text = document.get_text(" ", strip=True)
    for words in ("Әлеуметтік көмек алуға арналған өтініш (F1-1 нысаны)", "Табысы төмен", "Ай сайын",
                  "Өзім үшін", "Жұбайы", "Жалақы", "Дербес деректерді жинау және өңдеу",
                  "Мемлекеттік органдардың растауы", "Деректер жоқ"):
        assert words in text, words
    assert "{" not in text and "low_income" not in text and "spouse" not in text
    assert "01.07.2026 – 30.09.2026" in text and "27.11.2026 09:05" in text  # Almaty time
    assert "123\xa0456" in text  # tenge with the Kazakh grouping
    # Personal data stay masked; IINs show only their last digits.
    assert IIN not in page.get_text() and "•••••••01238" in text
    assert "ҚАСЫМОВ" not in page.get_text() and "Абай" not in text
    purpose = page.select("dl.facts dd")[1].get_text()
    assert "әлеуметтік көмекке өтініш" in purpose and "application.submit" not in page.get_text()
    assert page.select_one(".digest").get_text() == svc.digest(DOCUMENT)


def test_the_link_expiry_and_the_certificate_validity_have_different_labels(
    app: Flask, client: FlaskClient
) -> None:
    for lang in ("kk", "ru", "en"):
        client.set_cookie("lang", lang)
        page = check_page(client.get(f"/sign/mobile/{_begin(app)}"))
        labels = [dt.get_text() for dt in page.select("dl.facts > dt")]
        link = next(label for label in labels if label in
                    ("Сілтеменің әрекет ету мерзімі аяқталады", "Ссылка действует до",
                     "This link expires at"))
        certificate = next(label for label in labels if label in
                           ("Сертификаттың қолданылу мерзімі (басы – соңы)",
                            "Сертификат действует с – по", "Certificate valid from – to"))
        assert link != certificate
        validity = page.select_one("dl.certificate dd:nth-of-type(3)").get_text()
        assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4} – \d{2}\.\d{2}\.\d{4}", validity), validity


def test_a_pin_of_the_wrong_length_costs_no_try_and_says_it_has_8_digits(
    app: Flask, client: FlaskClient
) -> None:
    token = _begin(app)
    page = check_page(client.get(f"/sign/mobile/{token}"))
    assert "8 цифрдан тұрады" in page.select_one("#pin-hint").get_text()
    assert page.select_one("#pin")["maxlength"] == "8"
    csrf = _csrf(client, f"/sign/mobile/{token}")
    for typo in ("5814203", "1234"):
        short = client.post(f"/sign/mobile/{token}", data={"csrf_token": csrf, "pin": typo})
        assert short.status_code == 422
        error = check_page(short).select_one(".error-summary a[href='#pin']").get_text()
        assert "PIN-код 8 цифрдан тұрады" in error and "құпиясөз" not in error.lower()
    wrong = client.post(f"/sign/mobile/{token}", data={"csrf_token": csrf, "pin": "58142038"})
    error = check_page(wrong).select_one(".error-summary a[href='#pin']").get_text()
    assert error == "PIN-код қате. Қалған әрекет саны: 2."  # the typos cost nothing
    done = client.post(f"/sign/mobile/{token}", data={"csrf_token": csrf, "pin": PIN})
    assert check_page(done).h1.get_text() == "Қол қойылды"


@pytest.mark.parametrize(
    ("path", "label"),
    [("/", "Басты бет"), ("/status", "Өтініш мәртебесін тексеру"), ("/sign-in/", "Кіру")],
)
def test_the_menu_marks_the_current_page_and_its_label_is_the_heading(
    client: FlaskClient, path: str, label: str
) -> None:
    response = client.get(path)
    page = check_page(response)
    current = page.select(".main-nav [aria-current=page]")
    assert current and {a.get_text() for a in current} == {label}
    if path != "/":  # the home page's heading is the service's full name
        assert page.h1.get_text(strip=True) == label
    menu = page.select_one("details.site-menu > summary")
    assert menu is not None and menu.get_text() == "Мәзір"
    assert page.select_one("a[href='tel:88000807777'].nowrap") is not None


def test_r6_4_the_sms_panel_shows_the_masked_number_a_code_field_and_resend(app: Flask) -> None:
    with app.test_request_context():
        session = db.session()
        mobile.register(session, IIN, "+77011234567")
        session.commit()
        challenge = signing_sms.start_sms_signing(
            session, Actor("citizen", 1, "citizen"), document=DOCUMENT, signer_iin=IIN,
            purpose="application.submit")
        html = render_template_string(
            '{% from "components/signing.html" import sms_panel %}'
            "{{ sms_panel(challenge, '/apply/sign', error='Код қате') }}", challenge=challenge)
    assert "+7 701 ••• •• 67" in html and "+77011234567" not in html and IIN not in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert 'name="decision" value="resend"' in html and 'value="confirm"' in html
    assert html.count('action="/apply/sign"') == 2 and 'aria-invalid="true"' in html
    assert "СЫНАҚ" in html

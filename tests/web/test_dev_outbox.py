"""/dev/outbox: the simulated SMS, readable in development and test, absent in production."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal import db, notify
from portal.models import SmsPurpose
from portal.notify.mobile import register
from portal.notify.outbox import PERMANENT
from tests.pages import ClientRequest

IIN = "850321301238"


def _queue(app: Flask, phone: str, text: str, purpose: SmsPurpose, at: dt.datetime) -> None:
    with app.app_context():
        s = db.session()
        register(s, IIN, "+77011234567")  # an IIN in the database must not reach the page
        notify.sms().queue(s, phone, text, purpose, now=at)
        s.commit()


def test_the_outbox_lists_messages_newest_first_with_masked_numbers_and_full_text(
    app: Flask, client_request: ClientRequest,
) -> None:
    client_request.set_language("en")
    _queue(app, "+77011234567", "Your sign-in code: 482913", SmsPurpose.SIGN_IN_CODE,
           dt.datetime(2026, 3, 2, 4, 30, tzinfo=dt.UTC))
    _queue(app, PERMANENT, "Decision: assistance granted", SmsPurpose.NOTIFICATION_F6,
           dt.datetime(2026, 3, 2, 5, 45, tzinfo=dt.UTC))
    page = client_request.get("dev.outbox")
    messages = page.select(".outbox-message")
    assert [m.select_one(".sms-text").get_text() for m in messages] == [
        "Decision: assistance granted", "Your sign-in code: 482913"]
    newest, oldest = messages
    assert newest.select_one(".sms-to").get_text() == "+7 799 ••• •• 03"
    assert newest.select_one(".sms-purpose").get_text() == (
        "Notification of the decision to grant (F6)")
    assert newest.select_one(".sms-status").get_text() == "Not delivered"
    assert newest.select_one(".sms-error").get_text() == "simulated: number not in service"
    assert oldest.select_one(".sms-to").get_text() == "+7 701 ••• •• 67"
    assert oldest.select_one(".sms-status").get_text() == "Sent"
    assert oldest.select_one(".sms-error") is None
    # 04:30 UTC is 09:30 in Asia/Almaty (UTC+5).
    assert "9:30" in oldest.select_one(".sms-time").get_text()
    text = page.get_text()
    for secret in ("7011234567", "799000000", IIN):
        assert secret not in text
    assert "TEST" in page.h1.get_text()


@pytest.mark.parametrize(("lang", "heading", "status"), [
    ("kk", "SMS шығыс жәшігі", "Жіберілді"),
    ("ru", "Исходящие SMS", "Отправлено"),
    ("en", "SMS outbox", "Sent"),
])
def test_the_outbox_speaks_the_users_language(
    app: Flask, client_request: ClientRequest, lang: str, heading: str, status: str,
) -> None:
    _queue(app, "+77011234567", "Код", SmsPurpose.SIGN_IN_CODE, dt.datetime.now(dt.UTC))
    client_request.set_language(lang)
    page = client_request.get("dev.outbox")
    assert heading in page.h1.get_text()
    assert page.select_one(".sms-status").get_text() == status


def test_an_empty_outbox_says_so_and_is_not_cached(client_request: ClientRequest,
                                                   session: Session) -> None:
    client_request.set_language("en")
    response = client_request.get_response("dev.outbox")
    assert "No messages yet." in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_link_to_the_outbox_in_test(client_request: ClientRequest) -> None:
    page = client_request.get("public.index")
    assert page.select_one("footer a[href='/dev/outbox']") is not None


def test_in_production_the_outbox_does_not_exist_and_nothing_links_to_it(
    production_app: Flask,
) -> None:
    assert "dev" not in production_app.blueprints
    client = production_app.test_client()
    headers = {"Host": "portal.example.kz"}
    assert client.get("/dev/outbox", headers=headers).status_code == 404
    home = client.get("/", headers=headers)
    assert home.status_code == 200
    assert "/dev/outbox" not in home.get_data(as_text=True)

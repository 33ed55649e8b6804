"""Dates, times and amounts per locale, in Asia/Almaty time (foundation)."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask_babel import force_locale

from portal.web.access import ANYONE, allow
from portal.web.i18n import local_date, local_datetime, local_time, tenge

EVENING_UTC = dt.datetime(2026, 3, 2, 20, 30, tzinfo=dt.UTC)  # 01:30 on 3 March in Almaty


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_dates_are_day_month_year_with_four_digits_in_every_language_and_almaty_day(
    app: Flask, lang: str
) -> None:
    with app.test_request_context(), force_locale(lang):
        assert local_date(EVENING_UTC) == "03.03.2026"
        assert local_date(dt.date(2026, 11, 27)) == "27.11.2026"


@pytest.mark.parametrize(("lang", "month"), [("kk", "наурыз"), ("ru", "мар"), ("en", "march")])
def test_the_long_form_writes_the_month_in_words_only_when_asked(
    app: Flask, lang: str, month: str
) -> None:
    with app.test_request_context(), force_locale(lang):
        text = local_date(EVENING_UTC, "long")
    assert "2026" in text and month in text.lower()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_times_are_24_hour_almaty_time_in_every_language(app: Flask, lang: str) -> None:
    afternoon = dt.datetime(2026, 11, 27, 9, 5, 9, tzinfo=dt.UTC)  # 14:05:09 in Almaty
    with app.test_request_context(), force_locale(lang):
        assert local_datetime(EVENING_UTC, "short") == "03.03.2026 01:30"
        assert local_datetime(afternoon, "short") == "27.11.2026 14:05"
        assert local_datetime(afternoon) == "27.11.2026 14:05:09"
        assert local_time(afternoon) == "14:05"


def test_amounts_are_tenge_with_locale_grouping(app: Flask) -> None:
    with app.test_request_context(), force_locale("ru"):
        assert tenge(21_625_000) == "216\xa0250 ₸"
        assert tenge(1_050) == "10,50 ₸"
        assert tenge(None) == ""
    with app.test_request_context(), force_locale("en"):
        assert tenge(21_625_000) == "216,250 ₸"
        assert tenge(21_625_050) == "216,250.50 ₸"
    with app.test_request_context(), force_locale("kk"):
        assert tenge(21_625_050) == "216\xa0250,50 ₸"


def test_forbidden_page_in_every_language(app: Flask) -> None:
    from flask import abort

    @app.get("/forbidden-for-test")
    @allow(ANYONE)
    def forbidden() -> str:
        abort(403)

    client = app.test_client()
    for lang, text in (("kk", "Бұл бетке қол жеткізу"), ("ru", "У вас нет доступа"),
                       ("en", "You do not have access")):
        client.set_cookie("lang", lang)
        response = client.get("/forbidden-for-test")
        assert response.status_code == 403
        assert text in response.get_data(as_text=True)


def test_lazy_strings_and_gettext_follow_the_request_language_and_force_locale(
    app: Flask,
) -> None:
    """The catalogue is found once per request and locale (web/i18n.py): a lazy label, Python's
    gettext and a forced locale (SMS texts, PDFs) each still get their own language."""
    from flask_babel import gettext
    from flask_babel import lazy_gettext as _l

    label = _l("Low income")
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert str(label) == gettext("Low income") == "Low income"
        with force_locale("kk"):
            assert str(label) == gettext("Low income") == "Табысы төмен"
            with force_locale("ru"):
                assert str(label) == "Малообеспеченность"
        assert str(label) == "Low income"
    with app.test_request_context():
        assert str(label) == "Табысы төмен"  # Kazakh by default

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


def test_templates_translate_with_the_catalogue_of_their_render_and_format_as_jinja_does(
    app: Flask,
) -> None:
    """Templates take the catalogue and language code once per render from the context and keep
    each string's markup per catalogue (web/i18n.py): a render inside force_locale gets the
    forced language, the next render its own again; variables are escaped, ``%%`` still reads
    ``%``, a plain-text template is not escaped, and a template rendered without the context
    processors (straight from the environment) still finds the request's catalogue."""
    from flask import render_template_string

    page = ('{{ current_locale() }}|{{ _("Check application status") }}|'
            '{{ _("Application %(number)s", number=n) }}|{{ _("100%% free") }}')
    with app.test_request_context(headers={"Cookie": "lang=ru"}):
        assert render_template_string(page, n="<b>") == (
            "ru|Проверить статус заявления|Заявление № &lt;b&gt;|100% free")
        with force_locale("en"):
            assert render_template_string(page, n="1").startswith(
                "en|Check application status|Application 1|")
        assert render_template_string(page, n="2").startswith("ru|Проверить статус заявления|")
        plain = app.jinja_env.from_string('{% autoescape false %}{{ _("Application %(number)s", '
                                          'number=n) }}{% endautoescape %}')
        assert plain.render(n="<b>") == "Заявление № <b>"
    with app.test_request_context():
        assert render_template_string(page, n="3").startswith("kk|") and "Application" not in (
            render_template_string(page, n="3"))


def test_the_kept_markup_of_a_catalogue_is_bounded_and_belongs_to_that_catalogue(
    app: Flask,
) -> None:
    from portal.web import i18n

    with app.test_request_context(headers={"Cookie": "lang=ru"}):
        catalog = i18n.translations()
        text, formats = i18n._markup(catalog, "Language")
        assert (str(text), formats) == ("Язык", False)
        with force_locale("en"):
            assert str(i18n._markup(i18n.translations(), "Language")[0]) == "Language"
        memo = catalog.__dict__[i18n._MARKUP_ATTR]
        for n in range(i18n.MAX_MARKUP + 5):
            i18n._markup(catalog, f"untranslated {n}")
        assert len(memo) <= i18n.MAX_MARKUP
        assert str(i18n._markup(catalog, "Language")[0]) == "Язык"


@pytest.mark.parametrize(("path", "words"), [
    ("/", {"kk": "Онлайн өтініш беру", "ru": "Подать заявление онлайн", "en": "Apply online"}),
    ("/apply", {"kk": "Бастау", "ru": "Начать", "en": "Start now"}),
])
def test_pages_kept_rendered_per_language_answer_each_language_with_its_own_words(
    app: Flask, path: str, words: dict[str, str]
) -> None:
    """The home and apply-start pages' content is kept rendered (web/fragments.py), one per
    language: asked in turn, each language still gets its own."""
    for lang in ("kk", "ru", "en", "kk", "ru"):
        client = app.test_client()
        client.set_cookie("lang", lang)
        text = client.get(path).get_data(as_text=True)
        assert words[lang] in text
        assert not [w for other, w in words.items() if other != lang and w in text]

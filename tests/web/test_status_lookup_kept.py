"""L10.1: the status lookup's quick path and the pages kept per language (portal/web/fragments.py).

A valid lookup is checked without building the form, and the page around it is rendered once per
language with the nonce and CSRF token filled in per request: these tests hold the quick path to
what the form and a full render give.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from flask import Flask, render_template
from flask_babel import force_locale, gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from portal.domain.deadlines import Deadline, DeadlineKind
from portal.domain.lookup import normalise_number, parse_factor
from portal.domain.workflow import Status
from portal.forms.lookup import StatusLookupForm
from portal.services.lookup import DECIDED, StatusAnswer
from portal.views.public import answer_block, answer_facts, valid_fields
from tests.pages import check_page
from tests.web.lookup_helpers import IIN, csrf, make_case, personal_data

URL = "/status"
NUMBER = "SA-2026-K4PQ-9TXM"
_NONCE = re.compile(r'nonce="([^"]+)"')

# What people type, and what the form's checks turn on: digits, letters, dashes, dots, slashes,
# spaces of several kinds, other scripts, and lengths around both limits.
_TEXT = st.text(alphabet=st.sampled_from("0123456789SAsa-KPQ.TXM/ \t\u00a0\u2003ЖСН"),
                max_size=45)
_EXAMPLES = ["", " ", NUMBER, f"  {NUMBER.lower()}  ", "SA-2026-K4PQ-9TXM-TOO-LONG-123",
             IIN, f" {IIN} ", "31.12.1992", "1992-12-31", "31/12/1992", "31-12-1992",
             "31.02.1992", "1" * 21, "1" * 12 + " ", "9" * 40, "9" * 41,
             # well formed once the spaces inside are dropped, but longer than the field takes
             "SA-2026" + " " * 25 + "-K4PQ-9TXM", IIN[:4] + " " * 15 + IIN[4:]]


def _form_says(app: Flask, number: str, factor: str) -> tuple[str, object] | None:
    with app.test_request_context(URL, method="POST"):
        form = StatusLookupForm(MultiDict({"number": number, "factor": factor}),
                                meta={"csrf": False})
        if not form.validate():
            return None
        return normalise_number(form.number.data), parse_factor(form.factor.data)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # the app is read only
@given(number=st.one_of(_TEXT, st.sampled_from(_EXAMPLES)),
       factor=st.one_of(_TEXT, st.sampled_from(_EXAMPLES)))
def test_the_quick_check_accepts_exactly_what_the_form_accepts_L10_1(
        app: Flask, number: str, factor: str) -> None:
    assert valid_fields({"number": number, "factor": factor}) == _form_says(app, number, factor)


@pytest.mark.parametrize("token", ["", "not-a-token"])
@pytest.mark.parametrize("htmx", [False, True])
def test_a_valid_lookup_without_a_valid_csrf_token_is_refused_400_L10_1(
        app: Flask, token: str, htmx: bool) -> None:
    make_case(app)
    client = app.test_client()
    client.get(URL)  # a session with its CSRF secret: only the token sent is wrong
    response = client.post(URL, data={"csrf_token": token, "number": NUMBER, "factor": IIN},
                           headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 400
    assert "status-answer" not in response.get_data(as_text=True)


def test_each_answer_carries_its_own_nonce_and_a_working_csrf_token_L10_1(app: Flask) -> None:
    make_case(app)
    nonces = set()
    for _ in range(2):
        client = app.test_client()
        response = client.get(URL)
        html = response.get_data(as_text=True)
        assert "@@portal-" not in html
        in_page = set(_NONCE.findall(html))
        assert len(in_page) == 1
        assert f"'nonce-{next(iter(in_page))}'" in response.headers["Content-Security-Policy"]
        nonces |= in_page
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        assert token is not None
        assert f'"X-CSRFToken": "{token.group(1)}"' in html
        answer = client.post(URL, data={"csrf_token": token.group(1), "number": NUMBER,
                                         "factor": IIN})
        assert answer.status_code == 200 and "status-answer" in answer.get_data(as_text=True)
        assert "@@portal-" not in answer.get_data(as_text=True)
    assert len(nonces) == 2


def test_a_kept_page_never_carries_another_visitors_answer_L10_1(app: Flask) -> None:
    make_case(app)
    first = app.test_client()
    first.post(URL, data={"csrf_token": csrf(first, URL), "number": NUMBER, "factor": IIN})
    other = app.test_client()
    for response in (other.get(URL), other.post(URL, data={
            "csrf_token": csrf(other, URL), "number": NUMBER, "factor": "850321301238"})):
        html = response.get_data(as_text=True)
        assert NUMBER not in html and "status-answer" not in html
        for secret in personal_data():
            assert secret not in html


@pytest.mark.parametrize("path", ["/", "/apply", URL])
def test_a_flashed_message_is_shown_not_kept_away_L10_1(app: Flask, path: str) -> None:
    app.test_client().get(path)  # the page is kept now
    client = app.test_client()
    with client.session_transaction() as session:
        session["_flashes"] = [("notice", "A note for this visitor only")]
    assert "A note for this visitor only" in client.get(path).get_data(as_text=True)
    assert "A note for this visitor only" not in app.test_client().get(path).get_data(
        as_text=True)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_refusals_and_misses_speak_the_visitors_language_L10_1(app: Flask, lang: str) -> None:
    make_case(app)
    client = app.test_client()
    client.set_cookie("lang", lang)
    empty = client.post(URL, data={"csrf_token": csrf(client, URL), "number": "", "factor": ""})
    assert empty.status_code == 422
    page = check_page(empty)
    errors = [a.get_text(strip=True) for a in page.select(".error-summary li a")]
    with app.test_request_context(), force_locale(lang):
        assert errors == [gettext("Enter the application number."),
                          gettext("Enter the applicant's IIN or date of birth.")]
        title = gettext("Error:")
        missed = gettext("No application found")
    assert page.select_one("html")["lang"] == lang
    miss = client.post(URL, data={"csrf_token": csrf(client, URL), "number": NUMBER,
                                  "factor": "850321301238"})
    miss_page = check_page(miss)
    assert miss.status_code == 200 and miss_page.select_one(".error-summary h2").get_text(
        strip=True) == missed
    assert miss_page.select_one("title").get_text().startswith(title)
    if lang != "en":
        assert errors[0] != "Enter the application number."


# Answers of every shape: each optional fact present or not, a late and a coming due date, both
# flags, and a number with every character escaping changes.
_DAY = dt.date(2026, 11, 20)
_ANSWERS = [
    StatusAnswer(number=number, status=status, registered_on=registered, next_step=step,
                 result_due_on=due, decided=status in DECIDED, notification_issued_on=issued,
                 portal=portal)
    for status, registered, step, due, issued, portal, number in itertools.product(
        [Status.REGISTERED, Status.AT_PRECINCT, Status.GRANTED, Status.NOTIFIED],
        [None, _DAY],
        [None, Deadline("R7.2", DeadlineKind.DUE_BY, _DAY),
         Deadline("R15.3", DeadlineKind.WINDOW_CLOSES, dt.date(2099, 1, 5))],
        [None, _DAY, dt.date(2099, 2, 1)],
        [None, _DAY],
        [True, False],
        [NUMBER, "SA<&>'\"x"])
]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_an_answer_kept_with_facts_is_the_full_render_of_its_facts_L10_1(
        app: Flask, lang: str) -> None:
    """The answer's wording is kept per language and shape, its facts filled in: byte for byte
    the template rendered with the same facts, for every shape; nothing of a fact is kept."""
    with app.test_request_context(URL, headers={"Cookie": f"lang={lang}"}):
        for answer in _ANSWERS:
            facts, (portal, decided) = answer_facts(answer)
            full = render_template("public/_status_lookup.html",
                                   answer={**facts, "portal": portal, "decided": decided})
            assert answer_block(answer) == full, answer
            assert answer.number.replace("<", "&lt;")[:6] in full
    kept = repr(app.extensions["portal_fragments"])
    assert "SA&lt;" not in kept and NUMBER not in kept and "20.11.2026" not in kept


def test_the_answer_states_each_fact_in_its_place_L10_1(app: Flask) -> None:
    """What the facts say, read from the page (not from the same code that fills them)."""
    answer = StatusAnswer(number=NUMBER, status=Status.NOTIFIED, registered_on=_DAY,
                          next_step=None, result_due_on=dt.date(2099, 2, 1), decided=True,
                          notification_issued_on=dt.date(2026, 11, 25), portal=True)
    with app.test_request_context(URL, headers={"Cookie": "lang=en"}):
        block = answer_block(answer)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block))
    assert f"Application {NUMBER}" in text and "Registered on 20.11.2026" in text
    assert "A notification of the decision was issued on 25.11.2026." in text
    assert "Read it in your personal cabinet" in text and "Result due by" not in text
    assert "@@portal-" not in block

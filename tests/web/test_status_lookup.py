"""L10.1: the public status lookup at /status — the answer, the refusals, the limits."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.domain.workflow import Status
from tests.pages import ClientRequest, check_page
from tests.web.lookup_helpers import IIN, csrf, make_case, personal_data

URL = "/status"


def _post(client: FlaskClient, number: str, factor: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.post(URL, data={"csrf_token": csrf(client, URL), "number": number,
                                  "factor": factor}, headers=headers)


def test_the_page_asks_for_a_number_and_a_second_factor_by_post_L10_1(
        client_request: ClientRequest) -> None:
    page = client_request.get("public.check_status")
    form = page.select_one("form[method=post]")
    assert form is not None and form["action"] == URL
    assert page.select_one("input[name=number]") and page.select_one("input[name=factor]")


def test_home_page_and_menu_link_to_the_lookup_L10_1(client_request: ClientRequest) -> None:
    page = client_request.get("public.index")
    assert page.select_one(f".actions a[href='{URL}']") is not None
    assert page.select(f"nav.main-nav a[href='{URL}']")


@pytest.mark.parametrize("factor", [IIN, "31.12.1992", "1992-12-31"])
def test_number_and_iin_or_birth_date_give_the_stage_and_dates_L10_1(
        app: Flask, factor: str) -> None:
    case = make_case(app)
    client = app.test_client()
    response = _post(client, " sa-2026-k4pq-9txm ", factor)
    assert response.status_code == 200
    page = check_page(response)
    assert case.number in page.select_one(".status-answer h2").text
    assert page.select_one(".status-stage").text.strip()
    assert "03.12.2026" in page.select_one(".status-due").text
    assert response.headers["Cache-Control"] == "no-store"


def test_the_answer_leaks_nothing_personal_L10_1(app: Flask) -> None:
    make_case(app)
    client = app.test_client()
    client.set_cookie("lang", "kk")
    html = _post(client, "SA-2026-K4PQ-9TXM", IIN).get_data(as_text=True)
    assert "status-answer" in html
    for secret in personal_data():
        assert secret not in html, secret


def test_a_decided_case_says_the_notification_was_issued_and_where_L10_1(app: Flask) -> None:
    import datetime as dt

    make_case(app, status=Status.NOTIFIED,
              result_issued_at=dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC))
    client = app.test_client()
    client.set_cookie("lang", "en")
    page = check_page(_post(client, "SA-2026-K4PQ-9TXM", IIN))
    result = page.select_one(".status-result").text
    assert "01.12.2026" in result and "personal cabinet" in result


def _answer_text(client: FlaskClient, number: str, factor: str) -> tuple[int, str]:
    response = _post(client, number, factor)
    page = check_page(response)
    main = page.select_one("main")
    assert main is not None
    return response.status_code, " ".join(main.get_text(" ").split())


def test_a_wrong_factor_and_an_unknown_number_look_the_same_L10_1(app: Flask) -> None:
    make_case(app)
    client = app.test_client()
    wrong_factor = _answer_text(client, "SA-2026-K4PQ-9TXM", "850321301238")
    unknown_number = _answer_text(client, "SA-2026-0000-0000", IIN)
    assert wrong_factor == unknown_number
    assert wrong_factor[0] == 200 and "SA-2026-K4PQ-9TXM" not in wrong_factor[1]


def test_a_wrong_factor_and_an_unknown_number_take_the_same_time_L10_1(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", False)
    make_case(app)
    client = app.test_client()

    token = csrf(client, URL)
    times: dict[str, list[float]] = {"wrong_factor": [], "unknown": []}
    cases = {"wrong_factor": "SA-2026-K4PQ-9TXM", "unknown": "SA-2026-0000-0000"}
    for n in range(60):  # interleaved, so drift of the machine hits both alike
        kind = ("wrong_factor", "unknown")[n % 2]
        start = time.perf_counter()
        client.post(URL, data={"csrf_token": token, "number": cases[kind],
                               "factor": "850321301238"})
        times[kind].append(time.perf_counter() - start)
    wrong_factor, unknown = (sorted(t[10:])[len(t[10:]) // 2] for t in times.values())
    assert abs(wrong_factor - unknown) < 0.25 * max(wrong_factor, unknown) + 0.002


def test_a_draft_is_not_found_L10_1(app: Flask) -> None:
    make_case(app, status=Status.DRAFT)
    code, text = _answer_text(app.test_client(), "SA-2026-K4PQ-9TXM", IIN)
    assert "status-answer" not in text and code == 200


def test_a_malformed_factor_is_explained_with_422_L10_1(app: Flask) -> None:
    client = app.test_client()
    response = _post(client, "SA-2026-K4PQ-9TXM", "12345")
    assert response.status_code == 422
    assert check_page(response).select_one(".error-summary a[href='#factor']")


def test_nothing_typed_goes_into_the_url_or_the_log_L10_1(
        app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    make_case(app)
    client = app.test_client()
    response = _post(client, "SA-2026-K4PQ-9TXM", IIN)
    assert response.request.path == URL and not response.request.query_string
    assert IIN not in caplog.text and "SA-2026-K4PQ-9TXM" not in caplog.text


def test_htmx_gets_the_answer_fragment_in_place_L10_1(app: Flask) -> None:
    make_case(app)
    client = app.test_client()
    response = _post(client, "SA-2026-K4PQ-9TXM", IIN, **{"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith("<div id=\"status-lookup\"")
    assert "HX-Request" in response.headers["Vary"]


def test_ten_tries_on_one_number_hit_the_limit_with_the_time_to_retry_L10_1(app: Flask) -> None:
    make_case(app)
    answers = []
    for n in range(11):  # from different addresses: the limit per number still holds
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
        answers.append(_post(client, "SA-2026-K4PQ-9TXM", "850321301238"))
    assert [a.status_code for a in answers[:10]] == [200] * 10
    limited = answers[10]
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    page = check_page(limited)
    assert page.select_one(".retry") is not None


def test_one_address_is_limited_across_numbers_L10_1(app: Flask) -> None:
    client = app.test_client()
    codes = [_post(client, f"SA-2026-0000-{n:04d}", IIN).status_code for n in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429

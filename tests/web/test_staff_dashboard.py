"""The dashboard at /staff/dashboard (issue 12): its figures equal counts made directly from the
cases the test made, on both databases; who may see which district; the CSV of each table."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from portal import db, migrate
from portal.domain.workflow import Role, Status
from portal.models import District, StaffUser
from portal.services import dashboard as figures
from portal.web.spreadsheet import BOM, csv_text, safe_cell
from tests.dashboard_cases import (
    PERIOD,
    seed_cases,
    seed_notifications,
    seed_receipts,
    seed_refusals,
)
from tests.factories import create_application, create_district, create_staff
from tests.pages import ClientRequest

PERIOD_ARGS = {"from": "01.11.2026", "to": "27.11.2026"}


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page counts "now" from today's date: the tests' cases are made around 27.11.2026."""
    monkeypatch.setattr("portal.views.staff.dashboard._today", lambda: dt.date(2026, 11, 27))


@dataclass
class Office:
    client_request: ClientRequest
    person: StaffUser
    district_id: int
    other_id: int

    @contextmanager
    def seed(self) -> Iterator[tuple[Session, District, District]]:
        with self.client_request.app.app_context():
            s = db.session()
            mine, other = s.get(District, self.district_id), s.get(District, self.other_id)
            assert mine is not None and other is not None
            yield s, mine, other
            s.commit()

    def page(self, _status: int = 200, **args: str) -> BeautifulSoup:
        return self.client_request.get("staff.dashboard", _status, **args)


def _office(client_request: ClientRequest, role: Role) -> Office:
    with client_request.app.app_context():
        s = db.session()
        mine, other = create_district(s), create_district(s)
        person = create_staff(s, mine, role=role)
        s.commit()
        s.expunge_all()
    client_request.login(person)
    return Office(client_request, person, mine.id, other.id)


@pytest.fixture
def head(client_request: ClientRequest) -> Office:
    return _office(client_request, Role.HEAD)


@pytest.fixture
def admin(client_request: ClientRequest) -> Office:
    return _office(client_request, Role.ADMIN)


def _table(page: BeautifulSoup, name: str) -> dict[str, list[int]]:
    """A table of the page as {row key: its figures}."""
    table = page.select_one(f"#table-{name}")
    if table is None:
        return {}
    return {str(row["data-row"]): [int(td.get_text()) for td in row.select("td")]
            for row in table.select("tbody tr")}


def _column(table: dict[str, list[int]]) -> dict[str, int]:
    return {k: v[0] for k, v in table.items()}


def test_l3_1_the_dashboards_figures_equal_the_cases_counted_directly(head: Office) -> None:
    with head.seed() as (s, mine, other):
        seeded = seed_cases(s, mine, other)
        create_application(s, district=mine, status=Status.DRAFT)
    page = head.page(**PERIOD_ARGS)
    expected_status = seeded.by_status()
    assert sum(expected_status.values()) > 20  # the seed made a real mix
    assert _column(_table(page, "status")) == expected_status
    term = seeded.term()
    assert _column(_table(page, "term")) == term
    assert all(term[k] for k in ("within_term", "late", "overdue")), term
    assert _column(_table(page, "now")) == seeded.now()
    for by in ("ground", "channel"):
        expected = seeded.breakdown(by)
        assert {k: dict(zip(figures.BREAKDOWN_COLUMNS, v, strict=True))
                for k, v in _table(page, by).items()} == expected
    done = term["within_term"] + term["late"] + term["overdue"]
    share = page.select_one(".dashboard-share strong").get_text()
    assert share.replace("\xa0", "").replace(",", ".") == (
        f"{term['within_term'] / done * 100:.1f}%")


def test_l3_1_cases_decided_before_migration_0009_count_the_same(head: Office) -> None:
    """Migration 0009 fills the stored decided day and outcome (applications.decided_on,
    decision_granted) of the cases decided before it from their decisions and results: the
    same values the changes of a case store, and the page's figures are the direct counts, on
    both databases."""
    with head.seed() as (s, mine, other):
        seeded = seed_cases(s, mine, other)
        undelivered = seed_notifications(s, mine, other)
        third = create_district(s)
        third_id = third.id
        refusals = seed_refusals(s, third, other)
    engine = db.engine_of(head.client_request.app)
    stored = text("SELECT id, decided_on, decision_granted FROM applications ORDER BY id")
    with engine.connect() as conn:
        kept = [tuple(row) for row in conn.execute(stored)]
    assert sum(1 for row in kept if row[1] is not None) > 20
    migrate.downgrade(engine, "0009_scan")
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("applications")}
    assert not {"decided_on", "decision_granted"} & columns
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert [tuple(row) for row in conn.execute(stored)] == kept
    page = head.page(**PERIOD_ARGS)
    assert _column(_table(page, "status")) == seeded.by_status()
    assert _column(_table(page, "term")) == seeded.term()
    now = seeded.now()
    now["open"] += 7  # seed_notifications' granted cases of the district, decided, not notified
    assert _column(_table(page, "now")) == now
    for by in ("ground", "channel"):
        assert {k: dict(zip(figures.BREAKDOWN_COLUMNS, v, strict=True))
                for k, v in _table(page, by).items()} == seeded.breakdown(by)
    assert _table(page, "notifications") == undelivered
    with head.seed() as (s, _mine, _other):
        assert figures.preliminary(s, third_id, PERIOD).as_dict() == {
            k: {"count": v} for k, v in refusals.items()}


def test_r15_preliminary_refusals_and_the_objections_that_changed_the_outcome(
        head: Office) -> None:
    with head.seed() as (s, mine, other):
        expected = seed_refusals(s, mine, other)
    page = head.page(**PERIOD_ARGS)
    assert _column(_table(page, "preliminary")) == expected


def test_l3_2_l3_3_waits_and_service_over_30_minutes_at_the_desks(head: Office) -> None:
    with head.seed() as (s, mine, other):
        expected = seed_receipts(s, mine, other)
    page = head.page(**PERIOD_ARGS)
    assert _table(page, "intake") == expected
    header = [th.get_text(strip=True) for th in page.select("#table-intake thead th")]
    assert "(L3.2)" in header[2] and "(L3.3)" in header[3]


def test_r15_8_notifications_not_yet_delivered_whatever_the_period(head: Office) -> None:
    with head.seed() as (s, mine, other):
        expected = seed_notifications(s, mine, other)
    page = head.page(**{"from": "01.01.2026", "to": "31.01.2026"})  # made in September
    assert _table(page, "notifications") == expected


def test_every_chart_is_server_drawn_svg_hidden_from_screen_readers_with_a_table(
        head: Office) -> None:
    with head.seed() as (s, mine, other):
        seed_cases(s, mine, other)
        seed_receipts(s, mine, other)
    page = head.page(**PERIOD_ARGS)
    assert not page.select("script:not([src])")
    charts = page.select("svg.chart")
    assert len(charts) >= 6
    for chart in charts:
        assert chart["aria-hidden"] == "true"
        section = chart.find_parent("section")
        assert section.select_one("table caption") is not None
        assert section.select("rect.chart-bar")
    # a bar's length follows its figure: the longest bar is the largest row
    status = page.select_one("section[aria-labelledby=status-title]")
    widths = [float(r["width"]) for r in status.select("rect")]
    counts = list(_column(_table(page, "status")).values())
    assert widths.index(max(widths)) == counts.index(max(counts))
    assert page.select_one('link[href*="css/dashboard.css"]') is not None


def test_the_page_speaks_kazakh_by_default_and_russian_and_english(head: Office) -> None:
    assert head.page(**PERIOD_ARGS).h1.get_text(strip=True) == "Көрсеткіштер тақтасы"
    head.client_request.set_language("ru")
    assert head.page(**PERIOD_ARGS).h1.get_text(strip=True) == "Панель показателей"
    head.client_request.set_language("en")
    page = head.page(**PERIOD_ARGS)
    assert page.h1.get_text(strip=True) == "Dashboard"
    assert "Term of service: 8 working days (L3.1)" in page.get_text()


# --- who sees which district ------------------------------------------------------------------


def test_a_head_sees_only_their_district_another_ones_id_answers_404(head: Office) -> None:
    with head.seed() as (s, _mine, other):
        create_application(s, district=other, term_started_on=dt.date(2026, 11, 5))
    page = head.page(**PERIOD_ARGS)
    assert page.select_one("#district") is None  # a head has nothing to choose
    assert _table(page, "status") == {}
    head.page(404, district=str(head.other_id), **PERIOD_ARGS)
    head.page(200, district=str(head.district_id), **PERIOD_ARGS)
    url = head.client_request.url("staff.dashboard_csv", name="status",
                                  district=str(head.other_id))
    assert head.client_request.client.get(url).status_code == 404


def test_a_head_of_another_district_does_not_see_this_one(client_request: ClientRequest) -> None:
    with client_request.app.app_context():
        s = db.session()
        here, there = create_district(s), create_district(s)
        create_application(s, district=here, term_started_on=dt.date(2026, 11, 5))
        theirs = create_staff(s, there, role=Role.HEAD)
        s.commit()
        here_id = here.id
        s.expunge_all()
    client_request.login(theirs)
    client_request.get("staff.dashboard", 404, district=str(here_id))
    page = client_request.get("staff.dashboard", **PERIOD_ARGS)
    assert _table(page, "status") == {}


def test_an_administrator_chooses_the_district(admin: Office) -> None:
    with admin.seed() as (s, _mine, other):
        create_application(s, district=other, term_started_on=dt.date(2026, 11, 5))
    own = admin.page(**PERIOD_ARGS)
    assert _table(own, "status") == {}
    chosen = own.select_one("#district option[selected]")
    assert chosen is not None and chosen["value"] == str(admin.district_id)
    theirs = admin.page(district=str(admin.other_id), **PERIOD_ARGS)
    assert _column(_table(theirs, "status")) == {"registered": 1}
    for wrong in ("999999", "abc", "-1", "1e3", "٣", "9" * 40):
        unknown = admin.page(422, district=wrong, **PERIOD_ARGS)
        summary = unknown.select_one('.error-summary a[href="#district"]')
        assert summary is not None and summary.get_text() == "Тізімнен ауданды таңдаңыз."
        assert [(o["value"], o.get_text()) for o in unknown.select("#district option")] == [
            (str(admin.district_id), "Аудан"), (str(admin.other_id), "Аудан")]  # in Kazakh
        assert unknown.select_one("#district option[selected]") is None


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.OPERATOR, Role.INTAKE, Role.COMMISSION,
                                  Role.PRECINCT], ids=str)
def test_other_staff_get_403_for_the_page_and_its_csv(client_request: ClientRequest,
                                                      role: Role) -> None:
    client_request.login_as(role)
    assert client_request.client.get("/staff/dashboard").status_code == 403
    assert client_request.client.get("/staff/dashboard/status.csv").status_code == 403


def test_a_citizen_gets_403_and_an_anonymous_visitor_is_sent_to_sign_in(
        client_request: ClientRequest) -> None:
    anonymous = client_request.client.get("/staff/dashboard")
    assert anonymous.status_code in {302, 303} and "/sign-in/" in anonymous.headers["Location"]
    client_request.login_as("citizen")
    assert client_request.client.get("/staff/dashboard").status_code == 403


# --- the filter ------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "field"), [
    ({"from": "32.11.2026", "to": "27.11.2026"}, "from"),
    ({"from": "01.11.2026", "to": "yesterday"}, "to"),
    ({"from": "27.11.2026", "to": "01.11.2026"}, "to"),
    ({"from": "01.01.1900", "to": "01.11.2026"}, "from"),
    ({"from": "01.01.2000", "to": "01.01.2099"}, "to"),
    ({"from": "0001-01-01", "to": "9999-12-31"}, "from"),
])
def test_a_wrong_period_gets_a_clear_message_and_keeps_what_was_typed(
        head: Office, args: dict[str, str], field: str) -> None:
    page = head.page(422, **args)
    summary = page.select_one(".error-summary")
    assert summary is not None and summary.select_one(f'a[href="#{field}"]') is not None
    assert page.title.get_text().startswith("Қате:")
    for name, value in args.items():
        assert page.select_one(f"#{name}")["value"] == value
    assert not page.select("svg.chart")


def test_without_a_period_the_month_so_far_is_shown(head: Office) -> None:
    page = head.page()
    assert "01.11.2026 – 27.11.2026" in page.select_one(".lead").get_text()
    # the boxes say the period the page shows; a head has no district to choose
    assert (page.select_one("#from")["value"], page.select_one("#to")["value"]) == (
        "01.11.2026", "27.11.2026")
    assert page.select_one(".dashboard-filter legend").get_text(strip=True) == "Кезең"
    only_to = head.page(to="15.10.2026")
    assert "01.10.2026 – 15.10.2026" in only_to.select_one(".lead").get_text()
    assert only_to.select_one("#from")["value"] == "01.10.2026"


def test_two_unreadable_dates_get_two_messages_that_name_their_box(head: Office) -> None:
    page = head.page(422, **{"from": "yesterday", "to": "today"})
    lines = [li.get_text(strip=True) for li in page.select(".error-summary li")]
    assert len(lines) == 2 and len(set(lines)) == 2, lines


# --- CSV -------------------------------------------------------------------------------------


def _csv(office: Office, name: str, **args: str) -> tuple[Any, list[list[str]]]:
    url = office.client_request.url("staff.dashboard_csv", name=name, **args)
    response = office.client_request.client.get(url)
    assert response.status_code == 200, response.status_code
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads the letters right
    return response, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_each_table_downloads_as_csv_with_the_pages_figures(head: Office) -> None:
    with head.seed() as (s, mine, other):
        seeded = seed_cases(s, mine, other)
        seed_receipts(s, mine, other)
    page = head.page(**PERIOD_ARGS)
    links = page.select(".dashboard-download a")
    assert len(links) == len(figures.TABLES)
    response, rows = _csv(head, "status", **{"from": "2026-11-01", "to": "2026-11-27"})
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "2026-11-01-2026-11-27.csv" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"].startswith("no-store")
    assert rows[0] == ["Мәртебесі", "Өтініштер"]
    on_page = [[th.get_text(strip=True), *(td.get_text() for td in tr.select("td"))]
               for tr in page.select("#table-status tbody tr") for th in tr.select("th")]
    assert rows[1:] == on_page
    # the random cases, and the six desk cases of seed_receipts handed in in the period
    assert sum(int(r[1]) for r in rows[1:]) == sum(seeded.by_status().values()) + 6
    for link in links:  # every link works, with the page's period and district
        href = str(link["href"])
        assert "from=2026-11-01" in href and f"district={head.district_id}" in href
        assert head.client_request.client.get(href).status_code == 200
    _response, intake = _csv(head, "intake", **{"from": "2026-11-01", "to": "2026-11-27"})
    assert intake[-1][1:] == ["5", "2", "2", "61", "40"]


def test_csv_of_an_unknown_table_is_404_and_a_wrong_period_is_the_page_with_errors(
        head: Office) -> None:
    client = head.client_request.client
    assert client.get("/staff/dashboard/cases.csv").status_code == 404
    assert client.get("/staff/dashboard/status.csv?from=nonsense").status_code == 422


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped() -> None:
    for dangerous in ("=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("Тіркелді") == "Тіркелді"
    assert safe_cell(-5) == -5 and safe_cell(0) == 0  # figures stay figures
    text = csv_text(["Аудан", "=1+1"], [["a,b", 3], ['say "hi"', 4]])
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [["Аудан", "'=1+1"], ["a,b", "3"], ['say "hi"', "4"]]


def test_the_queue_links_to_the_dashboard_for_a_head_and_not_for_a_specialist(
        client_request: ClientRequest) -> None:
    client_request.login_as(Role.HEAD)
    assert client_request.get("staff.queue").select_one('a[href="/staff/dashboard"]')
    client_request.login_as(Role.SPECIALIST)
    assert client_request.get("staff.queue").select_one('a[href="/staff/dashboard"]') is None

"""cases.lookup_milestones (one query of plain columns) and the status lookup's one statement
(lookup.case_by_number, the same columns with the factors) give exactly the milestones
cases.milestones computes from the loaded case, and refuse a case whose related rows they do not
read (L10.1: the lookup's answer is the same either way). A hit, a wrong factor, an unknown number
and a draft each run that one statement and both comparisons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.domain.calendar import Channel
from portal.domain.deadlines import case_deadlines
from portal.domain.forms import Frequency
from portal.domain.grounds import GroundCategory
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.lookup import Factor, next_step
from portal.domain.workflow import Status
from portal.models import (
    Application,
    CommissionConclusion,
    DistrictGround,
    IncomeComputation,
    PreliminaryDecision,
)
from portal.services import cases, lookup
from portal.services.workdays import calendar
from tests.factories import almaty, create_application, create_district

MONDAY = dt.date(2026, 11, 23)
STATUSES = [Status.SUBMITTED, Status.REGISTERED, Status.AT_PRECINCT, Status.INCOME_COMPUTED,
            Status.WITHDRAWN, Status.REFUSED_ACCEPTANCE]


@contextmanager
def _statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _factor(application: Application) -> Factor:
    return Factor(iin=application.applicant_iin or application.citizen.iin)


def _answer_is_the_loaded_cases(session: Session, application: Application) -> None:
    """status_for's answer is the one the loaded case's milestones give."""
    loaded = session.get_one(Application, application.id)
    answer = lookup.status_for(session.connection(), application.number, _factor(loaded),
                               cal=calendar(), today=MONDAY)
    assert answer is not None
    assert answer.next_step == next_step(case_deadlines(cases.milestones(loaded), calendar()),
                                         MONDAY)


def _same(session: Session, application: Application) -> None:
    session.commit()
    session.expire_all()
    lean = cases.lookup_milestones(session, application.id)
    assert lean is not None
    loaded = cases.milestones(session.get_one(Application, application.id))
    assert lean == loaded
    row = session.connection().execute(lookup.case_by_number(),
                                       {"number": application.number}).one()
    assert cases.row_milestones(row) == loaded
    session.expire_all()
    _answer_is_the_loaded_cases(session, application)


@pytest.mark.parametrize(("status", "ground"), [  # every status and every ground
    (STATUSES[n % len(STATUSES)], ground) for n, ground in enumerate(GroundCategory)])
def test_l10_1_lookup_milestones_equal_the_loaded_cases(
        session: Session, status: Status, ground: GroundCategory) -> None:
    application = create_application(
        session, status=status, ground=ground, term_started_on=MONDAY, registered_on=MONDAY,
        sent_to_precinct_on=MONDAY + dt.timedelta(days=1),
        documents_received_on=MONDAY + dt.timedelta(days=2),
        submitted_to_commission_on=MONDAY + dt.timedelta(days=3),
        result_issued_at=almaty(MONDAY + dt.timedelta(days=8)))
    _same(session, application)


@pytest.mark.parametrize("channel", [Channel.PORTAL, Channel.PROVIDER])
def test_l10_1_lookup_milestones_read_the_income_and_commission_rows(
        session: Session, channel: Channel) -> None:
    application = create_application(session, status=Status.INCOME_COMPUTED, channel=channel,
                                      term_started_on=MONDAY, registered_on=MONDAY,
                                      documents_received_on=MONDAY)
    session.add(IncomeComputation(
        application_id=application.id, quarter_start=dt.date(2026, 7, 1),
        quarter_end=dt.date(2026, 9, 30), total_tiyn=1, members=1, per_capita_tiyn=1,
        threshold_tiyn=2, below_threshold=True, computed_at=almaty(MONDAY, 23, 30)))
    session.add(CommissionConclusion(application_id=application.id,
                                     concluded_on=MONDAY + dt.timedelta(days=2),
                                     needs_assistance=True))
    _same(session, application)


@pytest.mark.parametrize("which", ["own", "own_other_category", "current", "retired_only",
                                   "none"])
def test_l10_1_lookup_milestones_take_the_district_row_ground_rule_takes(
        session: Session, which: str) -> None:
    """R7.2, L8.2: the row the case was made under, else the district's current row."""
    ground = GroundCategory.LOW_INCOME
    district = create_district(session)
    rows = {g.category: g for g in district.grounds}
    rows[ground].needs_precinct_inspection = False
    rows[ground].needs_income = False
    own = DistrictGround(district_id=district.id, category=ground, frequency=Frequency.MONTHLY,
                         amount_tiyn=1, needs_precinct_inspection=True,
                         needs_income=True, retired_at=utcnow())
    other = rows[GroundCategory.FIRE]
    other.needs_precinct_inspection = True
    session.add(own)
    session.flush()
    fields: dict[str, object] = {}
    if which == "own":
        fields["district_ground_id"] = own.id
    elif which == "own_other_category":
        fields["district_ground_id"] = other.id
    elif which == "retired_only":
        rows[ground].retired_at = utcnow()
    elif which == "none":
        session.delete(rows[ground])
    application = create_application(session, district=district, ground=ground,
                                      status=Status.REGISTERED, term_started_on=MONDAY,
                                      registered_on=MONDAY, **fields)
    _same(session, application)


def test_l10_1_a_case_with_a_preliminary_refusal_is_left_to_the_loaded_case(
        session: Session) -> None:
    application = create_application(session, status=Status.PRELIMINARY_REFUSAL,
                                      term_started_on=MONDAY, registered_on=MONDAY)
    session.add(PreliminaryDecision(
        application_id=application.id, refusal_ground=RefusalGround.NEGATIVE_CONCLUSION,
        reasons="F4", issued_at=almaty(MONDAY), hearing_at=almaty(MONDAY, 15),
        hearing_mode=HearingMode.VIDEO_OR_COMMUNICATION))
    session.commit()
    assert cases.lookup_milestones(session, application.id) is None
    row = session.connection().execute(lookup.case_by_number(),
                                       {"number": application.number}).one()
    assert cases.row_milestones(row) is None
    _answer_is_the_loaded_cases(session, application)  # the loaded graph, on the same connection


@pytest.mark.parametrize("case", ["hit", "wrong_factor", "unknown_number", "draft"])
def test_l10_1_every_lookup_runs_one_statement_and_both_comparisons(
        session: Session, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    application = create_application(
        session, status=Status.DRAFT if case == "draft" else Status.INCOME_COMPUTED,
        term_started_on=MONDAY, registered_on=MONDAY, documents_received_on=MONDAY)
    session.add(IncomeComputation(
        application_id=application.id, quarter_start=dt.date(2026, 7, 1),
        quarter_end=dt.date(2026, 9, 30), total_tiyn=1, members=1, per_capita_tiyn=1,
        threshold_tiyn=2, below_threshold=True, computed_at=almaty(MONDAY, 23, 30)))
    session.commit()
    factor = Factor(iin="000000000000") if case == "wrong_factor" else _factor(application)
    number = "SA-000000" if case == "unknown_number" else application.number
    compared: list[Factor] = []
    real = lookup.factor_matches

    def spy(given: Factor, *rest: object) -> bool:
        compared.append(given)
        return real(given, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(lookup, "factor_matches", spy)
    cal = calendar()  # read (once a process) before counting
    with _statements(session) as seen:
        answer = lookup.status_for(session.connection(), number, factor, cal=cal, today=MONDAY)
    assert len(seen) == 1
    assert compared == [factor]  # factor_matches makes both comparisons, in constant time
    assert (answer is not None) is (case == "hit")

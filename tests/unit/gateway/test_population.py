"""The simulated population without a database: deterministic, valid, with the named people."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from portal.cli.demo import CITIZENS
from portal.domain.iin import parse_iin
from portal.domain.registers import GatewayOutcome
from portal.gateway import times_out
from portal.gateway.households import DEMO_CASES, generate
from portal.gateway.population import FAILURES, quarter_starts
from portal.models import RecordKind, RelationKind

AS_OF = dt.date(2026, 11, 27)
DISTRICTS = ["astana-esil", "astana-almaty"]


@pytest.fixture(scope="module")
def population():  # type: ignore[no-untyped-def]
    return generate(11, 800, DISTRICTS, AS_OF)


def test_the_same_seed_gives_the_same_population_and_another_seed_another(population) -> None:  # type: ignore[no-untyped-def]
    assert generate(11, 800, DISTRICTS, AS_OF) == population
    other = generate(12, 800, DISTRICTS, AS_OF)
    assert [p["iin"] for p in other.people] != [p["iin"] for p in population.people]


def test_it_has_the_size_asked_for_spread_over_every_district(population) -> None:  # type: ignore[no-untyped-def]
    assert 800 <= len(population.people) < 820
    per_district = Counter(p["district_code"] for p in population.people)
    assert set(per_district) == set(DISTRICTS)
    assert min(per_district.values()) > 250


def test_every_iin_is_valid_unique_and_agrees_with_the_register_but_the_mismatch(population) -> None:  # type: ignore[no-untyped-def]
    iins = [p["iin"] for p in population.people]
    assert len(iins) == len(set(iins))
    mismatch = {f.iin for f in FAILURES if f.outcome is GatewayOutcome.MISMATCH}
    for person in population.people:
        parsed = parse_iin(person["iin"])
        assert person["sex"].value == parsed.sex.value
        agrees = person["birth_date"] == parsed.birth_date
        assert agrees != (person["iin"] in mismatch)


def test_the_demo_citizens_are_in_the_register_with_their_names_and_birth_dates(population) -> None:  # type: ignore[no-untyped-def]
    people = {p["iin"]: p for p in population.people}
    assert set(DEMO_CASES) == {c[0] for c in CITIZENS}
    for iin, surname, given, patronymic, _phone in CITIZENS:
        person = people[iin]
        assert (person["surname"], person["given_name"], person["patronymic"]) == (
            surname, given, patronymic)
        assert person["birth_date"] == parse_iin(iin).birth_date


def test_every_relation_and_record_points_at_someone_in_the_population(population) -> None:  # type: ignore[no-untyped-def]
    iins = {p["iin"] for p in population.people}
    for relation in population.relations:
        assert {relation["first_iin"], relation["second_iin"]} <= iins
    assert {r["person_iin"] for r in population.records} <= iins
    assert {i["person_iin"] for i in population.incomes} <= iins


def test_parents_are_older_than_their_children_and_incomes_cover_two_years_and_the_next(population) -> None:  # type: ignore[no-untyped-def]
    born = {p["iin"]: p["birth_date"] for p in population.people}
    births = [r for r in population.relations if r["kind"] is RelationKind.BIRTH]
    assert births
    for r in births:
        assert (born[r["second_iin"]] - born[r["first_iin"]]).days > 15 * 365
    assert {i["quarter_start"] for i in population.incomes} == set(quarter_starts(AS_OF))
    assert (quarter_starts(AS_OF)[0], quarter_starts(AS_OF)[-1]) == (dt.date(2025, 1, 1),
                                                                     dt.date(2027, 10, 1))
    kinds = {r["kind"] for r in population.records}
    assert kinds == set(RecordKind)


def test_the_timeout_share_is_fixed_per_request_id_and_close_to_the_setting() -> None:
    ids = [f"request-{n}" for n in range(4000)]
    share = sum(times_out(i, 0.1) for i in ids) / len(ids)
    assert 0.08 < share < 0.12
    assert [times_out(i, 0.1) for i in ids[:50]] == [times_out(i, 0.1) for i in ids[:50]]
    assert not any(times_out(i, 0.0) for i in ids[:100])
    assert all(times_out(i, 1.0) for i in ids[:100])


@pytest.mark.parametrize(("setting", "value"), [
    ("GATEWAY_BACKEND", "nca-real"), ("GATEWAY_TIMEOUT_SHARE", 1.5),
    ("GATEWAY_TIMEOUT_SECONDS", 0),
])
def test_a_wrong_gateway_setting_stops_the_app_at_start(setting: str, value: object) -> None:
    from portal import create_app
    from portal.config import TestConfig

    config = TestConfig()
    setattr(config, setting, value)
    with pytest.raises((RuntimeError, ValueError), match=setting):
        create_app(config)

"""`flask gateway …` and `flask demo load` with the simulated registers, on both databases."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import func, select

from portal import db
from portal.gateway.households import DEMO_CASES
from portal.gateway.population import FAILURES
from portal.models import SimPerson


def _people(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [tuple(r) for r in db.session().execute(  # type: ignore[misc]
            select(SimPerson.iin, SimPerson.district_code).order_by(SimPerson.id))]


def test_generate_replaces_the_population_and_ask_prints_a_verified_answer(db_app: Flask) -> None:
    runner = db_app.test_cli_runner()
    args = ["gateway", "generate", "--people", "120", "--seed", "3", "--district", "astana-esil",
            "--district", "astana-almaty", "--as-of", "2026-11-27"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "people generated" in result.output
    first = _people(db_app)
    assert len(first) >= 120
    assert {d for _, d in first} == {"astana-esil", "astana-almaty"}
    assert runner.invoke(args=args).exit_code == 0
    assert _people(db_app) == first  # same seed, same people
    answer = runner.invoke(args=["gateway", "ask", "identity", "850321301238"])
    assert answer.exit_code == 0, answer.output
    assert "outcome: found" in answer.output and "signature: valid" in answer.output
    assert "Қасымов" in answer.output
    refused = runner.invoke(args=["gateway", "ask", "identity", "123"])
    assert refused.exit_code != 0


def test_demo_load_generates_the_registers_once_quickly_and_prints_the_test_iins(
        db_app: Flask) -> None:
    db_app.config.update(LOAD_DEMO_DATA=True, GATEWAY_DEMO_PEOPLE=2000)  # the real default
    runner = db_app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    seconds = float(re.search(r"people generated in ([\d.]+) s", first.output).group(1))  # type: ignore[union-attr]
    assert seconds < 10
    for iin in [*DEMO_CASES, *(f.iin for f in FAILURES)]:
        assert iin in first.output
    assert "low_income" in first.output and "released_from_prison" in first.output
    with db_app.app_context():
        count = db.session().scalar(select(func.count()).select_from(SimPerson))
    assert count is not None and count >= 2000
    people = _people(db_app)
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0
    assert "already hold" in again.output
    assert _people(db_app) == people

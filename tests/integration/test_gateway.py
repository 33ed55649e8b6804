"""The e-government gateway on both databases: answers, failures, signatures, evidence.

F1-2, R3.3, R3.4, R6.3.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import db
from portal.db import utcnow
from portal.domain.grounds import GroundCategory
from portal.domain.registers import QUERY_SOURCE, GatewayOutcome, GatewayQuery, Requester
from portal.gateway import BODIES, Declared, Gateway, gateway, tasks, times_out
from portal.gateway.base import RegisterTimeout
from portal.gateway.cases import examples, facts_of, qualifies, threshold_for
from portal.gateway.population import FAILURES
from portal.models import GatewayAnswer, GatewayRequest
from tests.factories import create_application, create_district, create_staff, load_registers

AS_OF = dt.date(2026, 11, 27)
KASYMOV, AKHMETOVA, SULTANOVA, IVANOV = ("850321301238", "921231445671", "500706400099",
                                         "760212350620")


@pytest.fixture
def registers(db_app: Flask) -> Iterator[Session]:
    with db_app.app_context():
        session = db.session()
        load_registers(session, as_of=AS_OF)
        yield session


def _ask(query: GatewayQuery, iin: str, **kw: Any) -> Any:
    return gateway().ask(query, iin, Requester.APPLICANT, **kw)


def test_every_ground_has_a_person_who_qualifies_and_one_who_does_not_L8_3(registers: Session) -> None:
    threshold = threshold_for(AS_OF, Fraction(7, 10))
    found = examples(registers, AS_OF, threshold)
    assert set(found) == set(GroundCategory)
    for category, (yes, no) in found.items():
        assert yes is not None and no is not None, category
        for iin, expected in ((yes, True), (no, False)):
            facts = facts_of(registers, iin, AS_OF)
            assert facts is not None
            assert qualifies(facts, category, AS_OF, threshold) is expected


def test_each_demo_citizen_has_the_case_the_demo_prints(registers: Session) -> None:
    threshold = threshold_for(AS_OF, Fraction(7, 10))
    for iin, category in ((KASYMOV, GroundCategory.LOW_INCOME),
                          (SULTANOVA, GroundCategory.OLD_AGE_SELF_CARE),
                          (IVANOV, GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE),
                          (IVANOV, GroundCategory.RELEASED_FROM_PRISON)):
        facts = facts_of(registers, iin, AS_OF)
        assert facts is not None and qualifies(facts, category, AS_OF, threshold), (iin, category)
    facts = facts_of(registers, AKHMETOVA, AS_OF)
    assert facts is not None and not qualifies(facts, GroundCategory.LOW_INCOME, AS_OF, threshold)


def test_the_guardian_sees_her_wards_and_the_ward_over_14_has_a_residence_F1_2(registers: Session) -> None:
    wards = _ask(GatewayQuery.GUARDIANSHIP, AKHMETOVA).payload["wards"]
    assert len(wards) == 2
    older = max(wards, key=lambda w: -dt.date.fromisoformat(w["birth_date"]).toordinal())
    facts = facts_of(registers, older["iin"], AS_OF)
    assert facts is not None and qualifies(facts, GroundCategory.ORPHAN, AS_OF, 0)
    residence = _ask(GatewayQuery.WARD_RESIDENCE, older["iin"])
    assert residence.outcome is GatewayOutcome.FOUND
    assert residence.payload["guardians"][0]["iin"] == AKHMETOVA
    assert _ask(GatewayQuery.WARD_RESIDENCE, KASYMOV).outcome is GatewayOutcome.NO_DATA


def test_every_query_answers_for_a_known_person_from_its_own_body_F1_2_R6_3(registers: Session) -> None:
    for query in GatewayQuery:
        result = _ask(query, KASYMOV)
        assert result.outcome in (GatewayOutcome.FOUND, GatewayOutcome.NO_DATA), query
        assert result.source_system is QUERY_SOURCE[query]
        assert result.answer["body"]["bin"] == BODIES[QUERY_SOURCE[query]].bin
        assert result.signer_iin == BODIES[QUERY_SOURCE[query]].official_iin
    person = gateway().person(KASYMOV).person
    assert person is not None
    assert (person.full_name, person.birth_date) == ("Қасымов Бауыржан Серікұлы",
                                                     dt.date(1985, 3, 21))
    assert person.address is not None and person.address["city"].startswith("Астана")


def test_each_failure_iin_gives_its_outcome_R3_4(registers: Session) -> None:
    for case in FAILURES:
        result = _ask(GatewayQuery.DISPENSARY, case.iin)
        assert result.outcome is case.outcome, case
        assert result.needs_documents
        signed = case.outcome in (GatewayOutcome.NO_DATA, GatewayOutcome.MISMATCH)
        assert (result.envelope is not None) is signed
        if case.source is not None:  # only that register fails
            assert _ask(GatewayQuery.IDENTITY, case.iin).outcome is GatewayOutcome.FOUND


def test_an_iin_no_register_knows_gives_no_data_and_a_declared_name_that_differs_a_mismatch_R3_4(
        registers: Session) -> None:
    assert _ask(GatewayQuery.IDENTITY, "900101300811").outcome is GatewayOutcome.NO_DATA
    wrong = Declared(surname="Қасымова", birth_date=dt.date(1985, 3, 21))
    assert _ask(GatewayQuery.IDENTITY, KASYMOV, declared=wrong).outcome is GatewayOutcome.MISMATCH
    right = Declared(surname="ҚАСЫМОВ ", given_name="Бауыржан")
    assert _ask(GatewayQuery.IDENTITY, KASYMOV, declared=right).outcome is GatewayOutcome.FOUND
    with pytest.raises(ValueError):
        _ask(GatewayQuery.IDENTITY, "850321301239")  # bad check digit: the form's job


def test_the_timeout_share_times_out_exactly_the_requests_it_picks(db_app: Flask,
                                                                   registers: Session) -> None:
    db_app.config["GATEWAY_TIMEOUT_SHARE"] = 0.3
    from portal import gateway as gateway_package

    gateway_package.init_app(db_app)
    ids = [f"pinned-{n}" for n in range(12)]
    outcomes = [_ask(GatewayQuery.IDENTITY, KASYMOV, request_id=i).outcome for i in ids]
    expected = [GatewayOutcome.TIMEOUT if times_out(i, 0.3) else GatewayOutcome.FOUND for i in ids]
    assert outcomes == expected
    assert GatewayOutcome.TIMEOUT in outcomes and GatewayOutcome.FOUND in outcomes
    again = _ask(GatewayQuery.IDENTITY, KASYMOV, request_id=ids[0])  # asked twice: one answer
    assert again.outcome is outcomes[0]
    assert registers.scalar(select(func.count()).select_from(GatewayRequest)) == len(ids)
    with pytest.raises(ValueError):
        _ask(GatewayQuery.IDENTITY, SULTANOVA, request_id=ids[0])


def test_answers_verify_and_a_tampered_answer_does_not_F1_2(registers: Session) -> None:
    g = gateway()
    result = _ask(GatewayQuery.DISABILITY, SULTANOVA)
    verdict = g.verify(result)
    assert verdict is not None and verdict.ok
    assert verdict.signer is not None and verdict.signer.bin == BODIES[result.source_system].bin
    forged = result.document.replace("1-топтағы".encode(), "3-топтағы".encode())
    assert forged != result.document
    from dataclasses import replace

    bad = g.verify(replace(result, document=forged))
    assert bad is not None and not bad.ok and "digest.mismatch" in bad.reason_codes
    # The same envelope presented as another register's answer names the wrong signer.
    other = g.verify(replace(result, source_system=QUERY_SOURCE[GatewayQuery.IDENTITY],
                             query=GatewayQuery.IDENTITY))
    assert other is not None and not other.ok
    assert g.verify(_ask(GatewayQuery.IDENTITY, FAILURES[2].iin)) is None  # timeout: nothing signed


def test_each_call_is_kept_as_evidence_and_the_case_links_to_it_R3_3(registers: Session) -> None:
    district = create_district(registers)
    staff = create_staff(registers, district)
    application = create_application(registers, district=district)
    registers.commit()
    result = gateway().ask(GatewayQuery.REAL_ESTATE, SULTANOVA, Requester.PROVIDER_EMPLOYEE,
                           staff_id=staff.id, application_id=application.id)
    row = registers.scalar(select(GatewayRequest).where(
        GatewayRequest.request_id == result.request_id))
    assert row is not None
    assert (row.query, row.subject_iin, row.requester, row.requester_staff_id,
            row.application_id, row.outcome) == (
        GatewayQuery.REAL_ESTATE, SULTANOVA, Requester.PROVIDER_EMPLOYEE, staff.id,
        application.id, GatewayOutcome.FOUND)
    assert row.document == result.document and row.envelope == result.envelope
    assert row.answered_at is not None and row.answered_at >= row.requested_at
    assert result.payload["properties"][0]["cadastral_number"].startswith("21:")
    registers.add(Gateway.answer_for(application.id, result, staff.id))
    registers.commit()
    answer = registers.scalar(select(GatewayAnswer))
    assert answer is not None and answer.evidence_id == row.id
    assert answer.source_signature == row.envelope
    assert gateway().evidence(row.id) == result


def test_a_queued_call_answers_at_once_when_eager_and_times_out_when_no_worker_comes(
        db_app: Flask, registers: Session) -> None:
    rid = gateway().submit(GatewayQuery.MARRIAGE, KASYMOV, Requester.APPLICANT)
    queued = gateway().result(rid)
    assert queued is not None and queued.outcome is GatewayOutcome.FOUND
    clock = [utcnow()]
    real = gateway()
    queue: list[str] = []
    queued_gateway = Gateway(real.backend, db_app.extensions["db_sessionmaker"], real.signer,
                             lambda *a: None, timeout=2, timeout_share=0,  # type: ignore[arg-type,return-value]
                             now=lambda: clock[0], enqueue=queue.append)
    rid = queued_gateway.submit(GatewayQuery.MARRIAGE, KASYMOV, Requester.APPLICANT)
    assert queue == [rid]
    assert queued_gateway.result(rid) is None  # still pending: the page keeps polling
    tasks.gateway_ask.run(rid)  # a worker picks it up
    assert queued_gateway.result(rid).outcome is GatewayOutcome.FOUND  # type: ignore[union-attr]
    stalled = queued_gateway.submit(GatewayQuery.MARRIAGE, KASYMOV, Requester.APPLICANT)
    clock[0] += dt.timedelta(minutes=5)  # no worker came
    late = queued_gateway.result(stalled)
    assert late is not None and late.outcome is GatewayOutcome.TIMEOUT and late.may_retry
    tasks.gateway_ask.run(stalled)  # a worker that comes after that changes nothing
    assert queued_gateway.result(stalled).outcome is GatewayOutcome.TIMEOUT  # type: ignore[union-attr]


class _Broken:
    name = "broken"

    def __init__(self, error: Exception) -> None:
        self.error = error

    def answer(self, query: GatewayQuery, subject_iin: str, *, timeout: float) -> None:
        raise self.error


def test_a_failing_or_slow_register_never_fails_or_blocks_the_caller_and_no_iin_is_logged(
        db_app: Flask, registers: Session, caplog: pytest.LogCaptureFixture) -> None:
    real = gateway()
    with caplog.at_level(logging.DEBUG, logger="portal.gateway"):
        for error, outcome in ((RuntimeError("register exploded"), GatewayOutcome.UNAVAILABLE),
                               (RegisterTimeout(), GatewayOutcome.TIMEOUT)):
            broken = Gateway(_Broken(error), db_app.extensions["db_sessionmaker"], real.signer,
                             lambda *a: None, timeout=1, timeout_share=0, now=utcnow)  # type: ignore[arg-type,return-value]
            assert broken.ask(GatewayQuery.IDENTITY, IVANOV, Requester.APPLICANT).outcome is outcome
        _ask(GatewayQuery.DISPENSARY, IVANOV)
        db_app.config.update(GATEWAY_SIMULATED_DELAY_MS=300, GATEWAY_TIMEOUT_SECONDS=0.1)
        from portal import gateway as gateway_package

        slow = gateway_package.init_app(db_app)
        started = time.monotonic()
        assert slow.ask(GatewayQuery.IDENTITY, IVANOV, Requester.APPLICANT).outcome is \
            GatewayOutcome.TIMEOUT
        assert time.monotonic() - started < 2
    assert caplog.records
    assert all(IVANOV not in r.getMessage() for r in caplog.records)

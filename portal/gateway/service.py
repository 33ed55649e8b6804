"""The gateway: asks a register, compares, has the answer signed by its body, keeps the evidence.

Every call is recorded in ``gateway_requests`` in its own short transaction, so the evidence
stays whatever the caller's transaction does (call with no uncommitted writes, as with signing:
on SQLite a pending write would make the evidence wait for its lock). No IIN or personal data
is logged: only the query, the outcome, the request id and the time taken.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from portal.domain.iin import parse_iin
from portal.domain.registers import QUERY_SOURCE, GatewayOutcome, GatewayQuery, Requester
from portal.gateway.base import (
    Backend,
    Declared,
    GatewayResult,
    RegisterTimeout,
    RegisterUnavailable,
)
from portal.gateway.bodies import BODIES, BodySigner, purpose_of
from portal.models import GatewayAnswer, GatewayRequest
from signing import VerificationResult, canonical_json

# (envelope, document, expected IIN, purpose) -> every check of signing.verify
Verifier = Callable[[str, bytes, str, str], VerificationResult]

log = logging.getLogger("portal.gateway")

PENDING_GRACE = dt.timedelta(seconds=30)  # a queued call older than timeout + this timed out


def times_out(request_id: str, share: float) -> bool:
    """Whether this request falls in the configured share of timeouts: fixed per request id."""
    if share <= 0:
        return False
    draw = int.from_bytes(hashlib.sha256(request_id.encode()).digest()[:8], "big") / 2**64
    return draw < share


def _mismatch(data: dict[str, Any], subject_iin: str, declared: Declared | None) -> bool:
    """The register's person must agree with the IIN itself and with what was declared."""
    person = data.get("person")
    if person is None:
        return False
    iin = parse_iin(subject_iin)
    if person["birth_date"] != iin.birth_date.isoformat() or person["sex"] != iin.sex.value:
        return True
    if declared is None:
        return False
    if declared.birth_date is not None and person["birth_date"] != declared.birth_date.isoformat():
        return True
    for name in ("surname", "given_name", "patronymic"):
        said = getattr(declared, name)
        if said is not None and said.strip().casefold() != (person[name] or "").casefold():
            return True
    return False


class Gateway:
    def __init__(self, backend: Backend, sessions: sessionmaker[Session], signer: BodySigner,
                 verifier: Verifier, *, timeout: float, timeout_share: float,
                 now: Callable[[], dt.datetime],
                 enqueue: Callable[[str], None] | None = None) -> None:
        if not 0 <= timeout_share <= 1:
            raise ValueError("GATEWAY_TIMEOUT_SHARE must be between 0 and 1")
        if timeout <= 0:
            raise ValueError("GATEWAY_TIMEOUT_SECONDS must be positive")
        self.backend = backend
        self.signer = signer
        self._verifier = verifier
        self.timeout = timeout
        self.timeout_share = timeout_share
        self._sessions = sessions
        self._now = now
        self._enqueue = enqueue

    # -- the API -----------------------------------------------------------------------------

    def ask(self, query: GatewayQuery, subject_iin: str, requester: Requester, *,
            staff_id: int | None = None, citizen_id: int | None = None,
            application_id: int | None = None, declared: Declared | None = None,
            request_id: str | None = None) -> GatewayResult:
        """Ask now and wait at most the timeout; always returns an outcome."""
        request_id = self._open(query, subject_iin, requester, staff_id, citizen_id,
                                application_id, request_id)
        return self._run(request_id, declared)

    def person(self, iin: str, requester: Requester = Requester.APPLICANT, *,
               citizen_id: int | None = None, staff_id: int | None = None,
               declared: Declared | None = None) -> GatewayResult:
        """The State database "Individuals" on one person (``result.person`` when found)."""
        return self.ask(GatewayQuery.RESIDENCE, iin, requester, citizen_id=citizen_id,
                        staff_id=staff_id, declared=declared)

    def submit(self, query: GatewayQuery, subject_iin: str, requester: Requester, *,
               staff_id: int | None = None, citizen_id: int | None = None,
               application_id: int | None = None, request_id: str | None = None) -> str:
        """Queue the call as a Celery task (run at once in the embedded default).

        Returns the request id to poll with :meth:`result`.
        """
        request_id = self._open(query, subject_iin, requester, staff_id, citizen_id,
                                application_id, request_id)
        if self._enqueue is None:
            self._run(request_id, None)
        else:
            try:
                self._enqueue(request_id)
            except Exception as exc:  # broker down: result() will time the request out
                log.error("gateway request %s not queued: %s", request_id, type(exc).__name__)
        return request_id

    def result(self, request_id: str) -> GatewayResult | None:
        """The answer to a submitted call; None while it may still come."""
        with self._sessions() as session:
            row = session.scalar(select(GatewayRequest).where(
                GatewayRequest.request_id == request_id))
            if row is None:
                raise KeyError(request_id)
            if row.outcome is None:
                waited = self._now() - row.requested_at
                if waited < dt.timedelta(seconds=self.timeout) + PENDING_GRACE:
                    return None
                self._finish(session, row, GatewayOutcome.TIMEOUT, None, None, None, None)
                session.refresh(row)
            return self._result(row)

    def run_queued(self, request_id: str) -> None:
        """The Celery task's body: answer a submitted call unless it is answered already."""
        self._run(request_id, None)

    def evidence(self, evidence_id: int) -> GatewayResult:
        with self._sessions() as session:
            row = session.get(GatewayRequest, evidence_id)
            if row is None:
                raise KeyError(evidence_id)
            return self._result(row)

    def verify(self, result: GatewayResult) -> VerificationResult | None:
        """Check the answering body's signature on the stored bytes; None when nothing was signed.

        The expected IIN is the one on the body's own certificate, so an answer signed by any
        other key, or for another query, fails.
        """
        if result.document is None or result.envelope is None:
            return None
        body = BODIES[result.source_system]
        return self._verifier(result.envelope, result.document, body.official_iin,
                              purpose_of(result.query.value))

    @staticmethod
    def answer_for(application_id: int, result: GatewayResult,
                   staff_id: int | None = None) -> GatewayAnswer:
        """The case's copy of an answer (F1-2), pointing at the evidence it came from."""
        return GatewayAnswer(
            application_id=application_id, query=result.query,
            source_system=result.source_system, subject_iin=result.subject_iin,
            outcome=result.outcome, payload=result.payload or {},
            source_signature=result.envelope, requester=result.requester,
            requested_by_staff_id=staff_id, requested_at=result.requested_at,
            evidence_id=result.evidence_id,
        )

    # -- the steps ---------------------------------------------------------------------------

    def _open(self, query: GatewayQuery, subject_iin: str, requester: Requester,
              staff_id: int | None, citizen_id: int | None, application_id: int | None,
              request_id: str | None) -> str:
        parse_iin(subject_iin)  # a malformed IIN is the caller's error, not a register's answer
        request_id = request_id or uuid.uuid4().hex
        with self._sessions() as session:
            session.add(GatewayRequest(
                request_id=request_id, query=query, source_system=QUERY_SOURCE[query],
                subject_iin=subject_iin, requester=requester, requester_staff_id=staff_id,
                requester_citizen_id=citizen_id, application_id=application_id,
                requested_at=self._now(),
            ))
            try:
                session.commit()
            except IntegrityError:
                # The same request again (a retried task, a double click): the first one stands.
                session.rollback()
                same = session.scalar(select(GatewayRequest).where(
                    GatewayRequest.request_id == request_id,
                    GatewayRequest.query == query, GatewayRequest.subject_iin == subject_iin))
                if same is None:
                    raise ValueError("this request id was used for another question") from None
        return request_id

    def _run(self, request_id: str, declared: Declared | None) -> GatewayResult:
        with self._sessions() as session:
            row = session.scalar(select(GatewayRequest).where(
                GatewayRequest.request_id == request_id))
            if row is None:
                raise KeyError(request_id)
            if row.outcome is not None:
                return self._result(row)
            # No transaction stays open while the register takes its time (the sessions keep
            # their objects loaded on commit).
            session.commit()
            started = time.perf_counter()
            outcome, data = self._call(row, declared)
            document = envelope = signer_iin = None
            if outcome in (GatewayOutcome.FOUND, GatewayOutcome.NO_DATA,
                           GatewayOutcome.MISMATCH):
                try:
                    document, envelope, signer_iin = self._signed(row, data)
                except Exception as exc:  # no signed answer, no answer
                    log.error("gateway answer %s not signed: %s", request_id,
                              type(exc).__name__)
                    outcome = GatewayOutcome.UNAVAILABLE
            elapsed = round((time.perf_counter() - started) * 1000)
            self._finish(session, row, outcome, document, envelope, signer_iin, elapsed)
            session.refresh(row)
            log.info("gateway %s %s -> %s in %d ms", request_id, row.query.value,
                     row.outcome.value if row.outcome else "pending", elapsed)
            return self._result(row)

    def _call(self, row: GatewayRequest, declared: Declared | None
              ) -> tuple[GatewayOutcome, dict[str, Any] | None]:
        if times_out(row.request_id, self.timeout_share):
            return GatewayOutcome.TIMEOUT, None
        started = time.monotonic()
        try:
            data = self.backend.answer(row.query, row.subject_iin, timeout=self.timeout)
        except RegisterTimeout:
            return GatewayOutcome.TIMEOUT, None
        except RegisterUnavailable:
            return GatewayOutcome.UNAVAILABLE, None
        except Exception as exc:  # a failing register never fails the page
            log.error("gateway register error on %s: %s", row.request_id, type(exc).__name__)
            return GatewayOutcome.UNAVAILABLE, None
        if time.monotonic() - started > self.timeout:
            return GatewayOutcome.TIMEOUT, None  # a late answer is not waited for
        if data is None:
            return GatewayOutcome.NO_DATA, None
        if _mismatch(data, row.subject_iin, declared):
            return GatewayOutcome.MISMATCH, data
        return GatewayOutcome.FOUND, data

    def _signed(self, row: GatewayRequest, data: dict[str, Any] | None
                ) -> tuple[bytes, str, str]:
        body = BODIES[row.source_system]
        answer = {
            "test": True,
            "request_id": row.request_id,
            "query": row.query.value,
            "f1_2_item": row.query.f1_2_item,
            "source_system": row.source_system.value,
            "body": {"name": body.name_kk, "bin": body.bin},
            "subject_iin": row.subject_iin,
            "answered_at": self._now().isoformat(timespec="seconds"),
            "found": data is not None,
            "data": data,
        }
        document = canonical_json(answer)
        envelope = self.signer.sign(body, document, row.query.value, row.request_id)
        return document, envelope.token, envelope.signer_iin

    def _finish(self, session: Session, row: GatewayRequest, outcome: GatewayOutcome,
                document: bytes | None, envelope: str | None, signer_iin: str | None,
                elapsed: int | None) -> None:
        # Only a pending row is finished: a late worker never overwrites an answer.
        session.execute(update(GatewayRequest).where(
            GatewayRequest.id == row.id, GatewayRequest.outcome.is_(None)).values(
            outcome=outcome, document=document, envelope=envelope, signer_iin=signer_iin,
            answered_at=self._now(), duration_ms=elapsed))
        session.commit()

    @staticmethod
    def _result(row: GatewayRequest) -> GatewayResult:
        assert row.outcome is not None
        return GatewayResult(
            request_id=row.request_id, evidence_id=row.id, query=row.query,
            source_system=row.source_system, subject_iin=row.subject_iin,
            requester=row.requester, outcome=row.outcome, requested_at=row.requested_at,
            answered_at=row.answered_at, document=row.document, envelope=row.envelope,
            signer_iin=row.signer_iin,
        )

"""What the gateway hands back, and what a register backend must do."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Protocol

from portal.domain.registers import GatewayOutcome, GatewayQuery, Requester, SourceSystem


class RegisterTimeout(Exception):
    """The register did not answer in time."""


class RegisterUnavailable(Exception):
    """The register refused or could not be reached."""


class Backend(Protocol):
    name: str

    def answer(self, query: GatewayQuery, subject_iin: str, *,
               timeout: float) -> dict[str, Any] | None:
        """The register's data about the subject (JSON-ready), or None when it holds none.

        Raises ``RegisterTimeout`` or ``RegisterUnavailable``; anything else counts as
        unavailable too.
        """
        ...


@dataclass(frozen=True)
class Declared:
    """What the person or the form says, for the gateway to compare with the register (R3.4)."""

    surname: str | None = None
    given_name: str | None = None
    patronymic: str | None = None
    birth_date: dt.date | None = None


@dataclass(frozen=True)
class Person:
    """The State database "Individuals" about one person."""

    iin: str
    surname: str
    given_name: str
    patronymic: str | None
    birth_date: dt.date
    sex: str
    died_on: dt.date | None
    address: dict[str, Any] | None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)


@dataclass(frozen=True)
class GatewayResult:
    """One answer: always an outcome the caller can show; a signed document when one came."""

    request_id: str
    evidence_id: int
    query: GatewayQuery
    source_system: SourceSystem
    subject_iin: str
    requester: Requester
    outcome: GatewayOutcome
    requested_at: dt.datetime
    answered_at: dt.datetime | None
    document: bytes | None  # the exact bytes the answering body signed
    envelope: str | None  # its JWS (EDS of the answering body)
    signer_iin: str | None

    @property
    def answer(self) -> dict[str, Any] | None:
        """The whole signed answer (body, subject, time, data), or None without one."""
        if self.document is None:
            return None
        value: dict[str, Any] = json.loads(self.document)
        return value

    @property
    def payload(self) -> dict[str, Any] | None:
        """The register's data; None when it holds none or did not answer."""
        answer = self.answer
        return None if answer is None else answer.get("data")

    @property
    def found(self) -> bool:
        return self.outcome is GatewayOutcome.FOUND

    @property
    def needs_documents(self) -> bool:
        """R3.4: without data that matches, the person brings the documents of L8 instead."""
        return not self.found

    @property
    def may_retry(self) -> bool:
        return self.outcome in (GatewayOutcome.TIMEOUT, GatewayOutcome.UNAVAILABLE)

    @property
    def person(self) -> Person | None:
        data = self.payload
        if not self.found or data is None or "person" not in data:
            return None
        p = data["person"]
        return Person(
            iin=p["iin"], surname=p["surname"], given_name=p["given_name"],
            patronymic=p["patronymic"], birth_date=dt.date.fromisoformat(p["birth_date"]),
            sex=p["sex"], died_on=None if p["died_on"] is None
            else dt.date.fromisoformat(p["died_on"]), address=data.get("address"),
        )

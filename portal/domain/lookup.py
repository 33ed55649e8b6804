"""L10.1: what an application number and a second factor may learn, as plain rules.

The second factor is the applicant's IIN or date of birth. Matching is constant-time and always
compares both, so a wrong number and a wrong factor cost the same work (no enumeration by timing).
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from portal.domain.deadlines import Deadline, DeadlineState

NUMBER_MAX: Final = 20
_NUMBER = re.compile(r"^[A-Z0-9-]{1,20}$")
_IIN = re.compile(r"^\d{12}$")
_DATE_FORMATS: Final = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
# Compared against when the number is unknown, so both paths do the same work.
_DUMMY_IIN: Final = "000000000000"
_DUMMY_DATE: Final = "0000-00-00"


class OperatorReason:
    """Why a 1414 operator looked a person up: the person sees this in "who looked at my data"."""

    CALL: Final = "call"  # the person called 1414
    CALL_REPRESENTATIVE: Final = "call_representative"  # their representative called
    WRITTEN_REQUEST: Final = "written_request"  # a written request or e-mail
    CALLBACK: Final = "callback"  # calling the person back about an earlier request
    ALL: Final = (CALL, CALL_REPRESENTATIVE, WRITTEN_REQUEST, CALLBACK)


@dataclass(frozen=True)
class Factor:
    """The second factor as typed: exactly one of the two is filled."""

    iin: str = ""
    birth_date: str = ""  # ISO yyyy-mm-dd


def normalise_number(text: str | None) -> str:
    """``sa-2026-7gey-1edr `` → ``SA-2026-7GEY-1EDR``; anything that cannot be a number → ''."""
    number = re.sub(r"\s+", "", text or "").upper()
    return number if _NUMBER.match(number) else ""


def parse_factor(text: str | None) -> Factor | None:
    """12 digits are an IIN; ``dd.mm.yyyy`` (or ISO) a date of birth; anything else None."""
    value = re.sub(r"\s+", "", text or "")
    if _IIN.match(value):
        return Factor(iin=value)
    for fmt in _DATE_FORMATS:
        try:
            return Factor(birth_date=dt.datetime.strptime(value, fmt).date().isoformat())
        except ValueError:
            continue
    return None


def factor_matches(factor: Factor, iin: str | None, birth_date: dt.date | None) -> bool:
    """Both comparisons always run, in constant time, whatever matches or is missing."""
    known_iin = iin or _DUMMY_IIN
    known_date = birth_date.isoformat() if birth_date else _DUMMY_DATE
    iin_ok = hmac.compare_digest((factor.iin or "x").encode(), known_iin.encode())
    date_ok = hmac.compare_digest((factor.birth_date or "x").encode(), known_date.encode())
    found = iin is not None or birth_date is not None
    return found & (iin_ok | date_ok)


def next_step(deadlines: Iterable[Deadline], today: dt.date) -> Deadline | None:
    """The next statutory step: the earliest clock still running (or overdue), other than the
    service term itself, which the answer gives as the date the result is due."""
    open_ = [d for d in deadlines if d.key != "service_term"
             and d.state(today) in {DeadlineState.RUNNING, DeadlineState.OVERDUE}]
    return min(open_, key=lambda d: d.due) if open_ else None


def step_name(deadline: Deadline) -> str:
    """The clock's name, for a label table in the web layer."""
    return deadline.key or deadline.rule

"""L10.2: assistance for public holidays and memorable dates, granted without an application.

The department picks the people — a category of the register (the simulated State database of
individuals and the disability database, by the district's code) or a CSV of IINs — and assigns
one payment for one occasion and date. Each person gets their own decision (a `HolidayAward` with
its number and date) and a notification: the cabinet when they have an account, an SMS when the
mobile citizens database has their number, else the print-and-hand-over list. Nobody applies,
and no case is opened (line 373), so the application workflow and its deadlines never see it.

A CSV is read line by line: a line that is not a valid IIN, a repeat, a person the register does
not know, who has died or lives in another district is reported by its line number, and every
good line is still awarded. Assigning the same occasion twice to a person is refused (reported),
so a batch can be run again after a fix without paying twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import verification as codes
from portal.domain.forms import NotificationChannel, NotificationStatus
from portal.domain.iin import InvalidIin, parse_iin
from portal.models import Citizen, District, HolidayAward, MobileRegistration
from portal.models.registers import RecordKind, SimPerson, SimRecord
from portal.services.events import Actor, record

log = logging.getLogger(__name__)

MAX_PEOPLE = 5000  # one batch; a larger list is split by the department


class Category(StrEnum):
    """Who a register selection takes (the disability database's groups)."""

    DISABILITY_ANY = "disability_any"
    DISABILITY_1 = "disability_1"
    DISABILITY_2 = "disability_2"
    DISABILITY_3 = "disability_3"
    DISABILITY_CHILD = "disability_child"


_GROUP = {Category.DISABILITY_1: "1", Category.DISABILITY_2: "2", Category.DISABILITY_3: "3",
          Category.DISABILITY_CHILD: "child"}


class Problem(StrEnum):
    """Why one line or person got no award (translated by the page)."""

    NOT_AN_IIN = "not_an_iin"
    REPEATED = "repeated"
    NOT_IN_REGISTER = "not_in_register"
    DIED = "died"
    OTHER_DISTRICT = "other_district"
    ALREADY_AWARDED = "already_awarded"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class Line:
    number: int  # the line of the CSV (1-based); 0 for a register selection
    iin: str


@dataclass(frozen=True)
class Occasion:
    name: str  # the public holiday or memorable date
    on: dt.date
    assistance_type: str  # the category of assistance, in the department's words
    amount_tiyn: int


@dataclass
class Outcome:
    awards: list[HolidayAward] = field(default_factory=list)
    problems: list[tuple[int, Problem]] = field(default_factory=list)  # (line, why)


def read_csv(data: bytes) -> tuple[list[Line], list[tuple[int, Problem]]]:
    """IINs from a CSV (first column; a header line and blank lines are skipped; `;` or `,`).
    Bad lines are reported by number; the good ones are kept."""
    text = data.decode("utf-8-sig", errors="replace")
    lines: list[Line] = []
    problems: list[tuple[int, Problem]] = []
    seen: set[str] = set()
    dialect = "excel-semicolon" if text.count(";") > text.count(",") else "excel"
    if dialect == "excel-semicolon" and dialect not in csv.list_dialects():
        csv.register_dialect(dialect, delimiter=";")
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect=dialect), 1):
        value = (row[0] if row else "").strip().replace(" ", "")
        if not value or (number == 1 and not any(ch.isdigit() for ch in value)):
            continue  # a blank line, or a header such as "IIN" / "ЖСН" / "ИИН"
        try:
            iin = parse_iin(value).value
        except InvalidIin:
            problems.append((number, Problem.NOT_AN_IIN))
            continue
        if iin in seen:
            problems.append((number, Problem.REPEATED))
            continue
        seen.add(iin)
        lines.append(Line(number, iin))
    return lines, problems


def from_register(session: Session, district: District, category: Category,
                  on: dt.date) -> list[Line]:
    """Living people registered in the district whose disability record holds on ``on``."""
    query = (select(SimPerson.iin)
             .join(SimRecord, SimRecord.person_iin == SimPerson.iin)
             .where(SimPerson.district_code == district.code, SimPerson.died_on.is_(None),
                    SimRecord.kind == RecordKind.DISABILITY, SimRecord.start_on <= on,
                    (SimRecord.end_on.is_(None)) | (SimRecord.end_on >= on))
             .distinct().order_by(SimPerson.iin))
    if category in _GROUP:
        query = query.where(SimRecord.code == _GROUP[category])
    return [Line(0, iin) for iin in session.scalars(query.limit(MAX_PEOPLE + 1))]


def _citizen(session: Session, person: SimPerson) -> Citizen:
    """The portal's citizen for a register person, created from the register when new."""
    found = session.scalar(select(Citizen).where(Citizen.iin == person.iin))
    if found is not None:
        return found
    citizen = Citizen(iin=person.iin, surname=person.surname, given_name=person.given_name,
                      patronymic=person.patronymic, birth_date=person.birth_date,
                      sex=person.sex)
    session.add(citizen)
    session.flush()
    return citizen


def _channel(citizen: Citizen, phone: str | None) -> NotificationChannel:
    """R15.9–R15.11 as for any decision: cabinet if they have one, SMS if the mobile citizens
    database has their number, else printed and handed over."""
    if citizen.confirmed_at is not None:
        return NotificationChannel.CABINET
    if phone is not None:
        return NotificationChannel.SMS
    return NotificationChannel.PRINT


def decision_number(on: dt.date) -> str:
    return f"HA-{on.year}-{codes.new_code()[:8]}"


def assign(session: Session, actor: Actor, district: District, occasion: Occasion,
           people: list[Line], *, now: dt.datetime, head_id: int | None = None) -> Outcome:
    """One decision and one notification per person; problems by line. Commits once."""
    outcome = Outcome()
    if len(people) > MAX_PEOPLE:
        outcome.problems.append((people[MAX_PEOPLE].number, Problem.TOO_MANY))
        people = people[:MAX_PEOPLE]
    iins = [line.iin for line in people]
    registered = {p.iin: p for p in session.scalars(
        select(SimPerson).where(SimPerson.iin.in_(iins)))}
    known = {c.iin: c for c in session.scalars(select(Citizen).where(Citizen.iin.in_(iins)))}
    phones = {iin: phone for iin, phone in session.execute(
        select(MobileRegistration.iin, MobileRegistration.phone)
        .where(MobileRegistration.iin.in_(iins)))}
    awarded = set(session.scalars(select(HolidayAward.citizen_id).where(
        HolidayAward.occasion_on == occasion.on, HolidayAward.occasion == occasion.name)))
    from portal.domain.calendar import to_local

    decided_on = to_local(now).date()
    sms_to_send: list[tuple[str, HolidayAward]] = []  # (phone, award)
    for line in people:
        person = registered.get(line.iin)
        if person is None:
            outcome.problems.append((line.number, Problem.NOT_IN_REGISTER))
            continue
        if person.died_on is not None:
            outcome.problems.append((line.number, Problem.DIED))
            continue
        if person.district_code != district.code:
            outcome.problems.append((line.number, Problem.OTHER_DISTRICT))
            continue
        citizen = known.get(line.iin) or _citizen(session, person)
        if citizen.id in awarded:
            outcome.problems.append((line.number, Problem.ALREADY_AWARDED))
            continue
        channel = _channel(citizen, phones.get(line.iin))
        award = HolidayAward(
            district_id=district.id, citizen_id=citizen.id, occasion=occasion.name,
            occasion_on=occasion.on, assistance_type=occasion.assistance_type,
            decision_number=decision_number(occasion.on), decided_on=decided_on,
            amount_tiyn=occasion.amount_tiyn, head_id=head_id, notification_channel=channel,
            notification_status=NotificationStatus.PENDING)
        if channel is NotificationChannel.CABINET:
            # The award is in the person's cabinet from this moment.
            award.notification_status, award.notified_at = NotificationStatus.SENT, now
        session.add(award)
        session.flush()
        record(session, actor, "holiday_awarded",
               data={"award_id": award.id, "decision_number": award.decision_number,
                     "channel": channel.value})
        if channel is NotificationChannel.SMS:
            sms_to_send.append((phones[line.iin], award))
        outcome.awards.append(award)
    _notify(session, sms_to_send, now)
    session.commit()
    log.info("holiday assistance: %d awarded, %d refused (district %s)", len(outcome.awards),
             len(outcome.problems), district.code)
    return outcome


def _notify(session: Session, recipients: list[tuple[str, HolidayAward]], now: dt.datetime) -> None:
    """Queue the SMS notifications (sent by the outbox's Celery task after commit). The cabinet
    shows the award from its row; the print list reads the PRINT ones."""
    if not recipients:
        return
    from portal.models.notify import SmsPurpose
    from portal.notify import sms

    for phone, award in recipients:
        amount = f"{award.amount_tiyn // 100:,}".replace(",", " ")
        sms().queue(session, phone,
                    f"Мереке көмегі / Праздничная помощь: {amount} KZT, "
                    f"№ {award.decision_number} ({award.decided_on:%d.%m.%Y}).",
                    SmsPurpose.NOTIFICATION_F6, now=now)
        # Handed to the outbox, which retries; a number that fails for good is the outbox's to
        # report, as for every F6.
        award.notification_status, award.notified_at = NotificationStatus.SENT, now


def recent(session: Session, district_id: int, limit: int = 50) -> list[HolidayAward]:
    return list(session.scalars(select(HolidayAward).where(HolidayAward.district_id == district_id)
                                .order_by(HolidayAward.id.desc()).limit(limit)))


def of_citizen(session: Session, citizen_id: int) -> list[HolidayAward]:
    """The person's own holiday awards, newest first: the cabinet's notification (L10.2)."""
    return list(session.scalars(select(HolidayAward).where(HolidayAward.citizen_id == citizen_id)
                                .order_by(HolidayAward.decided_on.desc(), HolidayAward.id.desc())
                                .limit(50)))


# -- the head's EDS over the decisions ----------------------------------------------------------

SIGNING_PURPOSE = "decision"  # the employee policy (services/signing.py::PURPOSE_POLICY)
DOCUMENT_KIND = "holiday_decision"


def unsigned(session: Session, district_id: int) -> list[HolidayAward]:
    """The district's holiday decisions not yet signed by the head, oldest first."""
    return list(session.scalars(select(HolidayAward).where(
        HolidayAward.district_id == district_id, HolidayAward.decision_signature_id.is_(None))
        .order_by(HolidayAward.id).limit(MAX_PEOPLE)))


def decisions_document(district: District, awards: list[HolidayAward]) -> bytes:
    """What the head signs: every decision of the list in full (canonical JSON, stored with the
    signature). The header — a number range and the date — is what /verify shows."""
    from signing import canonical_json

    numbers = [a.decision_number for a in awards]
    header = numbers[0] if len(numbers) == 1 else f"{numbers[0]} … {numbers[-1]} ({len(numbers)})"
    return canonical_json({
        "form": "L10.2", "number": header, "district": district.code,
        "date": max(a.decided_on for a in awards).isoformat(),
        "decisions": [{
            "number": a.decision_number, "decided_on": a.decided_on.isoformat(),
            "iin": a.citizen.iin, "full_name": a.citizen.full_name, "occasion": a.occasion,
            "occasion_on": a.occasion_on.isoformat(), "assistance_type": a.assistance_type,
            "amount_tiyn": a.amount_tiyn,
        } for a in awards],
    })


def awards_by_id(session: Session, district_id: int, ids: list[int]) -> list[HolidayAward]:
    return list(session.scalars(select(HolidayAward).where(
        HolidayAward.district_id == district_id, HolidayAward.id.in_(ids))
        .order_by(HolidayAward.id)))


def attach_signature(session: Session, awards: list[HolidayAward], signature_id: int,
                     head_id: int) -> None:
    """The head's signature on each decision it covers; commits."""
    for award in awards:
        if award.decision_signature_id is None:
            award.decision_signature_id = signature_id
            award.head_id = head_id
    session.commit()

"""Cases in many states for the dashboard's tests, and the dashboard's figures counted directly
from what was made (Python over the made cases, no SQL), to compare with what the page shows."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from portal.domain.calendar import Channel, to_local
from portal.domain.forms import (
    Frequency,
    NotificationChannel,
    NotificationForm,
    NotificationStatus,
)
from portal.domain.grounds import GroundCategory
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.workflow import TERMINAL, Status
from portal.models import (
    Application,
    Decision,
    District,
    Notification,
    Objection,
    PreliminaryDecision,
    Receipt,
    ReceiptKind,
)
from portal.services import cases
from portal.services.dashboard import Period
from tests.factories import almaty, create_application

TODAY = dt.date(2026, 11, 27)
PERIOD = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 27))
DECIDED = (Status.GRANTED, Status.REFUSED, Status.NOTIFIED)
OPEN = tuple(s for s in Status if s is not Status.DRAFT and s not in TERMINAL)


@dataclass
class Made:
    """One case as made: what the counts below read."""

    district_id: int
    status: Status
    ground: GroundCategory
    channel: Channel
    started: dt.date | None
    due: dt.date | None
    next_due: dt.date | None
    decided_on: dt.date | None = None
    granted: bool | None = None
    issued_at: dt.datetime | None = None

    @property
    def decided_day(self) -> dt.date | None:
        if self.issued_at is not None:
            return to_local(self.issued_at).date()
        return self.decided_on


@dataclass
class Seeded:
    district_id: int
    other_id: int
    cases: list[Made] = field(default_factory=list)

    def mine(self) -> list[Made]:
        return [c for c in self.cases
                if c.district_id == self.district_id and c.status is not Status.DRAFT]

    def started_in_period(self) -> list[Made]:
        return [c for c in self.mine()
                if c.started is not None and PERIOD.start <= c.started <= PERIOD.end]

    # --- the figures, counted directly ---------------------------------------------------------

    def by_status(self) -> dict[str, int]:
        return dict(Counter(c.status.value for c in self.started_in_period()))

    def term(self) -> dict[str, int]:
        due = [c for c in self.mine() if c.due is not None and PERIOD.start <= c.due <= PERIOD.end]
        ended = (Status.WITHDRAWN, Status.REFUSED_ACCEPTANCE)
        counts = Counter[str]()
        for c in due:
            day = c.decided_day
            if day is not None:
                counts["within_term" if day <= c.due else "late"] += 1  # type: ignore[operator]
            elif c.status in ended:
                counts["ended"] += 1
            elif c.due < TODAY:  # type: ignore[operator]
                counts["overdue"] += 1
            else:
                counts["running"] += 1
        return {k: counts[k] for k in ("within_term", "late", "overdue", "running", "ended")}

    def now(self) -> dict[str, int]:
        open_cases = [c for c in self.mine() if c.status in OPEN]
        return {
            "open": len(open_cases),
            "duty_overdue": sum(1 for c in open_cases
                                if c.next_due is not None and c.next_due < TODAY),
            "term_passed": sum(1 for c in open_cases if c.decided_day is None
                               and c.due is not None and c.due < TODAY),
        }

    def breakdown(self, by: str) -> dict[str, dict[str, int]]:
        keys = GroundCategory if by == "ground" else Channel
        out: dict[str, dict[str, int]] = {}
        for key in keys:
            group = [c for c in self.started_in_period() if getattr(c, by) is key]
            out[key.value] = {
                "cases": len(group),
                "granted": sum(1 for c in group if c.granted is True),
                "refused": sum(1 for c in group if c.granted is False),
                "within_term": sum(1 for c in group if c.decided_day is not None
                                   and c.due is not None and c.decided_day <= c.due),
            }
        return out


def seed_cases(session: Session, district: District, other: District, *, count: int = 70,
               seed: int = 12) -> Seeded:
    """``count`` cases of the district in random states (and some in ``other``, and drafts),
    with decisions, results issued at awkward hours (just after local midnight) and duties."""
    rng = random.Random(seed)
    seeded = Seeded(district.id, other.id)
    statuses = [s for s in Status]
    for n in range(count):
        home = district if n % 7 else other
        status = rng.choice(statuses)
        ground = rng.choice(list(GroundCategory))
        channel = rng.choice(list(Channel))
        started = None if status is Status.DRAFT else (
            dt.date(2026, 10, 10) + dt.timedelta(days=rng.randint(0, 50)))
        due = None if started is None else started + dt.timedelta(days=rng.choice((10, 12, 14)))
        next_due = None if status in TERMINAL or started is None else (
            started + dt.timedelta(days=rng.randint(1, 20)))
        made = Made(home.id, status, ground, channel, started, due, next_due)
        application = create_application(
            session, district=home, status=status, ground=ground, channel=channel,
            term_started_on=started, result_due_on=due, next_due_on=next_due)
        if status in DECIDED and started is not None:
            made.decided_on = started + dt.timedelta(days=rng.randint(3, 16))
            made.granted = status is Status.GRANTED or (
                status is Status.NOTIFIED and rng.random() < 0.6)
            decision = _decision(session, application, made.decided_on, made.granted)
            if status is Status.NOTIFIED:
                day = made.decided_on + dt.timedelta(days=rng.randint(0, 2))
                # Just after midnight in Almaty: the day before in UTC.
                made.issued_at = almaty(day, 0, 30) if n % 2 else almaty(day, 16)
                application.result_issued_at = made.issued_at
                cases.refresh_decided(application)  # as the change that issued it does
                _notification(session, decision, NotificationChannel.CABINET,
                              NotificationStatus.SENT)
        seeded.cases.append(made)
    session.flush()
    return seeded


_decisions = iter(range(1, 10**6))


def _decision(session: Session, application: Application, day: dt.date,
              granted: bool) -> Decision:
    """The decision F5, stored on the case as the change that records it does."""
    decision = Decision(
        application_id=application.id, number=f"D-{next(_decisions):05d}", decided_on=day,
        granted=granted, amount_tiyn=100_000 if granted else None,
        frequency=Frequency.ONE_OFF if granted else None,
        refusal_ground=None if granted else "L9 1)")
    session.add(decision)
    application.decision = decision
    cases.refresh_decided(application)
    session.flush()
    return decision


def _notification(session: Session, decision: Decision, channel: NotificationChannel,
                  status: NotificationStatus) -> Notification:
    notification = Notification(
        application_id=decision.application_id, district_id=decision.application.district_id,
        decision_id=decision.id,
        decision_granted=decision.granted,
        form=NotificationForm.F6 if decision.granted else NotificationForm.F7,
        assistance_type="—", channel=channel, status=status, responsible_name="—",
        responsible_position="—")
    session.add(notification)
    session.flush()
    return notification


def _refusal(session: Session, application: Application, issued: dt.datetime,
             lapsed: dt.datetime | None = None) -> None:
    session.add(PreliminaryDecision(
        application_id=application.id, district_id=application.district_id,
        refusal_ground=RefusalGround.NEGATIVE_CONCLUSION,
        reasons="—", issued_at=issued, hearing_at=issued + dt.timedelta(days=3),
        hearing_mode=HearingMode.OTHER_MEANS, lapsed_at=lapsed))


def _objection(session: Session, application_id: int, at: dt.datetime) -> None:
    session.add(Objection(application_id=application_id, submitted_at=at, text="—"))


def seed_refusals(session: Session, district: District, other: District) -> dict[str, int]:
    """Preliminary refusals in every outcome; returns the expected table."""
    nov = dt.date(2026, 11, 1)

    def case(status: Status, where: District = district) -> Application:
        return create_application(session, district=where, status=status,
                                  term_started_on=nov)

    # granted after an objection: changed
    granted = case(Status.GRANTED)
    _refusal(session, granted, almaty(dt.date(2026, 11, 8)))
    _objection(session, granted.id, almaty(dt.date(2026, 11, 9)))
    _decision(session, granted, dt.date(2026, 11, 16), True)
    # refused in the end, no objection: upheld
    refused = case(Status.REFUSED)
    _refusal(session, refused, almaty(dt.date(2026, 11, 10)))
    _decision(session, refused, dt.date(2026, 11, 18), False)
    # refused after an objection: objected and upheld
    argued = case(Status.REFUSED)
    _refusal(session, argued, almaty(dt.date(2026, 11, 3)))
    _objection(session, argued.id, almaty(dt.date(2026, 11, 4)))
    _decision(session, argued, dt.date(2026, 11, 12), False)
    # lapsed after an objection (the review resumed), then a second refusal still pending
    resumed = case(Status.PRELIMINARY_REFUSAL)
    _refusal(session, resumed, almaty(dt.date(2026, 11, 2)), lapsed=almaty(dt.date(2026, 11, 5)))
    _objection(session, resumed.id, almaty(dt.date(2026, 11, 3)))
    _refusal(session, resumed, almaty(dt.date(2026, 11, 20)))
    # pending; an objection made before it was issued belongs to no refusal
    pending = case(Status.PRELIMINARY_REFUSAL)
    _objection(session, pending.id, almaty(dt.date(2026, 10, 30)))
    _refusal(session, pending, almaty(dt.date(2026, 11, 21)))
    # issued just after midnight on 1 November in Almaty (31 October in UTC): in the period
    early = case(Status.PRELIMINARY_REFUSAL)
    _refusal(session, early, almaty(dt.date(2026, 11, 1), 0, 10))
    # outside the period, and in another district: not counted
    before = case(Status.PRELIMINARY_REFUSAL)
    _refusal(session, before, almaty(dt.date(2026, 10, 31), 23, 50))
    elsewhere = case(Status.PRELIMINARY_REFUSAL, other)
    _refusal(session, elsewhere, almaty(dt.date(2026, 11, 10)))
    session.flush()
    return {"issued": 7, "objected": 3, "changed": 2, "upheld": 2, "pending": 3}


def seed_receipts(session: Session, district: District, other: District) -> dict[str, list[int]]:
    """Receipts with waits and service times at the limit, over it, unmeasured, at the period's
    edges; returns the expected table (measured, wait over, service over, longest wait and
    service in whole minutes)."""
    numbers = iter(range(1, 1000))

    def receipt(channel: Channel, at: dt.datetime, wait: int | None, service: int | None,
                where: District = district) -> None:
        application = create_application(session, district=where, channel=channel,
                                         term_started_on=at.date())
        session.add(Receipt(
            application_id=application.id, district_id=where.id,
            kind=ReceiptKind.ELECTRONIC_RECEIPT if channel is Channel.STATE_CORP
            else ReceiptKind.COUPON, number=f"R-{next(numbers)}", issued_at=at,
            issued_by_name="—", wait_seconds=wait, service_seconds=service))

    day = dt.date(2026, 11, 12)
    receipt(Channel.PROVIDER, almaty(day), 1801, 100)  # waited over 30 minutes
    receipt(Channel.PROVIDER, almaty(day), 1800, 2400)  # exactly 30: allowed; served 40
    receipt(Channel.PROVIDER, almaty(day), 300, None)
    receipt(Channel.STATE_CORP, almaty(day), None, None)  # not measured
    receipt(Channel.STATE_CORP, almaty(day), 3700, 1900)  # both over
    receipt(Channel.RURAL_AKIM, almaty(dt.date(2026, 11, 1), 9, 5), 120, 240)  # first morning
    receipt(Channel.RURAL_AKIM, almaty(dt.date(2026, 10, 31), 17), 4000, 4000)  # before
    receipt(Channel.PROVIDER, almaty(dt.date(2026, 11, 28), 9), 4000, 4000)  # after
    receipt(Channel.PROVIDER, almaty(day), 5000, 5000, other)  # another district
    session.flush()
    return {
        "provider": [3, 1, 1, 30, 40],
        "rural_akim": [1, 0, 0, 2, 4],
        "state_corp": [1, 1, 1, 61, 31],
        "all": [5, 2, 2, 61, 40],
    }


def seed_notifications(session: Session, district: District,
                       other: District) -> dict[str, list[int]]:
    """Notifications in every state; returns the expected undelivered table."""
    plan = [
        (district, NotificationChannel.SMS, NotificationStatus.PENDING),
        (district, NotificationChannel.SMS, NotificationStatus.FAILED),
        (district, NotificationChannel.SMS, NotificationStatus.FAILED),
        (district, NotificationChannel.SMS, NotificationStatus.SENT),
        (district, NotificationChannel.CABINET, NotificationStatus.PENDING),
        (district, NotificationChannel.PRINT, NotificationStatus.HANDED),
        (district, NotificationChannel.PRINT, NotificationStatus.PENDING),
        (other, NotificationChannel.PRINT, NotificationStatus.PENDING),
    ]
    for where, channel, status in plan:
        application = create_application(session, district=where, status=Status.GRANTED,
                                         term_started_on=dt.date(2026, 9, 1))
        decision = _decision(session, application, dt.date(2026, 9, 9), True)
        _notification(session, decision, channel, status)
    session.flush()
    return {"sms": [1, 2], "cabinet": [1, 0], "print": [1, 0]}

"""From the preliminary refusal to the decision, the department's side (R15.1–R15.7, F5).

Every step goes through :func:`portal.services.cases.change` (one guard, one event, one commit),
reusing the steps ``cases`` already has (delivering the notice, an objection, reading the
protocol, remarks, resuming the review). What the official typed is checked here first: a bad
value raises :class:`Invalid` with a code per field and nothing is saved; a step the law does not
allow today raises ``IllegalTransition`` from the guard, naming the rule and the first day.

Services take ``now`` and the calendar; they never read the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.documents.cache import prepare_later
from portal.domain.calendar import Channel, WorkingCalendar, to_local
from portal.domain.deadlines import objection_window_closes
from portal.domain.forms import Frequency, NotificationChannel, notification_form
from portal.domain.guard import check
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.workflow import Action, Actor, Role
from portal.models import (
    Application,
    Decision,
    HearingProtocol,
    Objection,
    PreliminaryDecision,
    Remark,
    Signature,
    StaffUser,
)
from portal.services import cases, events

__all__ = [
    "DECISION_PURPOSE",
    "DecisionDraft",
    "Invalid",
    "decide",
    "decision_document",
    "deliver_notice",
    "enter_objection",
    "enter_remarks",
    "hearing_window",
    "hold_hearing",
    "issue_preliminary_refusal",
    "may_decide",
    "next_decision_number",
    "read_protocol",
    "resume",
    "staff_actor",
]

DECISION_PURPOSE = "decision"  # signing.PURPOSE_POLICY: an employee's certificate (F5)
MAX_TEXT = 4000
# L7: the provider's office hours, in which a hearing is held.
HEARING_FROM = dt.time(9, 0)
HEARING_UNTIL = dt.time(18, 0)


class Invalid(ValueError):
    """What the official entered cannot be saved: ``errors`` maps a field to a reason code;
    ``dates`` holds the dates a message names (e.g. the hearing's allowed days)."""

    def __init__(self, errors: dict[str, str], **dates: dt.date) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.dates = dates


def _minute(moment: dt.datetime) -> dt.datetime:
    """A moment as people type it: to the minute."""
    return moment.replace(second=0, microsecond=0)


def staff_actor(staff: StaffUser) -> events.Actor:
    return events.Actor("staff", staff.id, staff.role.value)


def _text(value: str, name: str, errors: dict[str, str], *, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        errors[name] = "required"
    elif len(cleaned) > MAX_TEXT:
        errors[name] = "too_long"
    return cleaned


# -- the preliminary refusal and its notice (R15.1, R15.2) -------------------------------------------

def hearing_window(now: dt.datetime, cal: WorkingCalendar) -> tuple[dt.date, dt.date]:
    """R15.2, R15.3: the days a hearing may be set for when the notice goes out ``now``: from
    the next working day (the person needs notice) to the last day of the objection window, so
    that an objection stated orally at the hearing is in time. The decision itself waits for
    R15.1 (3 working days after the notice), which the guard enforces."""
    today = to_local(now).date()
    return cal.next_working_day(today), objection_window_closes(today, cal)


def _hearing_problems(hearing_at: dt.datetime, mode: HearingMode, link: str | None,
                      now: dt.datetime, cal: WorkingCalendar) -> dict[str, str]:
    errors: dict[str, str] = {}
    first, last = hearing_window(now, cal)
    local = to_local(hearing_at)
    if not first <= local.date() <= last:
        errors["hearing_date"] = "hearing_outside_window"
    elif not cal.is_working_day(local.date()):
        errors["hearing_date"] = "hearing_not_working_day"
    elif not HEARING_FROM <= local.time() <= HEARING_UNTIL:
        errors["hearing_time"] = "hearing_outside_hours"
    if link:
        if mode is not HearingMode.VIDEO_OR_COMMUNICATION:
            errors["hearing_link"] = "link_only_for_video"
        elif not link.startswith("https://") or len(link) > 500 or any(c.isspace() for c in link):
            errors["hearing_link"] = "link_not_https"
    return errors


def issue_preliminary_refusal(
    session: Session, application: Application, staff: StaffUser, *, ground: RefusalGround,
    reasons: str, hearing_at: dt.datetime, mode: HearingMode, link: str | None,
    now: dt.datetime, cal: WorkingCalendar,
) -> PreliminaryDecision:
    """R15.1, R15.2: the L9 ground with its reasons and the hearing. A portal application's
    notice reaches the cabinet at once (delivered via the cabinet, which starts the R15.3 window
    and the R15.1 count); a paper one's delivery is recorded when it is handed over or sent."""
    errors: dict[str, str] = {}
    reasons = _text(reasons, "reasons", errors)
    link = (link or "").strip() or None
    errors.update(_hearing_problems(hearing_at, mode, link, now, cal))
    if errors:
        first, last = hearing_window(now, cal)
        raise Invalid(errors, first=first, last=last)
    pre = PreliminaryDecision(
        application_id=application.id, district_id=application.district_id,
        refusal_ground=ground, reasons=reasons, issued_at=now,
        hearing_at=hearing_at.astimezone(dt.UTC), hearing_mode=mode, hearing_link=link,
    )

    def effect() -> None:
        application.preliminary_decisions.append(pre)

    cases.change(session, application, Action.ISSUE_PRELIMINARY_REFUSAL, staff.actor,
                 staff_actor(staff), now=now, cal=cal, reason=ground.value,
                 data={"ground": ground.value, "l9_item": ground.l9_item,
                       "hearing_at": pre.hearing_at.isoformat(), "hearing_mode": mode.value},
                 effect=effect)
    if application.channel is Channel.PORTAL:
        cases.deliver_preliminary_notice(
            session, application, Actor(Role.SYSTEM), events.Actor.system(), delivered_at=now,
            via=NotificationChannel.CABINET, now=now, cal=cal)
    return pre


def deliver_notice(
    session: Session, application: Application, staff: StaffUser, *,
    via: NotificationChannel, delivered_at: dt.datetime, now: dt.datetime, cal: WorkingCalendar,
) -> None:
    """R15.1, R15.3: a paper application's notice was handed over (print) or sent by SMS at
    ``delivered_at``; the windows count from that day."""
    pre = application.preliminary_decision
    if via is NotificationChannel.CABINET:
        raise Invalid({"via": "cabinet_is_automatic"})
    if delivered_at > now:
        raise Invalid({"delivered_on": "in_future"})
    if pre is not None:
        if delivered_at < _minute(pre.issued_at):
            raise Invalid({"delivered_on": "before_issue"},
                          issued=to_local(pre.issued_at).date())
        delivered_at = max(delivered_at, pre.issued_at)  # typed to the minute it was issued in
    cases.deliver_preliminary_notice(session, application, staff.actor, staff_actor(staff),
                                     delivered_at=delivered_at, via=via, now=now, cal=cal)


# -- objections, the hearing, the protocol and remarks (R15.3–R15.6) -------------------------------

def enter_objection(
    session: Session, application: Application, staff: StaffUser, *, text: str,
    now: dt.datetime, cal: WorkingCalendar,
) -> Objection:
    """R15.3: a written objection handed in on paper, entered by a specialist."""
    errors: dict[str, str] = {}
    text = _text(text, "text", errors)
    if errors:
        raise Invalid(errors)
    return cases.submit_objection(session, application, staff.actor, staff_actor(staff),
                                  text=text, oral=False, now=now, cal=cal)


def hold_hearing(
    session: Session, application: Application, staff: StaffUser, *, held_at: dt.datetime,
    text: str, oral_objection: str = "", now: dt.datetime, cal: WorkingCalendar,
) -> HearingProtocol:
    """R15.4, R15.5: the hearing protocol, made by ``staff``; an objection stated orally at the
    hearing is written into it (and counts as an objection, R15.3, while the window is open).
    The protocol is then the citizen's to read (the cabinet shows it)."""
    errors: dict[str, str] = {}
    text = _text(text, "text", errors)
    oral = _text(oral_objection, "oral_objection", errors, required=False)
    pre = application.preliminary_decision
    if held_at > now:
        errors["held_on"] = "in_future"
    elif pre is not None and held_at < _minute(pre.issued_at):
        errors["held_on"] = "before_issue"
    elif pre is not None:
        held_at = max(held_at, pre.issued_at)
    if errors:
        raise Invalid(errors)
    if pre is None:
        raise ValueError("no preliminary refusal to hear")
    if oral:
        cases.submit_objection(session, application, staff.actor, staff_actor(staff),
                               text=oral, oral=True, now=now, cal=cal)
        text = f"{text}\n\n— {oral}"
    protocol = HearingProtocol(application_id=application.id, preliminary_decision_id=pre.id,
                               held_at=held_at, text=text, made_by_id=staff.id)

    def effect() -> None:
        session.add(protocol)
        pre.hearing_protocol = protocol

    cases.change(session, application, Action.HOLD_HEARING, staff.actor, staff_actor(staff),
                 now=now, cal=cal, data={"held_at": held_at.isoformat(), "oral": bool(oral)},
                 effect=effect)
    return protocol


def read_protocol(session: Session, application: Application, staff: StaffUser, *,
                  now: dt.datetime, cal: WorkingCalendar) -> None:
    """R15.5: the person read the protocol at the office (on paper); R15.6 starts."""
    cases.read_protocol(session, application, staff.actor, staff_actor(staff), now=now, cal=cal)


def enter_remarks(session: Session, application: Application, staff: StaffUser, *, text: str,
                  now: dt.datetime, cal: WorkingCalendar) -> Remark:
    """R15.6: remarks on the protocol handed in on paper."""
    errors: dict[str, str] = {}
    text = _text(text, "text", errors)
    if errors:
        raise Invalid(errors)
    return cases.submit_remarks(session, application, staff.actor, staff_actor(staff), text=text,
                                now=now, cal=cal)


def resume(session: Session, application: Application, staff: StaffUser, *, reason: str,
           now: dt.datetime, cal: WorkingCalendar) -> None:
    """The objection or the hearing removed the ground: the preliminary refusal lapses."""
    errors: dict[str, str] = {}
    reason = _text(reason, "reason", errors)
    if errors:
        raise Invalid(errors)
    cases.resume_review(session, application, staff.actor, staff_actor(staff), reason=reason,
                        now=now, cal=cal)


# -- the decision, F5 (R15.7) ---------------------------------------------------------------------

@dataclass(frozen=True)
class DecisionDraft:
    """What the head decided, before it is signed: a grant (amount, frequency, paid from) or a
    refusal (the L9 ground and the reasons)."""

    granted: bool
    amount_tiyn: int | None = None
    frequency: Frequency | None = None
    paid_from: dt.date | None = None
    refusal_ground: RefusalGround | None = None
    reasons: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def action(self) -> Action:
        return Action.DECIDE_GRANT if self.granted else Action.DECIDE_REFUSE

    def problems(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.granted:
            if self.amount_tiyn is None or self.amount_tiyn <= 0:
                errors["amount"] = "amount_positive"
            if self.frequency is None:
                errors["frequency"] = "required"
            if self.paid_from is None:
                errors["paid_from"] = "required"
        else:
            if self.refusal_ground is None:
                errors["ground"] = "required"
            _text(self.reasons, "reasons", errors)
        return errors

    def as_json(self) -> dict[str, Any]:
        return {"granted": self.granted, "amount_tiyn": self.amount_tiyn,
                "frequency": self.frequency.value if self.frequency else None,
                "paid_from": self.paid_from.isoformat() if self.paid_from else None,
                "refusal_ground": self.refusal_ground.value if self.refusal_ground else None,
                "reasons": self.reasons}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DecisionDraft:
        return cls(granted=bool(data["granted"]), amount_tiyn=data.get("amount_tiyn"),
                   frequency=Frequency(data["frequency"]) if data.get("frequency") else None,
                   paid_from=(dt.date.fromisoformat(data["paid_from"])
                              if data.get("paid_from") else None),
                   refusal_ground=(RefusalGround(data["refusal_ground"])
                                   if data.get("refusal_ground") else None),
                   reasons=str(data.get("reasons") or ""))


def may_decide(application: Application, draft: DecisionDraft, head: StaffUser,
               now: dt.datetime, cal: WorkingCalendar) -> None:
    """The guard's answer before the head signs: raises ``IllegalTransition`` (with the rule
    and the first possible day, R15.1/R15.3/R15.6) or :class:`Invalid`; changes nothing."""
    errors = draft.problems()
    if errors:
        raise Invalid(errors)
    check(cases.case_state(application), draft.action, head.actor, to_local(now).date(), cal)


def next_decision_number(session: Session, application: Application, now: dt.datetime) -> str:
    """F5's number: the district's code, the year and the decision's place in that year."""
    year = to_local(now).year
    prefix = f"{application.district.code}/{year}/"
    taken = session.scalar(select(func.count()).select_from(Decision)
                           .where(Decision.number.like(prefix + "%"))) or 0
    return f"{prefix}{taken + 1:05d}"


def decision_document(session: Session, application: Application, draft: DecisionDraft,
                      head: StaffUser, *, number: str, now: dt.datetime) -> dict[str, Any]:
    """The F5 data the head signs (canonical JSON of it): everything the printed form shows."""
    district = application.district
    pre = application.preliminary_decision
    conclusion = application.commission_conclusion
    return {
        "form": "F5", "number": number, "decided_on": to_local(now).date().isoformat(),
        "application": application.number, "channel": application.channel.value,
        "applicant_iin": application.applicant_iin or application.citizen.iin,
        "applicant_name": application.citizen.full_name,
        "ground": application.ground.value if application.ground else None,
        "district": district.code, "provider_bin": district.provider_bin,
        "commission": ({"concluded_on": conclusion.concluded_on.isoformat(),
                        "needs_assistance": conclusion.needs_assistance}
                       if conclusion is not None else None),
        "preliminary": ({"ground": pre.refusal_ground.value, "issued_at": pre.issued_at.isoformat()}
                        if pre is not None else None),
        **draft.as_json(),
        "head": {"name": head.full_name, "position": head.position},
        # L5: the notification (F6/F7) made from this decision is certified by the same
        # signature, so the signed bytes carry what it says.
        "notification": {"form": notification_form(draft.granted).value,
                         "responsible_name": head.full_name,
                         "responsible_position": head.position},
    }


def decide(
    session: Session, application: Application, head: StaffUser, draft: DecisionDraft, *,
    number: str, signature: Signature, now: dt.datetime, cal: WorkingCalendar,
) -> Decision:
    """R15.7, F5: the signed decision. The guard refuses a refusal before the R15.1/R15.3/R15.6
    windows have run (IllegalTransition with the rule and the first possible day)."""
    errors = draft.problems()
    if errors:
        raise Invalid(errors)
    if signature.signer_iin != head.iin:
        raise ValueError("the decision is signed by someone other than the head")
    decision = Decision(
        application_id=application.id, number=number, decided_on=to_local(now).date(),
        granted=draft.granted, amount_tiyn=draft.amount_tiyn if draft.granted else None,
        frequency=draft.frequency if draft.granted else None,
        paid_from=draft.paid_from if draft.granted else None,
        # The L9 code; the reasons are in the signed F5 document (Signature.document).
        refusal_ground=None if draft.granted or draft.refusal_ground is None
        else draft.refusal_ground.value,
        head_id=head.id, signature_id=signature.id, specialist_id=application.assignee_id,
    )

    def effect() -> None:
        session.add(decision)
        application.decision = decision
        prepare_later(session, application.id, "f5")

    cases.change(session, application, draft.action, head.actor, staff_actor(head), now=now,
                 cal=cal, data={"number": number, "signature_id": signature.id,
                                "granted": draft.granted}, effect=effect)
    return decision

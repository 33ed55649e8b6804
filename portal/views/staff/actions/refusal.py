"""The preliminary refusal on the case page (R15.1–R15.6): the L9 ground and the hearing, the
notice of a paper application handed over, objections and remarks entered from paper, the
hearing and its protocol, the protocol read at the office, and resuming the review.

Each handler reads its form, says what is wrong field by field (nothing saved), or calls one
service of `services/decisions.py`, which goes through `cases.change`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from portal.db import utcnow
from portal.domain.calendar import ALMATY
from portal.domain.forms import NotificationChannel
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.workflow import Action
from portal.models import Application, StaffUser
from portal.services import decisions
from portal.services.workdays import calendar
from portal.views.staff.actions import CaseContext, Outcome, action_form
from portal.web.i18n import local_date

# What each of the services' reason codes means, in words (dates filled in by `_messages`).
MESSAGES: dict[str, LazyString] = {
    "required": _l("Fill this in."),
    "too_long": _l("This is too long: at most 4000 characters."),
    "hearing_outside_window": _l("Set the hearing on a working day from %(first)s to %(last)s: "
                                 "after the notice, and within the 2 working days for an "
                                 "objection (R15.2, R15.3)."),
    "hearing_not_working_day": _l("The hearing must be on a working day."),
    "hearing_outside_hours": _l("Set the hearing between 09:00 and 18:00."),
    "link_not_https": _l("Enter the video link as an address beginning with https://."),
    "link_only_for_video": _l("A link is given only for a hearing by video; clear it or "
                              "choose \"by video or phone\"."),
    "in_future": _l("The date and time cannot be in the future."),
    "before_issue": _l("The date cannot be before the preliminary decision was made."),
    "cabinet_is_automatic": _l("Choose how the notice was delivered."),
    "bad_date": _l("Enter the date as day, month and year."),
    "bad_time": _l("Enter the time as hours and minutes, for example 10:30."),
    "choose": _l("Choose one of the options."),
}


def messages(error: decisions.Invalid) -> dict[str, str]:
    """The service's reason codes as messages in the user's language, dates filled in."""
    dates = {k: local_date(v) for k, v in error.dates.items()}
    return {name: str(MESSAGES[code]) % dates if code in MESSAGES else code
            for name, code in error.errors.items()}


def _text(ctx: CaseContext, name: str) -> str:
    return (ctx.form.get(name) or "")[:decisions.MAX_TEXT + 1]


def moment(ctx: CaseContext, day_name: str, time_name: str,
           errors: dict[str, str]) -> dt.datetime | None:
    """A date and a time as typed in Asia/Almaty, as an aware moment."""
    day_raw, time_raw = (ctx.form.get(day_name) or "").strip(), (ctx.form.get(time_name) or "")
    try:
        day: dt.date | None = dt.date.fromisoformat(day_raw)
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        errors[day_name] = str(MESSAGES["bad_date"])
        day = None
    try:
        at = dt.time.fromisoformat(time_raw.strip()[:8])
    except ValueError:
        errors[time_name] = str(MESSAGES["bad_time"])
        at = None
    if day is None or at is None:
        return None
    return dt.datetime.combine(day, at.replace(tzinfo=None), tzinfo=ALMATY)


def _choice(ctx: CaseContext, name: str, kind: Any, errors: dict[str, str]) -> Any:
    try:
        return kind(ctx.form.get(name, ""))
    except ValueError:
        errors[name] = str(MESSAGES["choose"])
        return None


def _done(outcome: str) -> Outcome:
    return Outcome(message=outcome)


# -- R15.1, R15.2 ---------------------------------------------------------------------------

def _hearing_context(application: Application, staff: StaffUser) -> Mapping[str, Any]:
    first, last = decisions.hearing_window(utcnow(), calendar())
    return {"hearing_first": first, "hearing_last": last,
            "grounds": list(RefusalGround), "modes": list(HearingMode)}


@action_form(Action.ISSUE_PRELIMINARY_REFUSAL, "staff/actions/issue_preliminary_refusal.html",
             label=_l("Preliminary decision to refuse"), context=_hearing_context)
def issue_preliminary_refusal(ctx: CaseContext) -> Outcome:
    errors: dict[str, str] = {}
    ground = _choice(ctx, "ground", RefusalGround, errors)
    mode = _choice(ctx, "hearing_mode", HearingMode, errors)
    hearing_at = moment(ctx, "hearing_date", "hearing_time", errors)
    if errors or ground is None or mode is None or hearing_at is None:
        if not _text(ctx, "reasons").strip():
            errors["reasons"] = str(MESSAGES["required"])
        return Outcome(errors=errors)
    try:
        decisions.issue_preliminary_refusal(
            ctx.session, ctx.application, ctx.staff, ground=ground, reasons=_text(ctx, "reasons"),
            hearing_at=hearing_at, mode=mode, link=_text(ctx, "hearing_link")[:501],
            now=ctx.now, cal=ctx.cal)
    except decisions.Invalid as error:
        return Outcome(errors=messages(error))
    pre = ctx.application.preliminary_decision
    if pre is not None and pre.delivered_at is not None:
        return _done(gettext("The preliminary decision to refuse was made and is in the "
                             "person's cabinet. A refusal can be decided from %(date)s at the "
                             "earliest.", date=local_date(pre.earliest_decision_on)))
    return _done(gettext("The preliminary decision to refuse was made. Print the notice, hand "
                         "it over or send it, and record when it reached the person."))


# -- R15.1, R15.3: the notice of a paper application -----------------------------------------

@action_form(Action.DELIVER_PRELIMINARY_NOTICE, "staff/actions/deliver_preliminary_notice.html",
             label=_l("The notice reached the person"))
def deliver_preliminary_notice(ctx: CaseContext) -> Outcome:
    errors: dict[str, str] = {}
    via = _choice(ctx, "via", NotificationChannel, errors)
    at = moment(ctx, "delivered_on", "delivered_time", errors)
    if errors or via is None or at is None:
        return Outcome(errors=errors)
    try:
        decisions.deliver_notice(ctx.session, ctx.application, ctx.staff, via=via,
                                 delivered_at=at, now=ctx.now, cal=ctx.cal)
    except decisions.Invalid as error:
        return Outcome(errors=messages(error))
    pre = ctx.application.preliminary_decision
    assert pre is not None
    return _done(gettext("Recorded. Objections are taken until %(until)s; a refusal can be "
                         "decided from %(date)s at the earliest.",
                         until=local_date(pre.objection_due_on),
                         date=local_date(pre.earliest_decision_on)))


# -- R15.3: an objection on paper ---------------------------------------------------------------

@action_form(Action.SUBMIT_OBJECTION, "staff/actions/submit_objection.html",
             label=_l("Enter an objection received on paper"))
def submit_objection(ctx: CaseContext) -> Outcome:
    try:
        decisions.enter_objection(ctx.session, ctx.application, ctx.staff,
                                  text=_text(ctx, "text"), now=ctx.now, cal=ctx.cal)
    except decisions.Invalid as error:
        return Outcome(errors=messages(error))
    return _done(gettext("The objection was recorded."))


# -- R15.4, R15.5: the hearing ------------------------------------------------------------------

@action_form(Action.HOLD_HEARING, "staff/actions/hold_hearing.html",
             label=_l("The hearing and its protocol"))
def hold_hearing(ctx: CaseContext) -> Outcome:
    errors: dict[str, str] = {}
    held_at = moment(ctx, "held_on", "held_time", errors)
    if errors or held_at is None:
        if not _text(ctx, "text").strip():
            errors["text"] = str(MESSAGES["required"])
        return Outcome(errors=errors)
    try:
        decisions.hold_hearing(ctx.session, ctx.application, ctx.staff, held_at=held_at,
                               text=_text(ctx, "text"),
                               oral_objection=_text(ctx, "oral_objection"), now=ctx.now,
                               cal=ctx.cal)
    except decisions.Invalid as error:
        return Outcome(errors=messages(error))
    return _done(gettext("The hearing protocol was recorded; the person can read it now."))


@action_form(Action.READ_PROTOCOL, "staff/actions/read_protocol.html",
             label=_l("The person read the protocol at the office"))
def read_protocol(ctx: CaseContext) -> Outcome:
    decisions.read_protocol(ctx.session, ctx.application, ctx.staff, now=ctx.now, cal=ctx.cal)
    protocol = ctx.application.hearing_protocol
    assert protocol is not None
    return _done(gettext("Recorded. Remarks on the protocol are taken until %(date)s.",
                         date=local_date(protocol.remarks_due_on)))


@action_form(Action.SUBMIT_REMARKS, "staff/actions/submit_remarks.html",
             label=_l("Enter remarks on the protocol received on paper"))
def submit_remarks(ctx: CaseContext) -> Outcome:
    try:
        decisions.enter_remarks(ctx.session, ctx.application, ctx.staff,
                                text=_text(ctx, "text"), now=ctx.now, cal=ctx.cal)
    except decisions.Invalid as error:
        return Outcome(errors=messages(error))
    return _done(gettext("The remarks were recorded."))


@action_form(Action.RESUME_REVIEW, "staff/actions/resume_review.html",
             label=_l("The ground to refuse fell away: resume the review"))
def resume_review(ctx: CaseContext) -> Outcome:
    try:
        decisions.resume(ctx.session, ctx.application, ctx.staff, reason=_text(ctx, "reason"),
                         now=ctx.now, cal=ctx.cal)
    except decisions.Invalid as error:
        return Outcome(errors=messages(error))
    return _done(gettext("The preliminary refusal lapsed; the review goes on."))

"""The decision (R15.7, F5) and its notification (R15.8–R15.11, F6/F7, L5) on the case page.

- DECIDE_GRANT / DECIDE_REFUSE: the head of department fills in the decision; the guard is asked
  first (a refusal before the R15.1/R15.3/R15.6 windows have run is refused with the rule and
  the first possible day); then the head signs the F5 with EDS on `staff.decision_sign` (key
  file or eGov Mobile, an employee's certificate), and only the signed decision is recorded,
  numbered, and notified at once (`services/notifications.issue`).
- NOTIFY: a specialist or a desk sends a notification not yet made, or records the hand-over of
  a printed one; `/staff/print-list` lists the district's printed notifications to hand over.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from flask import abort, flash, request, session, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response as BaseResponse

from portal import db, notify
from portal.db import utcnow
from portal.domain.calendar import to_local
from portal.domain.deadlines import refusal_blocker
from portal.domain.forms import Frequency, NotificationChannel, NotificationStatus
from portal.domain.hearing import RefusalGround
from portal.domain.workflow import Action, IllegalTransition, Role, Status
from portal.extensions import limiter
from portal.models import Application, Decision, Notification, Signature, StaffUser
from portal.services import cases, decisions, notifications
from portal.services import signing as signing_service
from portal.services.workdays import calendar
from portal.views.sign import remember_challenge
from portal.views.staff import bp
from portal.views.staff.actions import CaseContext, Outcome, action_form
from portal.views.staff.actions.refusal import MESSAGES as REFUSAL_MESSAGES
from portal.web.access import allow, current
from portal.web.htmx import no_store, redirect_after_post, render
from portal.web.i18n import local_date
from portal.web.signing_messages import describe
from signing import Action as SignAction
from signing import Challenge, SigningError, canonical_json
from signing import Role as SignRole
from signing.base import ChallengeUnknown, SigningPending

_MONEY = re.compile(r"^\d{1,9}(?:[.,]\d{1,2})?$")
_SIGNING = "decision_signing"  # the Flask session key of the head's pending F5
_RECORD = "portal-decision/{}"  # the exact bytes being signed, in the signer's storage
SIGNING_LIMIT = "10 per minute;60 per hour"
# Staff sign with EDS (an employee's certificate); the SMS code is a citizen's alternative only.
STAFF_SIGNERS = ("keyfile", "mobile")

DECISION_MESSAGES = {
    **REFUSAL_MESSAGES,
    "amount_positive": _l("Enter the amount in tenge, more than 0, for example 45000."),
    "notice_not_delivered": _l("The notice of the preliminary decision has not reached the "
                               "person yet (R15.1)."),
    "objection_window_open": _l("The time for an objection is still running (R15.3)."),
    "notice_period_running": _l("3 working days have not yet passed since the notice (R15.1)."),
    "hearing_not_held": _l("The hearing has not been held yet (R15.2)."),
    "remarks_window_open": _l("The time for remarks on the protocol is still running (R15.6)."),
    "inspection_first": _l("The precinct commission's inspection comes first (R7.2)."),
    "income_first": _l("The income has to be computed first (R11.1)."),
    "commission_first": _l("The special commission's conclusion comes first (F5)."),
}


def blocked_message(error: IllegalTransition) -> str:
    """Which window forbids the decision, and until when (R15.1, R15.3, R15.6)."""
    parts = [str(DECISION_MESSAGES.get(error.reason,
                                       _l("The law does not allow this step today.")))]
    if error.possible_from:
        parts.append(gettext("A decision is possible from %(date)s.",
                             date=local_date(error.possible_from)))
    if error.rule:
        parts.append(gettext("Rule: %(rule)s.", rule=error.rule))
    return " ".join(parts)


def _errors(error: decisions.Invalid) -> dict[str, str]:
    return {name: str(DECISION_MESSAGES[code]) if code in DECISION_MESSAGES else code
            for name, code in error.errors.items()}


def _tiyn(raw: str) -> int | None:
    value = raw.replace(" ", "").replace("\u00a0", "").replace("₸", "")
    if not _MONEY.match(value):
        return None
    whole, _, cents = value.replace(",", ".").partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def _offer(application: Application) -> Any:
    return application.district_ground or next(
        (g for g in application.district.grounds
         if g.category is application.ground and g.retired_at is None), None)


# -- the decision (R15.7, F5) -----------------------------------------------------------------

def _grant_context(application: Application, staff: StaffUser) -> Mapping[str, Any]:
    offer = _offer(application)
    today = to_local(utcnow()).date()
    conclusion = application.commission_conclusion
    amount = (conclusion.recommended_amount_tiyn if conclusion and
              conclusion.recommended_amount_tiyn else offer.amount_tiyn if offer else None)
    return {"frequencies": list(Frequency),
            "default_amount": "" if not amount else (
                str(amount // 100) if amount % 100 == 0 else f"{amount / 100:.2f}"),
            "default_frequency": offer.frequency.value if offer else "",
            "default_paid_from": today.isoformat()}


def _refuse_context(application: Application, staff: StaffUser) -> Mapping[str, Any]:
    today = to_local(utcnow()).date()
    blocker = refusal_blocker(cases.milestones(application), today, calendar())
    pre = application.preliminary_decision
    return {"grounds": list(RefusalGround), "blocker": blocker,
            "blocker_message": str(DECISION_MESSAGES.get(blocker.reason, "")) if blocker else "",
            "default_ground": pre.refusal_ground.value if pre else "",
            "default_reasons": pre.reasons if pre else ""}


def _draft_from(ctx: CaseContext, granted: bool) -> tuple[decisions.DecisionDraft | None,
                                                          dict[str, str]]:
    errors: dict[str, str] = {}
    form = ctx.form
    if granted:
        amount = _tiyn(form.get("amount", "")[:20])
        if amount is None or amount <= 0:
            errors["amount"] = str(DECISION_MESSAGES["amount_positive"])
        try:
            frequency: Frequency | None = Frequency(form.get("frequency", ""))
        except ValueError:
            errors["frequency"] = str(DECISION_MESSAGES["choose"])
            frequency = None
        try:
            paid_from: dt.date | None = dt.date.fromisoformat(form.get("paid_from", "").strip())
        except ValueError:
            paid_from = None
        if paid_from is None or not 2000 <= paid_from.year <= 2100:
            errors["paid_from"] = str(DECISION_MESSAGES["bad_date"])
            paid_from = None
        draft = decisions.DecisionDraft(granted=True, amount_tiyn=amount, frequency=frequency,
                                        paid_from=paid_from)
    else:
        try:
            ground: RefusalGround | None = RefusalGround(form.get("ground", ""))
        except ValueError:
            errors["ground"] = str(DECISION_MESSAGES["choose"])
            ground = None
        draft = decisions.DecisionDraft(granted=False, refusal_ground=ground,
                                        reasons=(form.get("reasons") or "")[:4001])
    return (None if errors else draft), errors


def _to_signing(ctx: CaseContext, granted: bool) -> Outcome:
    draft, errors = _draft_from(ctx, granted)
    if draft is None:
        return Outcome(errors=errors)
    try:
        decisions.may_decide(ctx.application, draft, ctx.staff, ctx.now, ctx.cal)
    except decisions.Invalid as error:
        return Outcome(errors=_errors(error))
    except IllegalTransition as error:
        return Outcome(errors={"_": blocked_message(error)})
    session[_SIGNING] = {"number": ctx.application.number, "draft": draft.as_json(),
                         "version": ctx.application.version}
    return Outcome(message=gettext("Check the decision and sign it with your EDS."),
                   redirect=url_for("staff.decision_sign", number=ctx.application.number))


@action_form(Action.DECIDE_GRANT, "staff/actions/decide_grant.html",
             label=_l("Decision to grant (F5)"), context=_grant_context)
def decide_grant(ctx: CaseContext) -> Outcome:
    return _to_signing(ctx, granted=True)


@action_form(Action.DECIDE_REFUSE, "staff/actions/decide_refuse.html",
             label=_l("Decision to refuse (F5)"), context=_refuse_context)
def decide_refuse(ctx: CaseContext) -> Outcome:
    return _to_signing(ctx, granted=False)


# -- the head signs F5 -------------------------------------------------------------------------

def _head() -> StaffUser:
    staff = current().staff
    if staff is None or staff.district_id is None or staff.role is not Role.HEAD:
        abort(404)
    return staff


def _case(number: str, head: StaffUser) -> Application:
    application = db.session().scalar(select(Application).where(
        Application.number == number, Application.district_id == head.district_id,
        Application.status != Status.DRAFT))
    if application is None:
        abort(404)
    return application


def _pending(number: str) -> decisions.DecisionDraft | None:
    pending = session.get(_SIGNING)
    if not isinstance(pending, dict) or pending.get("number") != number:
        return None
    return decisions.DecisionDraft.from_json(pending["draft"])


def _back(number: str, message: str) -> BaseResponse:
    session.pop(_SIGNING, None)
    flash(message, "error")
    return redirect_after_post(url_for("staff.case", number=number))


def _sign_page(application: Application, draft: decisions.DecisionDraft,
               document: dict[str, Any], *, challenge: Challenge | None = None,
               error: str | None = None, status: int = 200) -> BaseResponse:
    continue_url = url_for("staff.decision_complete", number=application.number)
    status_url = None
    if challenge is not None and challenge.action is SignAction.SCAN_QR:
        remember_challenge(challenge, continue_url)
        status_url = url_for("sign.signing_status", challenge_id=challenge.id)
    return no_store(render("staff/decision_sign.html", status=status, application=application,
                           draft=draft, document=document, challenge=challenge,
                           signers=[s for s in STAFF_SIGNERS
                                    if s in signing_service.context().signers],
                           continue_url=continue_url, status_url=status_url, error=error))


@bp.route("/cases/<number>/decision/sign", methods=["GET", "POST"])
@limiter.limit(SIGNING_LIMIT, methods=["POST"])
@allow(Role.HEAD)
def decision_sign(number: str) -> BaseResponse:
    """The F5 as it will be signed; choose the signer (key file or phone) and begin."""
    head = _head()
    application = _case(number, head)
    draft = _pending(number)
    if draft is None:
        flash(gettext("Fill in the decision on the case page first."), "info")
        return redirect_after_post(url_for("staff.case", number=number))
    now = utcnow()
    if session[_SIGNING].get("version") != application.version:
        return _back(number, gettext("The case changed while you were signing; check it and "
                                     "decide again."))
    try:
        decisions.may_decide(application, draft, head, now, calendar())
    except (IllegalTransition, decisions.Invalid) as error:
        return _back(number, blocked_message(error) if isinstance(error, IllegalTransition)
                     else gettext("The decision is incomplete; fill it in again."))
    pending = session[_SIGNING]
    decision_number = pending.get("decision_number") or decisions.next_decision_number(
        db.session(), application, now)
    document = decisions.decision_document(db.session(), application, draft, head,
                                           number=decision_number, now=now)
    if request.method == "GET":
        return _sign_page(application, draft, document)
    signer = request.form.get("signer", "")
    if signer not in STAFF_SIGNERS or signer not in signing_service.context().signers:
        return _sign_page(application, draft, document, status=422,
                          error=gettext("Choose how to sign."))
    if not head.iin:
        return _back(number, gettext("Your account has no IIN, so it cannot sign with EDS; "
                                     "ask the administrator."))
    session[_SIGNING] = {**pending, "decision_number": decision_number, "signer": signer}
    try:
        challenge = _begin(head, application, canonical_json(document))
    except SigningError as error:
        return _sign_page(application, draft, document, status=422, error=describe(error))
    return _sign_page(application, draft, document, challenge=challenge)


def _begin(head: StaffUser, application: Application, data: bytes) -> Challenge:
    """Begin the head's signing of the F5 bytes ``data`` with the signer chosen in the pending
    signing; the exchange is remembered in this browser. SigningError after a rollback."""
    pending = session[_SIGNING]
    assert head.iin is not None
    try:
        challenge = signing_service.start_signing(
            db.session(), decisions.staff_actor(head), signer_name=str(pending["signer"]),
            document=data, signer_iin=head.iin, purpose=decisions.DECISION_PURPOSE,
            role=SignRole.STAFF,
            title=gettext("Decision %(number)s", number=pending["decision_number"]),
            application_id=application.id)
    except SigningError:
        db.session().rollback()
        raise
    signing_service.context().storage.put(_RECORD.format(challenge.id), data)
    session[_SIGNING] = {**pending, "challenge": challenge.id}
    return challenge


def _signature(head: StaffUser, application: Application, challenge_id: str,
               data: bytes) -> Signature:
    """Finish the exchange and store the verified signature of ``data``. A key-file exchange is
    single-use: one used up by a request that never finished (its worker was killed after the
    signer took the password, before the signature was stored) leaves the retry nothing to
    complete — with the password in hand, a new exchange for the same bytes is begun and
    finished at once, so the head's retry goes through instead of starting over."""
    signer = str(session[_SIGNING].get("signer"))
    answer = request.form.get("password") or None
    assert head.iin is not None

    def finish(exchange: str) -> Signature:
        assert head.iin is not None
        return signing_service.complete_signing(
            db.session(), decisions.staff_actor(head), signer_name=signer,
            challenge_id=exchange, answer=answer, document=data, expected_iin=head.iin,
            purpose=decisions.DECISION_PURPOSE, document_kind="decision",
            application_id=application.id)

    try:
        return finish(challenge_id)
    except ChallengeUnknown:
        if signer != "keyfile" or not answer:
            raise
        db.session().rollback()
        return finish(_begin(head, application, data).id)


@bp.post("/cases/<number>/decision/complete")
@limiter.limit(SIGNING_LIMIT)
@allow(Role.HEAD)
def decision_complete(number: str) -> BaseResponse:
    """The head's password (or the phone's answer): verify, record the signed decision, notify."""
    head = _head()
    application = _case(number, head)
    draft = _pending(number)
    pending = session.get(_SIGNING) or {}
    challenge_id = str(pending.get("challenge") or "")
    if draft is None or not challenge_id or request.form.get("challenge_id", challenge_id) \
            != challenge_id:
        flash(gettext("The signing was not started in this browser or has ended. Sign again."),
              "info")
        return redirect_after_post(url_for("staff.case", number=number))
    data = signing_service.context().storage.get(_RECORD.format(challenge_id))
    if data is None or head.iin is None:
        return _back(number, gettext("The signing has ended. Sign again."))
    made = application.decision
    if made is not None and made.signature_id is not None and db.session().scalar(
            select(Signature.document).where(Signature.id == made.signature_id)) == data:
        # These very F5 bytes (number, case, decision, head) were signed and recorded by a
        # request that never answered — its worker killed, the connection cut: the signed
        # document is the decision's idempotency key, so the retry finishes what is missing
        # (the notification) instead of asking to decide again.
        return _decided(application, made)
    if pending.get("version") != application.version:
        return _back(number, gettext("The case changed while you were signing; check it and "
                                     "decide again."))
    signer = str(pending.get("signer"))
    try:
        signature = _signature(head, application, challenge_id, data)
    except SigningPending:
        return no_store(render(
            "sign/status.html", state="pending", message=None,
            continue_url=url_for("staff.decision_complete", number=number),
            status_url=url_for("sign.signing_status", challenge_id=challenge_id)))
    except SigningError as error:
        db.session().rollback()
        document = json.loads(data)
        if signer == "keyfile" and error.code in {"secret.wrong", "secret.required",
                                                  "secret.length", "secret.busy"}:
            certificate = signing_service.context().signer("keyfile").usable_certificate(  # type: ignore[attr-defined]
                head.iin)
            # The exchange to try again: a used-up one was replaced by ``_signature``.
            again = Challenge(id=str(session[_SIGNING]["challenge"]), signer="keyfile",
                              action=SignAction.ENTER_PASSWORD, expires_at=utcnow(),
                              certificate=certificate)
            return _sign_page(application, draft, document, challenge=again,
                              error=describe(error), status=422)
        return _back(number, describe(error))
    except (signing_service.SignatureRejected, signing_service.SignatureRejectedBefore):
        return _back(number, gettext("The signature did not pass the checks, so nothing was "
                                     "decided. Sign again."))
    now = utcnow()
    try:
        decision = decisions.decide(db.session(), application, head, draft,
                                    number=str(pending["decision_number"]),
                                    signature=signature, now=now, cal=calendar())
    except IllegalTransition as error:
        db.session().rollback()
        return _back(number, blocked_message(error))
    except StaleDataError:
        db.session().rollback()
        return _back(number, gettext("The case changed while you were signing; check it and "
                                     "decide again."))
    return _decided(application, decision)


def _decided(application: Application, decision: Decision) -> BaseResponse:
    """The signed decision is recorded: notify the person (once — ``issue`` makes nothing when
    the notifications exist) and end the signing in this browser."""
    session.pop(_SIGNING, None)
    try:
        notifications.issue(db.session(), application, sms=notify.sms(), now=utcnow(),
                            cal=calendar())
    except StaleDataError:
        db.session().rollback()  # a request racing this one made them a moment ago
    flash(gettext("Decision %(number)s was signed and the notification sent.",
                  number=decision.number), "ok")
    return redirect_after_post(url_for("staff.case", number=application.number))


# -- the notification (R15.8–R15.11) -------------------------------------------------------------

def _pending_print(application: Application) -> Notification | None:
    return next((n for n in application.notifications
                 if n.channel is NotificationChannel.PRINT
                 and n.status is NotificationStatus.PENDING), None)


@action_form(Action.NOTIFY, "staff/actions/notify.html",
             label=_l("Notification of the decision (F6/F7)"))
def notify_person(ctx: CaseContext) -> Outcome:
    application = ctx.application
    if not application.notifications:
        made = notifications.issue(ctx.session, application, sms=notify.sms(), now=ctx.now,
                                   cal=ctx.cal)
        return Outcome(message=gettext("The notification was made: %(channels)s.", channels=", ".join(
            str(CHANNEL_LABELS[n.channel]) for n in made)))
    printed = _pending_print(application)
    if printed is None:
        return Outcome(errors={"_": gettext("The notification is on its way by SMS; if the "
                                            "SMS fails it will be put on the print list.")})
    notifications.hand_over(ctx.session, printed, ctx.staff, now=ctx.now, cal=ctx.cal)
    return Outcome(message=gettext("The hand-over of the notification was recorded."))


CHANNEL_LABELS = {
    NotificationChannel.CABINET: _l("to the personal cabinet"),
    NotificationChannel.SMS: _l("by SMS"),
    NotificationChannel.PRINT: _l("printed, to hand over"),
}
NOTIFICATION_STATUS_LABELS = {
    NotificationStatus.PENDING: _l("waiting"),
    NotificationStatus.SENT: _l("sent"),
    NotificationStatus.FAILED: _l("failed"),
    NotificationStatus.HANDED: _l("handed over"),
}


@bp.app_template_filter("notice_channel_label")
def _channel_label(code: str) -> str:
    label = CHANNEL_LABELS.get(NotificationChannel(code)) if code in {
        c.value for c in NotificationChannel} else None
    return str(label) if label is not None else str(code)


@bp.app_template_filter("notification_status_label")
def _status_label(code: str) -> str:
    try:
        return str(NOTIFICATION_STATUS_LABELS[NotificationStatus(code)])
    except ValueError:
        return str(code)


# -- the print-and-hand-over list (R15.10) ------------------------------------------------------

# R15.10: the provider's and the State Corporation's people hand printed notifications over.
PRINTERS = frozenset({Role.INTAKE, Role.SPECIALIST})


def _printer() -> StaffUser:
    staff = current().staff
    if staff is None or staff.district_id is None or staff.role not in PRINTERS:
        abort(404)
    return staff


@bp.get("/print-list")
@allow(Role.INTAKE, Role.SPECIALIST)
def print_list() -> BaseResponse:
    """The district's notifications to print and hand over, the most overdue case first."""
    staff = _printer()
    today = to_local(utcnow()).date()
    rows = notifications.print_list(db.session(), staff.district_id or 0)
    return no_store(render("staff/print_list.html", rows=rows, today=today))


@bp.post("/print-list/<int:notification_id>/handed")
@allow(Role.INTAKE, Role.SPECIALIST)
def hand_over(notification_id: int) -> BaseResponse:
    """Record that the printed notification was handed to the person (L3.1: the result)."""
    staff = _printer()
    row = db.session().scalar(select(Notification).join(Application).where(
        Notification.id == notification_id, Application.district_id == staff.district_id))
    if row is None:
        abort(404)
    try:
        notifications.hand_over(db.session(), row, staff, now=utcnow(), cal=calendar())
    except notifications.AlreadyHanded:
        flash(gettext("This notification was already handed over."), "info")
    except IllegalTransition:
        db.session().rollback()
        flash(gettext("This step is not taken at your desk."), "error")
    else:
        flash(gettext("Application %(number)s: the hand-over was recorded.",
                      number=row.application.number), "ok")
    return redirect_after_post(url_for("staff.print_list"))

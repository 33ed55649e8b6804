"""L10.2: holiday assistance without an application — the department assigns a one-off payment
for a holiday or memorable date to a category of the registers or a CSV of IINs, in its own
district; each person gets a decision and a notification. Specialists and the head only."""

from __future__ import annotations

from flask import Response, abort, flash, request, session, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.domain import verification as codes
from portal.domain.forms import NotificationChannel, NotificationStatus
from portal.domain.workflow import Role
from portal.extensions import limiter
from portal.forms.holiday import HolidayForm
from portal.models import District, StaffUser
from portal.services import holiday as holiday_service
from portal.services import signing as signing_service
from portal.services.events import Actor
from portal.services.staff_accounts import actor_of as staff_actor
from portal.views.staff import bp
from portal.web.access import allow, current
from portal.web.htmx import no_store, redirect_after_post, render
from portal.web.signing_messages import describe
from signing import Role as SignerRole
from signing.base import Action, Challenge, SigningError

PROBLEM_LABELS = {
    holiday_service.Problem.NOT_AN_IIN: _l("not a valid IIN (12 digits with a correct check digit)"),
    holiday_service.Problem.REPEATED: _l("this IIN is already on an earlier line"),
    holiday_service.Problem.NOT_IN_REGISTER: _l("no such person in the State database of individuals"),
    holiday_service.Problem.DIED: _l("the register records this person as deceased"),
    holiday_service.Problem.OTHER_DISTRICT: _l("the person is registered in another district"),
    holiday_service.Problem.ALREADY_AWARDED: _l("already assigned this assistance for this date"),
    holiday_service.Problem.TOO_MANY: _l("the list is longer than 5000 people: split it"),
}
CHANNEL_LABELS = {
    NotificationChannel.CABINET: _l("personal cabinet"),
    NotificationChannel.SMS: _l("by SMS"),
    NotificationChannel.PRINT: _l("printed, to hand over"),
}
STATUS_LABELS = {
    NotificationStatus.PENDING: _l("waiting"),
    NotificationStatus.SENT: _l("sent"),
    NotificationStatus.FAILED: _l("failed"),
    NotificationStatus.HANDED: _l("handed over"),
}

_RESULT = "holiday-result"
_SHOWN = 200  # problems listed on the result (the rest are counted)


def _district() -> District:
    staff = current().staff
    district = None if staff is None or staff.district_id is None else \
        db.session().get(District, staff.district_id)
    if district is None:
        abort(404)
    return district


def _page(form: HolidayForm, district: District, status: int = 200) -> Response:
    return render("staff/holiday.html", form=form, district=district,
                  problem_labels={k.value: v for k, v in PROBLEM_LABELS.items()},
                  channel_labels={k.value: v for k, v in CHANNEL_LABELS.items()},
                  status_labels={k.value: v for k, v in STATUS_LABELS.items()},
                  result=session.pop(_RESULT, None) if status == 200 else None,
                  awards=holiday_service.recent(db.session(), district.id),
                  unsigned=len(holiday_service.unsigned(db.session(), district.id))
                  if current().role is Role.HEAD else 0, status=status)


@bp.route("/holiday", methods=["GET", "POST"])
@allow(Role.SPECIALIST, Role.HEAD)
def holiday() -> BaseResponse:
    district = _district()
    form = HolidayForm()
    if not form.validate_on_submit():
        return _page(form, district, status=422 if form.errors else 200)
    staff = current().staff
    assert staff is not None
    sess = db.session()
    occasion = holiday_service.Occasion(form.occasion.data, form.occasion_on.data,
                                        form.assistance_type.data, form.amount_tiyn())
    problems: list[tuple[int, holiday_service.Problem]] = []
    upload = form.upload()
    if form.source.data == "csv" and upload is not None:
        people, problems = holiday_service.read_csv(upload.stream.read(2 * 1024 * 1024))
    else:
        people = holiday_service.from_register(
            sess, district, holiday_service.Category(form.category.data), occasion.on)
    outcome = holiday_service.assign(
        sess, Actor("staff", staff.id, staff.role.value), district, occasion, people,
        now=utcnow(), head_id=staff.id if staff.role is Role.HEAD else None)
    everything = sorted(problems + outcome.problems)
    # Only counts, line numbers and decision numbers: no IIN in the session cookie.
    session[_RESULT] = {
        "awarded": len(outcome.awards), "first": [a.decision_number for a in outcome.awards[:5]],
        "problems": [(line, why.value) for line, why in everything[:_SHOWN]],
        "more": max(0, len(everything) - _SHOWN), "source": form.source.data,
    }
    return redirect_after_post(url_for("staff.holiday"))


# -- the head signs the decisions with EDS (key file) -------------------------------------------

SIGNING_LIMIT = "10 per minute;60 per hour"  # as the citizen's signing of an application
_SIGNING = "holiday-signing"
_RECORD = "portal-holiday/{}"  # the exact bytes being signed, in the signing storage


def _head() -> StaffUser:
    staff = current().staff
    if staff is None or staff.district_id is None:
        abort(404)
    return staff


def _sign_page(challenge: Challenge, count: int, error: str | None = None,
               status: int = 200) -> Response:
    return no_store(render("staff/holiday_sign.html", challenge=challenge, count=count,
                           error=error, status=status))


@bp.post("/holiday/sign")
@limiter.limit(SIGNING_LIMIT)
@allow(Role.HEAD)
def holiday_sign() -> BaseResponse:
    """Begin signing every unsigned holiday decision of the district with the head's key file."""
    head = _head()
    sess = db.session()
    district = sess.get(District, head.district_id)
    awards = holiday_service.unsigned(sess, head.district_id or 0)
    if district is None or not awards or not head.iin:
        flash(_l("There is nothing to sign, or no EDS key is registered to you."), "info")
        return redirect_after_post(url_for("staff.holiday"))
    data = holiday_service.decisions_document(district, awards)
    try:
        challenge = signing_service.start_signing(
            sess, staff_actor(head), signer_name="keyfile", document=data, signer_iin=head.iin,
            purpose=holiday_service.SIGNING_PURPOSE, role=SignerRole.STAFF,
            title=str(_l("Decisions on holiday assistance")))
    except SigningError as error:
        sess.rollback()
        flash(describe(error), "error")
        return redirect_after_post(url_for("staff.holiday"))
    signing_service.context().storage.put(_RECORD.format(challenge.id), data)
    session[_SIGNING] = {"challenge": challenge.id, "awards": [a.id for a in awards]}
    return _sign_page(challenge, len(awards))


@bp.post("/holiday/sign/complete")
@limiter.limit(SIGNING_LIMIT)
@allow(Role.HEAD)
def holiday_sign_complete() -> BaseResponse:
    head = _head()
    pending = session.get(_SIGNING)
    if not isinstance(pending, dict) or pending.get("challenge") != request.form.get(
            "challenge_id"):
        flash(_l("The signing was not started in this browser or has ended. Sign again."), "info")
        return redirect_after_post(url_for("staff.holiday"))
    challenge_id = str(pending["challenge"])
    sess = db.session()
    awards = holiday_service.awards_by_id(sess, head.district_id or 0,
                                          [int(i) for i in pending["awards"]])
    data = signing_service.context().storage.get(_RECORD.format(challenge_id))
    if data is None or not awards or not head.iin:
        session.pop(_SIGNING, None)
        return redirect_after_post(url_for("staff.holiday"))
    try:
        signature = signing_service.complete_signing(
            sess, staff_actor(head), signer_name="keyfile", challenge_id=challenge_id,
            answer=request.form.get("password") or None, document=data, expected_iin=head.iin,
            purpose=holiday_service.SIGNING_PURPOSE, document_kind=holiday_service.DOCUMENT_KIND)
    except SigningError as error:
        sess.rollback()
        try:
            certificate = signing_service.context().signer(
                "keyfile").usable_certificate(head.iin)  # type: ignore[attr-defined]
        except SigningError:
            session.pop(_SIGNING, None)
            flash(describe(error), "error")
            return redirect_after_post(url_for("staff.holiday"))
        challenge = Challenge(id=challenge_id, signer="keyfile", action=Action.ENTER_PASSWORD,
                              expires_at=utcnow(), certificate=certificate)
        return _sign_page(challenge, len(awards), describe(error), status=422)
    except (signing_service.SignatureRejected, signing_service.SignatureRejectedBefore):
        session.pop(_SIGNING, None)
        flash(_l("The signature did not pass the checks; the decisions stay unsigned."), "error")
        return redirect_after_post(url_for("staff.holiday"))
    holiday_service.attach_signature(sess, awards, signature.id, head.id)
    session.pop(_SIGNING, None)
    flash(_l("The decisions are signed. Verification code: %(code)s",
             code=codes.display(signature.short_code)), "success")
    return redirect_after_post(url_for("staff.holiday"))

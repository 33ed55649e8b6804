"""L10.2: holiday assistance without an application — the department assigns a one-off payment
for a holiday or memorable date to a category of the registers or a CSV of IINs, in its own
district; each person gets a decision and a notification. Specialists and the head only."""

from __future__ import annotations

from flask import Response, abort, session, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.domain.forms import NotificationChannel, NotificationStatus
from portal.domain.workflow import Role
from portal.forms.holiday import HolidayForm
from portal.models import District
from portal.services import holiday as holiday_service
from portal.services.events import Actor
from portal.views.staff import bp
from portal.web.access import allow, current
from portal.web.htmx import redirect_after_post, render

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
                  awards=holiday_service.recent(db.session(), district.id), status=status)


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

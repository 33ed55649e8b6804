"""The calendar override table: days a government decree moved (a day off, a worked weekend
day), each with the decree. National, so any administrator keeps it; every worker's calendar
follows within CALENDAR_CACHE_SECONDS (services/workdays.py)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.domain.workflow import Role
from portal.forms.district_config import DAY_KIND_LABELS, CalendarDayForm
from portal.models import CalendarOverride, DayKind
from portal.services import district_config
from portal.services.district_config import ConfigRefused
from portal.views.staff_admin import bp, signed_in_admin
from portal.web.access import allow
from portal.web.htmx import redirect_after_post, render


@bp.route("/calendar", methods=["GET", "POST"])
@allow(Role.ADMIN)
def calendar_overrides() -> Any:
    admin = signed_in_admin()
    form = CalendarDayForm()
    if form.validate_on_submit():
        try:
            row = district_config.add_day(db.session(), admin, day=form.day.data,
                                          kind=DayKind(form.kind.data), act=form.act.data)
        except ConfigRefused:
            db.session().rollback()
            form.day.errors = [*form.day.errors, str(_l(
                "This day is already in the table. Remove it first to enter it again."))]
        except ValueError as problem:  # the domain's checks on an entry
            db.session().rollback()
            form.act.errors = [*form.act.errors, str(problem)]
        else:
            flash(str(_l("Saved: %(day)s is in the calendar.", day=row.day.strftime("%d.%m.%Y"))),
                  "ok")
            return redirect_after_post(url_for("staff_admin.calendar_overrides"))
    status = 422 if form.errors else 200
    return render("staff_admin/calendar_overrides.html", form=form,
                  rows=district_config.overrides(db.session()), kinds=DAY_KIND_LABELS,
                  status=status)


@bp.post("/calendar/<int:override_id>/remove")
@allow(Role.ADMIN)
def remove_calendar_override(override_id: int) -> BaseResponse:
    admin = signed_in_admin()
    row = db.session().get(CalendarOverride, override_id)
    if row is None:
        abort(404)
    day = row.day.strftime("%d.%m.%Y")
    district_config.remove_day(db.session(), admin, row)
    flash(str(_l("Removed: %(day)s is back to the usual calendar.", day=day)), "ok")
    return redirect_after_post(url_for("staff_admin.calendar_overrides"))

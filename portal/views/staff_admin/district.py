"""The district's configuration: the grounds its maslikhat adopted (amount, frequency, the R7.2,
L8.2 / R11.2 and F5 overrides) and the income threshold. An edit of a ground adds a new version
and retires the old one, so cases keep what they were decided under."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from flask import abort, flash, url_for
from flask_babel import lazy_gettext as _l

from portal import db
from portal.domain.forms import Frequency
from portal.domain.grounds import DEFAULT_GROUND_RULES, GroundCategory
from portal.domain.income import SUBSISTENCE_MINIMUM_TIYN, threshold_tiyn
from portal.domain.workflow import Role
from portal.forms.district_config import (
    GroundForm,
    NewGroundForm,
    ThresholdForm,
    rule_choice,
    rule_value,
    tiyn_of,
)
from portal.models import District, DistrictGround, StaffUser
from portal.services import district_config
from portal.services.district_config import ConfigProblem, ConfigRefused, GroundSettings
from portal.views.staff_admin import bp, district_admin
from portal.web.access import allow
from portal.web.htmx import redirect_after_post, render

PROBLEMS = {
    ConfigProblem.COMMISSION_REQUIRED: (
        "needs_special_commission",
        _l("Grounds 1) natural disaster, 2) fire and 4) low income always go to the special "
           "commission (form F5): choose \u201cYes\u201d or \u201cAs the Model Rules say\u201d.")),
    ConfigProblem.CHANGED_MEANWHILE: (
        "amount",
        _l("Someone else saved this category a moment ago. Open it again from the district "
           "configuration to see their change.")),
    ConfigProblem.GROUND_EXISTS: (
        "frequency",
        _l("This category already has a current entry with this frequency. Change that one "
           "instead.")),
}


def _district(admin: StaffUser) -> District:
    district = db.session().get(District, admin.district_id)
    if district is None:
        abort(404)
    return district


def _ground(admin: StaffUser, ground_id: int) -> DistrictGround:
    """A current ground row of the administrator's district, or 404."""
    ground = db.session().get(DistrictGround, ground_id)
    if ground is None or ground.district_id != admin.district_id:
        abort(404)
    return ground


def _settings(form: GroundForm) -> GroundSettings:
    return GroundSettings(
        frequency=Frequency(form.frequency.data), amount_tiyn=tiyn_of(form.amount.data),
        enabled=bool(form.enabled.data),
        needs_precinct_inspection=rule_value(form.needs_precinct_inspection.data),
        needs_income=rule_value(form.needs_income.data),
        needs_special_commission=rule_value(form.needs_special_commission.data))


def _show_problem(form: Any, problem: ConfigProblem) -> None:
    name, message = PROBLEMS[problem]
    form[name].errors = [*form[name].errors, str(message)]


def thresholds(district: District) -> list[tuple[int, int]]:
    """(year, monthly threshold in tiyn) for each year whose subsistence minimum is known."""
    multiplier = Fraction(district.threshold_numerator, district.threshold_denominator)
    return [(year, threshold_tiyn(minimum, multiplier))
            for year, minimum in sorted(SUBSISTENCE_MINIMUM_TIYN.items())]


@bp.get("/district")
@allow(Role.ADMIN)
def district() -> Any:
    admin = district_admin()
    found = _district(admin)
    grounds = district_config.current_grounds(db.session(), found.id)
    return render("staff_admin/district.html", district=found, grounds=grounds,
                  thresholds=thresholds(found), defaults=DEFAULT_GROUND_RULES)


@bp.route("/district/threshold", methods=["GET", "POST"])
@allow(Role.ADMIN)
def threshold() -> Any:
    admin = district_admin()
    found = _district(admin)
    form = ThresholdForm(data={"numerator": found.threshold_numerator,
                               "denominator": found.threshold_denominator})
    if form.validate_on_submit():
        if district_config.change_threshold(db.session(), admin, found, form.numerator.data,
                                            form.denominator.data):
            flash(str(_l("Saved: the income threshold.")), "ok")
        return redirect_after_post(url_for("staff_admin.district"))
    status = 422 if form.errors else 200
    return render("staff_admin/threshold.html", form=form, district=found,
                  thresholds=thresholds(found), status=status)


@bp.route("/district/grounds/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_ground() -> Any:
    admin = district_admin()
    form = NewGroundForm(data={"enabled": True})
    if form.validate_on_submit():
        try:
            district_config.add_ground(db.session(), admin, GroundCategory(form.category.data),
                                       _settings(form))
        except ConfigRefused as refused:
            db.session().rollback()
            _show_problem(form, refused.problem)
        else:
            flash(str(_l("Saved: the new category.")), "ok")
            return redirect_after_post(url_for("staff_admin.district"))
    status = 422 if form.errors else 200
    return render("staff_admin/new_ground.html", form=form, defaults=DEFAULT_GROUND_RULES,
                  status=status)


@bp.route("/district/grounds/<int:ground_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def ground(ground_id: int) -> Any:
    admin = district_admin()
    row = _ground(admin, ground_id)
    if row.retired_at is not None:
        # An old version: the current one is what an administrator edits.
        return render("staff_admin/ground_retired.html", ground=row)
    form = GroundForm(data={
        "frequency": row.frequency.value, "amount": _tenge_text(row.amount_tiyn),
        "enabled": row.enabled,
        **{f: rule_choice(getattr(row, f)) for f in district_config.RULE_FIELDS}})
    if form.validate_on_submit():
        try:
            changed = district_config.change_ground(db.session(), admin, row, _settings(form))
        except ConfigRefused as refused:
            db.session().rollback()
            _show_problem(form, refused.problem)
        else:
            if changed is not None:
                flash(str(_l("Saved. Applications made before keep the previous settings.")),
                      "ok")
            return redirect_after_post(url_for("staff_admin.district"))
    status = 422 if form.errors else 200
    return render("staff_admin/ground.html", form=form, ground=row,
                  default=DEFAULT_GROUND_RULES[row.category], status=status)


def _tenge_text(tiyn: int) -> str:
    return str(tiyn // 100) if tiyn % 100 == 0 else f"{tiyn // 100}.{tiyn % 100:02d}"

"""The staff of the administrator's district: a new person, a change of role or desk,
deactivation, the reset of a lost second factor, and ending sessions (one person's or the whole
district's, each after a page that asks to confirm)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from portal import db
from portal.db import utcnow
from portal.domain.workflow import Role
from portal.forms.staff_admin import NewStaffForm, RoleDeskForm
from portal.models import Desk, StaffFactor, StaffUser
from portal.services import staff_accounts
from portal.services.staff_accounts import StaffChangeRefused, StaffProblem
from portal.views.staff_admin import bp, signed_in_admin
from portal.web.access import allow, current_row
from portal.web.htmx import redirect_after_post, render

PROBLEMS = {
    StaffProblem.LOGIN_TAKEN: ("login", _l("This login is taken. Choose another.")),
    StaffProblem.DESK_REQUIRED: ("desk", _l("Choose the desk where this person accepts "
                                            "applications: intake staff need one.")),
    StaffProblem.DESK_ELSEWHERE: ("desk", _l("Choose a desk of your district.")),
    StaffProblem.SELF: ("role", _l("You cannot change your own role. Ask another "
                                   "administrator.")),
}


_admin = signed_in_admin


def _person(staff_id: str) -> StaffUser:
    """Someone of the administrator's district, or 404."""
    if not staff_id.isdigit() or len(staff_id) > 9:
        abort(404)
    staff = db.session().get(StaffUser, int(staff_id))
    if staff is None or staff.district_id is None or staff.district_id != _admin().district_id:
        abort(404)
    return staff


def _desks(admin: StaffUser) -> list[Desk]:
    return list(db.session().scalars(select(Desk).where(Desk.district_id == admin.district_id)
                                     .order_by(Desk.id)))


def _desk_choices(form: RoleDeskForm, admin: StaffUser) -> None:
    form.desk.choices = [SelectChoice("", str(_l("No desk")))] + [
        SelectChoice(str(d.id), d.name_in(str(get_locale() or "kk"))) for d in _desks(admin)]


def _show_problem(form: Any, problem: StaffProblem) -> None:
    name, message = PROBLEMS[problem]
    form[name].errors = [*form[name].errors, str(message)]


@bp.get("/people")
@allow(Role.ADMIN)
def people() -> Any:
    admin = _admin()
    s = db.session()
    staff = [] if admin.district_id is None else list(s.scalars(
        select(StaffUser).where(StaffUser.district_id == admin.district_id)
        .order_by(StaffUser.active.desc(), StaffUser.full_name)))
    enrolled = set(s.scalars(select(StaffFactor.staff_id).where(
        StaffFactor.enrolled_at.is_not(None))))
    return render("staff_admin/people.html", staff=staff, enrolled=enrolled, admin=admin)


@bp.route("/people/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_person() -> Any:
    admin = _admin()
    if admin.district_id is None:
        abort(403)
    form = NewStaffForm()
    _desk_choices(form, admin)
    if form.validate_on_submit():
        try:
            created = staff_accounts.create_staff(
                db.session(), admin, login=form.login.data, full_name=form.full_name.data,
                position=form.position.data, role=Role(form.role.data), desk_id=form.desk.data)
        except StaffChangeRefused as refused:
            db.session().rollback()
            _show_problem(form, refused.problem)
        else:
            # The first password is shown once, in this answer: the database keeps its hash.
            return render("staff_admin/created.html", person=created.staff,
                          password=created.password, issued=False,
                          hours=current_app.config["STAFF_FIRST_PASSWORD_HOURS"])
    status = 422 if form.errors else 200
    return render("staff_admin/new.html", form=form, district=admin.district, status=status)


@bp.route("/people/<staff_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def person(staff_id: str) -> Any:
    admin = _admin()
    staff = _person(staff_id)
    form = RoleDeskForm(data={"role": staff.role.value, "desk": staff.desk_id})
    _desk_choices(form, admin)
    if form.validate_on_submit():
        try:
            changed = staff_accounts.change_staff(db.session(), admin, staff,
                                                  role=Role(form.role.data),
                                                  desk_id=form.desk.data)
        except StaffChangeRefused as refused:
            db.session().rollback()
            _show_problem(form, refused.problem)
        else:
            if changed:
                flash(str(_l("Saved: %(name)s's role and desk.", name=staff.full_name)), "ok")
            return redirect_after_post(url_for("staff_admin.person", staff_id=staff.id))
    status = 422 if form.errors else 200
    enrolled = staff_accounts.is_enrolled(db.session(), staff)
    return render("staff_admin/person.html", form=form, person=staff, enrolled=enrolled,
                  is_self=staff.id == admin.id, now=utcnow(), status=status)


@bp.post("/people/<staff_id>/deactivate")
@allow(Role.ADMIN)
def deactivate(staff_id: str) -> BaseResponse:
    admin = _admin()
    staff = _person(staff_id)
    if staff.id == admin.id:
        flash(str(_l("You cannot deactivate yourself. Ask another administrator.")), "notice")
    elif staff.active:
        staff_accounts.deactivate(db.session(), admin, staff)
        flash(str(_l("%(name)s is deactivated and was signed out everywhere.",
                     name=staff.full_name)), "ok")
    return redirect_after_post(url_for("staff_admin.person", staff_id=staff.id))


@bp.post("/people/<staff_id>/new-password")
@allow(Role.ADMIN)
def new_password(staff_id: str) -> Any:
    """A forgotten password, or a first one that expired unused: a new first password, shown
    once in this answer (ASVS 6.4.1). Not for oneself: another administrator checks who asks."""
    admin = _admin()
    staff = _person(staff_id)
    if staff.id == admin.id or not staff.active:
        flash(str(_l("A new first password is for an active colleague. For your own, ask "
                     "another administrator.")), "notice")
        return redirect_after_post(url_for("staff_admin.person", staff_id=staff.id))
    password = staff_accounts.issue_first_password(db.session(), admin, staff)
    return render("staff_admin/created.html", person=staff, password=password, issued=True,
                  hours=current_app.config["STAFF_FIRST_PASSWORD_HOURS"])


@bp.post("/people/<staff_id>/reset-factor")
@allow(Role.ADMIN)
def reset_factor(staff_id: str) -> BaseResponse:
    admin = _admin()
    staff = _person(staff_id)
    staff_accounts.reset_factor(db.session(), admin, staff)
    flash(str(_l("%(name)s's second factor is reset and they were signed out everywhere. At the "
                 "next sign-in they set up their authenticator app again.",
                 name=staff.full_name)), "ok")
    if staff.id == admin.id:
        return redirect(url_for("auth.staff_sign_in"), 303)
    return redirect_after_post(url_for("staff_admin.person", staff_id=staff.id))


@bp.route("/people/<staff_id>/sessions", methods=["GET", "POST"])
@allow(Role.ADMIN)
def end_person_sessions(staff_id: str) -> Any:
    """ASVS 7.4.5: the page asks to confirm; its POST ends the person's sessions."""
    admin = _admin()
    staff = _person(staff_id)
    if request.method == "POST":
        ended = staff_accounts.end_staff_sessions(db.session(), admin, staff)
        flash(str(_l("%(name)s's sessions ended: %(count)s. They sign in again to go on.",
                     name=staff.full_name, count=ended)), "ok")
        return redirect_after_post(url_for("staff_admin.person", staff_id=staff.id))
    mine = current_row()
    count = sum(1 for row in staff_accounts.open_sessions(db.session(), [staff.id])
                if mine is None or row.id != mine.id)
    return render("staff_admin/end_sessions.html", person=staff, sessions=count, people=1,
                  back=url_for("staff_admin.person", staff_id=staff.id))


@bp.route("/people/sessions", methods=["GET", "POST"])
@allow(Role.ADMIN)
def end_district_sessions() -> Any:
    """Every session of the district's staff but the administrator's own in use: the page asks
    to confirm; its POST ends them."""
    admin = _admin()
    if admin.district_id is None:
        abort(403)
    if request.method == "POST":
        people, ended = staff_accounts.end_district_sessions(db.session(), admin)
        flash(str(_l("Sessions ended: %(count)s, of %(people)s people. They sign in again to "
                     "go on.", count=ended, people=people)), "ok")
        return redirect_after_post(url_for("staff_admin.people"))
    rows = staff_accounts.district_sessions(db.session(), admin)
    return render("staff_admin/end_sessions.html", person=None, sessions=len(rows),
                  people=len({row.subject_id for row in rows}),
                  back=url_for("staff_admin.people"))

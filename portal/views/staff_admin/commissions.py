"""The members of the district's precinct and special commissions: add, change, make inactive."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import db
from portal.domain.workflow import Role
from portal.forms.district_config import COMMISSION_LABELS, MEMBER_ROLE_LABELS, MemberForm
from portal.models import Commission, CommissionMember, CommissionRole, StaffUser
from portal.services import district_config
from portal.views.staff_admin import bp, district_admin
from portal.web.access import allow
from portal.web.htmx import redirect_after_post, render


def _member(admin: StaffUser, member_id: int) -> CommissionMember:
    member = db.session().get(CommissionMember, member_id)
    if member is None or member.district_id != admin.district_id:
        abort(404)
    return member


@bp.get("/district/commissions")
@allow(Role.ADMIN)
def commission_members() -> Any:
    admin = district_admin()
    members = list(db.session().scalars(
        select(CommissionMember).where(CommissionMember.district_id == admin.district_id)
        .order_by(CommissionMember.commission, CommissionMember.active.desc(),
                  CommissionMember.full_name)))
    return render("staff_admin/commission_members.html", members=members,
                  commissions=list(Commission), commission_labels=COMMISSION_LABELS,
                  role_labels=MEMBER_ROLE_LABELS)


@bp.route("/district/commissions/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_commission_member() -> Any:
    admin = district_admin()
    form = MemberForm(data={"active": True, "role": CommissionRole.MEMBER.value})
    if form.validate_on_submit():
        district_config.add_member(
            db.session(), admin, commission=Commission(form.commission.data),
            full_name=form.full_name.data, position=form.position.data,
            role=CommissionRole(form.role.data))
        flash(str(_l("Saved: %(name)s is a member.", name=form.full_name.data)), "ok")
        return redirect_after_post(url_for("staff_admin.commission_members"))
    status = 422 if form.errors else 200
    return render("staff_admin/new_commission_member.html", form=form, status=status)


@bp.route("/district/commissions/<int:member_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def commission_member(member_id: int) -> Any:
    admin = district_admin()
    member = _member(admin, member_id)
    form = MemberForm(data={"commission": member.commission.value,
                            "full_name": member.full_name, "position": member.position,
                            "role": member.role.value, "active": member.active})
    if form.validate_on_submit():
        if district_config.change_member(
                db.session(), admin, member, commission=Commission(form.commission.data),
                full_name=form.full_name.data, position=form.position.data,
                role=CommissionRole(form.role.data), active=bool(form.active.data)):
            flash(str(_l("Saved: %(name)s.", name=member.full_name)), "ok")
        return redirect_after_post(url_for("staff_admin.commission_members"))
    status = 422 if form.errors else 200
    return render("staff_admin/commission_member.html", form=form, member=member, status=status)

"""An administrator's pages, a module per page group: the staff of their district (people), the
district's configuration (district: grounds and threshold; commissions) and the national
calendar override table (calendar). Every change is an event; another district's rows answer 404,
as if they did not exist."""

from __future__ import annotations

from flask import Blueprint, abort

from portal.models import StaffUser
from portal.views.account import first_password_gate
from portal.web.access import current
from portal.web.htmx import no_store

bp = Blueprint("staff_admin", __name__)
bp.before_request(first_password_gate)  # ASVS 6.4.1: their own password first

bp.after_request(no_store)  # every admin page: personal data of staff, never cached


def signed_in_admin() -> StaffUser:
    """The signed-in administrator; one without a district administers nobody."""
    admin = current().staff
    if admin is None:
        abort(403)
    return admin


def district_admin() -> StaffUser:
    """An administrator of a district (configuration pages need one)."""
    admin = signed_in_admin()
    if admin.district_id is None:
        abort(403)
    return admin


from portal.views.staff_admin import calendar, commissions, district, people  # noqa: E402

__all__ = ["bp", "calendar", "commissions", "district", "district_admin", "people",
           "signed_in_admin"]

"""Staff sign-in at their desks: login and password, then the authenticator's code."""

from __future__ import annotations

from typing import Any

from portal.views.auth import bp
from portal.web.access import ANYONE, allow
from portal.web.htmx import render


@bp.route("/staff", methods=["GET", "POST"])
@allow(ANYONE)
def staff_sign_in() -> Any:
    return render("auth/staff_sign_in.html")

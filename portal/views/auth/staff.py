"""Staff sign-in at their desks: login and password, then the authenticator's code (or a
recovery code). A person without a factor enrols one first. Every step works without JavaScript.

After the password the session keeps only a pending marker (who, since when, where to go next),
for 10 minutes; wrong codes are counted on the server, five per pending sign-in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import segno
from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.domain.accounts import FACTOR_MAX_TRIES, group_secret
from portal.extensions import limiter
from portal.forms.auth import EnrolForm, StaffCodeForm, StaffSignInForm
from portal.models import SignInMethod, StaffUser
from portal.services import staff_accounts
from portal.services.staff_accounts import FactorResult
from portal.views.auth import bp
from portal.web.access import ANYONE, allow, current, fresh_marker, staff_home
from portal.web.htmx import no_store, redirect_after_post, render
from portal.web.i18n import safe_next

PENDING_LIFETIME = dt.timedelta(minutes=10)
SIGN_IN_LIMIT = "10 per minute;50 per hour"  # per address
LOGIN_LIMIT = "5 per minute;20 per hour"  # per login, whatever the address
CODE_LIMIT = "10 per minute;60 per hour"  # per address, on the code pages
PENDING_KEY = "staff_pending"


def _login_key() -> str:
    """Limits per login: the login typed, hashed and case-folded."""
    login = (request.form.get("login") or "").strip().casefold()[:60]
    return "staff-login:" + hashlib.sha256(login.encode()).hexdigest()[:32]


def _start_pending(staff: StaffUser, next_url: str | None) -> None:
    session.pop(PENDING_KEY, None)
    session[PENDING_KEY] = {"staff": staff.id, "at": utcnow().timestamp(), "next": next_url}


def _pending() -> tuple[dict[str, Any], StaffUser] | None:
    pending = fresh_marker(PENDING_KEY, PENDING_LIFETIME, utcnow())
    if pending is None:
        return None
    staff = db.session().get(StaffUser, pending.get("staff"))
    if staff is None or not staff.active:
        session.pop(PENDING_KEY, None)
        return None
    return pending, staff


def _since(pending: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(pending["at"]), tz=dt.UTC)


def _start_again() -> BaseResponse:
    flash(str(_l("Please start again: the sign-in took too long or was not started.")), "notice")
    return redirect(url_for("auth.staff_sign_in"))


def _locked() -> BaseResponse:
    session.pop(PENDING_KEY, None)
    flash(str(_l("Too many wrong codes. Sign in again with your password.")), "notice")
    return redirect_after_post(url_for("auth.staff_sign_in"))


def _signed_in(staff: StaffUser, method: SignInMethod, next_url: str | None) -> BaseResponse:
    staff_accounts.complete_sign_in(db.session(), staff, method)
    return redirect_after_post(next_url or staff_home(staff.role))


@bp.route("/staff", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
@limiter.limit(LOGIN_LIMIT, key_func=_login_key, methods=["POST"])
@allow(ANYONE)
def staff_sign_in() -> Any:
    form = StaffSignInForm()
    next_url = safe_next(request.args.get("next"), fallback="")
    principal = current()
    if principal.kind == "staff" and request.method == "GET":
        return redirect(next_url or staff_home(principal.role))
    failed = expired = False
    if form.validate_on_submit():
        s = db.session()
        try:
            staff = staff_accounts.password_sign_in(s, form.login.data, form.password.data,
                                                    now=utcnow())
        except staff_accounts.FirstPasswordExpired:
            staff, expired = None, True
        if staff is None:
            failed = True
        else:
            _start_pending(staff, next_url or None)
            if staff_accounts.is_enrolled(s, staff):
                return redirect_after_post(url_for("auth.staff_code"))
            return redirect_after_post(url_for("auth.staff_enrol"))
    status = 422 if form.errors or failed else 200
    return no_store(render("auth/staff_sign_in.html", form=form, failed=failed, expired=expired,
                            hours=current_app.config["STAFF_FIRST_PASSWORD_HOURS"],
                            next=next_url, status=status))


@bp.route("/staff/code", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"])
@allow(ANYONE)
def staff_code() -> Any:
    found = _pending()
    if found is None:
        return _start_again()
    pending, staff = found
    s = db.session()
    if not staff_accounts.is_enrolled(s, staff):
        return redirect(url_for("auth.staff_enrol"))
    form = StaffCodeForm()
    if form.validate_on_submit():
        result, method = staff_accounts.check_factor(s, staff, form.code.data, now=utcnow(),
                                                     pending_since=_since(pending))
        if result is FactorResult.RIGHT and method is not None:
            response = _signed_in(staff, method, pending.get("next"))
            if method is SignInMethod.RECOVERY_CODE:  # after the sign-in, which clears the session
                flash(str(_l("You signed in with a recovery code; it will not work again. If "
                             "you lost your phone, ask your administrator to reset your "
                             "second factor.")), "notice")
            return response
        if result is FactorResult.LOCKED:
            return _locked()
        form.code.errors = [str(_l("That code is not right. Enter the code your app shows now, "
                                   "or an unused recovery code."))]
    status = 422 if form.errors else 200
    return no_store(render("auth/staff_code.html", form=form, tries=FACTOR_MAX_TRIES,
                            status=status))


def _qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG: no script, no style attribute, so the CSP allows it."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, title=str(_l("QR code for your "
                                                                      "authenticator app")))
    return Markup(svg)  # noqa: S704 — segno's own markup, built here from our URI


@bp.route("/staff/enrol", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"])
@allow(ANYONE)
def staff_enrol() -> Any:
    found = _pending()
    if found is None:
        return _start_again()
    pending, staff = found
    s = db.session()
    if staff_accounts.is_enrolled(s, staff):
        return redirect(url_for("auth.staff_code"))
    form = EnrolForm()
    secret = staff_accounts.pending_secret(s, staff)
    if secret is None:
        secret = staff_accounts.start_enrolment(s, staff)
    if form.validate_on_submit():
        if staff_accounts.wrong_codes_since(s, staff, _since(pending)) >= FACTOR_MAX_TRIES:
            return _locked()
        codes = staff_accounts.confirm_enrolment(s, staff, form.code.data, now=utcnow())
        if codes is None and staff_accounts.wrong_codes_since(
                s, staff, _since(pending)) >= FACTOR_MAX_TRIES:
            staff_accounts.record_locked(s, staff)
            return _locked()
        if codes is not None:
            next_url = pending.get("next") or staff_home(staff.role)
            staff_accounts.complete_sign_in(s, staff, SignInMethod.PASSWORD_TOTP)
            # Shown once, in this answer only: the database keeps their hashes.
            return no_store(render("auth/staff_recovery_codes.html", codes=codes,
                                    next=safe_next(next_url, fallback=staff_home(staff.role))))
        form.code.errors = [str(_l("That code is not right. Check that the app shows the "
                                   "portal's account and enter the code it shows now."))]
    status = 422 if form.errors else 200
    uri = staff_accounts.provisioning_uri(staff, secret)
    return no_store(render("auth/staff_enrol.html", form=form, qr=_qr_svg(uri),
                            secret=group_secret(secret), login=staff.login, status=status))

""" "My account" for whoever is signed in, citizen or staff: change the password with the current
one, see the active sessions and end the others. One set of pages; the layout follows the person
(the cabinet's for citizens, the back office's for staff). Every page works without JavaScript."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.domain.devices import UNKNOWN
from portal.extensions import limiter
from portal.forms.account import PasswordChangeForm
from portal.models import WebSession
from portal.services import own_account
from portal.services.own_account import ChangeResult
from portal.views.auth.citizen import PASSWORD_MESSAGES, SIGN_IN_LIMIT
from portal.web.access import CITIZEN, STAFF, Principal, allow, current, current_row
from portal.web.htmx import no_store, redirect_after_post, render

bp = Blueprint("account", __name__)

bp.after_request(no_store)  # the person's own sessions and password form: never cached

AUDIENCE = (CITIZEN, STAFF)


def _me() -> tuple[Principal, WebSession]:
    """The signed-in person and their session record (the access check has just read it)."""
    principal = current()
    row = current_row()
    if row is None or not principal.signed_in:
        abort(403)
    return principal, row


def _person(principal: Principal) -> own_account.Person:
    person = principal.staff if principal.kind == "staff" else principal.citizen
    if person is None:
        abort(403)
    return person


def first_password_gate() -> BaseResponse | None:
    """A staff member still on the first password an administrator issued chooses their own
    before any back-office page (ASVS 6.4.1): a before_request hook of the staff, admin and
    operator blueprints."""
    staff = current().staff
    if staff is None or staff.first_password_until is None:
        return None
    flash(str(_l("Choose your own password first: the one your administrator gave you works "
                 "only until you do.")), "notice")
    return redirect_after_post(url_for("account.change_password"))


@bp.get("/")
@allow(*AUDIENCE)
def overview() -> Any:
    principal, _row = _me()
    return render("account/overview.html", person=_person(principal))


@bp.route("/password", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
@allow(*AUDIENCE)
def change_password() -> Any:
    principal, row = _me()
    person = _person(principal)
    form = PasswordChangeForm()
    if form.validate_on_submit():
        outcome = own_account.change_password(
            db.session(),
            person,
            row,
            current=form.current.data,
            new=form.password.data,
            now=utcnow(),
            locale=str(get_locale() or "kk"),
        )
        if outcome.result is ChangeResult.CHANGED:
            flash(
                str(
                    _l(
                        "Your password is changed. You stay signed in here; you were signed "
                        "out everywhere else."
                    )
                ),
                "ok",
            )
            return redirect_after_post(url_for("account.overview"))
        if outcome.result is ChangeResult.LOCKED:
            session.clear()
            flash(
                str(
                    _l(
                        "The current password was wrong too many times, so for your safety "
                        "you were signed out. Sign in again, or reset the password."
                    )
                ),
                "notice",
            )
            sign_in = "auth.staff_sign_in" if principal.kind == "staff" else "auth.sign_in"
            return redirect_after_post(url_for(sign_in))
        if outcome.result is ChangeResult.WRONG:
            form.current.errors = [
                str(
                    _l(
                        "That is not your current password. After %(n)s wrong tries you are signed out.",
                        n=own_account.WRONG_LIMIT,
                    )
                )
            ]
        elif outcome.result is ChangeResult.WEAK:
            form.password.errors = [str(PASSWORD_MESSAGES[p]) for p in outcome.problems]
    has_password = bool(person.password_hash)
    status = 422 if form.errors else 200
    return render("account/password.html", form=form, has_password=has_password, status=status)


@bp.get("/sessions")
@allow(*AUDIENCE)
def sessions() -> Any:
    _principal, row = _me()
    lines = own_account.live_sessions(db.session(), row)
    return render("account/sessions.html", lines=lines, unknown=UNKNOWN)


@bp.post("/sessions/end")
@allow(*AUDIENCE)
def end_session() -> BaseResponse:
    """End one other session. Someone else's, this one or an ended one: 404, as if not there."""
    _principal, row = _me()
    handle = (request.form.get("session") or "")[:40]
    if not own_account.end_other_session(db.session(), row, handle):
        abort(404)
    flash(str(_l("That session has ended.")), "ok")
    return redirect_after_post(url_for("account.sessions"))


@bp.post("/sessions/end-others")
@allow(*AUDIENCE)
def end_other_sessions() -> BaseResponse:
    _principal, row = _me()
    ended = own_account.end_other_sessions(db.session(), row)
    flash(str(_l("Every other session has ended (%(n)s).", n=ended)), "ok")
    return redirect_after_post(url_for("account.sessions"))

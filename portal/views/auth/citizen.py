"""A citizen's account on a phone: register from the IIN, sign in with a password and an SMS code,
reset the password, sign out. Every step is a real form that works without JavaScript."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.domain.accounts import PasswordProblem
from portal.extensions import limiter
from portal.forms.auth import CodeForm, IinForm, NewPasswordForm, RegisterDetailsForm, SignInForm
from portal.models import Citizen, CodePurpose, SignInMethod
from portal.notify import mobile
from portal.services import accounts
from portal.views.auth import bp
from portal.web.access import ANYONE, CITIZEN, STAFF, allow, current, fresh_marker
from portal.web.htmx import no_store, redirect_after_post, render
from portal.web.i18n import lang_cookie, safe_next

PENDING_LIFETIME = dt.timedelta(minutes=15)
SIGN_IN_LIMIT = "10 per minute;50 per hour"  # per address
PERSON_LIMIT = "5 per minute;20 per hour"  # per IIN, whatever the address
PASSWORD_MESSAGES = {
    PasswordProblem.TOO_SHORT: _l("Use at least 8 characters."),
    PasswordProblem.TOO_LONG: _l("Use at most 128 characters."),
    PasswordProblem.COMMON: _l("This password is on a list of common or leaked passwords. "
                               "Choose another, e.g. a phrase of a few words."),
    PasswordProblem.PERSONAL: _l("Do not use your IIN, name or phone number in the password."),
    PasswordProblem.CONTEXT: _l("Do not make the password of the portal's or the service's "
                                "name alone: add words of your own."),
}
CODE_MESSAGES = {
    "wrong": _l("That code is not right. Check the SMS and try again."),
    "used": _l("That code has been used already. Ask for a new one."),
    "expired": _l("That code has expired. Ask for a new one."),
    "locked": _l("Too many wrong codes. Ask for a new one."),
}


def _iin_key() -> str:
    """Limits per person: the IIN typed, hashed, so one person is not guessed from many addresses."""
    iin = (request.form.get("iin") or "").strip()[:12]
    return "iin:" + hashlib.sha256(iin.encode()).hexdigest()[:32]


def _locale() -> str:
    return str(get_locale() or "kk")


def _set_pending(purpose: CodePurpose, citizen: Citizen, code_id: int | None,
                 next_url: str | None = None) -> None:
    session["pending"] = {"purpose": purpose.value, "citizen": citizen.id, "code": code_id,
                          "at": utcnow().timestamp(), "next": next_url}


def _pending() -> dict[str, Any] | None:
    return fresh_marker("pending", PENDING_LIFETIME, utcnow())


def _retry_message(retry_at: dt.datetime | None, *, none_live: bool = False) -> str:
    """Why no new code was sent. ``none_live``: the code sent a moment ago has been used (a
    sign-in just before this one), so there is none to type until a new one may be sent."""
    from portal.web.i18n import local_datetime

    when = local_datetime(retry_at, "short") if retry_at else ""
    hourly_limit = retry_at is not None and retry_at - utcnow() > dt.timedelta(minutes=2)
    if none_live and retry_at is not None and not hourly_limit:
        return str(_l("The code sent a moment ago has already been used. Ask for a new one at "
                      "%(when)s with the button below.", when=when))
    if hourly_limit:
        return str(_l("Five codes went to this number in the last hour, so no new one is sent "
                      "until %(when)s. The last code still works for 10 minutes after it came; "
                      "for help call 1414.", when=when))
    return str(_l("A code was sent a moment ago. You can ask for another at %(when)s.", when=when))


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
@limiter.limit(PERSON_LIMIT, key_func=_iin_key, methods=["POST"])
@allow(ANYONE)
def sign_in() -> Any:
    form = SignInForm()
    next_url = safe_next(request.args.get("next"), fallback="")
    if current().signed_in and request.method == "GET":
        return redirect(next_url or url_for("citizen.cabinet"))
    failed = False
    if form.validate_on_submit():
        s = db.session()
        citizen = accounts.password_sign_in(s, form.iin.data, form.password.data)
        if citizen is None:
            failed = True
        elif citizen.phone is None:
            # The password was right, so saying why is safe: codes have nowhere to go.
            form.iin.errors = [str(_l(
                "Your account has no mobile number for codes. Sign in with EDS, or call 1414 "
                "to have a number added."))]
        else:
            sent = accounts.send_code(s, citizen, CodePurpose.SIGN_IN, now=utcnow(),
                                      locale=_locale())
            code_id = sent.code_id if sent.code_id is not None else accounts.live_code(
                s, citizen, CodePurpose.SIGN_IN, now=utcnow())
            _set_pending(CodePurpose.SIGN_IN, citizen, code_id, next_url or None)
            s.commit()
            if sent.code_id is None:
                flash(_retry_message(sent.verdict.retry_at, none_live=code_id is None), "notice")
            return redirect_after_post(url_for("auth.enter_code"))
    status = 422 if form.errors or failed else 200
    return no_store(render("auth/sign_in.html", form=form, failed=failed, next=next_url,
                            status=status))


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
@allow(ANYONE)
def enter_code() -> Any:
    pending = _pending()
    if pending is None:
        flash(str(_l("Please start again: the sign-in took too long or was not started.")),
              "notice")
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    problem: str | None = None
    s = db.session()
    # A reset asked for an IIN without an account has no citizen: the page looks the same and no
    # code is ever right, so the page tells nobody whether an account exists.
    citizen = s.get(Citizen, pending["citizen"]) if pending["citizen"] else None
    if form.validate_on_submit():
        if citizen is None:
            problem = "wrong"
        elif pending.get("code") is None:
            problem = "expired"
        else:
            result = accounts.check_code(s, int(pending["code"]), form.code.data, now=utcnow())
            problem = None if result == "right" else result
        if problem is None and citizen is not None:
            return _after_code(CodePurpose(pending["purpose"]), citizen, pending)
        form.code.errors = [str(CODE_MESSAGES[problem or "wrong"])]
    status = 422 if form.errors else 200
    from portal.notify.phones import mask_phone

    phone = mask_phone(citizen.phone) if citizen is not None and citizen.phone else None
    return no_store(render("auth/code.html", form=form, purpose=pending["purpose"],
                            phone=phone, status=status))


def _after_code(purpose: CodePurpose, citizen: Citizen, pending: dict[str, Any]) -> BaseResponse:
    s = db.session()
    if purpose is CodePurpose.RESET:
        session["reset"] = {"citizen": citizen.id, "at": utcnow().timestamp()}
        session.pop("pending", None)
        return redirect_after_post(url_for("auth.new_password"))
    if purpose is CodePurpose.REGISTER:
        accounts.confirm_registration(s, citizen, now=utcnow())
    accounts.complete_sign_in(s, citizen, SignInMethod.PASSWORD_SMS, now=utcnow(),
                              locale=_locale())
    if purpose is CodePurpose.REGISTER:
        flash(str(_l("Your account is ready. You are signed in.")), "ok")
    return redirect_after_post(pending.get("next") or url_for("citizen.cabinet"))


@bp.post("/code/again")
@limiter.limit(SIGN_IN_LIMIT)
@allow(ANYONE)
def send_code_again() -> BaseResponse:
    pending = _pending()
    if pending is None:
        return redirect(url_for("auth.sign_in"))
    s = db.session()
    citizen = s.get(Citizen, pending["citizen"]) if pending["citizen"] else None
    if citizen is None:
        flash(str(_l("A new code is on its way.")), "ok")
        return redirect_after_post(url_for("auth.enter_code"))
    sent = accounts.send_code(s, citizen, CodePurpose(pending["purpose"]), now=utcnow(),
                              locale=_locale())
    s.commit()
    if sent.code_id is None:
        flash(_retry_message(sent.verdict.retry_at), "notice")
    else:
        pending["code"] = sent.code_id
        pending["at"] = utcnow().timestamp()
        session["pending"] = pending
        flash(str(_l("A new code is on its way.")), "ok")
    return redirect_after_post(url_for("auth.enter_code"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
@limiter.limit(PERSON_LIMIT, key_func=_iin_key, methods=["POST"])
@allow(ANYONE)
def register() -> Any:
    """Step 1: the IIN; the State database of individuals gives the name and birth date."""
    form = IinForm()
    problem: str | None = None
    if form.validate_on_submit():
        from portal.gateway import gateway

        iin = form.iin.data
        existing = accounts.find(db.session(), iin)
        if existing is not None and existing.confirmed_at is not None:
            problem = "exists"
        else:
            result = gateway().person(iin)
            person = result.person
            if person is None:
                problem = "retry" if result.may_retry else "not_found"
            else:
                session["registration"] = {
                    "iin": iin, "surname": person.surname, "given_name": person.given_name,
                    "patronymic": person.patronymic, "birth_date": person.birth_date.isoformat(),
                    "at": utcnow().timestamp(),
                }
                return redirect_after_post(url_for("auth.register_details"))
    status = 422 if form.errors or problem else 200
    return no_store(render("auth/register.html", form=form, problem=problem, status=status))


@bp.route("/register/details", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
@allow(ANYONE)
def register_details() -> Any:
    """Step 2: confirm the name, give the phone and a password; a code confirms the phone."""
    data = fresh_marker("registration", PENDING_LIFETIME, utcnow())
    if data is None:
        return redirect(url_for("auth.register"))
    form = RegisterDetailsForm()
    s = db.session()
    personal = [data["iin"], data["surname"], data["given_name"], data["patronymic"]]
    if form.validate_on_submit():
        problems = accounts.check_new_password(form.password.data,
                                               personal=[*personal, form.phone.data])
        if problems:
            form.password.errors = [str(PASSWORD_MESSAGES[p]) for p in problems]
        elif not mobile.is_registered(s, data["iin"], form.phone.data):
            form.phone.errors = [str(_l(
                "This number is not registered to your IIN in the mobile citizens database, so "
                "codes and notifications cannot reach it. Register it at egov.kz or at a State "
                "Corporation office (it takes a few minutes), or use the number you registered."))]
        else:
            try:
                citizen = accounts.start_registration(
                    s, iin=data["iin"], surname=data["surname"], given_name=data["given_name"],
                    patronymic=data["patronymic"],
                    birth_date=dt.date.fromisoformat(data["birth_date"]),
                    phone=form.phone.data, password=form.password.data, now=utcnow())
            except ValueError:
                return redirect(url_for("auth.sign_in"))
            sent = accounts.send_code(s, citizen, CodePurpose.REGISTER, now=utcnow(),
                                      locale=_locale())
            s.commit()
            session.pop("registration", None)
            _set_pending(CodePurpose.REGISTER, citizen, sent.code_id)
            return redirect_after_post(url_for("auth.enter_code"))
    status = 422 if form.errors else 200
    born = dt.date.fromisoformat(data["birth_date"])
    return no_store(render("auth/register_details.html", form=form, person=data, born=born,
                            status=status))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
@limiter.limit(PERSON_LIMIT, key_func=_iin_key, methods=["POST"])
@allow(ANYONE)
def reset() -> Any:
    """A password reset: a code to the account's phone. The answer is the same for any IIN."""
    form = IinForm()
    if form.validate_on_submit():
        s = db.session()
        citizen = accounts.find(s, form.iin.data)
        if citizen is not None and citizen.confirmed_at is not None and citizen.phone:
            sent = accounts.send_code(s, citizen, CodePurpose.RESET, now=utcnow(),
                                      locale=_locale())
            _set_pending(CodePurpose.RESET, citizen, sent.code_id)
        else:
            # No account: the same next page, where no code will ever be right.
            session["pending"] = {"purpose": CodePurpose.RESET.value, "citizen": 0, "code": None,
                                  "at": utcnow().timestamp(), "next": None}
        s.commit()
        return redirect_after_post(url_for("auth.enter_code"))
    status = 422 if form.errors else 200
    return no_store(render("auth/reset.html", form=form, status=status))


@bp.route("/reset/password", methods=["GET", "POST"])
@allow(ANYONE)
def new_password() -> Any:
    data = fresh_marker("reset", PENDING_LIFETIME, utcnow())
    if data is None:
        return redirect(url_for("auth.reset"))
    s = db.session()
    citizen = s.get(Citizen, data["citizen"])
    if citizen is None:
        return redirect(url_for("auth.reset"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        problems = accounts.check_new_password(form.password.data,
                                               personal=accounts.personal_data(citizen))
        if problems:
            form.password.errors = [str(PASSWORD_MESSAGES[p]) for p in problems]
        else:
            accounts.reset_password(s, citizen, form.password.data, now=utcnow(),
                                    locale=_locale())
            session.pop("reset", None)
            flash(str(_l("Your password is changed and you were signed out everywhere. Sign in "
                         "with the new password.")), "ok")
            return redirect_after_post(url_for("auth.sign_in"))
    status = 422 if form.errors else 200
    return no_store(render("auth/new_password.html", form=form, status=status))


@bp.post("/sign-out")
@allow(ANYONE)
def sign_out() -> BaseResponse:
    was = current()
    everywhere = request.form.get("everywhere") == "1"
    accounts.sign_out(db.session(), everywhere=everywhere)
    session.clear()
    if not was.signed_in:
        return redirect_after_post(url_for("public.index"))
    # ASVS 14.3.1: the browser drops what it kept of the session (cache, storage, cookies). The
    # notice and the chosen language would go with the cookies, so they are set again by the
    # next answer (signed_out), which the browser receives after the clearing.
    language = str(get_locale()) if request.cookies.get(lang_cookie()) else None
    response = redirect_after_post(url_for("auth.signed_out", everywhere=int(everywhere),
                                           lang=language))
    if clear := current_app.config["CLEAR_SITE_DATA"]:
        response.headers["Clear-Site-Data"] = clear
    return response


@bp.get("/signed-out")
@allow(ANYONE)
def signed_out() -> BaseResponse:
    """Where sign-out lands once the browser has cleared the site's data: the notice, then the
    language the person had chosen (through the language switch, which sets its cookie)."""
    language = request.args.get("lang")
    if language not in current_app.config["LANGUAGES"]:
        language = None
    with force_locale(language or str(get_locale())):
        flash(str(_l("You are signed out on every device.")
                  if request.args.get("everywhere") == "1" else _l("You are signed out.")), "ok")
    if language:
        return redirect(url_for("public.set_language", code=language,
                                next=url_for("public.index")), 303)
    return redirect(url_for("public.index"), 303)


@bp.post("/keep-alive")
@allow(CITIZEN, STAFF)
def keep_alive() -> BaseResponse:
    """The idle warning's "stay signed in": the request itself is the activity."""
    if request.headers.get("HX-Request"):
        return BaseResponse(status=204)
    return redirect(safe_next(request.form.get("next"), fallback=url_for("public.index")), 303)

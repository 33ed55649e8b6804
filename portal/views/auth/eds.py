"""Sign in with EDS, citizens and staff: sign a one-time challenge with the key file or the phone
(QR), the same panels as every other signing; works without JavaScript (the continue button)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.extensions import limiter
from portal.forms.auth import EdsSignInForm
from portal.models import StaffUser
from portal.services import eds_sign_in as eds_service
from portal.services import signing as signing_service
from portal.services.eds_sign_in import Audience, SignInRefused
from portal.views.auth import bp
from portal.views.auth.citizen import PERSON_LIMIT, SIGN_IN_LIMIT, _iin_key, _locale
from portal.views.sign import remember_challenge
from portal.web.access import ANYONE, allow, current, staff_home
from portal.web.htmx import no_store, redirect_after_post, render
from portal.web.i18n import safe_next
from portal.web.signing_messages import MESSAGES, describe
from signing import Action, Challenge, SigningError
from signing.base import KeyStoreBlocked, LockedOut, SigningPending, WrongSecret

_PENDING = "eds"
_REFUSED = "eds_refused"
REFUSALS = {
    "challenge.unknown": _l("This sign-in was used already, was started in another browser or "
                            "was not started. Start again."),
    "challenge.expired": _l("The sign-in has to be signed within 5 minutes. Start again."),
    "signature.rejected": _l("The signature did not pass the checks, so you are not signed in. "
                             "Citizens sign in with a personal certificate, staff with an "
                             "employee certificate. Start again; if it happens again, call "
                             "1414."),
    "register.retry": _l("The State database of individuals did not answer in time. Please "
                         "try again in a minute."),
    "register.not_found": _l("The State database of individuals has no person with the IIN of "
                             "your certificate, so no account can be made. Please apply at the "
                             "department or a State Corporation office."),
    "staff.unknown": _l("No active staff account has the IIN of this certificate. Ask your "
                        "administrator."),
}


def _refusal_text(code: str) -> str:
    message = REFUSALS.get(code) or MESSAGES.get(code)
    return str(message) if message is not None else gettext("The document could not be signed.")


def _urls(audience: Audience) -> tuple[str, str]:
    """(start page, continue URL) of the audience."""
    if audience is Audience.STAFF:
        return url_for("auth.staff_eds_sign_in"), url_for("auth.staff_eds_complete")
    return url_for("auth.eds_sign_in"), url_for("auth.eds_complete")


def _start_page(audience: Audience) -> Any:
    next_url = safe_next(request.args.get("next"), fallback="")
    principal = current()
    if principal.kind == audience.value and request.method == "GET":
        home = staff_home(principal.role) if audience is Audience.STAFF else url_for(
            "citizen.cabinet")
        return redirect(next_url or home)
    form = EdsSignInForm()
    start_url, continue_url = _urls(audience)
    if form.validate_on_submit():
        ctx = signing_service.context()
        if form.signer.data not in ctx.signers:
            form.signer.errors = [str(_l("This way of signing is not available here."))]
        else:
            old = session.get(_PENDING)
            if isinstance(old, dict):
                eds_service.forget(str(old.get("challenge", "")))
            try:
                challenge = eds_service.start(
                    db.session(), audience=audience, signer_name=form.signer.data,
                    iin=form.iin.data, portal=_portal(), now=utcnow())
            except SigningError as error:
                db.session().rollback()
                form.iin.errors = [describe(error)]
            else:
                session[_PENDING] = {"challenge": challenge.id, "audience": audience.value,
                                     "next": next_url or None}
                status_url = None
                if challenge.action is Action.SCAN_QR:
                    remember_challenge(challenge, continue_url)
                    status_url = url_for("sign.signing_status", challenge_id=challenge.id)
                return no_store(render("auth/eds_sign.html", challenge=challenge,
                                        audience=audience.value, status_url=status_url,
                                        continue_url=continue_url, start_url=start_url))
    refused = session.pop(_REFUSED, None)
    status = 422 if form.errors else 200
    return no_store(render("auth/eds_sign_in.html", form=form, audience=audience.value,
                            action_url=url_for(request.endpoint or "auth.eds_sign_in",
                                               next=next_url or None),
                            refused=_refusal_text(refused) if refused else None,
                            status=status))


def _portal() -> str:
    from flask import current_app

    return str(current_app.config["PUBLIC_BASE_URL"])


def _again(audience: Audience, code: str) -> BaseResponse:
    """A refusal: back to the start page, which says why (a GET, for htmx and plain forms)."""
    session.pop(_PENDING, None)
    session[_REFUSED] = code
    return redirect_after_post(_urls(audience)[0])


def _complete(audience: Audience) -> Any:
    stored = session.get(_PENDING)
    pending: dict[str, Any] = stored if isinstance(stored, dict) else {}
    challenge_id = str(pending.get("challenge", ""))
    posted = request.form.get("challenge_id")
    if (not challenge_id or pending.get("audience") != audience.value
            or (posted is not None and posted != challenge_id)):
        # Not this browser's challenge: refused without touching it (it is someone else's).
        eds_service.refuse_unknown(db.session(), audience=audience,
                                   challenge_id=posted or challenge_id)
        return _again(audience, "challenge.unknown")
    next_url = pending.get("next")
    try:
        signed = eds_service.complete(db.session(), audience=audience, challenge_id=challenge_id,
                                      answer=request.form.get("password") or None, now=utcnow(),
                                      locale=_locale())
    except SignInRefused as refused:
        return _again(audience, refused.code)
    except SigningPending:
        continue_url = _urls(audience)[1]
        return no_store(render(
            "sign/status.html", state="pending", message=None, continue_url=continue_url,
            status_url=url_for("sign.signing_status", challenge_id=challenge_id)))
    except (WrongSecret, LockedOut, KeyStoreBlocked) as error:
        return _retry_keyfile(audience, challenge_id, describe(error))
    except SigningError as error:  # e.g. a password of the wrong shape: nothing was counted
        return _retry_keyfile(audience, challenge_id, describe(error))
    if signed.created:
        flash(str(_l("Your account was created from your EDS certificate and the State database "
                     "of individuals. It has no password: sign in with EDS. You can set a "
                     "password later with “I forgot my password” once a mobile number is on "
                     "your account.")), "ok")
    if audience is Audience.STAFF:
        staff = db.session().get(StaffUser, signed.subject_id)
        home = staff_home(staff.role if staff is not None else None)
    else:
        home = url_for("citizen.cabinet")
    return redirect_after_post(safe_next(next_url, fallback=home) if next_url else home)


def _retry_keyfile(audience: Audience, challenge_id: str, message: str) -> Any:
    """The key file's password again, on the same challenge (the certificate shown again)."""
    iin = eds_service.signer_iin_of(challenge_id)
    if iin is None:
        return _again(audience, "challenge.unknown")
    try:
        certificate = signing_service.context().signer("keyfile").usable_certificate(iin)  # type: ignore[attr-defined]
    except SigningError as error:
        return _again(audience, error.code)
    challenge = Challenge(id=challenge_id, signer="keyfile", action=Action.ENTER_PASSWORD,
                          expires_at=utcnow(), certificate=certificate)
    start_url, continue_url = _urls(audience)
    return no_store(render("auth/eds_sign.html", status=422, challenge=challenge,
                            audience=audience.value, status_url=None, continue_url=continue_url,
                            start_url=start_url, error=message))


@bp.route("/eds", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
@limiter.limit(PERSON_LIMIT, key_func=_iin_key, methods=["POST"])
@allow(ANYONE)
def eds_sign_in() -> Any:
    return _start_page(Audience.CITIZEN)


@bp.post("/eds/complete")
@limiter.limit(SIGN_IN_LIMIT)
@allow(ANYONE)
def eds_complete() -> Any:
    return _complete(Audience.CITIZEN)


@bp.route("/staff/eds", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
@limiter.limit(PERSON_LIMIT, key_func=_iin_key, methods=["POST"])
@allow(ANYONE)
def staff_eds_sign_in() -> Any:
    return _start_page(Audience.STAFF)


@bp.post("/staff/eds/complete")
@limiter.limit(SIGN_IN_LIMIT)
@allow(ANYONE)
def staff_eds_complete() -> Any:
    return _complete(Audience.STAFF)

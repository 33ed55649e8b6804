"""EDS signing pages shared by every journey: the phone page of the mobile signer and the status
that the page which started a signing polls (with htmx, or a plain button with JavaScript off)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, session, url_for

from portal.extensions import limiter
from portal.htmx import render
from portal.services import signing as signing_service
from portal.signing_messages import describe, purpose_label
from signing import SigningError
from signing.base import SigningPending, TokenExpired, TokenUnknown, TokenUsed

bp = Blueprint("sign", __name__)


@bp.app_template_filter("purpose_label")
def _purpose_label(code: str) -> str:
    return purpose_label(code)

_SESSION_KEY = "signings"
_MAX_TRACKED = 5


def remember_challenge(challenge_id: str, signer: str, continue_url: str) -> None:
    """Only the browser session that started a signing may poll its status."""
    tracked: dict[str, list[str]] = dict(session.get(_SESSION_KEY, {}))
    tracked[challenge_id] = [signer, continue_url]
    session[_SESSION_KEY] = dict(list(tracked.items())[-_MAX_TRACKED:])


def _tracked(challenge_id: str) -> tuple[str, str]:
    entry = session.get(_SESSION_KEY, {}).get(challenge_id)
    if entry is None:
        abort(404)
    return entry[0], entry[1]


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/mobile/<token>")
def mobile_prompt(token: str) -> Response:
    """The phone page: what is being signed, by whom, until when; asks for the PIN."""
    mobile = signing_service.context().signer("mobile")
    try:
        prompt = mobile.open(token)  # type: ignore[attr-defined]
    except (TokenUnknown, TokenUsed, TokenExpired) as error:
        status = 410 if isinstance(error, TokenExpired | TokenUsed) else 404
        return _no_store(render("sign/mobile_done.html", status=status, ok=False,
                                message=describe(error)))
    return _no_store(render("sign/mobile_prompt.html", prompt=prompt, token=token))


@bp.post("/mobile/<token>")
@limiter.limit("10 per minute")
def mobile_confirm(token: str) -> Response:
    mobile = signing_service.context().signer("mobile")
    try:
        if request.form.get("decision") == "decline":
            mobile.decline(token)  # type: ignore[attr-defined]
            return _no_store(render("sign/mobile_done.html", ok=False, declined=True,
                                    message=None))
        mobile.confirm(token, request.form.get("pin", ""))  # type: ignore[attr-defined]
    except (TokenUnknown, TokenUsed, TokenExpired) as error:
        return _no_store(render("sign/mobile_done.html", status=410, ok=False,
                                message=describe(error)))
    except SigningError as error:
        try:
            prompt = mobile.open(token)  # type: ignore[attr-defined]
        except SigningError:
            return _no_store(render("sign/mobile_done.html", status=410, ok=False,
                                    message=describe(error)))
        return _no_store(render("sign/mobile_prompt.html", status=422, prompt=prompt,
                                token=token, error=describe(error)))
    return _no_store(render("sign/mobile_done.html", ok=True, message=None))


@bp.get("/status/<challenge_id>")
def signing_status(challenge_id: str) -> Response:
    """Pending, signed or failed; htmx polls the fragment every few seconds."""
    signer_name, continue_url = _tracked(challenge_id)
    signer = signing_service.context().signer(signer_name)
    state, message = "signed", None
    try:
        signer.complete(challenge_id)
    except SigningPending:
        state = "pending"
    except SigningError as error:
        state, message = "failed", describe(error)
    response = render("sign/status.html", "sign/_status.html", state=state, message=message,
                      continue_url=continue_url,
                      status_url=url_for("sign.signing_status", challenge_id=challenge_id))
    if state == "signed" and request.headers.get("HX-Request"):
        response.headers["HX-Redirect"] = continue_url
    return _no_store(response)

"""EDS signing pages shared by every journey: the phone page of the mobile signer and the status
that the page which started a signing polls (with htmx, or a plain button with JavaScript off)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, make_response, request, session, url_for
from flask_limiter.util import get_remote_address

from portal.extensions import limiter
from portal.htmx import is_htmx, render
from portal.services import signing as signing_service
from portal.signing_messages import REJECTED_MESSAGE, describe, purpose_label
from signing import Action, Challenge, Signer, SigningError
from signing.base import (
    ChallengeUnknown,
    SigningPending,
    TokenExpired,
    TokenUnknown,
    TokenUsed,
)

bp = Blueprint("sign", __name__)


@bp.app_template_filter("purpose_label")
def _purpose_label(code: str) -> str:
    return purpose_label(code)

_SESSION_KEY = "signings"
_MAX_TRACKED = 5


def remember_challenge(challenge: Challenge, continue_url: str) -> None:
    """Only the browser session that started a signing may poll its status; only signings that
    finish on another device (QR / phone link) have a status to poll."""
    if challenge.action is not Action.SCAN_QR:
        raise ValueError("only cross-device signings are polled")
    tracked: dict[str, list[str]] = dict(session.get(_SESSION_KEY, {}))
    tracked[challenge.id] = [challenge.signer, continue_url]
    session[_SESSION_KEY] = dict(list(tracked.items())[-_MAX_TRACKED:])


def tracked_challenge(challenge_id: str) -> tuple[str, str] | None:
    """(signer, continue URL) when this browser session began the signing, else None."""
    entry = session.get(_SESSION_KEY, {}).get(challenge_id)
    return None if entry is None else (entry[0], entry[1])


def _pin_limit_key() -> str:
    # Per address and per signing: a carrier's shared address must not lock out everyone, and
    # the signer's own three-tries lockout already limits guessing per person.
    return f"{get_remote_address()}:{(request.view_args or {}).get('token', '')[:64]}"


def _signer(name: str) -> Signer:
    try:
        return signing_service.context().signer(name)
    except signing_service.UnknownSigner:
        abort(404)  # that signer is not configured here (SIGNERS)


def _readable(document: bytes) -> str:
    """The signed bytes as a person can read them: indented JSON, or the text itself."""
    try:
        return json.dumps(json.loads(document), ensure_ascii=False, indent=2, sort_keys=True)
    except ValueError:
        return document.decode("utf-8", errors="replace")


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/mobile/<token>")
def mobile_prompt(token: str) -> Response:
    """The phone page: what is being signed, by whom, until when; asks for the PIN."""
    mobile = _signer("mobile")
    try:
        prompt = mobile.open(token)  # type: ignore[attr-defined]
    except (TokenUnknown, TokenUsed, TokenExpired) as error:
        status = 410 if isinstance(error, TokenExpired | TokenUsed) else 404
        return _no_store(render("sign/mobile_done.html", status=status, ok=False,
                                message=describe(error)))
    return _no_store(render("sign/mobile_prompt.html", prompt=prompt, token=token,
                            document_text=_readable(prompt.document)))


@bp.post("/mobile/<token>")
@limiter.limit("10 per minute", key_func=_pin_limit_key)
def mobile_confirm(token: str) -> Response:
    mobile = _signer("mobile")
    try:
        if request.form.get("decision") == "decline":
            mobile.decline(token, request.form.get("pin", ""))  # type: ignore[attr-defined]
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
                                token=token, error=describe(error),
                                document_text=_readable(prompt.document)))
    return _no_store(render("sign/mobile_done.html", ok=True, message=None))


@bp.get("/status/<challenge_id>")
def signing_status(challenge_id: str) -> Response:
    """Pending, signed or failed. htmx polls the body every 2 s; while nothing changes it gets
    204 (no swap), so focus and the screen reader's live region are left alone."""
    tracked = tracked_challenge(challenge_id)
    if tracked is None:
        if not is_htmx():
            abort(404)
        # A poll from a lost session: answer with a final state, which stops the polling.
        return _no_store(render("sign/_status_body.html", state="failed",
                                message=describe(ChallengeUnknown()), continue_url="",
                                status_url=""))
    signer_name, continue_url = tracked
    state, message = "signed", None
    try:
        if signing_service.context().rejection(challenge_id) is not None:
            state, message = "failed", str(REJECTED_MESSAGE)
        else:
            _signer(signer_name).complete(challenge_id)
    except SigningPending:
        state = "pending"
    except SigningError as error:
        state, message = "failed", describe(error)
    if state == "pending" and is_htmx():
        return _no_store(make_response("", 204))
    response = render("sign/status.html", "sign/_status_body.html", state=state, message=message,
                      continue_url=continue_url,
                      status_url=url_for("sign.signing_status", challenge_id=challenge_id))
    return _no_store(response)

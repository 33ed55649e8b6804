"""EDS signing pages shared by every journey: the phone page of the mobile signer and the status
that the page which started a signing polls (with htmx, or a plain button with JavaScript off)."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, make_response, request, session, url_for
from flask_limiter.util import get_remote_address

from portal import db
from portal.extensions import limiter
from portal.services import signing as signing_service
from portal.services import signing_phone
from portal.services.events import Actor
from portal.web.access import ANYONE, allow
from portal.web.htmx import is_htmx, no_store, render
from portal.web.signing_documents import render_document
from portal.web.signing_messages import REJECTED_MESSAGE, describe, purpose_label, refusal_reasons
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


# Tries of one person's PIN across all their signings and addresses; the key store's own lockout
# (3 tries, then growing pauses) is the real bound, this keeps the cost of guessing visible early.
PIN_LIMIT_PER_PERSON = "20 per hour"
PIN_LIMIT_PER_SIGNING = "10 per minute"


def _pin_limit_key() -> str:
    # Per address and per signing: a carrier's shared address must not lock out everyone.
    return f"{get_remote_address()}:{(request.view_args or {}).get('token', '')[:64]}"


def _pin_person_key() -> str:
    """The person who must sign behind the link, hashed; an unusable link is its own key."""
    token = (request.view_args or {}).get("token", "")[:64]
    iin = signing_phone.signer_of(token)
    if iin is None:
        return f"pin-link:{token}"
    return "pin-person:" + hashlib.sha256(iin.encode()).hexdigest()[:32]


_HIDDEN = "•••"
# Whoever polls a signing's status from the browser that began it (not signed in, perhaps).
_STATUS_PAGE = Actor("public", None, "signing_status")


def _signer(name: str) -> Signer:
    try:
        return signing_service.context().signer(name)
    except signing_service.UnknownSigner:
        abort(404)  # that signer is not configured here (SIGNERS)


@bp.app_template_filter("masked_name")
def masked_name(name: str) -> str:
    """"ҚАСЫМОВ БАУЫРЖАН" → "Қ••• Б•••": enough for the owner to recognise, little for others."""
    return " ".join(word[0] + _HIDDEN for word in name.split())


@bp.get("/mobile/<token>")
@allow(ANYONE)
def mobile_prompt(token: str) -> Response:
    """The phone page: what is being signed, by whom (masked), until when; asks for the PIN."""
    _signer("mobile")
    try:
        prompt = signing_phone.open_on_phone(token)
    except (TokenUnknown, TokenUsed, TokenExpired) as error:
        status = 410 if isinstance(error, TokenExpired | TokenUsed) else 404
        return no_store(render("sign/mobile_done.html", status=status, ok=False,
                                message=describe(error)))
    return no_store(render("sign/mobile_prompt.html", prompt=prompt, token=token,
                            document_html=render_document(prompt.purpose, prompt.document)))


@bp.post("/mobile/<token>")
@limiter.limit(PIN_LIMIT_PER_SIGNING, key_func=_pin_limit_key)
@limiter.limit(PIN_LIMIT_PER_PERSON, key_func=_pin_person_key)
@allow(ANYONE)
def mobile_confirm(token: str) -> Response:
    _signer("mobile")
    pin = request.form.get("pin", "")
    try:
        if request.form.get("decision") == "decline":
            signing_phone.decline_on_phone(db.session(), token, pin)
            return no_store(render("sign/mobile_done.html", ok=False, declined=True,
                                    message=None))
        result = signing_phone.confirm_on_phone(db.session(), token, pin)
    except (TokenUnknown, TokenUsed, TokenExpired) as error:
        return no_store(render("sign/mobile_done.html", status=410, ok=False,
                                message=describe(error)))
    except SigningError as error:
        try:
            prompt = signing_phone.open_on_phone(token)
        except SigningError:
            return no_store(render("sign/mobile_done.html", status=410, ok=False,
                                    message=describe(error, asked_for="pin")))
        return no_store(render("sign/mobile_prompt.html", status=422, prompt=prompt,
                                token=token, error=describe(error, asked_for="pin"),
                                document_html=render_document(prompt.purpose, prompt.document)))
    if result is not None and not result.ok:
        # Signed on the phone, but the portal will refuse it: say so, not "signed".
        return no_store(render("sign/mobile_done.html", ok=False, message=str(REJECTED_MESSAGE),
                                reasons=refusal_reasons(result.reason_codes)))
    return no_store(render("sign/mobile_done.html", ok=True, message=None))


@bp.get("/status/<challenge_id>")
@allow(ANYONE)
def signing_status(challenge_id: str) -> Response:
    """Pending, signed or failed. htmx polls the body every 2 s; while nothing changes it gets
    204 (no swap), so focus and the screen reader's live region are left alone."""
    tracked = tracked_challenge(challenge_id)
    if tracked is None:
        if not is_htmx():
            abort(404)
        # A poll from a lost session: answer with a final state, which stops the polling.
        return no_store(render("sign/_status_body.html", state="failed",
                                message=describe(ChallengeUnknown()), continue_url="",
                                status_url=""))
    signer_name, continue_url = tracked
    state, message, reasons = "signed", None, []
    try:
        refused = signing_service.context().rejection(challenge_id)
        if refused is None:
            envelope = _signer(signer_name).complete(challenge_id)
            # Verify as the journey will before saying "signed" (a refusal is remembered).
            result = signing_service.check_before_saying_signed(
                db.session(), _STATUS_PAGE, signer_name=signer_name, challenge_id=challenge_id,
                envelope=envelope)
            refused = None if result is None or result.ok else result.reason_codes
        if refused is not None:
            state, message, reasons = "failed", str(REJECTED_MESSAGE), refusal_reasons(refused)
    except SigningPending:
        state = "pending"
    except SigningError as error:
        state, message = "failed", describe(error)
    if state == "pending" and is_htmx():
        return no_store(make_response("", 204))
    response = render("sign/status.html", "sign/_status_body.html", state=state, message=message,
                      reasons=reasons, continue_url=continue_url,
                      status_url=url_for("sign.signing_status", challenge_id=challenge_id))
    return no_store(response)

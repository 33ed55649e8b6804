"""Who is signed in, and who may use which view: every view declares its audience, none is open
by default.

A signed-in cookie carries only a random token; the row behind it (`WebSession`, keyed by the
token's SHA-256) says whose session it is and whether it still lives: 15 minutes idle, 12 hours at
most, or ended by a sign-out anywhere. Polls and static files are not activity.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from flask import Flask, abort, current_app, flash, g, request, session, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.domain.accounts import SESSION_IDLE, SessionVerdict, session_verdict
from portal.domain.devices import device_label
from portal.domain.workflow import Role
from portal.models import Citizen, SessionEnd, StaffUser, SubjectKind, WebSession
from portal.web.htmx import is_htmx, redirect_after_post
from portal.web.sessions import POLL_ENDPOINTS

log = logging.getLogger("portal.security")

ANYONE: Final = "anyone"  # signed in or not
CITIZEN: Final = "citizen"
STAFF: Final = frozenset(r for r in Role if r not in {Role.CITIZEN, Role.SYSTEM})
# The back office's case pages and queue: every staff role but the 1414 operator, who reads a
# status through the lookup only.
BACK_OFFICE: Final = STAFF - {Role.OPERATOR}
Audience = str | Role
F = TypeVar("F", bound=Callable[..., Any])

# Endpoints of Flask itself that serve no person's data.
_EXEMPT: Final = frozenset({"static"})
_ENDED_MESSAGES: Final = {
    SessionVerdict.IDLE: _l("You were signed out after 15 minutes without activity. "
                            "Please sign in again."),
    SessionVerdict.TOO_OLD: _l("You were signed out because 12 hours have passed since you "
                               "signed in. Please sign in again."),
    SessionVerdict.ENDED: _l("This session has ended (you signed out on this or another "
                             "device). Please sign in again."),
}


def allow(*audience: Audience | Iterable[Role]) -> Callable[[F], F]:
    """Declare who may use a view: ``ANYONE``, ``CITIZEN`` or staff roles (or ``STAFF``)."""
    flat: set[Audience] = set()
    for item in audience:
        if isinstance(item, str | Role):
            flat.add(item)
        else:
            flat.update(item)

    def mark(view: F) -> F:
        view.access = frozenset(flat)  # type: ignore[attr-defined]
        return view

    return mark


def audience_of(view: Callable[..., Any]) -> frozenset[Audience] | None:
    access: frozenset[Audience] | None = getattr(view, "access", None)
    return access


@dataclass(frozen=True)
class Principal:
    """The person behind this request."""

    kind: str  # anonymous | citizen | staff
    id: int | None = None
    role: Role | None = None
    session_id: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.kind != "anonymous"

    def may_use(self, audience: frozenset[Audience]) -> bool:
        if ANYONE in audience:
            return True
        if self.kind == "citizen":
            return CITIZEN in audience
        return self.kind == "staff" and self.role in audience

    @property
    def citizen(self) -> Citizen | None:
        if self.kind != "citizen" or self.id is None:
            return None
        return db.session().get(Citizen, self.id)

    @property
    def staff(self) -> StaffUser | None:
        if self.kind != "staff" or self.id is None:
            return None
        return db.session().get(StaffUser, self.id)


ANONYMOUS: Final = Principal("anonymous")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_digest() -> str:
    return hashlib.sha256(request.headers.get("User-Agent", "").encode()).hexdigest()


def current() -> Principal:
    principal: Principal = g.get("principal", ANONYMOUS)
    return principal


def start_session(kind: SubjectKind, subject_id: int, method: Any) -> WebSession:
    """Sign in: a fresh cookie session (the old id is dropped) and a new server-side record.

    The caller commits; the token leaves this function only inside the cookie.
    """
    session.clear()
    token = secrets.token_urlsafe(32)
    row = WebSession(id=token_digest(token), subject_kind=kind, subject_id=subject_id,
                     method=method, device_hash=device_digest(),
                     device=device_label(request.headers.get("User-Agent")))
    db.session().add(row)
    session["sid"] = token
    return row


def rotate_session(row: WebSession, reason: SessionEnd) -> WebSession:
    """A new id for the session ``row`` is (after a password change): a new token in the cookie
    and a new record that keeps the sign-in time, so the absolute limit still counts from the
    sign-in; the old record ends. The rest of the cookie session stays. The caller commits."""
    token = secrets.token_urlsafe(32)
    new = WebSession(id=token_digest(token), subject_kind=row.subject_kind,
                     subject_id=row.subject_id, method=row.method, device_hash=row.device_hash,
                     device=row.device, created_at=row.created_at, last_seen_at=utcnow())
    end_session(row, reason)
    db.session().add(new)
    session["sid"] = token
    return new


def end_session(row: WebSession, reason: SessionEnd) -> None:
    if row.ended_at is None:
        row.ended_at = utcnow()
        row.ended_reason = reason


def fresh_marker(key: str, lifetime: dt.timedelta, now: dt.datetime) -> dict[str, Any] | None:
    """A step marker a multi-step journey keeps in the cookie session (``{"at": timestamp, …}``),
    or None when it is missing or older than ``lifetime`` (then it is dropped)."""
    marker = session.get(key)
    if not isinstance(marker, dict):
        return None
    if now.timestamp() - float(marker.get("at", 0)) > lifetime.total_seconds():
        session.pop(key, None)
        return None
    return marker


TOUCH_INTERVAL = dt.timedelta(seconds=30)


def current_row() -> WebSession | None:
    token = session.get("sid")
    return db.session().get(WebSession, token_digest(token)) if isinstance(token, str) else None


def _load_principal() -> Principal:
    """The principal of the cookie's session row, read as one row of plain columns (no ORM
    object: every signed-in request pays for this); written only when the session ends or its
    last-seen time is due (:data:`TOUCH_INTERVAL`)."""
    token = session.get("sid")
    if not isinstance(token, str):
        return ANONYMOUS
    digest = token_digest(token)
    connection = db.session().connection()
    row = connection.execute(_session_query(), {"id": digest}).first()
    now = utcnow()
    if row is None:
        session.clear()
        return ANONYMOUS
    kind, subject_id, created_at, last_seen_at, ended_at = row
    verdict = session_verdict(created_at, last_seen_at, ended_at, now)
    if verdict is not SessionVerdict.ACTIVE:
        if verdict is SessionVerdict.IDLE:
            _end(digest, SessionEnd.IDLE, now)
        elif verdict is SessionVerdict.TOO_OLD:
            _end(digest, SessionEnd.TOO_OLD, now)
        db.session().commit()
        session.clear()
        flash(str(_ENDED_MESSAGES[verdict]), "notice")
        return ANONYMOUS
    role: Role | None = None
    if kind is SubjectKind.STAFF:
        staff = db.session().get(StaffUser, subject_id)
        if staff is None or not staff.active:
            _end(digest, SessionEnd.DEACTIVATED, now)
            db.session().commit()
            session.clear()
            return ANONYMOUS
        role = staff.role
        # Held for the request: the session's identity map keeps only weak references, so
        # without this the row would be collected here and Principal.staff would read it again.
        g.staff_user = staff
    if request.endpoint not in POLL_ENDPOINTS and now - last_seen_at >= TOUCH_INTERVAL:
        # Activity keeps the session alive; a poll does not. Written at most every
        # TOUCH_INTERVAL: a write per request serialises a person's parallel requests (htmx
        # saves, assets, two tabs) on one row lock, and the idle limit loses at most that much.
        connection.execute(_touch_statement(), {"digest": digest, "seen": now})
        db.session().commit()
    return Principal(kind.value, subject_id, role, digest)


@functools.cache
def _session_query() -> Any:
    """Built once (SQLAlchemy then reuses its compiled form): what the check reads of the row."""
    return select(WebSession.subject_kind, WebSession.subject_id, WebSession.created_at,
                  WebSession.last_seen_at, WebSession.ended_at).where(
        WebSession.id == bindparam("id"))


@functools.cache
def _touch_statement() -> Any:
    # (an UPDATE keeps the column names for its own parameters)
    return update(WebSession).where(WebSession.id == bindparam("digest")).values(
        last_seen_at=bindparam("seen"))


def _end(digest: str, reason: SessionEnd, now: dt.datetime) -> None:
    """:func:`end_session` by the row's id, without loading it (the caller commits)."""
    db.session().execute(
        update(WebSession).where(WebSession.id == digest, WebSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason).execution_options(synchronize_session=False))


def staff_home(role: Role | None) -> str:
    """Where an official lands after signing in: the 1414 operator's search, everyone else's
    case queue (the operator may not open the queue)."""
    return url_for("operator.lookup_cases" if role is Role.OPERATOR else "staff.queue")


def sign_in_url_for(audience: frozenset[Audience]) -> str:
    staff_only = CITIZEN not in audience and ANYONE not in audience
    endpoint = "auth.staff_sign_in" if staff_only else "auth.sign_in"
    here = request.headers.get("HX-Current-URL") if is_htmx() else None
    target = request.full_path.rstrip("?") if request.method == "GET" else request.path
    if here:
        from urllib.parse import urlsplit

        parts = urlsplit(here)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for(endpoint, next=target)


def _check_access() -> BaseResponse | None:
    g.principal = ANONYMOUS
    endpoint = request.endpoint
    if endpoint is None or endpoint in _EXEMPT:
        return None  # a 404 or 405 is answered by Flask; static files carry nobody's data
    view = current_app.view_functions[endpoint]
    audience = audience_of(view)
    if audience is None:
        log.error("view %s declares no audience: refused", endpoint)
        abort(403)
    g.principal = principal = _load_principal()
    if principal.may_use(audience):
        return None
    if not principal.signed_in:
        location = sign_in_url_for(audience)
        if is_htmx():
            return redirect_after_post(location)
        from flask import redirect

        return redirect(location, code=303 if request.method != "GET" else 302)
    log.info("role %s refused %s", principal.role or principal.kind, endpoint)
    abort(403)


def seconds_left() -> int | None:
    """Seconds until the idle limit ends this session, for the warning (None when signed out)."""
    return int(SESSION_IDLE.total_seconds()) if current().signed_in else None


def init_app(app: Flask) -> None:
    app.before_request(_check_access)

    @app.context_processor
    def _principal() -> dict[str, Any]:
        return {"principal": current(), "session_seconds": seconds_left()}

    @app.template_global("may_open")
    def may_open(endpoint: str) -> bool:
        """Whether the person signed in may open ``endpoint`` (the menu shows only those)."""
        view = app.view_functions.get(endpoint)
        audience = audience_of(view) if view is not None else None
        return audience is not None and current().may_use(audience)

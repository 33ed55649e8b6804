"""Session cookies: one place that decides when a response carries the cookie.

Kept as a SessionInterface so that server-side idle and absolute limits can be added here later
(open_session refuses an expired session, save_session stamps the last activity).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import want_bytes

# Immutable files and health probes never carry a cookie: a shared cache could hand one person's
# cookie to another, and probes would renew sessions nobody is using.
QUIET_ENDPOINTS = frozenset({"static", "public.health", "public.ready"})
# Polls carry the cookie only when they change the session: polling is not activity, so it must
# not keep an idle session alive.
POLL_ENDPOINTS = frozenset({"sign.signing_status"})
# An unchanged session's cookie is signed and sent again only when it is older than this share of
# its lifetime: re-signing it on every response cost a tenth of a page. The cookie so lives at
# least nine tenths of PERMANENT_SESSION_LIFETIME (27 of 30 minutes) after the last request,
# longer than the server's own 15-minute idle limit on a signed-in session (access.py).
REFRESH_SHARE = 10


class KeyOnceSigner(TimestampSigner):
    """itsdangerous' signer, deriving its key from a secret key once per process instead of on
    every signature made or checked (an HMAC each time: a tenth of reading the cookie). The keys
    kept are those of the configuration (the secret key and its fallbacks), so they are few."""

    _derived: ClassVar[dict[tuple[bytes, bytes, str, object], bytes]] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        raw = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        key = (raw, self.salt, self.key_derivation, self.digest_method)
        found = self._derived.get(key)
        if found is None:
            found = self._derived[key] = super().derive_key(secret_key)
        return found


class PortalSession(SecureCookieSession):
    """The cookie session, knowing when its cookie was signed (None: no valid cookie came)."""

    signed_at: dt.datetime | None = None


class PortalSessionInterface(SecureCookieSessionInterface):
    session_class = PortalSession

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, made once per set of keys instead of twice per request (a tenth
        of a health check's time); it depends on nothing else."""
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if key not in self._serializers:
            serializer = super().get_signing_serializer(app)
            if serializer is not None:
                serializer.signer = KeyOnceSigner
            self._serializers[key] = serializer
        return self._serializers[key]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Flask's, keeping the time the cookie was signed (for :meth:`should_set_cookie`)."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        session = PortalSession()
        if value := request.cookies.get(self.get_cookie_name(app)):
            max_age = int(app.permanent_session_lifetime.total_seconds())
            try:
                data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:
                pass
            else:
                session = PortalSession(data)
                session.signed_at = signed_at
        if not session.permanent:
            # Every session ends after PERMANENT_SESSION_LIFETIME without a request. Marking it
            # so is not a change the visitor made, so it alone must not send a cookie.
            session.permanent = True
            session.modified = session.accessed = False
        return session

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if request.endpoint in QUIET_ENDPOINTS:
            return False
        if request.endpoint in POLL_ENDPOINTS:
            return session.modified
        if not session.keys() - {"_permanent"}:
            # Nothing but the lifetime marker: no cookie for visitors who keep nothing here,
            # unless the session was just emptied and the old cookie must be overwritten.
            return session.modified
        if not session.modified and _recently_signed(app, session):
            return False
        return super().should_set_cookie(app, session)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.endpoint in QUIET_ENDPOINTS:
            return  # not even the deletion of an empty session's cookie
        super().save_session(app, session, response)


def _recently_signed(app: Flask, session: SessionMixin) -> bool:
    signed_at: dt.datetime | None = getattr(session, "signed_at", None)
    if signed_at is None:
        return False
    age = dt.datetime.now(dt.UTC) - signed_at
    return bool(age < app.permanent_session_lifetime / REFRESH_SHARE)

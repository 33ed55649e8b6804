"""Rate-limit breaches as security events: a log line and an audit event, without personal data."""

from __future__ import annotations

import logging

from flask import current_app, request
from flask_limiter import RequestLimit

log = logging.getLogger("portal.security")


def on_breach(breach: RequestLimit) -> None:
    """Called by Flask-Limiter for each limit a request exceeds (before the 429 is sent).

    Only the endpoint name and the limit are kept: the URL's query string, the client's address
    and the limit key may all carry personal data (an IIN, a token, a phone number)."""
    endpoint = request.endpoint or "unknown"
    limit = str(breach.limit)
    log.warning("rate limit exceeded: endpoint=%s limit=%r", endpoint, limit)
    # Every 429 is logged, but one audit event per client, limit and window is enough; more
    # would let a flood of refused requests queue up on the audit chain's lock. The marker
    # lives in the limiter's storage, so it is shared by every worker.
    from portal.extensions import limiter

    try:
        first = limiter.storage.incr(f"breach-recorded/{breach.key}",
                                     breach.limit.get_expiry()) == 1
    except Exception as exc:  # storage trouble must not turn a 429 into a 500
        log.error("rate limit breach marker failed: %s", type(exc).__name__)
        first = True
    if first:
        _record(endpoint, limit)


def _record(endpoint: str, limit: str) -> None:
    from portal.services.events import Actor, record

    # Its own transaction: the refused request's session must not commit anything.
    session = current_app.extensions["db_sessionmaker"]()
    try:
        record(session, Actor("public", None, "public"), "rate_limited",
               data={"endpoint": endpoint, "limit": limit})
        session.commit()
    except Exception as exc:  # the 429 stands even when the audit log cannot be written
        session.rollback()
        log.error("rate limit event not recorded: %s", type(exc).__name__)
    finally:
        session.close()

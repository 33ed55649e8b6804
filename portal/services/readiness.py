"""What /readyz asks: can this worker reach the database, the rate-limit store, the broker and,
where uploads must be scanned (UPLOAD_SCAN_REQUIRED, production's default), the scanner?

Each check answers "ok", "unavailable" or "not used" (the embedded default has no Redis and runs
jobs in-process). A check never waits more than ``TIMEOUT`` seconds, and never reports an
error's text (it may name a host or a user)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy import text
from sqlalchemy.orm import Session

from portal.storage.scan import Scanner
from portal.storage.scan import scanner as app_scanner

log = logging.getLogger(__name__)
TIMEOUT: Final = 1.0


def _database(session: Session) -> str:
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:  # any failure of the database means "not ready"
        log.warning("readiness: database unavailable (%s)", type(exc).__name__)
        session.rollback()
        return "unavailable"
    return "ok"


def _redis(url: str) -> str:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        log.warning("readiness: redis unavailable (%s)", type(exc).__name__)
        return "unavailable"
    finally:
        client.close()
    return "ok"


def _broker(url: str) -> str:
    from kombu.connection import Connection

    try:
        with Connection(url, connect_timeout=TIMEOUT) as conn:  # type: ignore[no-untyped-call]
            conn.ensure_connection(max_retries=1, timeout=TIMEOUT)
    except Exception as exc:  # kombu raises per transport; any failure is "not ready"
        log.warning("readiness: broker unavailable (%s)", type(exc).__name__)
        return "unavailable"
    return "ok"


def _scanner(scanner: Scanner) -> str:
    """A worker whose uploads would all be refused ("try again later") is not ready."""
    if scanner.ping(TIMEOUT):
        return "ok"
    log.warning("readiness: upload scanner unavailable (%s)", scanner.name)
    return "unavailable"


def check(config: Mapping[str, Any], session: Session,
          scanner: Scanner | None = None) -> dict[str, str]:
    """Each part's answer; ``scanner`` is the app's own unless another is given."""
    limits = str(config.get("RATELIMIT_STORAGE_URI") or "")
    broker = str(config.get("CELERY_BROKER_URL") or "")
    eager = bool(config.get("CELERY_TASK_ALWAYS_EAGER"))
    return {
        "database": _database(session),
        "rate_limits": _redis(limits) if limits.startswith(("redis://", "rediss://"))
        else "not used",
        "broker": "not used" if eager or not broker else _broker(broker),
        "scanner": _scanner(scanner or app_scanner()) if config.get("UPLOAD_SCAN_REQUIRED")
        else "not used",
    }

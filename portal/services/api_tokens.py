"""Issuing, revoking and checking the status API's bearer tokens (each an event)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.api import tokens
from portal.api.tokens import Claims, TokenRefused
from portal.models import ApiToken
from portal.services import events


@dataclass(frozen=True)
class Issued:
    token: str
    token_id: str
    expires_at: dt.datetime


def _key() -> str:
    key: str = current_app.config.get("API_TOKEN_KEY") or ""
    if not key:
        raise RuntimeError("API_TOKEN_KEY is not configured")
    return key


def _issuer() -> str:
    return str(current_app.config.get("API_TOKEN_ISSUER") or current_app.config["PUBLIC_BASE_URL"])


def issue(session: Session, system: str, days: int, *, now: dt.datetime) -> Issued:
    token_id = str(uuid.uuid4())
    expires_at = now + dt.timedelta(days=days)
    session.add(ApiToken(id=token_id, system=system, issued_at=now, expires_at=expires_at))
    events.record(session, events.Actor.system(), "api_token_issued",
                  data={"system": system, "token_id": token_id, "days": days})
    session.commit()
    token = tokens.encode(key=_key(), issuer=_issuer(), system=system, token_id=token_id,
                          issued_at=now, expires_at=expires_at)
    return Issued(token, token_id, expires_at)


def revoke(session: Session, token_id: str, *, now: dt.datetime) -> bool:
    row = session.get(ApiToken, token_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = now
    events.record(session, events.Actor.system(), "api_token_revoked",
                  data={"system": row.system, "token_id": token_id})
    session.commit()
    return True


def listing(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.issued_at)))


def check(session: Session, token: str) -> Claims:
    """The claims of a token we issued and have not revoked, or TokenRefused."""
    previous = current_app.config.get("API_TOKEN_PREVIOUS_KEYS") or []
    claims = tokens.decode(token, key=_key(), issuer=_issuer(), previous=previous)
    row = session.get(ApiToken, claims.token_id)
    if row is None or row.system != claims.system:
        raise TokenRefused("unknown")
    if row.revoked_at is not None:
        raise TokenRefused("revoked")
    return claims

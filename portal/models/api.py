"""Bearer tokens issued to partner systems for the status API: one row per token id (``jti``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow


class ApiToken(Base):
    """A token is honoured only while its row exists and is not revoked: the signature proves
    who issued it, the row lets an administrator take it back before it expires."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the JWT's jti
    system: Mapped[str] = mapped_column(String(100), index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]

"""Evidence of the e-government gateway: every request, its outcome and the signed answer."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow
from portal.domain.registers import GatewayOutcome, GatewayQuery, Requester, SourceSystem
from portal.models._types import enum_column


class GatewayRequest(Base):
    """One call to a register (F1-2, R3.3, R6.3): asked by whom, about whom, and what came back.

    ``outcome`` is empty while a queued call is pending. ``document`` holds the exact bytes the
    answering body signed and ``envelope`` its JWS; both stay empty when the register did not
    answer (timeout, unavailable).
    """

    __tablename__ = "gateway_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    query: Mapped[GatewayQuery] = mapped_column(enum_column(GatewayQuery))
    source_system: Mapped[SourceSystem] = mapped_column(enum_column(SourceSystem))
    subject_iin: Mapped[str] = mapped_column(String(12), index=True)
    requester: Mapped[Requester] = mapped_column(enum_column(Requester))
    requester_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    requester_citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), index=True
    )
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[dt.datetime | None]
    outcome: Mapped[GatewayOutcome | None] = mapped_column(enum_column(GatewayOutcome))
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    envelope: Mapped[str | None] = mapped_column(Text)
    signer_iin: Mapped[str | None] = mapped_column(String(12))  # the answering body's certificate
    duration_ms: Mapped[int | None] = mapped_column(Integer)

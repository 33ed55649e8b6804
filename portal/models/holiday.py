"""L10.2: assistance for public holidays and memorable dates, granted without an application."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.domain.forms import NotificationChannel, NotificationStatus
from portal.models._types import enum_column
from portal.models.district import District
from portal.models.people import Citizen


class HolidayAward(Base):
    """One person's holiday assistance: its decision and its notification, with no case behind
    it (line 373) — so it never enters the application workflow or its deadlines."""

    __tablename__ = "holiday_awards"
    __table_args__ = (CheckConstraint("amount_tiyn > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    occasion: Mapped[str] = mapped_column(String(200))  # the holiday or memorable date
    occasion_on: Mapped[dt.date] = mapped_column(Date)
    assistance_type: Mapped[str] = mapped_column(String(300))
    decision_number: Mapped[str] = mapped_column(String(30), unique=True)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    amount_tiyn: Mapped[int] = mapped_column(Integer)
    head_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    decision_signature_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id"))
    notification_channel: Mapped[NotificationChannel] = mapped_column(
        enum_column(NotificationChannel)
    )
    notification_status: Mapped[NotificationStatus] = mapped_column(
        enum_column(NotificationStatus), default=NotificationStatus.PENDING
    )
    notified_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    district: Mapped[District] = relationship()
    citizen: Mapped[Citizen] = relationship()

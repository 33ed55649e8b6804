"""People who sign in: citizens (recipients) and staff with their roles."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.domain.calendar import Channel
from portal.domain.forms import Sex
from portal.domain.workflow import Actor, Role
from portal.models._types import enum_column
from portal.models.district import Desk, District


class Citizen(Base):
    __tablename__ = "citizens"
    __table_args__ = (CheckConstraint("locale IN ('kk', 'ru', 'en')", name="locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    iin: Mapped[str] = mapped_column(String(12), unique=True)
    surname: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex))  # as the IIN says
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(2), default="kk")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The account is usable once its phone answered a code (or the person signed with EDS).
    confirmed_at: Mapped[dt.datetime | None]
    password_changed_at: Mapped[dt.datetime | None]

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    # For intake staff: the desk they sit at, which gives the channel (lines 51, 55).
    desk_id: Mapped[int | None] = mapped_column(ForeignKey("desks.id"))
    iin: Mapped[str | None] = mapped_column(String(12))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Until when the first password an administrator issued signs in; None once the person set
    # their own (or for a password that was never a first one). ASVS 6.4.1.
    first_password_until: Mapped[dt.datetime | None]

    district: Mapped[District | None] = relationship()
    desk: Mapped[Desk | None] = relationship()

    @property
    def channel(self) -> Channel | None:
        return self.desk.channel if self.desk is not None else None

    @property
    def actor(self) -> Actor:
        """How the workflow sees this person: role and desk."""
        return Actor(self.role, self.channel)

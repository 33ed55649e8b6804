"""Districts and their providers, with the per-district configuration the maslikhat adopts."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.domain.calendar import Channel
from portal.domain.forms import AkimatLevel, Frequency
from portal.domain.grounds import GroundCategory
from portal.models._types import enum_column


class District(Base):
    """A city or district whose local executive body is the provider (R2.1)."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_kk: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    provider_name_kk: Mapped[str] = mapped_column(String(300))
    provider_name_ru: Mapped[str] = mapped_column(String(300))
    provider_name_en: Mapped[str] = mapped_column(String(300))
    provider_bin: Mapped[str] = mapped_column(String(12))
    # F5 title (line 523): the akimat of a republican city, the capital, a district or a city of
    # regional significance.
    akimat_level: Mapped[AkimatLevel] = mapped_column(
        enum_column(AkimatLevel), default=AkimatLevel.DISTRICT
    )
    # Threshold = subsistence minimum × numerator / denominator (Model Rules p.8(4)); no floats.
    threshold_numerator: Mapped[int] = mapped_column(Integer, default=1)
    threshold_denominator: Mapped[int] = mapped_column(Integer, default=1)

    grounds: Mapped[list[DistrictGround]] = relationship(
        back_populates="district", cascade="all, delete-orphan", order_by="DistrictGround.id"
    )
    desks: Mapped[list[Desk]] = relationship(
        back_populates="district", cascade="all, delete-orphan", order_by="Desk.id"
    )


class Desk(Base):
    """A place that accepts applications: the provider, a rural akim's office or a State
    Corporation branch (R2.2); it gives intake staff their channel, and says whether it is a
    State Corporation duty branch with longer hours and Saturdays (L7, line 364)."""

    __tablename__ = "desks"
    __table_args__ = (
        CheckConstraint("channel <> 'portal'", name="not_portal"),
        CheckConstraint("NOT duty_branch OR channel = 'state_corp'", name="duty_is_state_corp"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    # Printed on receipts and staff pages in the page's language, as the district's names are.
    name_kk: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    duty_branch: Mapped[bool] = mapped_column(default=False)

    district: Mapped[District] = relationship(back_populates="desks")

    def name_in(self, language: str) -> str:
        """The desk's name in ``language`` (kk, ru or en); the Kazakh one for any other, or
        where that name is empty."""
        name = getattr(self, f"name_{language}", None) if language in ("ru", "en") else None
        return name or self.name_kk


class DistrictGround(Base):
    """One category the district's maslikhat adopted, with its amount and frequency.

    Rows are versions: an administrator's edit retires the row (``retired_at``) and adds a new
    one, so an application keeps pointing at the configuration it was made and decided under.
    Only one current (not retired) row per category and frequency."""

    __tablename__ = "district_grounds"
    __table_args__ = (
        Index(
            "uq_district_grounds_current", "district_id", "category", "frequency", unique=True,
            sqlite_where=text("retired_at IS NULL"),
            postgresql_where=text("retired_at IS NULL"),
        ),
        CheckConstraint("amount_tiyn >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    category: Mapped[GroundCategory] = mapped_column(enum_column(GroundCategory))
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency))
    amount_tiyn: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(default=True)
    # None = use grounds.DEFAULT_GROUND_RULES; a value overrides it for this district.
    needs_precinct_inspection: Mapped[bool | None] = mapped_column(default=None)
    needs_income: Mapped[bool | None] = mapped_column(default=None)
    needs_special_commission: Mapped[bool | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # The version this row replaced, so the history of one ground reads as a chain.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("district_grounds.id"))

    district: Mapped[District] = relationship(back_populates="grounds")

    @property
    def current(self) -> bool:
        return self.retired_at is None


class Commission(enum.StrEnum):
    PRECINCT = "precinct"  # R7.2: the precinct commission inspects and concludes (F3, F4)
    SPECIAL = "special"  # R11.1: the special commission recommends (F5)


class CommissionRole(enum.StrEnum):
    CHAIR = "chair"
    MEMBER = "member"
    SECRETARY = "secretary"


class CommissionMember(Base):
    """A member of one of the district's commissions; acts and conclusions name them. A member
    who leaves is made inactive, never deleted: signed acts still name them."""

    __tablename__ = "commission_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    commission: Mapped[Commission] = mapped_column(enum_column(Commission))
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))
    role: Mapped[CommissionRole] = mapped_column(enum_column(CommissionRole))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    district: Mapped[District] = relationship()


class DayKind(enum.StrEnum):
    DAY_OFF = "day_off"  # a weekday the decree makes a day off
    WORKING_DAY = "working_day"  # a weekend day the decree makes worked


class CalendarOverride(Base):
    """A day moved by a government decree, entered by an administrator: it extends the built-in
    table and the CALENDAR_OVERRIDES file (services/workdays.py). The transfers are national, so
    the table is not per district."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    kind: Mapped[DayKind] = mapped_column(enum_column(DayKind))
    act: Mapped[str] = mapped_column(String(300))  # the decree that moved the day
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

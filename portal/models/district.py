"""Districts and their providers, with the per-district configuration the maslikhat adopts."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
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
    name: Mapped[str] = mapped_column(String(200))
    duty_branch: Mapped[bool] = mapped_column(default=False)

    district: Mapped[District] = relationship(back_populates="desks")


class DistrictGround(Base):
    """One category the district's maslikhat adopted, with its amount and frequency."""

    __tablename__ = "district_grounds"
    __table_args__ = (
        UniqueConstraint("district_id", "category", "frequency"),
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

    district: Mapped[District] = relationship(back_populates="grounds")

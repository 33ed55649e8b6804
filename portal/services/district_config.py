"""An administrator configures their district: the grounds the maslikhat adopted (amount,
frequency, the R7.2 / L8.2 / F5 overrides), the income threshold, the commission members, and the
national calendar override table. Each change is one transaction and one event with before → after.

A ground row is never changed in place: an edit retires it and adds the new version, so every
application keeps the configuration it was made and decided under (Application.district_ground_id).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.domain.calendar import load_overrides
from portal.domain.forms import Frequency
from portal.domain.grounds import GroundCategory, load_ground_rules
from portal.models import (
    CalendarOverride,
    Commission,
    CommissionMember,
    CommissionRole,
    DayKind,
    District,
    DistrictGround,
    StaffUser,
)
from portal.services import events
from portal.services.staff_accounts import actor_of

RULE_FIELDS = ("needs_precinct_inspection", "needs_income", "needs_special_commission")


class ConfigProblem(StrEnum):
    COMMISSION_REQUIRED = "commission_required"  # F5: grounds 1), 2), 4) always go to it
    GROUND_EXISTS = "ground_exists"  # one current row per category and frequency
    DAY_TAKEN = "day_taken"  # one override per day
    BAD_THRESHOLD = "bad_threshold"
    CHANGED_MEANWHILE = "changed_meanwhile"  # another administrator saved this ground first


class ConfigRefused(Exception):
    def __init__(self, problem: ConfigProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class GroundSettings:
    frequency: Frequency
    amount_tiyn: int
    enabled: bool
    needs_precinct_inspection: bool | None
    needs_income: bool | None
    needs_special_commission: bool | None

    def snapshot(self) -> dict[str, Any]:
        return {"frequency": self.frequency.value, "amount_tiyn": self.amount_tiyn,
                "enabled": self.enabled, **{f: getattr(self, f) for f in RULE_FIELDS}}


def settings_of(ground: DistrictGround) -> GroundSettings:
    return GroundSettings(ground.frequency, ground.amount_tiyn, ground.enabled,
                          ground.needs_precinct_inspection, ground.needs_income,
                          ground.needs_special_commission)


def current_grounds(session: Session, district_id: int) -> list[DistrictGround]:
    return list(session.scalars(
        select(DistrictGround).where(DistrictGround.district_id == district_id,
                                     DistrictGround.retired_at.is_(None))
        .order_by(DistrictGround.category, DistrictGround.frequency)))


def _check_rules(category: GroundCategory, settings: GroundSettings) -> None:
    """The domain refuses what the law does not allow (F5 for grounds 1, 2, 4)."""
    changes = {f: getattr(settings, f) for f in RULE_FIELDS if getattr(settings, f) is not None}
    try:
        load_ground_rules({category.value: changes})
    except ValueError:
        raise ConfigRefused(ConfigProblem.COMMISSION_REQUIRED) from None


def _taken(session: Session, district_id: int, category: GroundCategory, frequency: Frequency,
           but: int | None = None) -> bool:
    query = select(DistrictGround.id).where(
        DistrictGround.district_id == district_id, DistrictGround.category == category,
        DistrictGround.frequency == frequency, DistrictGround.retired_at.is_(None))
    if but is not None:
        query = query.where(DistrictGround.id != but)
    return session.scalar(query) is not None


def add_ground(session: Session, admin: StaffUser, category: GroundCategory,
               settings: GroundSettings) -> DistrictGround:
    """A category the maslikhat adopted. Commits."""
    assert admin.district_id is not None
    _check_rules(category, settings)
    if _taken(session, admin.district_id, category, settings.frequency):
        raise ConfigRefused(ConfigProblem.GROUND_EXISTS)
    ground = DistrictGround(district_id=admin.district_id, category=category,
                            frequency=settings.frequency, amount_tiyn=settings.amount_tiyn,
                            enabled=settings.enabled,
                            **{f: getattr(settings, f) for f in RULE_FIELDS})
    session.add(ground)
    session.flush()
    events.record(session, actor_of(admin), "ground_added",
                  data={"district": admin.district_id, "ground": ground.id,
                        "category": category.value, "before": None,
                        "after": settings.snapshot()})
    session.commit()
    return ground


def change_ground(session: Session, admin: StaffUser, ground: DistrictGround,
                  settings: GroundSettings) -> DistrictGround | None:
    """Retire ``ground`` and add its new version; None when nothing changed. Commits."""
    before = settings_of(ground)
    if before == settings:
        return None
    _check_rules(ground.category, settings)
    if _taken(session, ground.district_id, ground.category, settings.frequency, but=ground.id):
        raise ConfigRefused(ConfigProblem.GROUND_EXISTS)
    # Only a row still current is retired: of two administrators saving at once, one wins.
    retired = session.execute(
        update(DistrictGround).where(DistrictGround.id == ground.id,
                                     DistrictGround.retired_at.is_(None))
        .values(retired_at=utcnow()).execution_options(synchronize_session="fetch"))
    if retired.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise ConfigRefused(ConfigProblem.CHANGED_MEANWHILE)
    new = DistrictGround(district_id=ground.district_id, category=ground.category,
                         frequency=settings.frequency, amount_tiyn=settings.amount_tiyn,
                         enabled=settings.enabled, replaces_id=ground.id,
                         **{f: getattr(settings, f) for f in RULE_FIELDS})
    session.add(new)
    try:
        session.flush()
    except IntegrityError:  # the partial unique index: someone saved this ground meanwhile
        session.rollback()
        raise ConfigRefused(ConfigProblem.CHANGED_MEANWHILE) from None
    events.record(session, actor_of(admin), "ground_changed",
                  data={"district": ground.district_id, "category": ground.category.value,
                        "ground": new.id, "replaces": ground.id,
                        "before": before.snapshot(), "after": settings.snapshot()})
    session.commit()
    return new


def change_threshold(session: Session, admin: StaffUser, district: District, numerator: int,
                     denominator: int) -> bool:
    """The income threshold as a multiple of the subsistence minimum; False when unchanged.
    Cases already computed keep the threshold they were computed with (IncomeComputation)."""
    if numerator < 0 or denominator <= 0:
        raise ConfigRefused(ConfigProblem.BAD_THRESHOLD)
    before = [district.threshold_numerator, district.threshold_denominator]
    if before == [numerator, denominator]:
        return False
    district.threshold_numerator, district.threshold_denominator = numerator, denominator
    events.record(session, actor_of(admin), "threshold_changed",
                  data={"district": district.id, "before": before,
                        "after": [numerator, denominator]})
    session.commit()
    return True


# -- commission members ------------------------------------------------------------------------

def _member_snapshot(m: CommissionMember) -> dict[str, Any]:
    return {"commission": m.commission.value, "full_name": m.full_name, "position": m.position,
            "role": m.role.value, "active": m.active}


def add_member(session: Session, admin: StaffUser, *, commission: Commission, full_name: str,
               position: str, role: CommissionRole) -> CommissionMember:
    assert admin.district_id is not None
    member = CommissionMember(district_id=admin.district_id, commission=commission,
                              full_name=full_name, position=position, role=role, active=True)
    session.add(member)
    session.flush()
    events.record(session, actor_of(admin), "commission_member_added",
                  data={"district": admin.district_id, "member": member.id, "before": None,
                        "after": _member_snapshot(member)})
    session.commit()
    return member


def change_member(session: Session, admin: StaffUser, member: CommissionMember, *,
                  commission: Commission, full_name: str, position: str, role: CommissionRole,
                  active: bool) -> bool:
    before = _member_snapshot(member)
    member.commission, member.full_name, member.position = commission, full_name, position
    member.role, member.active = role, active
    after = _member_snapshot(member)
    if after == before:
        return False
    events.record(session, actor_of(admin), "commission_member_changed",
                  data={"district": member.district_id, "member": member.id, "before": before,
                        "after": after})
    session.commit()
    return True


# -- the calendar override table ---------------------------------------------------------------

def overrides(session: Session) -> list[CalendarOverride]:
    return list(session.scalars(select(CalendarOverride).order_by(CalendarOverride.day)))


def add_day(session: Session, admin: StaffUser, *, day: dt.date, kind: DayKind,
            act: str) -> CalendarOverride:
    """A day a decree moved. Commits; every worker's calendar has it within its cache time."""
    if session.scalar(select(CalendarOverride.id).where(CalendarOverride.day == day)):
        raise ConfigRefused(ConfigProblem.DAY_TAKEN)
    key = "extra_days_off" if kind is DayKind.DAY_OFF else "extra_working_days"
    load_overrides({key: {day.isoformat(): act}})  # the domain's own checks on the entry
    row = CalendarOverride(day=day, kind=kind, act=act, created_by_id=admin.id)
    session.add(row)
    session.flush()
    events.record(session, actor_of(admin), "calendar_day_added",
                  data={"override": row.id, "before": None,
                        "after": {"day": day.isoformat(), "kind": kind.value, "act": act}})
    session.commit()
    _forget()
    return row


def remove_day(session: Session, admin: StaffUser, row: CalendarOverride) -> None:
    before = {"day": row.day.isoformat(), "kind": row.kind.value, "act": row.act}
    session.delete(row)
    events.record(session, actor_of(admin), "calendar_day_removed",
                  data={"override": row.id, "before": before, "after": None})
    session.commit()
    _forget()


def _forget() -> None:
    from portal.services import workdays

    workdays.forget()


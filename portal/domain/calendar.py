"""Working days (Labour Code calendar) and the channels' working hours in Asia/Almaty (L7, R7.1)."""

from __future__ import annotations

import enum
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Final
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "ALMATY",
    "CHANNEL_HOURS",
    "DEFAULT_OVERRIDES",
    "CalendarOverrides",
    "Channel",
    "ChannelHours",
    "OfficeHours",
    "WorkingCalendar",
    "to_local",
]

ALMATY: Final = ZoneInfo("Asia/Almaty")
_ONE_DAY: Final = timedelta(days=1)


class Channel(enum.StrEnum):
    """The four ways an application reaches the provider (R2.2)."""

    PROVIDER = "provider"
    RURAL_AKIM = "rural_akim"
    STATE_CORP = "state_corp"
    PORTAL = "portal"


@dataclass(frozen=True)
class OfficeHours:
    """A working day's opening span; breaks inside it are closed (half-open intervals)."""

    opens: time
    closes: time
    breaks: tuple[tuple[time, time], ...] = ()

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise ValueError("office hours must open before they close")
        for start, end in self.breaks:
            if not self.opens <= start < end <= self.closes:
                raise ValueError("a break must lie inside the office hours")

    def is_open_at(self, t: time) -> bool:
        if not self.opens <= t < self.closes:
            return False
        return not any(start <= t < end for start, end in self.breaks)


@dataclass(frozen=True)
class ChannelHours:
    """L7 hours of one channel.

    ``office_day`` decides the registration date (R7.1); a lunch break does not end the working
    day, so only its opening and closing count there. ``intake`` is when people are served at a
    desk; None means around the clock (the portal).
    """

    office_day: OfficeHours
    intake: OfficeHours | None


_LOCAL_OFFICE: Final = ChannelHours(
    office_day=OfficeHours(time(9), time(18), breaks=((time(13), time(14)),)),
    intake=OfficeHours(time(9), time(17, 30), breaks=((time(13), time(14, 30)),)),
)

CHANNEL_HOURS: Final[Mapping[Channel, ChannelHours]] = MappingProxyType(
    {
        Channel.PROVIDER: _LOCAL_OFFICE,
        Channel.RURAL_AKIM: _LOCAL_OFFICE,
        # Ordinary State Corporation branches; duty branches' evenings and Saturdays are left out
        # because R7.1 registration happens at the provider, on working days only.
        Channel.STATE_CORP: ChannelHours(
            office_day=OfficeHours(time(9), time(18)),
            intake=OfficeHours(time(9), time(18)),
        ),
        # The portal takes applications at any time, but the provider registers them in its own
        # working day (L7).
        Channel.PORTAL: ChannelHours(office_day=_LOCAL_OFFICE.office_day, intake=None),
    }
)


@dataclass(frozen=True)
class CalendarOverrides:
    """Days the government moved by decree that the ``holidays`` package may not know yet."""

    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        clash = self.extra_days_off & self.extra_working_days
        if clash:
            listed = ", ".join(d.isoformat() for d in sorted(clash))
            raise ValueError(f"a day cannot be both an extra day off and worked: {listed}")


# holidays >= 0.109 knows all of these; they are pinned here so that an older package cannot
# silently shift a statutory deadline.
DEFAULT_OVERRIDES: Final = CalendarOverrides(
    extra_days_off=frozenset(
        {
            date(2025, 1, 3),  # day off moved from Sunday 5 January 2025 by decree
        }
    ),
    extra_working_days=frozenset(
        {
            date(2025, 1, 5),  # Sunday worked in exchange for 3 January 2025
            # The 2026 constitution moves Constitution Day to 15 March from 2027, so 30 August
            # 2026 is no holiday and Monday 31 August is no carried-over day off.
            date(2026, 8, 31),
        }
    ),
)


def to_local(dt: datetime) -> datetime:
    """Convert an aware datetime to Asia/Almaty; naive datetimes are refused as ambiguous."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return dt.astimezone(ALMATY)


class WorkingCalendar:
    """Kazakhstan's working days: Monday–Friday less public holidays, carry-overs and transfers.

    Built on ``holidays.KZ`` plus :class:`CalendarOverrides`; overrides win over the package.
    """

    def __init__(self, overrides: CalendarOverrides = DEFAULT_OVERRIDES) -> None:
        self._overrides = overrides
        self._days_off_by_year: dict[int, frozenset[date]] = {}
        # holidays.HolidayBase fills itself lazily and is not safe to share between threads, so
        # each year is computed once, under a lock, into an immutable set.
        self._lock = threading.Lock()

    @property
    def overrides(self) -> CalendarOverrides:
        return self._overrides

    def is_working_day(self, d: date) -> bool:
        if d in self._overrides.extra_working_days:
            return True
        if d in self._overrides.extra_days_off:
            return False
        return d not in self._days_off(d.year)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        day = d + _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d``: the day of the event itself is not counted.

        ``n == 0`` gives ``d`` when it is a working day, otherwise the next working day: the
        first day on which something done "the same working day" can be done.
        """
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        if n == 0:
            return d if self.is_working_day(d) else self.next_working_day(d)
        day = d
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b``; negative if ``b`` precedes ``a``."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a + _ONE_DAY
        while day <= b:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count

    def registration_date(self, arrived_at: datetime, channel: Channel) -> date:
        """R7.1: the day an application that arrived at ``arrived_at`` through ``channel`` is
        registered.

        An arrival during the channel's office day on a working day registers that day. Before
        opening on a working day it waits for that day's opening; after closing, or on a day
        off, it is registered on the first working day after.
        """
        local = to_local(arrived_at)
        day = local.date()
        if self.is_working_day(day):
            hours = CHANNEL_HOURS[channel].office_day
            if local.time() < hours.closes:
                return day
        return self.next_working_day(day)

    def is_accepting(self, now: datetime, channel: Channel) -> bool:
        """Whether ``channel`` takes applications at ``now`` (L7 intake hours).

        The portal always accepts; what it accepts out of hours is registered later (R7.1).
        """
        intake = CHANNEL_HOURS[channel].intake
        local = to_local(now)
        if intake is None:
            return True
        return self.is_working_day(local.date()) and intake.is_open_at(local.time())

    def _days_off(self, year: int) -> frozenset[date]:
        with self._lock:
            cached = self._days_off_by_year.get(year)
            if cached is None:
                cached = _package_days_off(year)
                self._days_off_by_year[year] = cached
            return cached


def _package_days_off(year: int) -> frozenset[date]:
    # The next year is loaded too: a decree for January may make a late-December Saturday worked.
    kz = holidays.country_holidays("KZ", years=(year, year + 1))
    day = date(year, 1, 1)
    off: set[date] = set()
    while day.year == year:
        if not kz.is_working_day(day):
            off.add(day)
        day += _ONE_DAY
    return frozenset(off)

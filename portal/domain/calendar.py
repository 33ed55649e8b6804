"""Working days (Labour Code calendar) and the channels' working hours in Asia/Almaty (L7, R7.1)."""

from __future__ import annotations

import enum
import re
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
    "DUTY_BRANCH_HOURS",
    "CalendarOverrides",
    "Channel",
    "ChannelHours",
    "OfficeHours",
    "WorkingCalendar",
    "load_overrides",
    "to_local",
]

ALMATY: Final = ZoneInfo("Asia/Almaty")
# Python accepts 20270104 and 2027-W01-1 as ISO dates; the override file says YYYY-MM-DD.
_ISO_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
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
        # Ordinary State Corporation branches; duty branches have DUTY_BRANCH_HOURS.
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
class DutyBranchHours:
    """L7: a State Corporation duty branch serves Mon–Fri 09:00–20:00 and Saturday 09:00–13:00.

    It serves on Saturdays that are days off (line 364 names Saturday as such); on a public
    holiday it is closed like every other office.
    """

    weekday: OfficeHours
    saturday: OfficeHours

    def hours_on(self, d: date, working_day: bool, holiday: bool) -> OfficeHours | None:
        if working_day:
            return self.weekday
        if d.weekday() == _SATURDAY and not holiday:
            return self.saturday
        return None


_SATURDAY: Final = 5

DUTY_BRANCH_HOURS: Final = DutyBranchHours(
    weekday=OfficeHours(time(9), time(20)), saturday=OfficeHours(time(9), time(13))
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


# Each day cites the act behind it. holidays >= 0.109 knows the 2025 transfer; it is pinned here
# so that an older package cannot silently shift a statutory deadline. A district or an operator
# adds a new decree's days with the CALENDAR_OVERRIDES setting (see load_overrides), not in code.
DEFAULT_OVERRIDES: Final = CalendarOverrides(
    extra_days_off=frozenset(
        {
            # Government Decree on the transfer of days off in 2025 (adilet G24G0000436):
            # Friday 3 January off, Sunday 5 January worked.
            date(2025, 1, 3),
            # First day of Kurban Ait 2026, a day off under art. 5 of the Law "On holidays in the
            # Republic of Kazakhstan" (No. 267-II of 13 December 2001); its date is fixed each
            # year by the religious affairs body. holidays 0.109 only estimates it, so the date
            # is pinned here and cannot move under a package upgrade.
            date(2026, 5, 27),
        }
    ),
    extra_working_days=frozenset(
        {
            date(2025, 1, 5),  # Sunday worked in exchange for 3 January 2025 (G24G0000436)
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
        self._by_year: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
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
        """R7.1: the last day on which an application that arrived at ``arrived_at`` through
        ``channel`` must be registered by the provider or the rural akim.

        An arrival within the office day (opening to closing; lunch does not end the day) of a
        working day is registered that day. Anything else is "outside the working day" and is
        registered on the first working day after the day of arrival — an arrival at 07:00 on a
        Tuesday included, as the order's text says (seed line 51; docs/seed-notes.md, R7.1).
        This is the latest lawful day: registering earlier is always allowed.
        """
        local = to_local(arrived_at)
        day = local.date()
        hours = CHANNEL_HOURS[channel].office_day
        if self.is_working_day(day) and hours.opens <= local.time() < hours.closes:
            return day
        return self.next_working_day(day)

    def term_starts_on(
        self, arrived_at: datetime, channel: Channel, *, duty_branch: bool = False
    ) -> date:
        """L3.1, L7: the day from which the 8-working-day term counts.

        At a desk the term runs from handing in the package, so it starts on the day the desk
        took it — a duty branch's Saturday or evening included. On the portal an application made
        after the end of the working day, on a day off or a holiday counts from the next working
        day (L7, line 366); one made before opening on a working day counts from that day, since
        L7 names only the end of the working day.
        """
        local = to_local(arrived_at)
        day = local.date()
        if channel is not Channel.PORTAL and self.is_accepting(
            arrived_at, channel, duty_branch=duty_branch
        ):
            return day
        if self.is_working_day(day) and local.time() < CHANNEL_HOURS[channel].office_day.closes:
            return day
        return self.next_working_day(day)

    def is_accepting(self, now: datetime, channel: Channel, *, duty_branch: bool = False) -> bool:
        """Whether ``channel`` takes applications at ``now`` (L7 intake hours).

        The portal always accepts; what it accepts out of hours is registered later (R7.1). A
        State Corporation duty branch (``duty_branch``) keeps its longer hours and Saturdays.
        """
        local = to_local(now)
        day = local.date()
        if duty_branch and channel is Channel.STATE_CORP:
            hours = DUTY_BRANCH_HOURS.hours_on(day, self.is_working_day(day), self.is_holiday(day))
            return hours is not None and hours.is_open_at(local.time())
        intake = CHANNEL_HOURS[channel].intake
        if intake is None:
            return True
        return self.is_working_day(day) and intake.is_open_at(local.time())

    def is_holiday(self, d: date) -> bool:
        """A public holiday (or a decree day off), as opposed to an ordinary weekend.

        A day the overrides make worked is no holiday, whatever the package calls it (an older
        package may still name 31 August 2026 as Constitution Day carried over).
        """
        if d in self._overrides.extra_working_days:
            return False
        if d in self._overrides.extra_days_off:
            return True
        return d in self._year(d.year)[1]

    def _days_off(self, year: int) -> frozenset[date]:
        return self._year(year)[0]

    def _year(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        with self._lock:
            cached = self._by_year.get(year)
            if cached is None:
                cached = _package_year(year)
                self._by_year[year] = cached
            return cached


def preload() -> None:
    """Load the ``holidays`` package's Kazakh calendar now (about half a second, once a process)
    rather than in the first request that counts working days; the WSGI entry point calls it."""
    holidays.country_holidays("KZ")


def _package_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """The year's days off and its named holidays, from the ``holidays`` package."""
    # The next year is loaded too: a decree for January may make a late-December Saturday worked.
    kz = holidays.country_holidays("KZ", years=(year, year + 1))
    day = date(year, 1, 1)
    off: set[date] = set()
    while day.year == year:
        if not kz.is_working_day(day):
            off.add(day)
        day += _ONE_DAY
    named = frozenset(d for d in kz if d.year == year)
    return frozenset(off), named


def load_overrides(
    data: Mapping[str, object], base: CalendarOverrides = DEFAULT_OVERRIDES
) -> CalendarOverrides:
    """Overrides from configuration (parsed JSON) added to ``base``.

    ``{"extra_days_off": {"2027-01-04": "Government Decree No. …"}, "extra_working_days": {…}}``:
    every day names the act behind it, so nobody adds a day without a source. Unknown keys,
    malformed dates and empty citations raise ValueError naming them.
    """
    unknown = sorted(set(data) - {"extra_days_off", "extra_working_days"})
    if unknown:
        raise ValueError(f"unknown calendar override key(s): {', '.join(unknown)}")
    parsed: dict[str, set[date]] = {}
    for key in ("extra_days_off", "extra_working_days"):
        days = data.get(key, {})
        if not isinstance(days, Mapping):
            raise ValueError(f"{key}: expected an object of date → act, got {type(days).__name__}")
        parsed[key] = set()
        for raw, act in days.items():
            try:
                if not _ISO_DAY.fullmatch(str(raw)):
                    raise ValueError(raw)
                day = date.fromisoformat(str(raw))
            except ValueError:
                raise ValueError(f"{key}: {raw!r} is not a date (YYYY-MM-DD)") from None
            if not isinstance(act, str) or not act.strip():
                raise ValueError(f"{key}.{raw}: name the act that moved this day")
            parsed[key].add(day)
    return CalendarOverrides(
        extra_days_off=base.extra_days_off - parsed["extra_working_days"]
        | parsed["extra_days_off"],
        extra_working_days=base.extra_working_days - parsed["extra_days_off"]
        | parsed["extra_working_days"],
    )

"""Working days, Asia/Almaty time and the channels' hours (L7, R7.1)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from importlib.metadata import version

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.domain import calendar as calendar_module
from portal.domain.calendar import (
    ALMATY,
    CHANNEL_HOURS,
    DEFAULT_OVERRIDES,
    DUTY_BRANCH_HOURS,
    CalendarOverrides,
    Channel,
    OfficeHours,
    WorkingCalendar,
    load_overrides,
    to_local,
)

MONDAY = date(2025, 6, 2)  # an ordinary working week; Friday 6 June 2025 is Kurban Ait
days = st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31))


def almaty(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ALMATY)


class _NoOffset(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


# --- time zone ---------------------------------------------------------------------------------


def test_tzdata_package_is_new_enough_for_the_single_time_zone_L7() -> None:
    assert tuple(int(part) for part in version("tzdata").split(".")[:2]) >= (2024, 1)


def test_kazakhstan_is_utc_plus_five_from_march_2024_L7() -> None:
    assert to_local(datetime(2024, 6, 1, 12, tzinfo=UTC)) == datetime(2024, 6, 1, 17, tzinfo=ALMATY)
    assert to_local(datetime(2024, 6, 1, 12, tzinfo=UTC)).hour == 17


def test_almaty_was_utc_plus_six_before_march_2024_L7() -> None:
    assert to_local(datetime(2024, 2, 1, 12, tzinfo=UTC)).hour == 18


def test_naive_datetimes_are_refused_because_their_zone_is_unknown() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        to_local(datetime(2025, 6, 2, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        to_local(datetime(2025, 6, 2, 10, tzinfo=_NoOffset()))


# --- working days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 6, 2), True),  # Monday
        (date(2025, 6, 7), False),  # Saturday
        (date(2025, 6, 8), False),  # Sunday
        (date(2025, 1, 1), False),  # New Year
        (date(2025, 1, 3), False),  # day off moved from Sunday 5 January by decree
        (date(2025, 1, 5), True),  # that Sunday is worked
        (date(2025, 1, 7), False),  # Orthodox Christmas
        (date(2025, 3, 10), False),  # Women's Day on Saturday carried to Monday
        (date(2025, 3, 24), False),  # Nauryz carried over
        (date(2025, 3, 25), False),  # Nauryz carried over
        (date(2025, 3, 26), True),
        (date(2025, 6, 6), False),  # Kurban Ait
        (date(2024, 5, 4), True),  # Saturday worked for Wednesday 8 May 2024
        (date(2024, 5, 8), False),
        (date(2024, 12, 16), False),  # Independence Day
    ],
)
def test_working_days_follow_the_labour_code_calendar_L7(
    cal: WorkingCalendar, day: date, working: bool
) -> None:
    assert cal.is_working_day(day) is working


def test_orthodox_christmas_on_a_sunday_is_not_carried_over_L7(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(date(2024, 1, 8))


def test_kurban_ait_on_a_sunday_is_not_carried_over_L7(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2024, 6, 16))
    assert cal.is_working_day(date(2024, 6, 17))


def test_constitution_day_is_not_a_holiday_in_2026_L7(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(date(2026, 8, 31))


def test_the_holidays_package_alone_knows_the_2025_new_year_transfer_L7() -> None:
    bare = WorkingCalendar(CalendarOverrides())
    assert not bare.is_working_day(date(2025, 1, 3))
    assert bare.is_working_day(date(2025, 1, 5))


def test_overrides_win_over_the_holidays_package_L7() -> None:
    overrides = CalendarOverrides(
        extra_days_off=frozenset({MONDAY}),
        extra_working_days=frozenset({date(2025, 6, 7)}),
    )
    custom = WorkingCalendar(overrides)
    assert custom.overrides is overrides
    assert not custom.is_working_day(MONDAY)
    assert custom.is_working_day(date(2025, 6, 7))


def test_default_calendar_uses_the_default_overrides() -> None:
    assert WorkingCalendar().overrides is DEFAULT_OVERRIDES


def test_a_day_cannot_be_both_an_extra_day_off_and_an_extra_working_day() -> None:
    with pytest.raises(ValueError, match="2025-06-02"):
        CalendarOverrides(
            extra_days_off=frozenset({MONDAY}), extra_working_days=frozenset({MONDAY})
        )


def test_next_working_day_skips_the_new_year_holidays_to_the_worked_sunday(
    cal: WorkingCalendar,
) -> None:
    assert cal.next_working_day(date(2024, 12, 31)) == date(2025, 1, 5)


def test_next_working_day_is_strictly_after_the_given_day(cal: WorkingCalendar) -> None:
    assert cal.next_working_day(MONDAY) == MONDAY + timedelta(days=1)


def test_adding_working_days_does_not_count_the_event_day(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(MONDAY, 1) == date(2025, 6, 3)
    # Thursday + 2 skips Kurban Ait on Friday and the weekend.
    assert cal.add_working_days(date(2025, 6, 5), 2) == date(2025, 6, 10)


def test_adding_zero_working_days_keeps_a_working_day(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(MONDAY, 0) == MONDAY


def test_adding_zero_working_days_to_a_day_off_gives_the_next_working_day(
    cal: WorkingCalendar,
) -> None:
    assert cal.add_working_days(date(2025, 6, 7), 0) == date(2025, 6, 9)


def test_a_negative_number_of_working_days_is_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_days(MONDAY, -1)


def test_working_days_between_counts_after_the_start_up_to_the_end(cal: WorkingCalendar) -> None:
    # 5 and 6 January 2025, then 8, 9 and 10 January.
    assert cal.working_days_between(date(2024, 12, 31), date(2025, 1, 10)) == 5
    assert cal.working_days_between(MONDAY, MONDAY) == 0
    assert cal.working_days_between(date(2025, 1, 10), date(2024, 12, 31)) == -5


@given(days, st.integers(min_value=1, max_value=30))
def test_the_nth_working_day_after_is_the_first_day_with_n_working_days_counted(
    cal: WorkingCalendar, start: date, n: int
) -> None:
    end = cal.add_working_days(start, n)
    assert cal.is_working_day(end)
    assert cal.working_days_between(start, end) == n
    assert cal.working_days_between(start, end - timedelta(days=1)) == n - 1


@given(days)
def test_zero_working_days_after_a_day_is_that_day_or_the_first_working_day_after(
    cal: WorkingCalendar, start: date
) -> None:
    end = cal.add_working_days(start, 0)
    if cal.is_working_day(start):
        assert end == start
    else:
        assert end > start
        assert cal.is_working_day(end)
        assert cal.working_days_between(start, end) == 1


@given(days)
def test_next_working_day_is_one_working_day_after(cal: WorkingCalendar, start: date) -> None:
    assert cal.next_working_day(start) == cal.add_working_days(start, 1)


# Walks up to five years day by day: no per-example deadline, which would time the machine's load.
@settings(deadline=None)
@given(days, days, days)
def test_working_days_between_adds_up_and_reverses_sign(
    cal: WorkingCalendar, a: date, b: date, c: date
) -> None:
    assert cal.working_days_between(a, b) == -cal.working_days_between(b, a)
    assert cal.working_days_between(a, b) + cal.working_days_between(b, c) == (
        cal.working_days_between(a, c)
    )


# --- registration (R7.1) -----------------------------------------------------------------------


@pytest.mark.parametrize("channel", list(Channel))
def test_arrival_during_the_working_day_is_registered_that_day_R7_1(
    cal: WorkingCalendar, channel: Channel
) -> None:
    assert cal.registration_date(almaty(MONDAY, 10), channel) == MONDAY
    assert cal.registration_date(almaty(MONDAY, 17, 59), channel) == MONDAY


def test_arrival_during_lunch_is_still_registered_that_day_R7_1(cal: WorkingCalendar) -> None:
    assert cal.registration_date(almaty(MONDAY, 13, 30), Channel.PORTAL) == MONDAY


@pytest.mark.parametrize("channel", list(Channel))
def test_arrival_before_opening_is_registered_on_the_first_working_day_after_R7_1(
    cal: WorkingCalendar, channel: Channel
) -> None:
    # Line 51: "outside the working day" → "the first working day after the day of arrival";
    # 07:30 on a working day is outside it (docs/seed-notes.md, R7.1).
    assert cal.registration_date(almaty(MONDAY, 7, 30), channel) == date(2025, 6, 3)
    assert cal.registration_date(almaty(MONDAY, 9), channel) == MONDAY


@pytest.mark.parametrize("channel", list(Channel))
def test_arrival_at_or_after_closing_is_registered_the_next_working_day_R7_1(
    cal: WorkingCalendar, channel: Channel
) -> None:
    assert cal.registration_date(almaty(MONDAY, 18), channel) == date(2025, 6, 3)


def test_portal_application_on_the_eve_of_a_holiday_waits_for_the_next_working_day_R7_1(
    cal: WorkingCalendar,
) -> None:
    # Thursday evening, then Kurban Ait on Friday and the weekend.
    assert cal.registration_date(almaty(date(2025, 6, 5), 19), Channel.PORTAL) == date(2025, 6, 9)


def test_portal_application_on_a_saturday_is_registered_on_the_worked_sunday_R7_1(
    cal: WorkingCalendar,
) -> None:
    assert cal.registration_date(almaty(date(2025, 1, 4), 12), Channel.PORTAL) == date(2025, 1, 5)


def test_registration_reads_utc_arrivals_in_almaty_time_R7_1(cal: WorkingCalendar) -> None:
    # 12:30 UTC is 17:30 in Almaty (UTC+5) and still inside the working day.
    assert cal.registration_date(datetime(2025, 6, 2, 12, 30, tzinfo=UTC), Channel.PORTAL) == MONDAY
    # Before March 2024 the same UTC time was 18:30 local, after closing.
    winter_arrival = datetime(2024, 2, 1, 12, 30, tzinfo=UTC)
    assert cal.registration_date(winter_arrival, Channel.PORTAL) == date(2024, 2, 2)


def test_registration_refuses_a_naive_arrival_time_R7_1(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.registration_date(datetime(2025, 6, 2, 10), Channel.PORTAL)


@given(
    st.datetimes(
        min_value=datetime(2023, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    st.sampled_from(Channel),
)
def test_registration_is_always_on_a_working_day_not_before_arrival_R7_1(
    cal: WorkingCalendar, arrived_at: datetime, channel: Channel
) -> None:
    registered = cal.registration_date(arrived_at, channel)
    assert cal.is_working_day(registered)
    assert registered >= to_local(arrived_at).date()


# --- intake hours (L7) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "accepting"),
    [
        (8, 59, False),
        (9, 0, True),
        (12, 59, True),
        (13, 0, False),  # lunch
        (14, 29, False),  # intake lunch runs to 14:30, longer than the office's
        (14, 30, True),
        (17, 29, True),
        (17, 30, False),
    ],
)
@pytest.mark.parametrize("channel", [Channel.PROVIDER, Channel.RURAL_AKIM])
def test_provider_and_rural_akim_accept_09_00_to_17_30_with_lunch_13_00_to_14_30_L7(
    cal: WorkingCalendar, channel: Channel, hour: int, minute: int, accepting: bool
) -> None:
    assert cal.is_accepting(almaty(MONDAY, hour, minute), channel) is accepting


def test_state_corporation_accepts_through_lunch_until_18_00_L7(cal: WorkingCalendar) -> None:
    assert cal.is_accepting(almaty(MONDAY, 13, 30), Channel.STATE_CORP)
    assert cal.is_accepting(almaty(MONDAY, 17, 45), Channel.STATE_CORP)
    assert not cal.is_accepting(almaty(MONDAY, 18), Channel.STATE_CORP)


@pytest.mark.parametrize("channel", [Channel.PROVIDER, Channel.RURAL_AKIM, Channel.STATE_CORP])
def test_offices_do_not_accept_on_days_off_L7(cal: WorkingCalendar, channel: Channel) -> None:
    assert not cal.is_accepting(almaty(date(2025, 6, 6), 10), channel)  # Kurban Ait
    assert not cal.is_accepting(almaty(date(2025, 6, 7), 10), channel)  # Saturday


def test_portal_accepts_around_the_clock_L7(cal: WorkingCalendar) -> None:
    assert cal.is_accepting(almaty(date(2025, 6, 8), 3), Channel.PORTAL)


def test_is_accepting_refuses_a_naive_time(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.is_accepting(datetime(2025, 6, 2, 10), Channel.PORTAL)


def test_portal_registers_in_the_providers_office_day_L7() -> None:
    assert CHANNEL_HOURS[Channel.PORTAL].office_day == CHANNEL_HOURS[Channel.PROVIDER].office_day


def test_office_hours_must_open_before_they_close() -> None:
    with pytest.raises(ValueError, match="open before"):
        OfficeHours(time(18), time(9))


def test_a_break_must_lie_inside_the_office_hours() -> None:
    with pytest.raises(ValueError, match="inside"):
        OfficeHours(time(9), time(18), breaks=((time(17), time(19)),))


def test_channels_are_stored_by_their_value_R2_2() -> None:
    assert [c.value for c in Channel] == ["provider", "rural_akim", "state_corp", "portal"]


# --- State Corporation duty branches (L7) ------------------------------------------------------

SATURDAY = date(2025, 6, 14)
WOMENS_DAY_SATURDAY = date(2025, 3, 8)  # a public holiday on a Saturday
WORKED_SATURDAY = date(2024, 5, 4)  # worked for Wednesday 8 May 2024


@pytest.mark.parametrize(
    ("moment", "accepting"),
    [
        (almaty(MONDAY, 8, 59), False),
        (almaty(MONDAY, 13, 30), True),  # no lunch break
        (almaty(MONDAY, 19, 59), True),
        (almaty(MONDAY, 20), False),
        (almaty(SATURDAY, 9), True),
        (almaty(SATURDAY, 12, 59), True),
        (almaty(SATURDAY, 13), False),
        (almaty(date(2025, 6, 15), 10), False),  # Sunday
        (almaty(WOMENS_DAY_SATURDAY, 10), False),  # closed on a holiday like every office
        (almaty(WORKED_SATURDAY, 19), True),  # a worked Saturday has weekday hours
        (almaty(date(2025, 6, 6), 10), False),  # Kurban Ait, a Friday
    ],
)
def test_a_duty_branch_serves_weekdays_to_20_00_and_saturdays_09_00_to_13_00_L7(
    cal: WorkingCalendar, moment: datetime, accepting: bool
) -> None:
    assert cal.is_accepting(moment, Channel.STATE_CORP, duty_branch=True) is accepting


def test_only_the_state_corporation_has_duty_branches_L7(cal: WorkingCalendar) -> None:
    evening = almaty(MONDAY, 19)
    assert not cal.is_accepting(evening, Channel.PROVIDER, duty_branch=True)
    assert not cal.is_accepting(evening, Channel.STATE_CORP)
    assert cal.is_accepting(evening, Channel.PORTAL, duty_branch=True)


def test_duty_branch_hours_are_the_ones_the_list_names_L7() -> None:
    assert (DUTY_BRANCH_HOURS.weekday.opens, DUTY_BRANCH_HOURS.weekday.closes) == (time(9), time(20))
    assert DUTY_BRANCH_HOURS.weekday.breaks == ()
    assert (DUTY_BRANCH_HOURS.saturday.opens, DUTY_BRANCH_HOURS.saturday.closes) == (
        time(9), time(13),
    )


# --- start of the service term (L3.1, L7) ------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "channel", "duty_branch", "starts"),
    [
        (almaty(MONDAY, 10), Channel.PROVIDER, False, MONDAY),
        (almaty(MONDAY, 14, 45), Channel.RURAL_AKIM, False, MONDAY),
        (almaty(MONDAY, 17, 45), Channel.STATE_CORP, False, MONDAY),
        (almaty(MONDAY, 19, 30), Channel.STATE_CORP, True, MONDAY),  # duty branch evening
        (almaty(SATURDAY, 11), Channel.STATE_CORP, True, SATURDAY),  # duty branch Saturday
    ],
    ids=["provider", "rural-akim-after-lunch", "state-corp", "duty-evening", "duty-saturday"],
)
def test_at_a_desk_the_term_starts_on_the_day_the_package_is_handed_in_L3_1(
    cal: WorkingCalendar, moment: datetime, channel: Channel, duty_branch: bool, starts: date
) -> None:
    assert cal.term_starts_on(moment, channel, duty_branch=duty_branch) == starts


def test_a_package_handed_in_on_a_duty_saturday_is_registered_on_monday_L3_1_R7_1(
    cal: WorkingCalendar,
) -> None:
    handed_in = almaty(SATURDAY, 11)
    assert cal.term_starts_on(handed_in, Channel.STATE_CORP, duty_branch=True) == SATURDAY
    assert cal.registration_date(handed_in, Channel.STATE_CORP) == date(2025, 6, 16)


def test_a_desk_record_made_after_intake_hours_counts_like_an_office_arrival_L3_1(
    cal: WorkingCalendar,
) -> None:
    # Intake closes at 17:30, the office day at 18:00; after that the next working day counts.
    assert cal.term_starts_on(almaty(MONDAY, 17, 45), Channel.PROVIDER) == MONDAY
    assert cal.term_starts_on(almaty(MONDAY, 18, 30), Channel.PROVIDER) == date(2025, 6, 3)
    assert cal.term_starts_on(almaty(SATURDAY, 12), Channel.STATE_CORP) == date(2025, 6, 16)


@pytest.mark.parametrize(
    ("moment", "starts"),
    [
        (almaty(MONDAY, 7, 30), MONDAY),  # before opening: L7 names only the end of the day
        (almaty(MONDAY, 13, 30), MONDAY),
        (almaty(MONDAY, 17, 59), MONDAY),
        (almaty(MONDAY, 18), date(2025, 6, 3)),  # after the working day
        (almaty(date(2025, 6, 5), 21), date(2025, 6, 9)),  # Thursday evening before Kurban Ait
        (almaty(date(2025, 6, 6), 10), date(2025, 6, 9)),  # on the holiday itself
        (almaty(SATURDAY, 10), date(2025, 6, 16)),  # on a weekend
        (almaty(date(2025, 1, 4), 10), date(2025, 1, 5)),  # Saturday before the worked Sunday
    ],
    ids=["before-opening", "lunch", "last-minute", "closing", "holiday-eve", "holiday",
         "weekend", "before-worked-sunday"],
)
def test_on_the_portal_out_of_hours_applications_count_from_the_next_working_day_L3_1_L7(
    cal: WorkingCalendar, moment: datetime, starts: date
) -> None:
    assert cal.term_starts_on(moment, Channel.PORTAL) == starts


def test_the_portal_term_and_registration_read_before_opening_differently_L3_1_R7_1(
    cal: WorkingCalendar,
) -> None:
    early = almaty(MONDAY, 7, 30)
    assert cal.term_starts_on(early, Channel.PORTAL) == MONDAY
    assert cal.registration_date(early, Channel.PORTAL) == date(2025, 6, 3)


@given(
    st.datetimes(
        min_value=datetime(2023, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    st.sampled_from(Channel),
    st.booleans(),
)
def test_the_term_never_starts_before_hand_in_or_after_registration_L3_1_R7_1(
    cal: WorkingCalendar, arrived_at: datetime, channel: Channel, duty_branch: bool
) -> None:
    starts = cal.term_starts_on(arrived_at, channel, duty_branch=duty_branch)
    assert to_local(arrived_at).date() <= starts <= cal.registration_date(arrived_at, channel)


# --- holidays and overrides (L7) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (date(2025, 6, 6), True),  # Kurban Ait
        (date(2025, 3, 8), True),  # Women's Day on a Saturday
        (date(2025, 1, 3), True),  # a day off by decree
        (date(2026, 5, 27), True),  # Kurban Ait 2026, pinned
        (date(2025, 6, 7), False),  # an ordinary Saturday is a day off but no holiday
        (MONDAY, False),
    ],
)
def test_a_holiday_is_told_apart_from_an_ordinary_weekend_L7(
    cal: WorkingCalendar, day: date, holiday: bool
) -> None:
    assert cal.is_holiday(day) is holiday


def test_a_holiday_the_overrides_make_worked_is_no_holiday_L7() -> None:
    # As if a decree had moved Kurban Ait 2025 away from Friday 6 June.
    custom = WorkingCalendar(CalendarOverrides(extra_working_days=frozenset({date(2025, 6, 6)})))
    assert custom.is_working_day(date(2025, 6, 6))
    assert not custom.is_holiday(date(2025, 6, 6))


def test_kurban_ait_2026_is_pinned_as_a_day_off_L7(cal: WorkingCalendar) -> None:
    assert date(2026, 5, 27) in DEFAULT_OVERRIDES.extra_days_off
    assert not cal.is_working_day(date(2026, 5, 27))
    assert cal.next_working_day(date(2026, 5, 26)) == date(2026, 5, 28)


def test_overrides_from_configuration_add_to_the_defaults_L7() -> None:
    loaded = load_overrides(
        {
            "extra_days_off": {"2027-01-04": "Government Decree No. 1 (test)"},
            "extra_working_days": {"2027-01-09": "Government Decree No. 1 (test)"},
        }
    )
    assert loaded.extra_days_off == DEFAULT_OVERRIDES.extra_days_off | {date(2027, 1, 4)}
    assert loaded.extra_working_days == DEFAULT_OVERRIDES.extra_working_days | {date(2027, 1, 9)}
    custom = WorkingCalendar(loaded)
    assert not custom.is_working_day(date(2027, 1, 4))
    assert custom.is_working_day(date(2027, 1, 9))


def test_configuration_may_undo_a_default_override_L7() -> None:
    # Had the religious affairs body fixed Kurban Ait 2026 on another day, 27 May is worked.
    loaded = load_overrides({"extra_working_days": {"2026-05-27": "Order of the ARDO (test)"}})
    assert date(2026, 5, 27) not in loaded.extra_days_off
    assert WorkingCalendar(loaded).is_working_day(date(2026, 5, 27))
    back = load_overrides({"extra_days_off": {"2026-08-31": "Decree (test)"}})
    assert date(2026, 8, 31) not in back.extra_working_days


def test_empty_configuration_keeps_the_defaults_L7() -> None:
    assert load_overrides({}) == DEFAULT_OVERRIDES
    assert load_overrides({}, base=CalendarOverrides()) == CalendarOverrides()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"days_off": {}}, "unknown calendar override key"),
        ({"extra_days_off": ["2027-01-04"]}, "extra_days_off: expected an object"),
        ({"extra_days_off": {"2027-13-01": "Decree"}}, r"'2027-13-01' is not a date"),
        ({"extra_working_days": {"next monday": "Decree"}}, "is not a date"),
        ({"extra_days_off": {"20270104": "Decree"}}, "is not a date"),
        ({"extra_days_off": {"2027-W01-1": "Decree"}}, "is not a date"),
        ({"extra_days_off": {"2027-01-04": ""}}, r"extra_days_off\.2027-01-04: name the act"),
        ({"extra_days_off": {"2027-01-04": "   "}}, "name the act"),
        ({"extra_days_off": {"2027-01-04": 36}}, "name the act"),
        ({"extra_days_off": {"2027-01-04": "A"}, "extra_working_days": {"2027-01-04": "B"}},
         "both an extra day off and worked: 2027-01-04"),
    ],
    ids=["unknown-key", "not-an-object", "bad-month", "not-a-date", "basic-format", "iso-week",
         "empty-act", "blank-act",
         "act-not-text", "both"],
)
def test_a_malformed_override_is_refused_naming_what_is_wrong_L7(
    data: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        load_overrides(data)


def test_preload_asks_the_holidays_package_for_kazakhstan_ahead_of_any_request(
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(calendar_module.holidays, "country_holidays",
                        lambda country, **_: asked.append(country))
    calendar_module.preload()
    assert asked == ["KZ"]

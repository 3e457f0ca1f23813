"""The school year's usual breaks: their dates, the years they belong to, the months they touch,
and when an all-schools blackout counts as noting one."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreach.scheduling.calendar import Blackout, WorkingCalendar, next_month
from outreach.scheduling.school_breaks import (
    SCHOOL_YEARS,
    BreakKind,
    break_from_key,
    breaks_between,
    check_breaks,
    usual_breaks,
)

SATURDAY = 6


def month_of(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, next_month(first) - timedelta(days=1)


@pytest.mark.parametrize(
    ("school_year", "odd", "even"),
    [
        # Provinsi Bengkulu's kalender pendidikan: 22 Dec 2025 – 3 Jan 2026, back on 5 January;
        # kenaikan kelas 2024/2025: 23 June – 12 July 2025, the new year from 14 July.
        (2024, (date(2024, 12, 23), date(2025, 1, 4)), (date(2025, 6, 23), date(2025, 7, 12))),
        (2025, (date(2025, 12, 22), date(2026, 1, 3)), (date(2026, 6, 22), date(2026, 7, 11))),
        # Kota Bengkulu 2023/2024: 25 December 2023 – 6 January 2024, back on 8 January.
        (2023, (date(2023, 12, 25), date(2024, 1, 6)), (date(2024, 6, 24), date(2024, 7, 13))),
        (2026, (date(2026, 12, 21), date(2027, 1, 2)), (date(2027, 6, 21), date(2027, 7, 10))),
    ],
)
def test_the_usual_breaks_of_a_school_year(school_year, odd, even):
    first, second = usual_breaks(school_year)
    assert (first.kind, (first.first_on, first.last_on)) == (BreakKind.ODD, odd)
    assert (second.kind, (second.first_on, second.last_on)) == (BreakKind.EVEN, even)
    assert first.school_year_name == second.school_year_name == f"{school_year}/{school_year + 1}"


@given(st.integers(SCHOOL_YEARS[0], SCHOOL_YEARS[1]))
def test_every_break_runs_monday_to_saturday_in_its_season(school_year):
    odd, even = usual_breaks(school_year)
    for school_break in (odd, even):
        assert school_break.first_on.isoweekday() == 1
        assert school_break.last_on.isoweekday() == SATURDAY
        window_first, window_last = school_break.window
        assert window_first <= school_break.first_on <= school_break.last_on <= window_last
    # Late December to early January: it straddles the two calendar years of the school year.
    assert date(school_year, 12, 20) <= odd.first_on <= date(school_year, 12, 26)
    assert odd.last_on.year == school_year + 1 and odd.last_on.day <= 7
    assert (odd.last_on - odd.first_on).days == 12
    # Late June to mid July of the year the school year ends in, then classes start again.
    assert date(school_year + 1, 6, 21) <= even.first_on <= date(school_year + 1, 6, 27)
    assert date(school_year + 1, 7, 10) <= even.last_on <= date(school_year + 1, 7, 16)
    assert odd.last_on < even.first_on


@pytest.mark.parametrize("month", [2, 3, 4, 5, 8, 9, 10, 11])
def test_months_without_a_break(month):
    assert breaks_between(*month_of(2027, month)) == []


def test_december_and_january_see_the_same_break_of_one_school_year():
    (december,) = breaks_between(*month_of(2026, 12))
    (january,) = breaks_between(*month_of(2027, 1))
    assert december == january
    assert (december.kind, december.school_year_name) == (BreakKind.ODD, "2026/2027")
    (june,) = breaks_between(*month_of(2027, 6))
    (july,) = breaks_between(*month_of(2027, 7))
    assert june == july
    assert (june.kind, june.school_year_name) == (BreakKind.EVEN, "2026/2027")


@given(st.integers(SCHOOL_YEARS[0] + 1, SCHOOL_YEARS[1] - 1), st.integers(1, 12))
def test_a_month_touches_at_most_one_break(year, month):
    found = breaks_between(*month_of(year, month))
    assert len(found) <= 1
    assert bool(found) == (month in (1, 6, 7, 12))


def test_a_year_long_period_meets_both_breaks_in_order():
    found = breaks_between(date(2026, 8, 1), date(2027, 7, 31))
    assert [(b.kind, b.school_year) for b in found] == [
        (BreakKind.ODD, 2026),
        (BreakKind.EVEN, 2026),
    ]


def test_a_break_is_named_back_by_its_key():
    odd, even = usual_breaks(2026)
    assert (odd.key, even.key) == ("odd-2026", "even-2026")
    assert break_from_key("odd-2026") == odd and break_from_key("even-2026") == even


@pytest.mark.parametrize(
    "key", ["", "odd", "odd-", "spring-2026", "odd-26", "odd-2026x", "odd-9999", "odd-1899"]
)
def test_anything_else_is_not_a_break(key):
    with pytest.raises(ValueError):
        break_from_key(key)


# --- which breaks a plan must know about ----------------------------------------------------

DECEMBER = month_of(2026, 12)
BREAK = usual_breaks(2026)[0]  # 21 December 2026 – 2 January 2027


WEEKDAYS = WorkingCalendar()  # Monday to Friday, no closure


def check(blackouts=(), earliest=DECEMBER[0], calendar=WEEKDAYS):
    return check_breaks(*DECEMBER, earliest, calendar, blackouts)


def test_a_break_without_a_blackout_is_not_noted():
    (found,) = check()
    assert found.school_break == BREAK and not found.is_noted


def test_an_all_schools_blackout_over_the_break_notes_it():
    covering = Blackout(date(2026, 12, 21), date(2027, 1, 2), None, "Libur semester")
    (found,) = check([covering])
    assert found.is_noted and found.noted_by == (covering,)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 12, 19), date(2026, 12, 31)),  # the real dates, a little off the usual ones
        (date(2027, 1, 2), date(2027, 1, 9)),  # only its last day, in the next month
        (date(2026, 12, 14), date(2026, 12, 21)),  # only its first day
    ],
)
def test_a_blackout_that_overlaps_the_break_partly_notes_it(first, last):
    (found,) = check([Blackout(first, last, None, "Libur")])
    assert found.is_noted


@pytest.mark.parametrize(
    "blackout",
    [
        Blackout(date(2026, 12, 21), date(2027, 1, 2), 7, "Libur sekolah ini"),  # one school
        Blackout(date(2026, 12, 7), date(2026, 12, 18), None, "Ujian akhir semester"),  # before
        Blackout(date(2027, 1, 4), date(2027, 1, 8), None, "Rapat guru"),  # after
    ],
)
def test_a_blackout_of_one_school_or_of_other_days_does_not_note_it(blackout):
    (found,) = check([blackout])
    assert not found.is_noted


def test_a_break_already_past_for_the_plan_is_left_out():
    assert check(earliest=date(2027, 1, 1)) == []  # nothing of December can be planned now
    (found,) = check(earliest=DECEMBER[1])  # the 31st is still ahead, and in the break
    assert found.school_break == BREAK
    january = month_of(2027, 1)
    assert check_breaks(*january, date(2027, 1, 4), WEEKDAYS, []) == []  # its last days went by
    assert len(check_breaks(*january, date(2027, 1, 1), WEEKDAYS, [])) == 1


def test_a_break_whose_days_in_the_month_are_closed_anyway_is_left_out():
    # January 2027 holds 1 January (tahun baru, a closure) and 2 January (a Saturday) of the
    # break: the plan cannot place a visit on them, so there is nothing to warn of.
    january = month_of(2027, 1)
    new_year = WorkingCalendar(closures=frozenset({date(2027, 1, 1)}))
    assert check_breaks(*january, january[0], new_year, []) == []
    saturdays_too = WorkingCalendar(frozenset({1, 2, 3, 4, 5, 6}), new_year.closures)
    assert len(check_breaks(*january, january[0], saturdays_too, [])) == 1

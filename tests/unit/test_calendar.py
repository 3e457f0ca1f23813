"""The national office calendar and month arithmetic (no app, no database)."""

import csv
from datetime import date
from pathlib import Path

import pytest

from outreach.scheduling.calendar import (
    CUTI_BERSAMA,
    LIBUR_NASIONAL,
    month_days,
    month_start,
    national_closures,
    next_month,
    parse_month,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "hari_libur_2025_2026.csv"


def test_closures_match_the_published_list_for_2025_and_2026():
    with DATA.open(encoding="utf-8") as fh:
        published = {
            (date.fromisoformat(r["date"]), r["name"], r["kind"]) for r in csv.DictReader(fh)
        }
    ours = {(c.on, c.name, c.kind) for c in national_closures([2025, 2026])}
    assert ours == published
    assert len([c for c in ours if c[0].year == 2026 and c[2] == CUTI_BERSAMA]) == 8


def test_christmas_2026_is_a_holiday_and_christmas_eve_is_cuti_bersama():
    by_day = {c.on: c for c in national_closures([2026])}
    assert by_day[date(2026, 12, 25)].kind == LIBUR_NASIONAL
    assert by_day[date(2026, 12, 24)].kind == CUTI_BERSAMA
    assert by_day[date(2026, 12, 25)].name == "Hari Raya Natal"


def test_18_august_2025_is_cuti_bersama_not_a_national_holiday():
    kinds = {c.kind for c in national_closures([2025]) if c.on == date(2025, 8, 18)}
    assert kinds == {CUTI_BERSAMA}


def test_closures_are_sorted_and_free_of_duplicates():
    closures = national_closures([2026, 2026, 2027])
    assert closures == sorted(set(closures))


@pytest.mark.parametrize(
    ("day", "first", "following", "length"),
    [
        (date(2026, 2, 14), date(2026, 2, 1), date(2026, 3, 1), 28),
        (date(2028, 2, 29), date(2028, 2, 1), date(2028, 3, 1), 29),
        (date(2026, 12, 31), date(2026, 12, 1), date(2027, 1, 1), 31),
        (date(2026, 4, 1), date(2026, 4, 1), date(2026, 5, 1), 30),
    ],
)
def test_month_arithmetic(day, first, following, length):
    assert month_start(day) == first
    assert next_month(day) == following
    days = month_days(first)
    assert len(days) == length and days[0] == first and days[-1].month == first.month


@pytest.mark.parametrize("text", ["2026-12", " 2026-01 "])
def test_parse_month_accepts_year_dash_month(text):
    assert parse_month(text).day == 1


@pytest.mark.parametrize("text", ["2026-13", "2026/12", "26-12", "2026-1", "", "desember"])
def test_parse_month_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_month(text)

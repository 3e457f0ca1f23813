"""The Indonesian office calendar: national holidays and cuti bersama, and month arithmetic."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

LIBUR_NASIONAL = "libur_nasional"
CUTI_BERSAMA = "cuti_bersama"

# holidays' categories, mapped to the two kinds of closure the SKB decrees each year.
_CATEGORIES = (("public", LIBUR_NASIONAL), ("government", CUTI_BERSAMA))


@dataclass(frozen=True, order=True)
class Closure:
    on: date
    name: str
    kind: str


def national_closures(years: Iterable[int]) -> list[Closure]:
    """Libur nasional and cuti bersama for the given years, named in Indonesian, sorted.

    A day with two holidays gives two closures, one per name.
    """
    years = sorted(set(years))
    closures: set[Closure] = set()
    for category, kind in _CATEGORIES:
        calendar = holidays.Indonesia(years=years, categories=(category,), language="id")
        for day in calendar:
            for name in calendar.get_list(day):
                closures.add(Closure(on=day, name=name, kind=kind))
    return sorted(closures)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    """First day of the month after ``day``'s month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_days(first: date) -> list[date]:
    """Every day of the month that starts on ``first``."""
    end = next_month(first)
    return [first + timedelta(days=offset) for offset in range((end - first).days)]


MONTH_YEARS = (1900, 2999)  # the years a month given as text may belong to


def parse_month(text: str) -> date:
    """ "2026-12" → date(2026, 12, 1); ValueError for anything else."""
    parts = text.strip().split("-")
    if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2 or not _ascii_digits(*parts):
        raise ValueError(f"not a month in the form YYYY-MM: {text!r}")
    year = int(parts[0])
    if not MONTH_YEARS[0] <= year <= MONTH_YEARS[1]:  # a month before and after must exist
        raise ValueError(f"a month of a year from {MONTH_YEARS[0]} to {MONTH_YEARS[1]}: {text!r}")
    return date(year, int(parts[1]), 1)


def _ascii_digits(*parts: str) -> bool:
    """Only 0-9: int() would also take "+1", " 1", "1_0" and other scripts' digits."""
    return all(part.isascii() and part.isdigit() for part in parts)


@dataclass(frozen=True)
class Blackout:
    """Days a school cannot be visited; ``school_id`` None means every school."""

    first_on: date
    last_on: date
    school_id: int | None = None
    reason: str = ""

    def covers(self, day: date) -> bool:
        return self.first_on <= day <= self.last_on


@dataclass(frozen=True)
class WorkingCalendar:
    """When the office works: working weekdays (ISO, 1 = Monday) minus office closures."""

    working_weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    closures: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() in self.working_weekdays and day not in self.closures

    def working_days(self, first: date, last: date) -> list[date]:
        """Working days from ``first`` to ``last``, both included, in order."""
        days = []
        day = first
        while day <= last:
            if self.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

"""The school year's usual breaks, when no school can be visited: the odd-semester break around
the new year and the end-of-year break (kenaikan kelas) before the new school year in July.

The real dates are set each year by the kalender pendidikan (the Dinas Pendidikan of Provinsi
Bengkulu for SMA/SMK, of Kota Bengkulu for SD/SMP), so these are the usual dates a coordinator
starts from and corrects, never a decree. The pattern follows those calendars: a break runs from
a Monday to a Saturday and classes resume on the Monday after —
- odd semester: from the Monday of 20–26 December, two weeks (Bengkulu 2025/2026: 22 December
  2025 – 3 January 2026; Kota Bengkulu 2023/2024: 25 December 2023 – 6 January 2024);
- kenaikan kelas: three weeks, up to the Saturday before the new school year starts on the
  Monday of 12–18 July (Bengkulu 2024/2025: 23 June – 12 July 2025, classes from 14 July).

A break is known by its school year, named by the year it starts in (July): the odd break of
2026/2027 falls in December 2026 – January 2027, the kenaikan kelas break that ends 2026/2027
in June – July 2027.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from outreach.scheduling.calendar import MONTH_YEARS, Blackout, WorkingCalendar

MONDAY = 1


class BreakKind(StrEnum):
    ODD = "odd"  # libur semester ganjil, around the new year
    EVEN = "even"  # libur kenaikan kelas, at the end of the school year


# The school years a break can be asked for: both of its calendar years must be months we know.
SCHOOL_YEARS = (MONTH_YEARS[0], MONTH_YEARS[1] - 1)


@dataclass(frozen=True, order=True)
class SchoolBreak:
    """A usual break: its days (``first_on`` to ``last_on``), its kind and its school year
    (the year the school year starts in, 2026 for 2026/2027)."""

    first_on: date
    last_on: date
    kind: BreakKind
    school_year: int

    @property
    def school_year_name(self) -> str:
        """ "2026/2027"."""
        return f"{self.school_year}/{self.school_year + 1}"

    @property
    def key(self) -> str:
        """ "odd-2026": what a form sends back to name the break."""
        return f"{self.kind.value}-{self.school_year}"

    @property
    def window(self) -> tuple[date, date]:
        """The days the break's real dates may be set on: December and January for the odd
        break, June and July for kenaikan kelas. A period outside is not this break."""
        if self.kind is BreakKind.ODD:
            return date(self.school_year, 12, 1), date(self.school_year + 1, 1, 31)
        return date(self.school_year + 1, 6, 1), date(self.school_year + 1, 7, 31)

    def overlaps(self, first: date, last: date) -> bool:
        return self.first_on <= last and first <= self.last_on


def _monday_from(day: date) -> date:
    """The Monday on or after ``day``."""
    return day + timedelta(days=(MONDAY - day.isoweekday()) % 7)


def odd_break(school_year: int) -> SchoolBreak:
    first = _monday_from(date(school_year, 12, 20))
    return SchoolBreak(first, first + timedelta(days=12), BreakKind.ODD, school_year)


def even_break(school_year: int) -> SchoolBreak:
    new_year_starts = _monday_from(date(school_year + 1, 7, 12))
    return SchoolBreak(
        new_year_starts - timedelta(days=21),
        new_year_starts - timedelta(days=2),
        BreakKind.EVEN,
        school_year,
    )


def usual_breaks(school_year: int) -> tuple[SchoolBreak, SchoolBreak]:
    """The school year's two breaks, in order."""
    if not SCHOOL_YEARS[0] <= school_year <= SCHOOL_YEARS[1]:
        raise ValueError(f"a school year from {SCHOOL_YEARS[0]} to {SCHOOL_YEARS[1]}")
    return odd_break(school_year), even_break(school_year)


def breaks_between(first: date, last: date) -> list[SchoolBreak]:
    """The usual breaks with at least one day from ``first`` to ``last``, in order."""
    # A December–January break belongs to the school year of its December; June–July to the
    # school year that ends then: the years around the period cover both.
    years = range(max(first.year - 1, SCHOOL_YEARS[0]), min(last.year, SCHOOL_YEARS[1]) + 1)
    return sorted(b for year in years for b in usual_breaks(year) if b.overlaps(first, last))


def break_from_key(key: str) -> SchoolBreak:
    """ "odd-2026" → the odd break of 2026/2027; ValueError for anything else."""
    kind, _dash, year = key.partition("-")
    if not year.isdigit() or len(year) != 4:
        raise ValueError(f"not a school break: {key!r}")
    odd, even = usual_breaks(int(year))
    return {BreakKind.ODD: odd, BreakKind.EVEN: even}[BreakKind(kind)]


@dataclass(frozen=True)
class BreakCheck:
    """A usual break of the month to plan and the all-schools blackouts that note it (none:
    not noted, and the plan would place visits in it)."""

    school_break: SchoolBreak
    noted_by: tuple[Blackout, ...] = ()

    @property
    def is_noted(self) -> bool:
        return bool(self.noted_by)


def check_breaks(
    first: date,
    last: date,
    earliest: date,
    calendar: WorkingCalendar,
    blackouts: Iterable[Blackout],
) -> list[BreakCheck]:
    """The usual breaks that matter to a plan of the days ``first`` to ``last`` whose first
    possible day is ``earliest``, each with the all-schools blackouts that note it.

    A break counts as noted as soon as one all-schools blackout overlaps its usual days, even
    partly: the real dates move from year to year, so a period the coordinator entered around
    them is that break with its real dates, and asking again would only push a second, wrong
    period. A break is left out when the plan could not place a visit on any of its days in the
    period anyway: all before ``earliest``, or all weekends and office closures (1–2 January)."""
    everyone = [b for b in blackouts if b.school_id is None]
    checks = []
    for school_break in breaks_between(first, last):
        days = calendar.working_days(
            max(first, earliest, school_break.first_on), min(last, school_break.last_on)
        )
        if not days:
            continue
        noted = tuple(b for b in everyone if school_break.overlaps(b.first_on, b.last_on))
        checks.append(BreakCheck(school_break, noted))
    return checks

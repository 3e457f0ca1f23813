"""Recording coverage against the national target, and when the rest would be recorded at the
recent pace. Pure: figures and dates in, figures and dates out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from outreach.domain.problems import N_, Invalid

PACE_MONTHS = 3  # the projection follows the pace of the last three months of figures
HORIZON_DAYS = 50 * 365  # an estimate further away than this is no estimate
_CENT = Decimal("0.01")


def share(recorded: int, wajib_ktp: int) -> Decimal | None:
    """Per cent recorded, two decimals, half up (99.35); None when nobody is counted."""
    if wajib_ktp <= 0:
        return None
    exact = Decimal(recorded * 100) / Decimal(wajib_ktp)
    return exact.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Coverage:
    """``recorded`` of ``wajib_ktp`` residents against ``target`` per cent."""

    wajib_ktp: int
    recorded: int
    target: Decimal

    @property
    def percent(self) -> Decimal | None:
        return share(self.recorded, self.wajib_ktp)

    @property
    def meets_target(self) -> bool | None:
        """Compared exactly, not on the rounded percentage; None without a denominator."""
        if self.wajib_ktp <= 0:
            return None
        return Decimal(self.recorded * 100) >= self.target * self.wajib_ktp

    @property
    def target_count(self) -> int:
        """The recordings the target asks for: the target share of wajib KTP, rounded up."""
        return math.ceil(self.target * self.wajib_ktp / 100)

    @property
    def needed_for_target(self) -> int:
        """More recordings the target needs (0 when it is met)."""
        return max(0, self.target_count - self.recorded)

    @property
    def above_target_by(self) -> int:
        return max(0, self.recorded - self.target_count)

    @property
    def remaining(self) -> int:
        """Wajib KTP not yet recorded (never below 0: people are recorded from 16, counted
        from 17, so a share above 100 % happens)."""
        return max(0, self.wajib_ktp - self.recorded)


@dataclass(frozen=True)
class Figure:
    """One dated figure of an area."""

    as_of: date
    wajib_ktp: int
    recorded: int

    @property
    def remaining(self) -> int:
        return max(0, self.wajib_ktp - self.recorded)

    @property
    def percent(self) -> Decimal | None:
        return share(self.recorded, self.wajib_ktp)


class Outlook(Enum):
    DONE = "done"  # nobody left to record
    ESTIMATE = "estimate"
    NO_HISTORY = "no_history"  # no earlier figure within the last three months
    NO_PROGRESS = "no_progress"  # the number left did not fall
    TOO_SLOW = "too_slow"  # beyond HORIZON_DAYS at this pace


@dataclass(frozen=True)
class Projection:
    outlook: Outlook
    latest: Figure | None = None
    since: Figure | None = None  # the figure the pace is measured from
    per_month: float | None = None  # fewer left per 30 days
    finish_on: date | None = None  # everyone recorded
    target_on: date | None = None  # the target reached (when it is not yet)
    year_end: date | None = None

    @property
    def by_year_end(self) -> bool | None:
        if self.outlook is Outlook.DONE:
            return True
        if self.finish_on is None or self.year_end is None:
            return None
        return self.finish_on <= self.year_end


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def project(figures: Sequence[Figure], *, target: Decimal, year_end: date) -> Projection:
    """When the rest would be recorded if the number left keeps falling as it did from the
    earliest figure of the last three months (counted back from the latest) to the latest.
    The number left, not the number recorded: new wajib KTP join every month."""
    ordered = sorted(figures, key=lambda figure: figure.as_of)
    if not ordered:
        return Projection(Outlook.NO_HISTORY, year_end=year_end)
    latest = ordered[-1]
    if latest.remaining == 0:
        return Projection(Outlook.DONE, latest=latest, year_end=year_end)
    window_start = months_before(latest.as_of, PACE_MONTHS)
    earlier = [f for f in ordered if window_start <= f.as_of < latest.as_of]
    if not earlier:
        return Projection(Outlook.NO_HISTORY, latest=latest, year_end=year_end)
    since = earlier[0]
    fallen = since.remaining - latest.remaining
    days = (latest.as_of - since.as_of).days
    if fallen <= 0:
        return Projection(Outlook.NO_PROGRESS, latest=latest, since=since, year_end=year_end)
    per_day = fallen / days
    days_left = math.ceil(latest.remaining / per_day)
    if days_left > HORIZON_DAYS:
        return Projection(
            Outlook.TOO_SLOW, latest=latest, since=since, per_month=per_day * 30, year_end=year_end
        )
    needed = Coverage(latest.wajib_ktp, latest.recorded, target).needed_for_target
    return Projection(
        Outlook.ESTIMATE,
        latest=latest,
        since=since,
        per_month=per_day * 30,
        finish_on=latest.as_of + timedelta(days=days_left),
        target_on=latest.as_of + timedelta(days=math.ceil(needed / per_day)) if needed else None,
        year_end=year_end,
    )


def check_figures(wajib_ktp: int, recorded: int) -> None:
    """A figure needs people to count; more recorded than wajib KTP is allowed (see
    ``Coverage.remaining``), but not more than twice as many, which is a typing slip."""
    if wajib_ktp <= 0:
        raise Invalid(N_("Wajib KTP must be more than 0."))
    if recorded > 2 * wajib_ktp:
        raise Invalid(N_("Recorded is more than twice wajib KTP: check the figures."))

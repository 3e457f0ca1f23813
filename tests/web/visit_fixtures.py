"""Visits in the coming weeks, whatever day the tests run on: the working days of next month
(no closures are loaded in these tests)."""

from __future__ import annotations

from datetime import date, timedelta

from outreach.i18n import office_today
from outreach.scheduling.calendar import next_month


def next_month_weekdays() -> list[date]:
    first = next_month(office_today())
    days = [first + timedelta(days=n) for n in range(31)]
    return [d for d in days if d.month == first.month and d.weekday() < 5]

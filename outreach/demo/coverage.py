"""Demo coverage history: the published figures for Kota Bengkulu (the source named on each),
then invented monthly figures up to last month, marked as such, so a first start shows a chart
and a projection. Idempotent."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.demo.timeline import moment
from outreach.i18n import office_date
from outreach.models import DEMO_ACTOR, CoverageSnapshot
from outreach.scheduling.calendar import month_start
from outreach.services.coverage.figures import CoverageValues, add_snapshot

PUBLISHED = (
    (
        date(2024, 8, 4),
        279_871,
        278_057,
        "bengkulunews.co.id ?p=155700 (8 Agu 2024); Harian Bengkulu Ekspress 16135; "
        "ANTARA Bengkulu 365619",
    ),
    (date(2024, 8, 25), 280_158, 278_361, "Harian Rakyat Bengkulu / koranrb.id 20116"),
    (date(2025, 7, 31), 281_968, 281_760, "ANTARA via selalukabar.com (akhir Juli 2025)"),
)
INVENTED_SOURCE = "Data demo: angka simulasi, bukan angka resmi"
# The invented months: new wajib KTP join each month; the number left grows while recording
# lags (school recording stopped in July 2025), then falls over the last months of outreach.
NEW_WAJIB_PER_MONTH = 160
LAG_PER_MONTH, CATCH_UP_PER_MONTH, CATCH_UP_MONTHS = 45, 70, 4


def month_ends_after(first: date, today: date) -> list[date]:
    """The last day of each month after ``first``'s, up to the month before ``today``'s."""
    ends = []
    month = month_start(first)
    while True:
        following = month_start(month + timedelta(days=32))
        end = month_start(following + timedelta(days=32)) - timedelta(days=1)
        if end >= month_start(today):
            return ends
        ends.append(end)
        month = following


def load_demo_coverage(session: Session, *, now: datetime, set_up: datetime) -> int:
    """Add the figures not there yet; returns how many were added. The figures from before the
    app was ``set_up`` were entered then; each later one a few days after its month ended."""
    today = office_date(now)
    known = set(
        session.scalars(
            select(CoverageSnapshot.as_of).where(CoverageSnapshot.kecamatan_code.is_(None))
        )
    )
    figures = list(PUBLISHED)
    last_day, wajib, recorded, _source = PUBLISHED[-1]
    ends = month_ends_after(last_day, today)
    for index, end in enumerate(ends):
        catching_up = index >= len(ends) - CATCH_UP_MONTHS
        left = wajib - recorded
        wajib += NEW_WAJIB_PER_MONTH
        left = max(0, left - CATCH_UP_PER_MONTH) if catching_up else left + LAG_PER_MONTH
        recorded = wajib - left
        figures.append((end, wajib, recorded, INVENTED_SOURCE))
    added = 0
    for day, wajib, recorded, source in figures:
        if day in known or day > today:
            continue
        values = CoverageValues(
            as_of=day, kecamatan_code=None, wajib_ktp=wajib, recorded=recorded, source=source
        )
        entered = max(set_up, min(moment(day + timedelta(days=4), 10), now - timedelta(hours=1)))
        add_snapshot(session, values, now=entered, today=office_date(entered), actor=DEMO_ACTOR)
        added += 1
    return added

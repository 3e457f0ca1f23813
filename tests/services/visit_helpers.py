"""Visits made directly on the database for lifecycle tests (December 2026, planned on the
1st, a Tuesday)."""

from __future__ import annotations

from datetime import date

from outreach.models import (
    ResidentStatus,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
    utcnow,
)

TODAY = date(2026, 12, 1)
DECEMBER = date(2026, 12, 1)


def add_visit(
    session, *, school=None, resident=None, team, on, status=VisitStatus.PROPOSED, **extra
):
    """A visit of ``school`` (a December plan visit) or ``resident`` (a scheduled home visit)."""
    if school is not None:
        values = dict(
            kind=VisitKind.SCHOOL,
            school_id=school.id,
            origin=VisitOrigin.MONTHLY_PLAN,
            plan_month=date(on.year, on.month, 1),
        )
    else:
        values = dict(kind=VisitKind.HOME, resident_id=resident.id, origin=VisitOrigin.HOME_PLAN)
        resident.status = ResidentStatus.SCHEDULED
    visit = Visit(
        team_id=team.id, visit_on=on, status=status, created_at=utcnow(), **{**values, **extra}
    )
    session.add(visit)
    session.commit()
    return visit

"""What each role sees first on its home page, each as a few aggregate queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from outreach.models import (
    OPEN_VISIT_STATUSES,
    OfficeClosure,
    Resident,
    ResidentStatus,
    School,
    Team,
    Visit,
    VisitStatus,
)
from outreach.scheduling.calendar import month_start, next_month

ATTENTION_LIMIT = 20


@dataclass
class OfficeOverview:
    active_schools: int
    residents_waiting: int
    teams: int
    visits_this_month: dict[VisitStatus, int] = field(default_factory=dict)
    upcoming_closures: list[OfficeClosure] = field(default_factory=list)
    # Flagged by the daily sweeps: proposed visits close to their date, past visits without
    # an outcome.
    unconfirmed_soon: list[Visit] = field(default_factory=list)
    outcomes_due: int = 0
    # Open visits whose school asked for another day the planner could not give at once.
    date_requests: int = 0


def get_office_overview(session: Session, today: date) -> OfficeOverview:
    first = month_start(today)
    by_status = dict(
        session.execute(
            select(Visit.status, func.count())
            .where(Visit.visit_on >= first, Visit.visit_on < next_month(first))
            .group_by(Visit.status)
        ).all()
    )
    return OfficeOverview(
        active_schools=session.scalar(
            select(func.count()).select_from(School).where(School.is_active)
        ),
        residents_waiting=session.scalar(
            select(func.count())
            .select_from(Resident)
            .where(Resident.status == ResidentStatus.WAITING)
        ),
        teams=session.scalar(select(func.count()).select_from(Team).where(Team.is_active)),
        visits_this_month={status: by_status.get(status, 0) for status in VisitStatus},
        upcoming_closures=list_closures_between(session, today, today + timedelta(days=60)),
        unconfirmed_soon=list(
            session.scalars(
                select(Visit)
                .options(joinedload(Visit.school), joinedload(Visit.team))
                .where(
                    Visit.status == VisitStatus.PROPOSED,
                    Visit.unconfirmed_flagged_at.is_not(None),
                    Visit.visit_on >= today,
                )
                .order_by(Visit.visit_on, Visit.id)
                .limit(ATTENTION_LIMIT)
            )
        ),
        date_requests=session.scalar(
            select(func.count())
            .select_from(Visit)
            .where(
                Visit.status.in_(OPEN_VISIT_STATUSES),
                Visit.requested_visit_on.is_not(None),
                Visit.visit_on >= today,
            )
        ),
        outcomes_due=session.scalar(
            select(func.count())
            .select_from(Visit)
            .where(
                Visit.status.in_(OPEN_VISIT_STATUSES),
                Visit.outcome_due_at.is_not(None),
            )
        ),
    )


def list_closures_between(session: Session, first: date, last: date) -> list[OfficeClosure]:
    """Office closures from ``first`` to ``last`` inclusive, in date order."""
    return list(
        session.scalars(
            select(OfficeClosure)
            .where(OfficeClosure.closed_on >= first, OfficeClosure.closed_on <= last)
            .order_by(OfficeClosure.closed_on, OfficeClosure.name)
        )
    )

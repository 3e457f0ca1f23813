"""Queries over visits that several areas need."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from outreach.models import OPEN_VISIT_STATUSES, Visit, VisitKind


def count_open_visits(
    session: Session,
    first_on: date,
    last_on: date,
    *,
    school_id: int | None = None,
    schools_only: bool = False,
) -> int:
    """Proposed or confirmed visits between two days (of one school, or school visits only),
    e.g. the ones a new closure or blackout now falls on."""
    query = (
        select(func.count())
        .select_from(Visit)
        .where(
            Visit.status.in_(OPEN_VISIT_STATUSES),
            Visit.visit_on >= first_on,
            Visit.visit_on <= last_on,
        )
    )
    if school_id is not None:
        query = query.where(Visit.school_id == school_id)
    elif schools_only:
        query = query.where(Visit.kind == VisitKind.SCHOOL)
    return session.scalar(query)

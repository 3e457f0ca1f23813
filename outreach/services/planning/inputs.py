"""What the planners and a visit's move see of the world between two days: the settings, the
working calendar (weekdays, office closures), the active teams, the schools' blackouts and the
visits already booked. Loaded by :func:`load_inputs` in a few set-based queries, so the month's
plan and a move can never judge a day by different rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from outreach.models import OfficeClosure, SchoolBlackout, Team, Visit, VisitKind
from outreach.scheduling.calendar import Blackout, WorkingCalendar
from outreach.scheduling.routes import Point
from outreach.scheduling.teams import Booking, TeamSpec


@dataclass(frozen=True)
class PlanSettings:
    working_weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    lead_days: int = 5

    @classmethod
    def from_config(cls, config: Mapping) -> PlanSettings:
        return cls(
            working_weekdays=frozenset(config["OUTREACH_WORKING_WEEKDAYS"]),
            lead_days=config["OUTREACH_LEAD_DAYS"],
        )


@dataclass(frozen=True)
class PlannerInputs:
    settings: PlanSettings
    calendar: WorkingCalendar
    teams: tuple[TeamSpec, ...]
    blackouts: tuple[Blackout, ...]  # school visits only; empty for home visits
    bookings: tuple[Booking, ...]  # the kind's visits that take a team's place on a day


def load_inputs(
    session: Session,
    first: date,
    last: date,
    settings: PlanSettings,
    *,
    kind: VisitKind = VisitKind.SCHOOL,
    school_id: int | None = None,
    leaving_out: int | None = None,
) -> PlannerInputs:
    """The inputs from ``first`` to ``last``. ``school_id``: only that school's blackouts and
    the all-schools ones; ``leaving_out``: a visit whose own place does not count (the one
    being moved)."""
    blackouts: tuple[Blackout, ...] = ()
    if kind is VisitKind.SCHOOL:
        query = select(SchoolBlackout).where(
            SchoolBlackout.first_on <= last, SchoolBlackout.last_on >= first
        )
        if school_id is not None:
            query = query.where(
                SchoolBlackout.school_id.is_(None) | (SchoolBlackout.school_id == school_id)
            )
        blackouts = tuple(
            Blackout(b.first_on, b.last_on, b.school_id, b.reason) for b in session.scalars(query)
        )
    booked = select(Visit.team_id, Visit.visit_on).where(
        Visit.kind == kind,
        Visit.visit_on >= first,
        Visit.visit_on <= last,
        Visit.holds_place,
    )
    if leaving_out is not None:
        booked = booked.where(Visit.id != leaving_out)
    return PlannerInputs(
        settings=settings,
        calendar=working_calendar(session, first, last, settings),
        teams=team_specs(session),
        blackouts=blackouts,
        bookings=tuple(Booking(row.team_id, row.visit_on) for row in session.execute(booked)),
    )


def working_calendar(session: Session, first: date, last: date, settings: PlanSettings):
    closed = session.scalars(
        select(OfficeClosure.closed_on).where(
            OfficeClosure.closed_on >= first, OfficeClosure.closed_on <= last
        )
    )
    return WorkingCalendar(settings.working_weekdays, frozenset(closed))


def team_specs(session: Session) -> tuple[TeamSpec, ...]:
    teams = session.scalars(
        select(Team).where(Team.is_active).options(selectinload(Team.kecamatan)).order_by(Team.id)
    )
    return tuple(
        TeamSpec(
            id=team.id,
            kecamatan_codes=frozenset(k.code for k in team.kecamatan),
            school_visits_per_day=team.school_visits_per_day,
            home_visits_per_day=team.home_visits_per_day,
            start=Point(team.start_lat, team.start_lng)
            if team.start_lat is not None and team.start_lng is not None
            else None,
        )
        for team in teams
    )

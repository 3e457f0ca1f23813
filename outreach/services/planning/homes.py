"""Running the home-visit planner: waiting residents into the teams' days, each day a route."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from outreach.errors import DomainError
from outreach.models import (
    OPEN_VISIT_STATUSES,
    Kecamatan,
    Kelurahan,
    PlanKind,
    PlanRun,
    PlanTrigger,
    Resident,
    ResidentStatus,
    Team,
    User,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
)
from outreach.scheduling.home_plan import (
    HomeBooking,
    HomePlan,
    HomePlanInput,
    ResidentCandidate,
    plan_home_visits,
)
from outreach.scheduling.routes import Point
from outreach.services.audit import record_event
from outreach.services.planning.inputs import PlanSettings, team_specs, working_calendar
from outreach.services.planning.schools import DETAIL_LIMIT, days_and_teams, insert_visits
from outreach.services.versions import Stale, bump
from outreach.services.visits.changes import reorder_routes

MAX_DAYS = 62  # a plan reaches at most two months ahead
FURTHEST_START = 366  # days: a home plan starts within a year from today


@dataclass
class HomePlanPreview:
    start: date
    days: int
    plan: HomePlan
    names: dict[int, tuple[str, str]]  # resident id → (name, kelurahan)
    by_day: list[tuple[date, list[tuple[str, list[tuple[int, str, str, bool]]]]]] = field(
        default_factory=list
    )

    @property
    def unplaced_by_reason(self) -> dict[str, int]:
        return dict(Counter(reason for _, reason in self.plan.unplaced))


def check_period(start: date, days: int, today: date) -> None:
    """A home plan's period: from today on (today itself is never planned, so a period that
    starts today begins tomorrow), within a year, 1 to MAX_DAYS days long."""
    if start < today:
        raise DomainError(_l("The first day has passed: choose tomorrow or a later day."), "start")
    if start > today + timedelta(days=FURTHEST_START):
        raise DomainError(_l("Choose a first day within a year from today."), "start")
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(_l("Choose a length from the list."), "days")


def preview_home_visits(
    session: Session, *, start: date, days: int, today: date, settings: PlanSettings
) -> HomePlanPreview:
    """Who would be visited on which day in the period (refused, DomainError, when the period
    is not one a plan may have: check_period)."""
    check_period(start, days, today)
    last = start + timedelta(days=days - 1)
    residents, names = _waiting_residents(session)
    bookings = _home_bookings(session, start, last, names)
    plan = plan_home_visits(
        HomePlanInput(
            start=start,
            days=days,
            today=today,
            residents=residents,
            teams=team_specs(session),
            calendar=working_calendar(session, start, last, settings),
            bookings=bookings,
            centroids=_centroids(session),
        )
    )
    teams = dict(session.execute(select(Team.id, Team.name)).all())
    grouped: dict[date, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for stop in plan.stops:
        name, kelurahan = names[stop.resident_id]
        grouped[stop.on][stop.team_id].append((stop.route_order, name, kelurahan, stop.is_new))
    touched = {stop.resident_id for stop in plan.stops}
    for booking in bookings:  # the period's days this plan leaves as they are
        if booking.resident_id not in touched:
            name, kelurahan = names[booking.resident_id]
            order = booking.route_order or 0
            grouped[booking.on][booking.team_id].append((order, name, kelurahan, False))
    for teams_of_day in grouped.values():
        for stops in teams_of_day.values():
            stops.sort()
    return HomePlanPreview(start, days, plan, names, days_and_teams(grouped, teams))


def plan_home(
    session: Session,
    *,
    start: date,
    days: int,
    now: datetime,
    today: date,
    settings: PlanSettings,
    trigger: PlanTrigger,
    actor: User | str,
) -> tuple[PlanRun, HomePlanPreview]:
    """Create home visits for waiting residents in ``days`` days from ``start``, mark them
    scheduled, renumber the routes of the days that gained stops, and record a PlanRun."""
    preview = preview_home_visits(session, start=start, days=days, today=today, settings=settings)
    plan = preview.plan
    new = plan.new_stops
    insert_visits(session, home_visit_rows(new, now))
    _renumber_existing(session, [s for s in plan.stops if not s.is_new], now)
    scheduled = [stop.resident_id for stop in new]
    for chunk in range(0, len(scheduled), 500):
        ids = scheduled[chunk : chunk + 500]
        # Only requests still waiting, their version raised (an open page on one notices): a
        # request someone closed since the preview read it is not scheduled over their change.
        result = session.execute(
            update(Resident)
            .where(Resident.id.in_(ids), Resident.status == ResidentStatus.WAITING)
            .values(status=ResidentStatus.SCHEDULED, updated_at=now, **bump(Resident)),
            execution_options={"synchronize_session": False},
        )
        if result.rowcount != len(ids):
            raise Stale(
                _l(
                    "Someone changed a request in the queue while the plan was made, so nothing "
                    "was planned. Look at the preview again and plan once more."
                )
            )
    # The UPDATE went around the ORM: a request already loaded in this session (a job that goes
    # on to change one) reads its status and version again, or its next save is refused as stale.
    planned = set(scheduled)
    for record in list(session.identity_map.values()):
        if isinstance(record, Resident) and record.id in planned:
            session.expire(record, ["status", "updated_at", "version"])
    run = PlanRun(
        kind=PlanKind.HOME_VISITS,
        start_on=start,
        days=days,
        trigger=trigger,
        triggered_by=actor if isinstance(actor, User) else None,
        started_at=now,
        finished_at=now,
        created_count=len(new),
        skipped_count=0,
        unplaced_count=len(plan.unplaced),
        details={
            "unplaced_by_reason": preview.unplaced_by_reason,
            "unplaced": [
                {"id": rid, "name": preview.names[rid][0], "reason": reason}
                for rid, reason in plan.unplaced[:DETAIL_LIMIT]
            ],
        },
    )
    session.add(run)
    session.flush()
    record_event(
        session,
        now=now,
        actor=actor,
        action="plan.home_visits",
        entity=run,
        changes={
            "start": start.isoformat(),
            "days": days,
            "created": run.created_count,
            "waiting": run.unplaced_count,
        },
    )
    return run, preview


def home_visit_rows(stops, now: datetime) -> list[dict]:
    """The new stops of a plan as visit rows for one executemany."""
    return [
        {
            "kind": VisitKind.HOME,
            "resident_id": stop.resident_id,
            "team_id": stop.team_id,
            "visit_on": stop.on,
            "route_order": stop.route_order,
            "status": VisitStatus.PROPOSED,
            "origin": VisitOrigin.HOME_PLAN,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for stop in stops
    ]


def _renumber_existing(session: Session, stops, now: datetime) -> None:
    """Give existing visits their new place in a day's route."""
    if not stops:
        return
    current = dict(
        session.execute(
            select(Visit.resident_id, Visit.id).where(
                Visit.kind == VisitKind.HOME,
                Visit.status.in_(OPEN_VISIT_STATUSES),
                Visit.resident_id.in_([s.resident_id for s in stops]),
            )
        ).all()
    )
    reorder_routes(session, {current[s.resident_id]: s.route_order for s in stops}, now=now)


def _waiting_residents(session: Session):
    """Waiting residents without an open home visit, and {id: (name, kelurahan)}."""
    open_visit = exists().where(
        Visit.resident_id == Resident.id,
        Visit.kind == VisitKind.HOME,
        Visit.status.in_(OPEN_VISIT_STATUSES),
    )
    rows = session.execute(
        select(
            Resident.id,
            Resident.name,
            Resident.kelurahan_code,
            Kelurahan.kecamatan_code,
            Kelurahan.name.label("kelurahan"),
            Resident.lat,
            Resident.lng,
            Resident.is_bedridden,
            Resident.birth_on,
            Resident.requested_on,
        )
        .join(Kelurahan, Kelurahan.code == Resident.kelurahan_code)
        .where(Resident.status == ResidentStatus.WAITING, ~open_visit)
    )
    candidates = []
    names = {}
    for row in rows:
        names[row.id] = (row.name, row.kelurahan)
        candidates.append(
            ResidentCandidate(
                id=row.id,
                kecamatan_code=row.kecamatan_code,
                kelurahan_code=row.kelurahan_code,
                point=_point(row),
                is_bedridden=row.is_bedridden,
                birth_on=row.birth_on,
                requested_on=row.requested_on,
            )
        )
    return tuple(candidates), names


def _home_bookings(session: Session, first: date, last: date, names: dict):
    """Open home visits already on the teams' days (their names are added to ``names``)."""
    rows = session.execute(
        select(
            Visit.team_id,
            Visit.visit_on,
            Visit.route_order,
            Resident.id,
            Resident.name,
            Resident.kelurahan_code,
            Kelurahan.kecamatan_code,
            Kelurahan.name.label("kelurahan"),
            Resident.lat,
            Resident.lng,
        )
        .join(Resident, Resident.id == Visit.resident_id)
        .join(Kelurahan, Kelurahan.code == Resident.kelurahan_code)
        .where(
            Visit.kind == VisitKind.HOME,
            Visit.status.in_(OPEN_VISIT_STATUSES),
            Visit.visit_on >= first,
            Visit.visit_on <= last,
        )
    )
    bookings = []
    for row in rows:
        names[row.id] = (row.name, row.kelurahan)
        bookings.append(
            HomeBooking(
                team_id=row.team_id,
                on=row.visit_on,
                resident_id=row.id,
                kecamatan_code=row.kecamatan_code,
                kelurahan_code=row.kelurahan_code,
                point=_point(row),
                route_order=row.route_order,
            )
        )
    return tuple(bookings)


def _centroids(session: Session) -> tuple[tuple[str, Point], ...]:
    rows = list(session.execute(select(Kelurahan.code, Kelurahan.lat, Kelurahan.lng)))
    rows += session.execute(select(Kecamatan.code, Kecamatan.lat, Kecamatan.lng))
    return tuple(
        (row.code, _point(row)) for row in rows if row.lat is not None and row.lng is not None
    )


def _point(row) -> Point | None:
    return Point(row.lat, row.lng) if row.lat is not None and row.lng is not None else None

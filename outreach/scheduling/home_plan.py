"""Home visits: waiting residents, most urgent first, into the earliest team-day with room,
one kecamatan per team-day where possible; each day's stops ordered into a short route."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from outreach.scheduling.calendar import WorkingCalendar
from outreach.scheduling.routes import Point, Stop, order_route
from outreach.scheduling.teams import TeamChooser, TeamSpec

# Why a waiting resident stays in the queue after a plan.
NO_TEAM = "no_team"  # no active team doing home visits covers the resident's area
NO_WORKING_DAY = "no_working_day"  # the period has no working day
NO_CAPACITY = "no_capacity"  # every team-day of the period is full


@dataclass(frozen=True)
class ResidentCandidate:
    id: int
    kecamatan_code: str
    kelurahan_code: str | None = None
    point: Point | None = None  # the home's coordinates, when known
    is_bedridden: bool = False
    birth_on: date | None = None
    requested_on: date = date.min


@dataclass(frozen=True)
class HomeBooking:
    """A home visit already planned on a team's day; it keeps its place in the day's route."""

    team_id: int
    on: date
    resident_id: int
    kecamatan_code: str
    kelurahan_code: str | None = None
    point: Point | None = None
    route_order: int | None = None


@dataclass(frozen=True)
class HomePlanInput:
    start: date
    days: int
    today: date
    residents: tuple[ResidentCandidate, ...]
    teams: tuple[TeamSpec, ...]
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    bookings: tuple[HomeBooking, ...] = ()
    centroids: tuple[tuple[str, Point], ...] = ()  # kelurahan (or kecamatan) code → centroid


@dataclass(frozen=True)
class HomeStop:
    resident_id: int
    team_id: int
    on: date
    route_order: int  # 1 = first stop of the day
    is_new: bool  # False: an existing visit whose place in the route may have changed


@dataclass(frozen=True)
class HomePlan:
    stops: tuple[HomeStop, ...]  # every stop of every team-day touched, new and existing
    unplaced: tuple[tuple[int, str], ...]  # (resident id, reason), in priority order

    @property
    def new_stops(self) -> tuple[HomeStop, ...]:
        return tuple(stop for stop in self.stops if stop.is_new)


def priority(resident: ResidentCandidate) -> tuple:
    """Bedridden first, then the oldest (unknown age last), then the longest waiting."""
    return (
        not resident.is_bedridden,
        resident.birth_on or date.max,
        resident.requested_on,
        resident.id,
    )


def plan_home_visits(plan: HomePlanInput) -> HomePlan:
    earliest = max(plan.start, plan.today + timedelta(days=1))
    last = plan.start + timedelta(days=plan.days - 1)
    days = plan.calendar.working_days(earliest, last)
    chooser = TeamChooser(plan.teams, lambda team: team.home_visits_per_day)
    capacity = {team.id: team.home_visits_per_day for team in plan.teams}

    used: dict[tuple[int, date], int] = defaultdict(int)
    area: dict[tuple[int, date], set[str]] = defaultdict(set)
    day_stops: dict[tuple[int, date], list] = defaultdict(list)
    for booking in sorted(plan.bookings, key=lambda b: (b.route_order or 0, b.resident_id)):
        key = (booking.team_id, booking.on)
        used[key] += 1
        area[key].add(booking.kecamatan_code)
        day_stops[key].append((booking, False))

    unplaced: list[tuple[int, str]] = []
    no_single_area: set[str] = set()  # kecamatan with no empty or same-area team-day left
    full: set[str] = set()  # kecamatan with no team-day left at all
    for resident in sorted(plan.residents, key=priority):
        kecamatan = resident.kecamatan_code
        covering, fallback = chooser.for_kecamatan(kecamatan)
        teams = (covering, fallback)
        if not covering and not fallback:
            unplaced.append((resident.id, NO_TEAM))
            continue
        if not days:
            unplaced.append((resident.id, NO_WORKING_DAY))
            continue
        found = None
        if kecamatan not in no_single_area:
            found = _first_team_day(days, teams, capacity, used, area, kecamatan, True)
            if found is None:
                no_single_area.add(kecamatan)
        if found is None and kecamatan not in full:
            found = _first_team_day(days, teams, capacity, used, area, kecamatan, False)
            if found is None:
                full.add(kecamatan)
        if found is None:
            unplaced.append((resident.id, NO_CAPACITY))
            continue
        used[found] += 1
        area[found].add(kecamatan)
        day_stops[found].append((resident, True))

    centroids = dict(plan.centroids)
    starts = {team.id: team.start for team in plan.teams}
    stops: list[HomeStop] = []
    for (team_id, on), entries in sorted(day_stops.items()):
        if not any(is_new for _, is_new in entries):
            continue  # a day this plan did not touch keeps its route as it is
        points = {entry.id if is_new else entry.resident_id: entry for entry, is_new in entries}
        route = order_route(
            [Stop(key, _where(entry, centroids)) for key, entry in points.items()],
            starts.get(team_id),
        )
        new_ids = {entry.id for entry, is_new in entries if is_new}
        for position, resident_id in enumerate(route, start=1):
            stops.append(HomeStop(resident_id, team_id, on, position, resident_id in new_ids))
    return HomePlan(stops=tuple(stops), unplaced=tuple(unplaced))


def _first_team_day(days, teams, capacity, used, area, kecamatan, single_area):
    """The earliest team-day with room on a covering team, else on a fallback team; with
    ``single_area``, only a day still empty or already in the resident's kecamatan."""
    for group in teams:
        for day in days:
            for team in group:
                key = (team.id, day)
                if used.get(key, 0) >= capacity[team.id]:
                    continue
                if single_area and area.get(key) and area[key] != {kecamatan}:
                    continue
                return key
    return None


def _where(entry, centroids: dict[str, Point]) -> Point | None:
    """The home's coordinates, else its kelurahan's centroid, else its kecamatan's."""
    if entry.point is not None:
        return entry.point
    return centroids.get(entry.kelurahan_code or "") or centroids.get(entry.kecamatan_code)

"""The monthly school plan: one visit per active school per month, on a possible day, by a
team with room that day; every school not placed is reported with the reason.

Two passes. First each school gets a team: a team covering its kecamatan, the least loaded
one, else the least loaded team of its regency. Then each team's schools (follow-up schools
first, then by kecamatan) are laid along the team's days at even intervals, so the visits spread
over the month, schools of one kecamatan fall on neighbouring days, and when a team does
several a day, schools of one kecamatan share a day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from outreach.scheduling.calendar import Blackout, WorkingCalendar, month_start, next_month
from outreach.scheduling.teams import Booking, TeamChooser, TeamSpec

# Why a school is left out of a month's plan.
ALREADY_PLANNED = "already_planned"  # it has a monthly-plan visit in the month
NOTHING_PENDING = "nothing_pending"  # known to have no student left to record (0, not unknown)
NO_TEAM = "no_team"  # no active team doing school visits covers its area
NO_POSSIBLE_DAY = "no_possible_day"  # every day of the month is closed, blacked out or too soon
NO_CAPACITY = "no_capacity"  # possible days exist, but every team-day on them is full


@dataclass(frozen=True)
class SchoolCandidate:
    id: int
    kecamatan_code: str
    students_pending: int | None = None  # None = unknown
    preferred_weekdays: frozenset[int] = frozenset()  # ISO weekdays; empty = no preference
    follow_up: bool = False  # students were left unrecorded last month: goes first


@dataclass(frozen=True)
class SchoolPlanInput:
    month: date  # any day of the month to plan
    today: date
    schools: tuple[SchoolCandidate, ...]
    teams: tuple[TeamSpec, ...]
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    blackouts: tuple[Blackout, ...] = ()
    bookings: tuple[Booking, ...] = ()  # school visits already on the teams' days
    already_planned: frozenset[int] = frozenset()  # school ids with a plan visit this month
    lead_days: int = 5  # no visit before today + lead_days


@dataclass(frozen=True)
class Placement:
    school_id: int
    team_id: int
    on: date


@dataclass(frozen=True)
class LeftOut:
    school_id: int
    reason: str


@dataclass(frozen=True)
class SchoolPlan:
    placements: tuple[Placement, ...]
    skipped: tuple[LeftOut, ...]  # not candidates: already planned, nothing pending
    unplaced: tuple[LeftOut, ...]  # candidates that found no team-day


def possible_days(plan: SchoolPlanInput) -> list[date]:
    """Days of the month any school could be visited: working, open, not blacked out for all
    schools, and not before today + lead time."""
    first = month_start(plan.month)
    earliest = max(first, plan.today + timedelta(days=plan.lead_days))
    last = next_month(first) - timedelta(days=1)
    everyone = [b for b in plan.blackouts if b.school_id is None]
    return [
        day
        for day in plan.calendar.working_days(earliest, last)
        if not any(b.covers(day) for b in everyone)
    ]


def plan_month(plan: SchoolPlanInput) -> SchoolPlan:
    """Place every candidate school of the month, deterministically."""
    month_days = possible_days(plan)
    own_blackouts: dict[int, list[Blackout]] = defaultdict(list)
    for blackout in plan.blackouts:
        if blackout.school_id is not None:
            own_blackouts[blackout.school_id].append(blackout)
    chooser = TeamChooser(plan.teams, lambda team: team.school_visits_per_day)

    skipped: list[LeftOut] = []
    unplaced: list[LeftOut] = []
    candidates: list[tuple[SchoolCandidate, list[date]]] = []
    for school in sorted(plan.schools, key=_priority):
        if school.id in plan.already_planned:
            skipped.append(LeftOut(school.id, ALREADY_PLANNED))
            continue
        if school.students_pending == 0:
            skipped.append(LeftOut(school.id, NOTHING_PENDING))
            continue
        blocked = own_blackouts.get(school.id)
        days = (
            [d for d in month_days if not any(b.covers(d) for b in blocked)]
            if blocked
            else month_days
        )
        if not days:
            unplaced.append(LeftOut(school.id, NO_POSSIBLE_DAY))
        elif not any(chooser.for_kecamatan(school.kecamatan_code)):
            unplaced.append(LeftOut(school.id, NO_TEAM))
        else:
            candidates.append((school, days))

    capacity = {team.id: team.school_visits_per_day for team in plan.teams}
    used = Counter((booking.team_id, booking.on) for booking in plan.bookings)
    load = Counter(booking.team_id for booking in plan.bookings)
    assigned = _assign_teams(candidates, chooser, capacity, used, load, month_days)

    index = {day: i for i, day in enumerate(month_days)}
    placements: list[Placement] = []
    for team_id in sorted(assigned):
        schools = assigned[team_id]
        for position, (school, days) in enumerate(schools):
            spread = (index, position * len(month_days) / len(schools))
            team, day = team_id, _best_day(team_id, school, days, capacity, used, spread)
            if day is None:  # its own days are full on this team: any other team with room
                team, day = _any_team_day(school, days, chooser, capacity, used, load)
            if day is None:
                unplaced.append(LeftOut(school.id, NO_CAPACITY))
                continue
            used[(team, day)] += 1
            load[team] += 1
            placements.append(Placement(school.id, team, day))

    return SchoolPlan(
        placements=tuple(sorted(placements, key=lambda p: (p.on, p.team_id, p.school_id))),
        skipped=tuple(sorted(skipped, key=lambda s: s.school_id)),
        unplaced=tuple(sorted(unplaced, key=lambda s: s.school_id)),
    )


def _priority(school: SchoolCandidate) -> tuple:
    return (not school.follow_up, school.kecamatan_code, school.id)


def _assign_teams(candidates, chooser, capacity, used, load, month_days) -> dict[int, list]:
    """Give each school a team with room left in the month: covering teams first, the least
    loaded of them; else the least loaded team of the regency."""
    free = {
        team_id: sum(max(0, per_day - used[(team_id, day)]) for day in month_days)
        for team_id, per_day in capacity.items()
    }
    load = Counter(load)  # the month's load as assigned so far; the caller's stays as it is
    assigned: dict[int, list] = defaultdict(list)
    for school, days in candidates:
        covering, fallback = chooser.for_kecamatan(school.kecamatan_code)
        chosen = None
        for group in (covering, fallback):
            open_teams = [team for team in group if free[team.id] > 0]
            if open_teams:
                chosen = min(open_teams, key=lambda t: (load[t.id], t.id))
                break
        if chosen is None:  # every team is full: let the day pass report it
            chosen = (covering or fallback)[0]
        else:
            free[chosen.id] -= 1
        load[chosen.id] += 1
        assigned[chosen.id].append((school, days))
    return assigned


def _best_day(team_id, school, days, capacity, used, spread=None) -> date | None:
    """The school's possible day with room on this team: a preferred weekday if any has room;
    then, with ``spread`` (day index, target index), the day nearest the school's even share
    of the month; then the emptier day, then the earlier."""
    free = [day for day in days if used[(team_id, day)] < capacity[team_id]]
    if not free:
        return None
    pool = [day for day in free if day.isoweekday() in school.preferred_weekdays] or free
    if spread is None:
        return min(pool, key=lambda day: (used[(team_id, day)], day))
    index, target = spread
    return min(pool, key=lambda day: (abs(index[day] - target), used[(team_id, day)], day))


def _any_team_day(school, days, chooser, capacity, used, load) -> tuple[int | None, date | None]:
    """The least loaded team (covering ones first) with a possible day of room, and that day."""
    for group in chooser.for_kecamatan(school.kecamatan_code):
        for team in sorted(group, key=lambda t: (load[t.id], t.id)):
            day = _best_day(team.id, school, days, capacity, used)
            if day is not None:
                return team.id, day
    return None, None


def months_due(today: date, plan_day: int, lead_days: int, planned: set[date]) -> list[date]:
    """Monthly plans that should exist by ``today`` but do not (the machine was off on the
    plan day): next month's from the plan day on, and this month's while days remain to plan.

    ``planned`` holds the first days of the months with a plan run.
    """
    this_month = month_start(today)
    due = []
    if today + timedelta(days=lead_days) < next_month(this_month):
        due.append(this_month)
    if today.day >= plan_day:
        due.append(next_month(this_month))
    return [month for month in due if month not in planned]

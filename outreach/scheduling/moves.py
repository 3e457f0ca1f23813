"""Where a visit can go instead: the days (and a team with room on each) a visit may be moved
to, and the teams with room on a given day. Pure: the caller loads the calendar and bookings.

The same rules as the monthly plan: a working day, not an office closure, not in the school's
own or an all-school blackout, a team of the area with room that day (the visit's own team
first, then the teams covering its kecamatan, then its regency's, least loaded first).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from outreach.scheduling.calendar import Blackout, WorkingCalendar
from outreach.scheduling.teams import Booking, TeamChooser, TeamSpec


@dataclass(frozen=True)
class MoveInput:
    kecamatan_code: str
    team_id: int  # the visit's team, kept where it has room
    first_on: date  # earliest day offered
    last_on: date  # last day offered
    teams: tuple[TeamSpec, ...]
    school_visit: bool = True  # school visits use the school capacity, home visits the home one
    school_id: int | None = None
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    blackouts: tuple[Blackout, ...] = ()
    bookings: tuple[Booking, ...] = ()  # other visits of the same kind (not the one moved)
    current_on: date | None = None  # the visit's own day, never offered


@dataclass(frozen=True)
class MoveOption:
    on: date
    team_id: int


def _capacity(move: MoveInput):
    if move.school_visit:
        return lambda team: team.school_visits_per_day
    return lambda team: team.home_visits_per_day


def _blocked(move: MoveInput, day: date) -> bool:
    return any(
        blackout.covers(day)
        for blackout in move.blackouts
        if blackout.school_id is None or blackout.school_id == move.school_id
    )


def teams_with_room(move: MoveInput, day: date) -> list[int]:
    """Teams that may serve the visit's area and have room on ``day``: the visit's own team
    first, then covering teams, then fallback ones, each group least loaded first."""
    capacity = _capacity(move)
    used = Counter(booking.team_id for booking in move.bookings if booking.on == day)
    covering, fallback = TeamChooser(move.teams, capacity).for_kecamatan(move.kecamatan_code)
    own = [team for team in move.teams if team.id == move.team_id and capacity(team) > 0]
    found: list[int] = []
    for group in (own, covering, fallback):
        for team in sorted(group, key=lambda t: (used[t.id], t.id)):
            if team.id not in found and used[team.id] < capacity(team):
                found.append(team.id)
    return found


def possible_span(move: MoveInput) -> tuple[date, date] | None:
    """The first and last day from ``first_on`` to ``last_on`` the rules allow at all (a working
    day, no closure, no blackout; not the visit's own day), whether a team has room or not —
    the range a person may ask for. None when there is no such day."""
    days = [
        day
        for day in move.calendar.working_days(move.first_on, move.last_on)
        if day != move.current_on and not _blocked(move, day)
    ]
    return (days[0], days[-1]) if days else None


def move_options(move: MoveInput) -> list[MoveOption]:
    """Every day from ``first_on`` to ``last_on`` the visit may move to, with the team that
    would go (its own team when it has room), in date order."""
    options = []
    for day in move.calendar.working_days(move.first_on, move.last_on):
        if day == move.current_on or _blocked(move, day):
            continue
        teams = teams_with_room(move, day)
        if teams:
            options.append(MoveOption(day, teams[0]))
    return options

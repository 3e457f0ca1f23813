"""Moving a visit to another day and giving it to another team, within the planner's rules
(working day, no closure or blackout, a team of the area with room)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from outreach.database import lock_for_check
from outreach.errors import DomainError
from outreach.i18n import long_date, weekday_name
from outreach.models import (
    OPEN_VISIT_STATUSES,
    Kelurahan,
    OfficeClosure,
    Resident,
    ResidentStatus,
    Team,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
)
from outreach.scheduling.calendar import month_start, next_month
from outreach.scheduling.lifecycle import Action
from outreach.scheduling.moves import (
    MoveInput,
    MoveOption,
    move_options,
    possible_span,
    teams_with_room,
)
from outreach.services.audit import record_event
from outreach.services.planning.inputs import PlanSettings, load_inputs
from outreach.services.visits.changes import (
    Who,
    clean_reason,
    expect_allowed,
    expect_version,
    save,
)

FULLY_BOOKED = _l("Every team of the area is fully booked that day.")


class DayNotPossible(DomainError):
    """The day is outside what the planning rules allow at all (outside the window, a day the
    office does not go out, a closure, a blackout) — unlike a full day, no one can make room."""


# A home visit can move this far ahead; a school's monthly visit stays in its month.
HOME_MOVE_DAYS = 31


def move_window(visit: Visit, today: date, *, earliest: date | None = None) -> tuple[date, date]:
    """The days a visit may move to: a school visit within its month, a home visit within the
    next HOME_MOVE_DAYS; never before ``earliest`` (today by default)."""
    first = max(earliest or today, today)
    if visit.kind is VisitKind.SCHOOL:
        month = month_start(visit.plan_month or visit.visit_on)
        first = max(first, month)
        last = next_month(month) - timedelta(days=1)
    else:
        last = today + timedelta(days=HOME_MOVE_DAYS)
    return first, last


def _kecamatan_of(session: Session, visit: Visit) -> str:
    if visit.kind is VisitKind.SCHOOL:
        return visit.school.kecamatan_code
    return session.scalar(
        select(Kelurahan.kecamatan_code)
        .join(Resident, Resident.kelurahan_code == Kelurahan.code)
        .where(Resident.id == visit.resident_id)
    )


def move_input(
    session: Session, visit: Visit, *, first_on: date, last_on: date, settings: PlanSettings
) -> MoveInput:
    """What the pure move rules need about this visit: the planner's inputs over the window
    (and the visit's own day), its own place left out."""
    inputs = load_inputs(
        session,
        min(first_on, visit.visit_on),
        max(last_on, visit.visit_on),
        settings,
        kind=visit.kind,
        school_id=visit.school_id,
        leaving_out=visit.id,
    )
    return MoveInput(
        kecamatan_code=_kecamatan_of(session, visit),
        team_id=visit.team_id,
        first_on=first_on,
        last_on=last_on,
        teams=inputs.teams,
        school_visit=visit.kind is VisitKind.SCHOOL,
        school_id=visit.school_id,
        calendar=inputs.calendar,
        blackouts=inputs.blackouts,
        bookings=inputs.bookings,
        current_on=visit.visit_on,
    )


@dataclass(frozen=True)
class MoveDays:
    """Where a visit may go: the days with a team with room (and the team that would go), and
    the first and last day the rules allow at all, room or not (None when no day is left)."""

    options: list[MoveOption]
    span: tuple[date, date] | None


def move_days(
    session: Session,
    visit: Visit,
    *,
    today: date,
    settings: PlanSettings,
    earliest: date | None = None,
) -> MoveDays:
    """The days this visit may move to, judged by the planner's inputs over its window."""
    first, last = move_window(visit, today, earliest=earliest)
    if first > last:
        return MoveDays([], None)
    move = move_input(session, visit, first_on=first, last_on=last, settings=settings)
    return MoveDays(move_options(move), possible_span(move))


def options_for(
    session: Session,
    visit: Visit,
    *,
    today: date,
    settings: PlanSettings,
    earliest: date | None = None,
) -> list[MoveOption]:
    """The days (with the team that would go) this visit may move to."""
    return move_days(session, visit, today=today, settings=settings, earliest=earliest).options


def out_of_span(span: tuple[date, date] | None) -> DayNotPossible:
    """The refusal of a day outside what the rules allow, naming the first and last day they
    do allow (working days without a closure or blackout, not merely the window's ends)."""
    if span is None:
        return DayNotPossible(_l("No day is left that the visit could move to."), field="on")
    return DayNotPossible(
        _l(
            "Choose a day from %(first)s to %(last)s.",
            first=long_date(span[0]),
            last=long_date(span[1]),
        ),
        field="on",
    )


def teams_for_day(session: Session, visit: Visit, *, settings: PlanSettings) -> list[Team]:
    """Other active teams with room on the visit's day, the best first."""
    move = move_input(
        session, visit, first_on=visit.visit_on, last_on=visit.visit_on, settings=settings
    )
    ids = [team_id for team_id in teams_with_room(move, visit.visit_on) if team_id != visit.team_id]
    teams = {team.id: team for team in session.scalars(select(Team).where(Team.id.in_(ids)))}
    return [teams[team_id] for team_id in ids]


def move_visit(
    session: Session,
    visit: Visit,
    *,
    on: date,
    now: datetime,
    today: date,
    who: Who,
    settings: PlanSettings,
    version: int | None,
    reason: str | None = None,
    team_id: int | None = None,
    start_time: time | None = None,
    confirmed: bool = False,
    earliest: date | None = None,
    students_expected: int | None = None,
) -> Visit:
    """Close the visit as moved and create its successor on ``on`` (the same iCalendar UID,
    SEQUENCE one higher, ``replaces`` pointing back). ``confirmed``: the liaison chose the day;
    ``students_expected``: the liaison's new count (else the visit's own goes with it)."""
    expect_version(visit, version)
    expect_allowed(visit, Action.MOVE, today)
    _expect_school_visited(visit)
    reason = clean_reason(reason, required=False)
    option, move = _option_on(session, visit, on, today=today, settings=settings, earliest=earliest)
    if team_id is not None and team_id != option.team_id:
        if team_id not in teams_with_room(move, on):
            raise DomainError(_l("That team has no room on that day."), field="team")
        option = MoveOption(on, team_id)
    _claim_room(session, visit, option.team_id, on, "on" if team_id is None else "team")
    successor = _new_visit(
        session,
        visit,
        option.team_id,
        on,
        now=now,
        start_time=start_time or visit.start_time,
        status=VisitStatus.CONFIRMED if confirmed else VisitStatus.PROPOSED,
        origin=VisitOrigin.MOVED,
        replaces_id=visit.id,
        ical_uid=visit.ical_uid,
        students_expected=visit.students_expected
        if students_expected is None
        else students_expected,
    )
    if confirmed:
        successor.confirmed_at = now
        successor.confirmed_via = who.channel
        successor.confirmed_by_id = who.user.id if who.user else None
        successor.confirmed_by_name = who.display_name
    # The old visit closes first: a resident has one open home visit at a time. Its history
    # tells the new day and team; the page links the new visit (its successor).
    note: dict = {"visit_on": [visit.visit_on, on]}
    if option.team_id != visit.team_id:
        note["team"] = [visit.team.name, session.get(Team, option.team_id).name]
    save(
        session,
        visit,
        {"status": VisitStatus.MOVED, "cancel_reason": reason},
        rule=Action.MOVE,
        today=today,
        now=now,
        who=who,
        action="visit.move",
        note=note,
    )
    successor.sequence = visit.sequence + 1  # above every version calendars have seen
    session.add(successor)
    session.flush()
    return successor


def _new_visit(session: Session, visit: Visit, team_id: int, on: date, *, now, **values) -> Visit:
    """A new visit for the same school or resident as ``visit``, by ``team_id`` on ``on`` (a
    home visit as the team's last stop that day): what a move and a follow-up both create."""
    return Visit(
        kind=visit.kind,
        school_id=visit.school_id,
        resident_id=visit.resident_id,
        team_id=team_id,
        visit_on=on,
        route_order=_next_stop(session, team_id, on) if visit.kind is VisitKind.HOME else None,
        created_at=now,
        updated_at=now,
        **values,
    )


def _expect_school_visited(visit: Visit) -> None:
    """No new day for a deactivated school's visit: it is no longer visited."""
    if visit.school is not None and not visit.school.is_active:
        raise DomainError(
            _l(
                "%(name)s is deactivated: reactivate it on its page to plan a visit.",
                name=visit.school.name,
            ),
            field="on",
        )


def _option_on(session, visit, on, *, today, settings, earliest) -> tuple[MoveOption, MoveInput]:
    """The option for ``on`` and the inputs it was judged by, or a DomainError saying why the
    day is not possible."""
    first, last = move_window(visit, today, earliest=earliest)
    if on == visit.visit_on:
        raise DomainError(_l("The visit is already on that day."), field="on")
    if first > last:
        raise out_of_span(None)
    move = move_input(session, visit, first_on=first, last_on=last, settings=settings)
    if not first <= on <= last:
        raise out_of_span(possible_span(move))
    if on in move.calendar.closures:
        names = session.scalars(
            select(OfficeClosure.name)
            .where(OfficeClosure.closed_on == on)
            .order_by(OfficeClosure.name)
        )
        raise DayNotPossible(
            _l("The office is closed that day: %(names)s.", names=", ".join(names)), field="on"
        )
    if not move.calendar.is_working_day(on):
        raise DayNotPossible(
            _l("The teams do not go out on %(weekday)s.", weekday=weekday_name(on.isoweekday())),
            field="on",
        )
    for blackout in move.blackouts:
        if blackout.covers(on):
            raise DayNotPossible(
                _l("The school cannot be visited that day: %(reason)s.", reason=blackout.reason),
                field="on",
            )
    for option in move_options(move):
        if option.on == on:
            return option, move
    raise DomainError(FULLY_BOOKED, field="on")


def _claim_room(session: Session, visit: Visit, team_id: int, on: date, field: str) -> None:
    """Check again, under a lock, that the team still has room on the day: two people moving
    visits onto the last free place at the same moment cannot both get it."""
    lock_for_check(session, select(Team.id).where(Team.id == team_id))
    team = session.get(Team, team_id)
    capacity = (
        team.school_visits_per_day if visit.kind is VisitKind.SCHOOL else team.home_visits_per_day
    )
    taken = session.scalar(
        select(func.count())
        .select_from(Visit)
        .where(
            Visit.team_id == team_id,
            Visit.visit_on == on,
            Visit.kind == visit.kind,
            Visit.holds_place,
            Visit.id != visit.id,
        )
    )
    if taken >= capacity:
        raise DomainError(FULLY_BOOKED, field=field)


def _next_stop(session: Session, team_id: int, on: date) -> int:
    """The number after the last stop of a team's day (a moved home visit goes last)."""
    last = session.scalar(
        select(func.max(Visit.route_order)).where(
            Visit.team_id == team_id,
            Visit.visit_on == on,
            Visit.kind == VisitKind.HOME,
            Visit.holds_place,
        )
    )
    return (last or 0) + 1


def reassign_visit(
    session: Session,
    visit: Visit,
    *,
    team_id: int,
    now: datetime,
    today: date,
    who: Who,
    settings: PlanSettings,
    version: int | None,
) -> None:
    """Give the visit to another team with room that day."""
    expect_version(visit, version)
    expect_allowed(visit, Action.REASSIGN, today)
    allowed = {team.id: team for team in teams_for_day(session, visit, settings=settings)}
    team = allowed.get(team_id)
    if team is None:
        raise DomainError(_l("That team has no room on the visit's day."), field="team")
    _claim_room(session, visit, team.id, visit.visit_on, "team")
    changes: dict = {"team_id": team.id}
    if visit.kind is VisitKind.HOME:
        changes["route_order"] = _next_stop(session, team.id, visit.visit_on)
    save(
        session,
        visit,
        changes,
        rule=Action.REASSIGN,
        today=today,
        now=now,
        who=who,
        action="visit.reassign",
        note={"team": [visit.team.name, team.name]},
    )


# A follow-up is planned within this many days.
FOLLOW_UP_DAYS = 31


def follow_up_options(
    session: Session, visit: Visit, *, today: date, settings: PlanSettings
) -> list[MoveOption]:
    """The days (and the team that would go) a follow-up of the visit may take place: from
    tomorrow to FOLLOW_UP_DAYS ahead, by the planner's rules."""
    first, last = today + timedelta(days=1), today + timedelta(days=FOLLOW_UP_DAYS)
    return move_options(move_input(session, visit, first_on=first, last_on=last, settings=settings))


def follow_up_of(session: Session, visit: Visit) -> Visit | None:
    return session.scalar(select(Visit).where(Visit.follows_id == visit.id))


def follow_up_visit(
    session: Session,
    visit: Visit,
    *,
    on: date,
    now: datetime,
    today: date,
    who: Who,
    settings: PlanSettings,
    reason: str | None = None,
) -> Visit:
    """A new proposed visit for the same school or resident on ``on``, pointing back at the
    missed or past one (``follows_id``); at most one per visit."""
    expect_allowed(visit, Action.FOLLOW_UP, today)
    _expect_school_visited(visit)
    reason = clean_reason(reason, required=False)
    earlier = follow_up_of(session, visit)
    if earlier is not None:
        raise DomainError(
            _l(
                "This visit already has its follow-up, on %(date)s.",
                date=long_date(earlier.visit_on),
            ),
            field="on",
        )
    if visit.kind is VisitKind.HOME:
        _expect_resident_waits(session, visit)
    option = next(
        (
            o
            for o in follow_up_options(session, visit, today=today, settings=settings)
            if o.on == on
        ),
        None,
    )
    if option is None:
        raise DomainError(
            _l("That day is not possible: choose one of the days offered."), field="on"
        )
    _claim_room(session, visit, option.team_id, on, "on")
    follow_up = _new_visit(
        session,
        visit,
        option.team_id,
        on,
        now=now,
        status=VisitStatus.PROPOSED,
        origin=VisitOrigin.FOLLOW_UP,
        follows_id=visit.id,
        students_expected=visit.students_not_recorded or None,
    )
    session.add(follow_up)
    session.flush()
    record_event(
        session,
        now=now,
        actor=who.actor,
        action="visit.follow_up",
        entity=visit,
        changes={"follow_up_on": on.isoformat(), **({"reason": reason} if reason else {})},
    )
    if visit.kind is VisitKind.HOME:
        # Scheduled, as the home planner leaves a resident it places (the visit is the record).
        visit.resident.status = ResidentStatus.SCHEDULED
        visit.resident.updated_at = now
    return follow_up


def _expect_resident_waits(session: Session, visit: Visit) -> None:
    """A home follow-up is for a resident whose request is still open and who has no other
    visit planned."""
    resident = visit.resident
    if resident.status not in (ResidentStatus.WAITING, ResidentStatus.SCHEDULED):
        raise DomainError(
            _l("The resident's request is closed: reopen it on the resident's page first."),
            field="on",
        )
    planned = session.scalar(
        select(Visit).where(Visit.resident_id == resident.id, Visit.status.in_(OPEN_VISIT_STATUSES))
    )
    if planned is not None:
        raise DomainError(
            _l(
                "The resident already has a visit planned, on %(date)s.",
                date=long_date(planned.visit_on),
            ),
            field="on",
        )

"""Reading visits: the filtered list, the month calendar, one visit with its history, a team's
day. Each is a fixed number of queries, however many visits there are."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, case, false, func, or_, select, union_all
from sqlalchemy.orm import Session, joinedload, selectinload

from outreach.models import (
    MONTH_STATUSES,
    OPEN_VISIT_STATUSES,
    AuditEvent,
    Kelurahan,
    OfficeClosure,
    Resident,
    School,
    Team,
    Visit,
    VisitDayCount,
    VisitKind,
    VisitStatus,
)
from outreach.scheduling.calendar import month_start, next_month
from outreach.services.paging import Page, paginate_by_key
from outreach.services.visits.sweeps import CONFIRM_WINDOW_DAYS

NPSN = re.compile(r"\d{8}")
WILDCARDS = re.compile(r"[%_\\]")
# A visit with its school or resident, the kecamatan it lies in, and its team.
_WITH_PLACE = (
    joinedload(Visit.school).joinedload(School.kecamatan),
    joinedload(Visit.resident).joinedload(Resident.kelurahan).joinedload(Kelurahan.kecamatan),
    joinedload(Visit.team),
)


@dataclass(frozen=True)
class VisitFilters:
    month: date  # first day of the month shown
    day: date | None = None  # one day of that month only
    status: str = ""  # a VisitStatus value, or "" for all
    team_id: int | None = None
    kind: str = ""  # school | home | ""
    kecamatan: str = ""
    overdue: bool = False  # past their day without an outcome (any month)
    requests: bool = False  # coming visits whose school asked for another day (any month)
    soon: bool = False  # proposed, from today to CONFIRM_WINDOW_DAYS ahead (any month)
    q: str = ""  # a school's or resident's name (any part), or a school's NPSN


def _kecamatan_code():
    """The visit's kecamatan: the school's, or the resident's kelurahan's."""
    return func.coalesce(School.kecamatan_code, Kelurahan.kecamatan_code)


def _filtered(filters: VisitFilters, today: date, *, every_status: bool = False) -> Select:
    """The visits ``filters`` select. Without a status: the month's visits (MONTH_STATUSES: a
    moved visit is counted on its new day), or every status when ``every_status``."""
    query = select(Visit)
    if filters.overdue:
        query = query.where(Visit.is_overdue(today))
    elif filters.soon:
        query = query.where(
            Visit.status == VisitStatus.PROPOSED,
            Visit.visit_on >= today,
            Visit.visit_on <= today + timedelta(days=CONFIRM_WINDOW_DAYS),
        )
    elif filters.requests:
        query = query.where(
            Visit.requested_visit_on.is_not(None),
            Visit.status.in_(OPEN_VISIT_STATUSES),
            Visit.visit_on >= today,
        )
    elif filters.day:
        query = query.where(Visit.visit_on == filters.day)
    else:
        query = query.where(
            Visit.visit_on >= filters.month, Visit.visit_on < next_month(filters.month)
        )
    if filters.status:
        query = query.where(Visit.status == VisitStatus(filters.status))
    else:
        # Every status named: a seek per status on an index led by kind and status.
        query = query.where(Visit.status.in_(list(VisitStatus) if every_status else MONTH_STATUSES))
    if filters.team_id:
        query = query.where(Visit.team_id == filters.team_id)
    if filters.kind:
        query = query.where(Visit.kind == VisitKind(filters.kind))
    if filters.q:
        query = _searched(query, filters.q)
    if filters.kecamatan:  # joined only then: counting a month's visits needs no join
        query = (
            query.outerjoin(School, School.id == Visit.school_id)
            .outerjoin(Resident, Resident.id == Visit.resident_id)
            .outerjoin(Kelurahan, Kelurahan.code == Resident.kelurahan_code)
            .where(_kecamatan_code() == filters.kecamatan)
        )
    return query


def _searched(query: Select, text: str) -> Select:
    """Visits of the school with that NPSN (eight digits), or whose school's or resident's
    name holds the text, whatever the case."""
    if NPSN.fullmatch(text):
        return query.where(Visit.school_id.in_(select(School.id).where(School.npsn == text)))
    words = WILDCARDS.sub("", text.lower())  # typed text is matched as text
    if not words:
        return query.where(false())
    pattern = f"%{words}%"
    return query.where(
        or_(
            Visit.school_id.in_(select(School.id).where(func.lower(School.name).like(pattern))),
            Visit.resident_id.in_(
                select(Resident.id).where(func.lower(Resident.name).like(pattern))
            ),
        )
    )


def list_visits(
    session: Session,
    filters: VisitFilters,
    *,
    today: date,
    page: int = 1,
    per_page: int = 50,
    counts: dict | None = None,
) -> Page:
    """One page of the visits ``filters`` select, in day, team and route order. ``counts``:
    :func:`count_by_status` for the same filters, when the caller shows them — the page's
    total is then read from them instead of counted again."""
    total = None
    if counts is not None:
        total = counts[VisitStatus(filters.status)] if filters.status else month_total(counts)
    keys = (
        _filtered(filters, today)
        .with_only_columns(Visit.id)
        .order_by(Visit.visit_on, Visit.team_id, Visit.route_order.nulls_last(), Visit.id)
    )
    return paginate_by_key(
        session,
        keys,
        lambda ids: session.scalars(select(Visit).options(*_WITH_PLACE).where(Visit.id.in_(ids))),
        page=page,
        per_page=per_page,
        total=total,
    )


# Why a visit is not in a filtered list (:func:`unlisted`).
UNLISTED_STATUS, UNLISTED_DAY, UNLISTED_TEAM, UNLISTED_FILTERS = "status", "day", "team", "filters"


def unlisted(
    session: Session, filters: VisitFilters, visits: list[Visit], *, today: date
) -> dict[int, str]:
    """Of ``visits``, those the list with ``filters`` no longer holds, each with why: its
    status is not the list's (UNLISTED_STATUS), its day is outside the list's month or day
    (UNLISTED_DAY), another team has it (UNLISTED_TEAM), or another of the filters leaves it
    out (UNLISTED_FILTERS). By visit id."""
    if not visits:
        return {}
    listed = set(
        session.scalars(
            _filtered(filters, today)
            .with_only_columns(Visit.id)
            .where(Visit.id.in_([visit.id for visit in visits]))
            .order_by(None)
        )
    )
    return {visit.id: _why_unlisted(visit, filters) for visit in visits if visit.id not in listed}


def _why_unlisted(visit: Visit, filters: VisitFilters) -> str:
    if filters.status and visit.status.value != filters.status:
        return UNLISTED_STATUS
    if not filters.status and visit.status not in MONTH_STATUSES:
        return UNLISTED_STATUS
    by_day = not (filters.overdue or filters.soon or filters.requests)
    if by_day and filters.day and visit.visit_on != filters.day:
        return UNLISTED_DAY
    if by_day and not filters.day and month_start(visit.visit_on) != filters.month:
        return UNLISTED_DAY
    if filters.team_id and visit.team_id != filters.team_id:
        return UNLISTED_TEAM
    return UNLISTED_FILTERS


def count_visits(session: Session, filters: VisitFilters, *, today: date) -> int:
    """How many visits the list with ``filters`` holds."""
    return session.scalar(
        _filtered(filters, today).with_only_columns(func.count(Visit.id)).order_by(None)
    )


def count_by_status(session: Session, filters: VisitFilters, *, today: date) -> dict:
    """How many visits of each status ``filters`` select (moved ones too: see month_total)."""
    query = (
        _filtered(VisitFilters(**{**filters.__dict__, "status": ""}), today, every_status=True)
        .with_only_columns(Visit.status, func.count())
        .group_by(Visit.status)
    )
    found = dict(session.execute(query).all())
    return {status: found.get(status, 0) for status in VisitStatus}


def month_total(counts: dict) -> int:
    """The month's visits from :func:`count_by_status`: moved ones are counted on their new
    day, as the visits that replaced them."""
    return sum(counts[status] for status in MONTH_STATUSES)


# At national scale a day holds hundreds of school visits and teams: the calendar names the
# first few and counts the rest, which the visit list of that day shows in full.
SHOWN_PER_DAY = 6


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    closures: list[str] = field(default_factory=list)
    schools: list[Visit] = field(default_factory=list)  # the first SHOWN_PER_DAY
    more_schools: int = 0  # school visits of the day beyond those shown
    # Home visits by team: [(team id, team name, how many)], the first SHOWN_PER_DAY teams.
    homes: list[tuple[int, str, int]] = field(default_factory=list)
    more_home_teams: int = 0

    @property
    def empty(self) -> bool:
        return not (self.schools or self.homes)


def month_calendar(
    session: Session, month: date, *, team_id: int | None = None, kind: str = ""
) -> list[list[CalendarDay]]:
    """The month as weeks (Monday first) of days with closures, the day's first school visits
    and the first teams with home visits (counted), and how many more there are. Cancelled
    and moved visits are left out. Five queries, however many visits a day holds."""
    first = month_start(month)
    grid_start = first - timedelta(days=first.weekday())
    after = next_month(first)
    grid_end = after + timedelta(days=(7 - after.weekday()) % 7)
    days = {
        grid_start + timedelta(days=n): CalendarDay(
            grid_start + timedelta(days=n), first <= grid_start + timedelta(days=n) < after
        )
        for n in range((grid_end - grid_start).days)
    }
    for closure in session.scalars(
        select(OfficeClosure).where(
            OfficeClosure.closed_on >= grid_start, OfficeClosure.closed_on < grid_end
        )
    ):
        days[closure.closed_on].closures.append(closure.name)
    conditions = [
        Visit.visit_on >= grid_start,
        Visit.visit_on < grid_end,
        Visit.holds_place,
    ]
    if team_id:
        conditions.append(Visit.team_id == team_id)
    if kind != "home":
        _calendar_schools(session, days, conditions, team_id or None)
    if kind != "school":
        _calendar_homes(session, days, conditions)
    ordered = [days[day] for day in sorted(days)]
    return [ordered[i : i + 7] for i in range(0, len(ordered), 7)]


def _calendar_schools(
    session: Session, days: dict[date, CalendarDay], conditions, team_id: int | None
) -> None:
    """Each day's first school visits (one small index read per day, in one statement) and
    how many the day holds."""
    school = [*conditions, Visit.kind == VisitKind.SCHOOL]
    firsts = [
        select(
            select(Visit.id)
            .where(*school, Visit.visit_on == day)
            .order_by(Visit.team_id, Visit.status, Visit.id)
            .limit(SHOWN_PER_DAY)
            .subquery()
        )
        for day in days
    ]
    for visit in session.scalars(
        select(Visit)
        .options(joinedload(Visit.school), joinedload(Visit.team))
        .where(Visit.id.in_(union_all(*firsts)))
        .order_by(Visit.visit_on, Visit.team_id, Visit.status, Visit.id)
    ):
        days[visit.visit_on].schools.append(visit)
    if team_id is None:  # the running totals (VisitDayCount) hold every team's
        per_day = select(VisitDayCount.day, VisitDayCount.visits).where(
            VisitDayCount.kind == VisitKind.SCHOOL.value,
            VisitDayCount.day >= min(days),
            VisitDayCount.day <= max(days),
        )
    else:
        per_day = select(Visit.visit_on, func.count()).where(*school).group_by(Visit.visit_on)
    for day, count in session.execute(per_day):
        days[day].more_schools = count - len(days[day].schools)


def _calendar_homes(session: Session, days: dict[date, CalendarDay], conditions) -> None:
    per_team = (
        select(
            Visit.visit_on,
            Visit.team_id,
            func.count().label("visits"),
            func.row_number()
            .over(partition_by=Visit.visit_on, order_by=Visit.team_id)
            .label("position"),
            func.count().over(partition_by=Visit.visit_on).label("teams"),
        )
        .where(*conditions, Visit.kind == VisitKind.HOME)
        .group_by(Visit.visit_on, Visit.team_id)
        .subquery()
    )
    rows = session.execute(
        select(per_team.c.visit_on, Team.id, Team.name, per_team.c.visits, per_team.c.teams)
        .join(Team, Team.id == per_team.c.team_id)
        .where(per_team.c.position <= SHOWN_PER_DAY)
        .order_by(per_team.c.visit_on, per_team.c.position)
    )
    for day, team_id, name, visits, teams in rows:
        cell = days[day]
        cell.homes.append((team_id, name, visits))
        cell.more_home_teams = teams - len(cell.homes)


def load_visit(session: Session, visit_id: int) -> Visit | None:
    return session.scalar(select(Visit).options(*_WITH_PLACE).where(Visit.id == visit_id))


@dataclass
class VisitHistory:
    chain: list[Visit]  # the first visit of the series … the latest (this one among them)
    events: list[AuditEvent]  # every event of the series, newest first


def visit_history(session: Session, visit: Visit) -> VisitHistory:
    """The visits sharing this one's calendar identity (moves), and their audit events."""
    chain = list(
        session.scalars(
            select(Visit)
            .where(Visit.ical_uid == visit.ical_uid)
            .order_by(Visit.created_at, Visit.id)
        )
    )
    events = list(
        session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.entity_type == "Visit",
                AuditEvent.entity_id.in_([str(v.id) for v in chain]),
            )
            .options(selectinload(AuditEvent.user))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(200)
        )
    )
    return VisitHistory(chain, events)


def successor_of(session: Session, visit: Visit) -> Visit | None:
    return session.scalar(select(Visit).where(Visit.replaces_id == visit.id))


def successors_of(session: Session, visits: list[Visit]) -> dict[int, Visit]:
    """The visits that replaced the moved ones among ``visits``, by the moved visit's id."""
    moved = [visit.id for visit in visits if visit.is_moved]
    if not moved:
        return {}
    return {
        successor.replaces_id: successor
        for successor in session.scalars(select(Visit).where(Visit.replaces_id.in_(moved)))
    }


def _team_visits(session: Session, team_id: int, first: date, last: date) -> list[Visit]:
    """A team's visits from ``first`` to ``last``, day by day: schools first (school hours are
    the morning), then the homes in route order; cancelled and moved ones left out."""
    return list(
        session.scalars(
            select(Visit)
            .options(
                joinedload(Visit.school).joinedload(School.kecamatan),
                joinedload(Visit.resident).joinedload(Resident.kelurahan),
            )
            .where(
                Visit.team_id == team_id,
                Visit.visit_on >= first,
                Visit.visit_on <= last,
                Visit.holds_place,
            )
            .order_by(
                Visit.visit_on,
                case((Visit.kind == VisitKind.SCHOOL, 0), else_=1),
                Visit.start_time.nulls_last(),
                Visit.route_order.nulls_last(),
                Visit.id,
            )
        )
    )


def list_team_day(session: Session, team_id: int, day: date) -> list[Visit]:
    """A team's visits on one day, in the order the team goes."""
    return _team_visits(session, team_id, day, day)


@dataclass(frozen=True)
class TeamDay:
    day: date
    visits: list[Visit]


def list_team_coming_days(
    session: Session, team_id: int, today: date, *, is_working_day, days: int
) -> list[TeamDay]:
    """The ``days`` working days after today (``is_working_day``: the office's calendar), each
    with the team's visits in route order; a day off with visits on it is shown too."""
    ahead, last = [], today
    while len(ahead) < days and last < today + timedelta(days=62):  # a calendar with no day off
        last += timedelta(days=1)
        if is_working_day(last):
            ahead.append(last)
    by_day: dict[date, list[Visit]] = {day: [] for day in ahead}
    for visit in _team_visits(session, team_id, today + timedelta(days=1), last):
        by_day.setdefault(visit.visit_on, []).append(visit)
    return [TeamDay(day, by_day[day]) for day in sorted(by_day)]


def list_team_overdue(session: Session, team_id: int, today: date, *, days: int = 14):
    """The team's visits of the last ``days`` days still without an outcome."""
    return list(
        session.scalars(
            select(Visit)
            .options(joinedload(Visit.school), joinedload(Visit.resident))
            .where(
                Visit.team_id == team_id,
                Visit.is_overdue(today),
                Visit.visit_on >= today - timedelta(days=days),
            )
            .order_by(Visit.visit_on, Visit.route_order.nulls_last(), Visit.id)
        )
    )


def school_visits_for_liaison(session: Session, school_id: int, today: date) -> list[Visit]:
    """A school's open and recent visits for its liaison: from a month back on."""
    return list(
        session.scalars(
            select(Visit)
            .options(joinedload(Visit.team))
            .where(
                Visit.school_id == school_id,
                Visit.visit_on >= today - timedelta(days=31),
                Visit.status != VisitStatus.MOVED,  # its successor is listed
                or_(Visit.status != VisitStatus.CANCELLED, Visit.visit_on >= today),
            )
            .order_by(Visit.visit_on.desc(), Visit.id.desc())
            .limit(12)
        )
    )


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


def declined_by_school(session: Session, visit: Visit) -> bool:
    """Whether a cancelled visit was the school's own decline (its reason is then the school's
    words), not a cancellation by the office (whose reason is the office's)."""
    last = session.scalar(
        select(AuditEvent.action)
        .where(
            AuditEvent.entity_type == "Visit",
            AuditEvent.entity_id == str(visit.id),
            AuditEvent.action.in_(("visit.decline", "visit.cancel")),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    return last == "visit.decline"

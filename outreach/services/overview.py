"""What each role sees first on its home page. The coordinator's dashboard is a fixed number of
aggregate queries, however many schools, residents and visits there are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from outreach.domain.coverage import Coverage, Figure, Projection, project
from outreach.models import (
    DailyRecording,
    Kecamatan,
    Kelurahan,
    OfficeClosure,
    Resident,
    ResidentCount,
    ResidentStatus,
    School,
    Team,
    Visit,
    VisitStatus,
)
from outreach.scheduling.calendar import month_start, next_month
from outreach.services.coverage.figures import city_history
from outreach.services.visits.queries import (
    VisitFilters,
    count_by_status,
    count_visits,
    list_visits,
    month_total,
)
from outreach.services.visits.sent import count_kept

ATTENTION_LIMIT = 5  # visits named on the dashboard; the rest are behind a link
CLOSURES_AHEAD_DAYS = 60
MONTHS_SHOWN = 12  # outreach recordings per month, this month and the eleven before
STALE_AFTER_DAYS = 92  # a coverage figure older than this is flagged as out of date


@dataclass(frozen=True)
class WaitingArea:
    kecamatan_code: str
    kecamatan: str
    waiting: int
    oldest_on: date


@dataclass(frozen=True)
class MonthRecordings:
    month: date  # first day
    students_recorded: int
    students_not_recorded: int
    residents_recorded: int  # home visits with the outcome "recorded"


@dataclass(frozen=True)
class LongestWait:
    resident_id: int
    days: int


@dataclass
class CoverageCard:
    history: list[Figure]
    target: Decimal
    projection: Projection
    today: date

    @property
    def latest(self) -> Figure | None:
        return self.history[-1] if self.history else None

    @property
    def coverage(self) -> Coverage | None:
        latest = self.latest
        return Coverage(latest.wajib_ktp, latest.recorded, self.target) if latest else None

    @property
    def is_stale(self) -> bool:
        latest = self.latest
        return latest is not None and (self.today - latest.as_of).days > STALE_AFTER_DAYS


@dataclass
class OfficeOverview:
    active_schools: int
    teams: int
    coverage: CoverageCard
    visits_this_month: dict[VisitStatus, int] = field(default_factory=dict)
    upcoming_closures: list[OfficeClosure] = field(default_factory=list)
    # Proposed visits from today to CONFIRM_WINDOW_DAYS ahead (the first ATTENTION_LIMIT).
    unconfirmed_soon: list[Visit] = field(default_factory=list)
    unconfirmed_soon_count: int = 0
    overdue: int = 0  # open visits whose day has passed: no outcome recorded
    date_requests: int = 0  # coming visits whose school asked for a day not given at once
    kept_outcomes: int = 0  # outcomes sent from phones that the visit could no longer take
    waiting: list[WaitingArea] = field(default_factory=list)  # the WAITING_AREAS_SHOWN first
    residents_waiting: int = 0
    waiting_areas: int = 0  # kecamatan where someone waits (more than ``waiting`` shows)
    longest_wait: LongestWait | None = None
    recordings: list[MonthRecordings] = field(default_factory=list)

    @property
    def visits_this_month_total(self) -> int:
        return month_total(self.visits_this_month)


WAITING_AREAS_SHOWN = 10


def get_office_overview(session: Session, today: date, *, target: Decimal) -> OfficeOverview:
    """Each visit figure is counted by the visit list's own filter, so it equals the list it
    links to."""
    history = city_history(session)
    oldest = session.execute(
        select(Resident.id, Resident.requested_on)
        .where(Resident.status == ResidentStatus.WAITING)
        .order_by(Resident.requested_on, Resident.id)
        .limit(1)
    ).first()
    month = month_start(today)
    soon = list_visits(
        session, VisitFilters(month=month, soon=True), today=today, per_page=ATTENTION_LIMIT
    )
    waiting, residents_waiting, waiting_areas = _waiting_by_kecamatan(session)
    return OfficeOverview(
        active_schools=session.scalar(
            select(func.count()).select_from(School).where(School.is_active)
        ),
        teams=session.scalar(select(func.count()).select_from(Team).where(Team.is_active)),
        coverage=CoverageCard(
            history=history,
            target=target,
            projection=project(history, target=target, year_end=date(today.year, 12, 31)),
            today=today,
        ),
        visits_this_month=count_by_status(session, VisitFilters(month=month), today=today),
        upcoming_closures=list_closures_between(
            session, today, today + timedelta(days=CLOSURES_AHEAD_DAYS)
        ),
        unconfirmed_soon=soon.items,
        unconfirmed_soon_count=soon.total,
        date_requests=count_visits(session, VisitFilters(month=month, requests=True), today=today),
        overdue=count_visits(session, VisitFilters(month=month, overdue=True), today=today),
        kept_outcomes=count_kept(session),
        waiting=waiting,
        residents_waiting=residents_waiting,
        waiting_areas=waiting_areas,
        longest_wait=LongestWait(oldest[0], (today - oldest[1]).days) if oldest else None,
        recordings=_recordings_by_month(session, today),
    )


def _waiting_by_kecamatan(session: Session) -> tuple[list[WaitingArea], int, int]:
    """The kecamatan where most residents wait for a home visit (the first
    WAITING_AREAS_SHOWN, each with its oldest request), everyone waiting, and in how many
    kecamatan. From the running totals (ResidentCount), then the oldest request of the ones
    shown from the queue's index."""
    rows = session.execute(
        select(
            ResidentCount.kecamatan_code,
            Kecamatan.name,
            ResidentCount.residents,
            func.sum(ResidentCount.residents).over(),
            func.count().over(),
        )
        .join(Kecamatan, Kecamatan.code == ResidentCount.kecamatan_code)
        .where(
            ResidentCount.status == ResidentStatus.WAITING.value,
            ResidentCount.residents > 0,
        )
        .order_by(ResidentCount.residents.desc(), Kecamatan.name)
        .limit(WAITING_AREAS_SHOWN)
    ).all()
    if not rows:
        return [], 0, 0
    oldest = dict(
        session.execute(
            select(Kelurahan.kecamatan_code, func.min(Resident.requested_on))
            .join(Kelurahan, Kelurahan.code == Resident.kelurahan_code)
            .where(
                Resident.status == ResidentStatus.WAITING,
                Kelurahan.kecamatan_code.in_([row[0] for row in rows]),
            )
            .group_by(Kelurahan.kecamatan_code)
        ).all()
    )
    areas = [
        WaitingArea(code, name, waiting, oldest[code])
        for code, name, waiting, _everyone, _areas in rows
    ]
    return areas, int(rows[0][3]), rows[0][4]


def _recordings_by_month(session: Session, today: date) -> list[MonthRecordings]:
    """Students and residents recorded by completed visits, per month: the running totals per
    day (DailyRecording) of a year, added up by month here."""
    months = [month_start(today)]
    while len(months) < MONTHS_SHOWN:
        months.insert(0, month_start(months[0] - timedelta(days=1)))
    rows = session.execute(
        select(
            DailyRecording.day,
            DailyRecording.students_recorded,
            DailyRecording.students_not_recorded,
            DailyRecording.residents_recorded,
        ).where(DailyRecording.day >= months[0], DailyRecording.day < next_month(months[-1]))
    ).all()
    totals = {month: [0, 0, 0] for month in months}
    for day, recorded, not_recorded, residents in rows:
        bucket = totals[month_start(day)]
        bucket[0] += recorded
        bucket[1] += not_recorded
        bucket[2] += residents
    return [MonthRecordings(month, *totals[month]) for month in months]


def list_closures_between(session: Session, first: date, last: date) -> list[OfficeClosure]:
    """Office closures from ``first`` to ``last`` inclusive, in date order."""
    return list(
        session.scalars(
            select(OfficeClosure)
            .where(OfficeClosure.closed_on >= first, OfficeClosure.closed_on <= last)
            .order_by(OfficeClosure.closed_on, OfficeClosure.name)
        )
    )

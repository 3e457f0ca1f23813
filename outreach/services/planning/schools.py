"""The monthly school plan: load the month's schools and inputs, call the pure planner, and
write the visits and a PlanRun record in the caller's transaction."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from outreach.errors import Conflict
from outreach.models import (
    Kecamatan,
    PlanKind,
    PlanRun,
    PlanTrigger,
    School,
    Team,
    User,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
    iso_weekdays,
)
from outreach.scheduling.calendar import month_start, next_month
from outreach.scheduling.school_plan import (
    ALREADY_PLANNED,
    SchoolCandidate,
    SchoolPlan,
    SchoolPlanInput,
    months_due,
    plan_month,
    possible_days,
)
from outreach.services.audit import record_event
from outreach.services.planning.inputs import PlanSettings, load_inputs
from outreach.services.schools.breaks import month_breaks

# Subjects listed by name in a PlanRun's details; beyond this only the counts are kept.
DETAIL_LIMIT = 1000


def days_and_teams(grouped: dict[date, dict[int, list]], teams: dict[int, str]) -> list:
    """{day: {team id: entries}} as [(day, [(team name, entries), …]), …], both in order."""
    return [
        (day, [(teams[team_id], grouped[day][team_id]) for team_id in sorted(grouped[day])])
        for day in sorted(grouped)
    ]


@dataclass
class SchoolRow:
    id: int
    npsn: str
    name: str
    kecamatan: str


@dataclass
class PlanEntry:
    school: SchoolRow
    status: VisitStatus | None = None  # None: a visit the plan would create

    @property
    def is_new(self) -> bool:
        return self.status is None

    @property
    def shown_status(self) -> VisitStatus | None:
        """The status the preview names beside the school: any but the usual "proposed"."""
        return None if self.status in (None, VisitStatus.PROPOSED) else self.status


@dataclass
class SchoolPlanPreview:
    month: date
    plan: SchoolPlan
    schools: dict[int, SchoolRow]
    possible_days: int = 0
    # The month day by day, team by team: visits already planned and the ones to create.
    by_day: list[tuple[date, list[tuple[str, list[PlanEntry]]]]] = field(default_factory=list)

    @property
    def already_planned(self) -> int:
        return sum(1 for left in self.plan.skipped if left.reason == ALREADY_PLANNED)

    def left_out(self, which: str) -> list[tuple[SchoolRow, str]]:
        """Skipped (not already planned) or unplaced schools with the reason, by name."""
        entries = self.plan.unplaced if which == "unplaced" else self.plan.skipped
        rows = [
            (self.schools[left.school_id], left.reason)
            for left in entries
            if left.reason != ALREADY_PLANNED
        ]
        return sorted(rows, key=lambda row: (row[0].name, row[0].npsn))


def preview_school_plan(
    session: Session, *, month: date, today: date, settings: PlanSettings
) -> SchoolPlanPreview:
    """The plan the month would get now, computed and not written."""
    first = month_start(month)
    last = next_month(first) - timedelta(days=1)
    rows, candidates = _schools(session, first)
    planned = _planned_visits(session, first)
    inputs = load_inputs(session, first, last, settings)
    plan_input = SchoolPlanInput(
        month=first,
        today=today,
        schools=candidates,
        teams=inputs.teams,
        calendar=inputs.calendar,
        blackouts=inputs.blackouts,
        bookings=inputs.bookings,
        already_planned=frozenset(entry.school.id for _day, _team, entry in planned),
        lead_days=settings.lead_days,
    )
    plan = plan_month(plan_input)
    teams = dict(session.execute(select(Team.id, Team.name)).all())
    grouped: dict[date, dict[int, list[PlanEntry]]] = defaultdict(lambda: defaultdict(list))
    for day, team_id, entry in planned:
        grouped[day][team_id].append(entry)
    for placement in plan.placements:
        grouped[placement.on][placement.team_id].append(PlanEntry(rows[placement.school_id]))
    return SchoolPlanPreview(
        month=first,
        plan=plan,
        schools=rows,
        possible_days=len(possible_days(plan_input)),
        by_day=days_and_teams(grouped, teams),
    )


def plan_schools(
    session: Session,
    *,
    month: date,
    now: datetime,
    today: date,
    settings: PlanSettings,
    trigger: PlanTrigger,
    actor: User | str,
) -> tuple[PlanRun, SchoolPlanPreview]:
    """Create the month's plan visits (idempotent: planned schools are left as they are) and a
    PlanRun saying what happened. Raises Conflict when another run wrote the same month at the
    same moment; the caller's transaction must then be rolled back."""
    preview = preview_school_plan(session, month=month, today=today, settings=settings)
    plan = preview.plan
    rows = school_visit_rows(preview, now)
    insert_visits(session, rows)
    run = PlanRun(
        kind=PlanKind.SCHOOL_MONTH,
        month=preview.month,
        trigger=trigger,
        triggered_by=actor if isinstance(actor, User) else None,
        started_at=now,
        finished_at=now,
        created_count=len(rows),
        skipped_count=len(plan.skipped),
        unplaced_count=len(plan.unplaced),
        details={
            "already_planned": preview.already_planned,
            "skipped": _details(preview.left_out("skipped")),
            "unplaced": _details(preview.left_out("unplaced")),
            # Usual school breaks no all-schools blackout noted: its report says so.
            "breaks_not_noted": [
                check.school_break.key
                for check in month_breaks(session, month=month, today=today, settings=settings)
                if not check.is_noted
            ],
        },
    )
    session.add(run)
    session.flush()
    record_event(
        session,
        now=now,
        actor=actor,
        action="plan.school_month",
        entity=run,
        changes={
            "month": preview.month.isoformat(),
            "created": run.created_count,
            "skipped": run.skipped_count,
            "unplaced": run.unplaced_count,
        },
    )
    return run, preview


def school_visit_rows(preview: SchoolPlanPreview, now: datetime) -> list[dict]:
    """The visits a plan creates, as rows for one executemany."""
    return [
        {
            "kind": VisitKind.SCHOOL,
            "school_id": placement.school_id,
            "team_id": placement.team_id,
            "visit_on": placement.on,
            "status": VisitStatus.PROPOSED,
            "origin": VisitOrigin.MONTHLY_PLAN,
            "plan_month": preview.month,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for placement in preview.plan.placements
    ]


def school_plans_missing(session: Session, today: date, plan_day: int, lead_days: int):
    """The months whose plan should exist by ``today`` but was never run (see months_due)."""
    planned = set(
        session.scalars(
            select(PlanRun.month).where(
                PlanRun.kind == PlanKind.SCHOOL_MONTH, PlanRun.month >= month_start(today)
            )
        )
    )
    return months_due(today, plan_day, lead_days, planned)


def insert_visits(session: Session, rows: list[dict]) -> None:
    """Insert in one executemany; a clash with a concurrent run becomes a Conflict."""
    if not rows:
        return
    try:
        with session.begin_nested():
            session.execute(insert(Visit), rows)
    except IntegrityError as error:
        raise Conflict(
            _l("Already planned: another plan run wrote these visits at the same moment.")
        ) from error


def _details(entries: list[tuple[SchoolRow, str]]) -> list[dict]:
    return [
        {"id": row.id, "npsn": row.npsn, "name": row.name, "reason": reason}
        for row, reason in entries[:DETAIL_LIMIT]
    ]


def _schools(session: Session, first: date):
    """The active schools, as rows to show ({id: SchoolRow}) and as the planner's candidates
    (follow-up: students were left unrecorded at a visit last month)."""
    previous = month_start(first - timedelta(days=1))
    follow_up = set(
        session.scalars(
            select(Visit.school_id).where(
                Visit.kind == VisitKind.SCHOOL,
                Visit.status == VisitStatus.COMPLETED,
                Visit.visit_on >= previous,
                Visit.visit_on < first,
                Visit.students_not_recorded > 0,
            )
        )
    )
    rows, candidates = {}, []
    for row in session.execute(
        select(
            School.id,
            School.npsn,
            School.name,
            Kecamatan.name.label("kecamatan"),
            School.kecamatan_code,
            School.students_pending,
            School.preferred_weekdays,
        )
        .join(Kecamatan, Kecamatan.code == School.kecamatan_code)
        .where(School.is_active)
    ):
        rows[row.id] = SchoolRow(row.id, row.npsn, row.name, row.kecamatan)
        candidates.append(
            SchoolCandidate(
                id=row.id,
                kecamatan_code=row.kecamatan_code,
                students_pending=row.students_pending,
                preferred_weekdays=iso_weekdays(row.preferred_weekdays),
                follow_up=row.id in follow_up,
            )
        )
    return rows, tuple(candidates)


def _planned_visits(session: Session, first: date) -> list[tuple[date, int, PlanEntry]]:
    """The month's plan visits (any school, any status) where they are now: a visit moved to
    another day shows on that day, its replaced one not at all. (day, team id, entry)."""
    later = aliased(Visit)
    moved_here = and_(
        Visit.origin == VisitOrigin.MOVED,
        Visit.kind == VisitKind.SCHOOL,
        Visit.visit_on >= first,
        Visit.visit_on < next_month(first),
    )
    return [
        (
            row.visit_on,
            row.team_id,
            PlanEntry(SchoolRow(row.id, row.npsn, row.name, row.kecamatan), row.status),
        )
        for row in session.execute(
            select(
                Visit.visit_on,
                Visit.team_id,
                Visit.status,
                School.id,
                School.npsn,
                School.name,
                Kecamatan.name.label("kecamatan"),
            )
            .join(School, School.id == Visit.school_id)
            .join(Kecamatan, Kecamatan.code == School.kecamatan_code)
            .where(
                or_(Visit.plan_month == first, moved_here),
                ~exists().where(later.replaces_id == Visit.id),
            )
            .order_by(School.kecamatan_code, School.name)
        )
    ]

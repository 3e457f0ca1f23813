"""A month's visits as rows for a spreadsheet, in the contract's columns (date, kind, status,
team, npsn, school, resident, kecamatan, kelurahan, origin, students_recorded, outcome; see
docs/ARCHITECTURE.md) and a few after them. One query; never a NIK."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from outreach.models import (
    HomeOutcome,
    Kecamatan,
    Kelurahan,
    Resident,
    School,
    Team,
    User,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
)
from outreach.scheduling.calendar import next_month
from outreach.services.audit import record_event

# The contract's columns, then ours.
COLUMNS = (
    "date", "kind", "status", "team", "npsn", "school", "resident", "kecamatan", "kelurahan",
    "origin", "students_recorded", "outcome",
    "time", "students_not_recorded", "moved_to", "reason", "visit_id",
)  # fmt: skip


@dataclass(frozen=True)
class ExportedVisit:
    visit_on: date
    kind: VisitKind
    status: VisitStatus
    team: str
    npsn: str | None
    school: str | None
    resident: str | None
    kecamatan: str | None
    kelurahan: str | None
    origin: VisitOrigin
    students_recorded: int | None
    home_outcome: HomeOutcome | None
    start_time: time | None
    students_not_recorded: int | None
    moved_to: date | None  # the day of the visit that replaced this one
    reason: str | None  # why cancelled, or why students were left unrecorded
    visit_id: int


def list_month_visits(session: Session, month: date) -> list[ExportedVisit]:
    """Every visit of ``month`` (its first day) in date, team and route order."""
    school_kelurahan, home_kelurahan = aliased(Kelurahan), aliased(Kelurahan)
    school_kecamatan, home_kecamatan = aliased(Kecamatan), aliased(Kecamatan)
    successor = aliased(Visit)
    rows = session.execute(
        select(
            Visit.visit_on,
            Visit.kind,
            Visit.status,
            Team.name,
            School.npsn,
            School.name,
            Resident.name,
            func.coalesce(school_kecamatan.name, home_kecamatan.name),
            func.coalesce(school_kelurahan.name, home_kelurahan.name),
            Visit.origin,
            Visit.students_recorded,
            Visit.home_outcome,
            Visit.start_time,
            Visit.students_not_recorded,
            successor.visit_on,
            func.coalesce(Visit.cancel_reason, Visit.not_recorded_reason),
            Visit.id,
        )
        .join(Team, Team.id == Visit.team_id)
        .outerjoin(successor, successor.replaces_id == Visit.id)
        .outerjoin(School, School.id == Visit.school_id)
        .outerjoin(school_kecamatan, school_kecamatan.code == School.kecamatan_code)
        .outerjoin(school_kelurahan, school_kelurahan.code == School.kelurahan_code)
        .outerjoin(Resident, Resident.id == Visit.resident_id)
        .outerjoin(home_kelurahan, home_kelurahan.code == Resident.kelurahan_code)
        .outerjoin(home_kecamatan, home_kecamatan.code == home_kelurahan.kecamatan_code)
        .where(Visit.visit_on >= month, Visit.visit_on < next_month(month))
        .order_by(Visit.visit_on, Team.name, Visit.route_order.nulls_last(), Visit.id)
    ).all()
    return [ExportedVisit(*row) for row in rows]


def audit_export(
    session: Session, month: date, count: int, *, now: datetime, actor: User | str, file: str
) -> None:
    """Exports carry residents' names: each one is written to the audit log."""
    record_event(
        session,
        now=now,
        actor=actor,
        action="visit.export",
        changes={"month": month.strftime("%Y-%m"), "rows": count, "format": file},
    )

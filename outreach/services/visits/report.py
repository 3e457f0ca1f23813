"""The monthly report: a month's visits by kecamatan and by team — how many were planned and
where each stands, students recorded, home visits by outcome. One grouped query.

The month's visits are those of ``models.MONTH_STATUSES`` (as on the dashboard and the visit
list): a visit moved to another day is counted as "moved", apart from real cancellations, and
only its successor counts as planned, on its new day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from outreach.models import (
    HomeOutcome,
    Kecamatan,
    Kelurahan,
    Resident,
    School,
    Team,
    Visit,
    VisitKind,
    VisitStatus,
)
from outreach.scheduling.calendar import next_month

STATUS_COLUMNS = ("proposed", "confirmed", "completed", "cancelled", "missed")
# Every figure of a report row, in the order it is shown and exported.
COLUMNS = (
    "planned",
    *STATUS_COLUMNS,
    "moved",
    "school_visits",
    "students_recorded",
    "students_not_recorded",
    "home_visits",
    *(f"home_{outcome.value}" for outcome in HomeOutcome),
)


@dataclass
class ReportRow:
    key: str  # kecamatan code, team id; "" for the total
    name: str
    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))

    def add(self, other: dict[str, int]) -> None:
        for name, value in other.items():
            self.figures[name] += value


@dataclass
class MonthlyReport:
    month: date
    by_kecamatan: list[ReportRow]
    by_team: list[ReportRow]
    total: ReportRow

    @property
    def is_empty(self) -> bool:
        return not (self.total.figures["planned"] or self.total.figures["moved"])


def _figures(kind, status, outcome, visits, recorded, not_recorded) -> dict[str, int]:
    """What one group of the query adds to a row."""
    if status is VisitStatus.MOVED:
        return {"moved": visits}
    figures = {"planned": visits, status.value: visits}
    if kind is VisitKind.SCHOOL:
        figures |= {
            "school_visits": visits,
            "students_recorded": int(recorded or 0),
            "students_not_recorded": int(not_recorded or 0),
        }
    else:
        figures["home_visits"] = visits
        if outcome is not None:
            figures[f"home_{outcome.value}"] = visits
    return figures


def monthly_report(session: Session, month: date) -> MonthlyReport:
    """The visits of ``month`` (its first day) grouped by kecamatan and by team."""
    kecamatan_code = func.coalesce(School.kecamatan_code, Kelurahan.kecamatan_code)
    groups = (
        kecamatan_code,
        Kecamatan.name,
        Team.id,
        Team.name,
        Visit.kind,
        Visit.status,
        Visit.home_outcome,
    )
    rows = session.execute(
        select(
            *groups,
            func.count(Visit.id),
            func.sum(Visit.students_recorded),
            func.sum(Visit.students_not_recorded),
        )
        .join(Team, Team.id == Visit.team_id)
        .outerjoin(School, School.id == Visit.school_id)
        .outerjoin(Resident, Resident.id == Visit.resident_id)
        .outerjoin(Kelurahan, Kelurahan.code == Resident.kelurahan_code)
        .outerjoin(Kecamatan, Kecamatan.code == kecamatan_code)
        .where(Visit.visit_on >= month, Visit.visit_on < next_month(month))
        .group_by(*groups)
    ).all()
    by_kecamatan: dict[str, ReportRow] = {}
    by_team: dict[str, ReportRow] = {}
    total = ReportRow("", "")
    for code, kecamatan, team_id, team, kind, status, outcome, *counts in rows:
        figures = _figures(kind, status, outcome, *counts)
        by_kecamatan.setdefault(code or "", ReportRow(code or "", kecamatan or "")).add(figures)
        by_team.setdefault(str(team_id), ReportRow(str(team_id), team)).add(figures)
        total.add(figures)
    return MonthlyReport(month, _by_name(by_kecamatan.values()), _by_name(by_team.values()), total)


def _by_name(rows: Iterable[ReportRow]) -> list[ReportRow]:
    return sorted(rows, key=lambda row: row.name.lower())

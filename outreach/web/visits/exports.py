"""A month's visits as a file: CSV in the columns and codes of DESIGN.md's contract (for other
tools), XLSX with the same columns under Indonesian headings, labels and typed cells (for
people). Shared by /visits/export.csv|xlsx and ``flask outreach export-visits``."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import Session

from outreach import permissions
from outreach.extensions import db
from outreach.models import User, utcnow
from outreach.services.tables import csv_bytes, xlsx_bytes
from outreach.services.visit_export import COLUMNS, ExportedVisit, audit_export, list_month_visits
from outreach.web.access import require
from outreach.web.downloads import MIMETYPES, attachment
from outreach.web.labels import (
    HOME_OUTCOME_LABELS,
    VISIT_EXPORT_LABELS,
    VISIT_KIND_LABELS,
    VISIT_ORIGIN_LABELS,
    VISIT_STATUS_LABELS,
)
from outreach.web.months import requested_month
from outreach.web.visits import bp

WIDTHS = {"school": 36, "resident": 28, "team": 18, "kecamatan": 20, "kelurahan": 20, "reason": 40}


def _code_cells(visit: ExportedVisit) -> list[object]:
    return [
        visit.visit_on.isoformat(),
        visit.kind.value,
        visit.status.value,
        visit.team,
        visit.npsn or "",
        visit.school or "",
        visit.resident or "",
        visit.kecamatan or "",
        visit.kelurahan or "",
        visit.origin.value,
        "" if visit.students_recorded is None else visit.students_recorded,
        visit.home_outcome.value if visit.home_outcome else "",
        visit.start_time.strftime("%H:%M") if visit.start_time else "",
        "" if visit.students_not_recorded is None else visit.students_not_recorded,
        visit.moved_to.isoformat() if visit.moved_to else "",
        visit.reason or "",
        visit.visit_id,
    ]


def _readable_cells(visit: ExportedVisit) -> list[object]:
    return [
        visit.visit_on,
        str(VISIT_KIND_LABELS[visit.kind]),
        str(_("Moved") if visit.moved_to else VISIT_STATUS_LABELS[visit.status]),
        visit.team,
        visit.npsn,
        visit.school,
        visit.resident,
        visit.kecamatan,
        visit.kelurahan,
        str(VISIT_ORIGIN_LABELS[visit.origin]),
        visit.students_recorded,
        str(HOME_OUTCOME_LABELS[visit.home_outcome]) if visit.home_outcome else None,
        visit.start_time,
        visit.students_not_recorded,
        visit.moved_to,
        visit.reason,
        visit.visit_id,
    ]


def visit_file(
    session: Session, month: date, extension: str, *, now: datetime, actor: User | str
) -> tuple[bytes, int]:
    """(the file's bytes, how many visits) — the export audited in the caller's transaction."""
    visits = list_month_visits(session, month)
    if extension == "csv":
        body = csv_bytes(COLUMNS, [_code_cells(visit) for visit in visits])
    else:
        headings = [str(VISIT_EXPORT_LABELS[name]) for name in COLUMNS]
        widths = {str(VISIT_EXPORT_LABELS[name]): width for name, width in WIDTHS.items()}
        body = xlsx_bytes(
            headings,
            [_readable_cells(visit) for visit in visits],
            title=_("Visits %(month)s", month=f"{month:%Y-%m}"),
            widths=widths,
        )
    audit_export(session, month, len(visits), now=now, actor=actor, file=extension)
    return body, len(visits)


@bp.route("/export.<any(csv, xlsx):extension>")
def export(extension: str):
    """The month's visits as a spreadsheet (residents' names, never a NIK); audited."""
    require(permissions.can_coordinate)
    month = requested_month(strict=True)
    body, _count = visit_file(db.session, month, extension, now=utcnow(), actor=current_user)
    db.session.commit()
    return attachment(body, MIMETYPES[extension], f"kunjungan-{month:%Y-%m}.{extension}")

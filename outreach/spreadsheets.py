"""Writing spreadsheets, for the web, the commands and the jobs alike: CSV (UTF-8 with BOM)
and XLSX (bold frozen headings, typed cells), cells a spreadsheet would run as formulas made
harmless; and the month's visit file — CSV in the columns and codes of the export contract (for
other tools), XLSX with the same columns under Indonesian headings and labels (for people)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from outreach.labels import (
    HOME_OUTCOME_LABELS,
    VISIT_EXPORT_LABELS,
    VISIT_KIND_LABELS,
    VISIT_ORIGIN_LABELS,
    VISIT_STATUS_LABELS,
)
from outreach.models import User
from outreach.services.visits.export import COLUMNS, ExportedVisit, audit_export, list_month_visits

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula (= + - @ …) is prefixed with ' ; control
    characters a workbook cannot hold (stored before typed text was cleaned) are left out, so
    one bad cell never stops a month's export."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def csv_bytes(headings: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with BOM, so Excel on Windows opens it with the right letters."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass
class Sheet:
    """One sheet of a workbook: bold frozen headings, typed cells (numbers, dates)."""

    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: dict[str, int] | None = None  # heading → characters


def xlsx_bytes(
    headings: Sequence[str], rows: Iterable[Sequence[object]], *, title: str, widths=None
) -> bytes:
    """One sheet, bold frozen header row, text columns kept as text."""
    return workbook_bytes([Sheet(title, headings, rows, widths)])


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet_data in sheets:
        sheet = workbook.create_sheet(sheet_data.title[:31])
        sheet.append(list(sheet_data.headings))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F0")
        for row in sheet_data.rows:
            sheet.append([neutralise(cell) for cell in row])
        sheet.freeze_panes = "A2"
        for index, heading in enumerate(sheet_data.headings, start=1):
            width = (sheet_data.widths or {}).get(heading) or max(12, len(str(heading)) + 2)
            sheet.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


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
        str(VISIT_STATUS_LABELS[visit.status]),
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

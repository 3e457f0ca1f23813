"""Writing spreadsheets, for the web, the commands and the jobs alike: CSV (UTF-8 with BOM, every
cell quoted) and XLSX (bold frozen headings, typed cells), text a spreadsheet would run as a
formula made harmless (docs/SECURITY.md: in a CSV an apostrophe before every fragment that could
become a formula cell however the line is split, ``domain.formulas``; in an XLSX a text cell,
never a formula, with no visible mark) and the invisible characters an old record may still hold
left out; sheets to fill in, with drop-down lists, number checks and greyed cells; and the
month's visit file — CSV in the columns and codes of the export contract (for
other tools), XLSX with the same columns under Indonesian headings and labels (for people)."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.orm import Session

from outreach.domain.formulas import TRIGGERS, mark
from outreach.domain.text import UNWANTED
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


def printable(text: str) -> str:
    """``text`` without the characters typed text never holds (``domain.text.UNWANTED``:
    controls but tab and line feed, bidirectional overrides…): a record stored before input was
    cleaned must not break an export, nor reorder what a reader sees."""
    return UNWANTED.sub("", text)


def neutralise(value: object) -> object:
    """A CSV cell: text printable and marked where a spreadsheet would run it as a formula
    (``domain.formulas.mark``); numbers and dates as they are — a negative count stays a
    number."""
    if not isinstance(value, str):
        return value
    return mark(printable(value))


def csv_bytes(headings: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with BOM, so Excel on Windows opens it with the right letters; every cell quoted,
    so a separator inside one never splits it where the separator is honoured."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([neutralise(str(heading)) for heading in headings])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class Choices:
    """A column to fill from a drop-down list of ``values`` (kept on a hidden sheet, so that a
    label may hold a comma and the list be as long as it needs); ``error``: what a typed value
    not on the list is told."""

    values: Sequence[str]
    error: str = ""


@dataclass(frozen=True)
class WholeNumber:
    """A column to fill with a whole number from ``low`` to ``high``."""

    low: int
    high: int
    error: str = ""


@dataclass
class Sheet:
    """One sheet of a workbook: bold frozen headings, typed cells (numbers, dates); for a sheet
    to fill in, what the cells of a column accept (``checks``) and the cells that do not apply
    to their row (``closed``: greyed and left unchecked)."""

    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: dict[str, int] | None = None  # heading → characters
    checks: dict[str, Choices | WholeNumber] | None = None  # heading → what its cells accept
    closed: Collection[tuple[int, str]] = ()  # (row below the headings, from 0; heading)


def xlsx_bytes(
    headings: Sequence[str], rows: Iterable[Sequence[object]], *, title: str, widths=None
) -> bytes:
    """One sheet, bold frozen header row, text columns kept as text."""
    return workbook_bytes([Sheet(title, headings, rows, widths)])


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    lists = _Lists(workbook)
    for sheet_data in sheets:
        sheet = workbook.create_sheet(sheet_data.title[:31])
        headings = [printable(h) if isinstance(h, str) else h for h in sheet_data.headings]
        sheet.append(headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F0")
            if isinstance(cell.value, str) and cell.value.lstrip(" ").startswith(tuple(TRIGGERS)):
                _as_text(cell)  # a heading made of a name (a team's): never a formula either
        for row in sheet_data.rows:
            cells = [printable(cell) if isinstance(cell, str) else cell for cell in row]
            sheet.append(cells)
            for column, cell in enumerate(cells, start=1):
                if isinstance(cell, str) and cell.lstrip(" ").startswith(tuple(TRIGGERS)):
                    _as_text(sheet.cell(row=sheet.max_row, column=column))
        sheet.freeze_panes = "A2"
        for index, heading in enumerate(sheet_data.headings, start=1):
            width = (sheet_data.widths or {}).get(heading) or max(12, len(str(heading)) + 2)
            sheet.column_dimensions[get_column_letter(index)].width = width
        _fitted(sheet, sheet_data, lists)
    if lists.sheet is not None:  # last, after the sheets people read
        last = len(workbook.sheetnames) - 1
        workbook.move_sheet(lists.sheet, offset=last - workbook.index(lists.sheet))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


CLOSED_FILL = PatternFill("solid", fgColor="D9D9D9")


class _Lists:
    """The hidden sheet holding a workbook's drop-down lists, one column each, made when the
    first list is asked for; the same values share a column."""

    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self.sheet = None
        self.ranges: dict[tuple[str, ...], str] = {}

    def range_of(self, values: Sequence[str]) -> str:
        key = tuple(printable(str(value)) for value in values)
        if key not in self.ranges:
            if self.sheet is None:
                self.sheet = self.workbook.create_sheet(_("Lists")[:31])
                self.sheet.sheet_state = "hidden"
            column = get_column_letter(len(self.ranges) + 1)
            for row, value in enumerate(key, start=1):
                cell = self.sheet[f"{column}{row}"]
                cell.value = value
                if value.lstrip(" ").startswith(tuple(TRIGGERS)):
                    _as_text(cell)
            name = quote_sheetname(self.sheet.title)
            self.ranges[key] = f"{name}!${column}$1:${column}${max(len(key), 1)}"
        return self.ranges[key]


def _fitted(sheet, data: Sheet, lists: _Lists) -> None:
    """A sheet to fill in: the closed cells greyed, the others of a checked column checked."""
    if not data.checks and not data.closed:
        return
    closed = set(data.closed)
    rows = range(sheet.max_row - 1)  # below the headings
    for index, heading in enumerate(data.headings, start=1):
        letter = get_column_letter(index)
        for row in rows:
            if (row, heading) in closed:
                sheet[f"{letter}{row + 2}"].fill = CLOSED_FILL
        check = (data.checks or {}).get(heading)
        open_cells = [f"{letter}{row + 2}" for row in rows if (row, heading) not in closed]
        if check is None or not open_cells:
            continue
        validation = _validation(check, lists)
        sheet.add_data_validation(validation)
        for cell in open_cells:
            validation.add(cell)


def _validation(check: Choices | WholeNumber, lists: _Lists) -> DataValidation:
    if isinstance(check, Choices):
        validation = DataValidation(type="list", formula1=lists.range_of(check.values))
    else:
        validation = DataValidation(
            type="whole", operator="between", formula1=str(check.low), formula2=str(check.high)
        )
    validation.allow_blank = True
    if check.error:
        validation.error = check.error
        validation.showErrorMessage = True
    return validation


def _as_text(cell) -> None:
    """Text that would read as a formula ("=…", "+62…", "-"): a text cell (openpyxl made "=…" a
    formula) that Excel keeps as text even once edited (quotePrefix), with no visible mark."""
    cell.data_type = "s"
    cell.quotePrefix = True


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

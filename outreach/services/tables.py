"""Reading an uploaded CSV or XLSX into rows and matching its headings. No database here;
writing spreadsheets is ``outreach.spreadsheets``'."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook

from outreach.domain.problems import N_, Invalid

MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # bytes; a larger unpacked workbook is refused (zip bomb)


@dataclass
class Table:
    headings: list[str]
    rows: list[tuple[int, list[object]]]  # (row number as the user sees it, cells)


@dataclass
class Headings:
    """Which column holds which field; headings that matched nothing are ``ignored``."""

    columns: dict[str, int]
    ignored: list[str] = field(default_factory=list)

    def value(self, cells: Sequence[object], name: str) -> object:
        index = self.columns.get(name)
        if index is None or index >= len(cells):
            return None
        return cells[index]


def heading_key(text: object) -> str:
    """ "Nama Satuan Pendidikan", "nama_satuan_pendidikan" → "namasatuanpendidikan"."""
    return re.sub(r"[^0-9a-z]", "", str(text or "").lower())


def match_headings(
    headings: Sequence[str], aliases: dict[str, Sequence[str]], required: Iterable[str] = ()
) -> Headings:
    """Map each field to the first heading that is one of its aliases (case and space blind)."""
    keys = [heading_key(heading) for heading in headings]
    columns: dict[str, int] = {}
    for name, names in aliases.items():
        for alias in names:
            if heading_key(alias) in keys:
                columns[name] = keys.index(heading_key(alias))
                break
    used = set(columns.values())
    ignored = [
        h for i, h in enumerate(headings) if i not in used and heading_key(h) not in ("", "no")
    ]
    missing = [name for name in required if name not in columns]
    if missing:
        raise Invalid(
            N_("The file has no column %(column)s (the first row must hold the column names)."),
            column=aliases[missing[0]][0],
        )
    return Headings(columns, ignored)


def read_table(data: bytes, filename: str) -> Table:
    """The first sheet of an XLSX file, or a CSV file in UTF-8 (with or without BOM) or
    Windows-1252, with ``,``, ``;`` or tab between cells. Invalid for anything else."""
    name = (filename or "").lower()
    if name.endswith(".xls") and not data.startswith(b"PK"):
        raise Invalid(N_("Old .xls files cannot be read: save the file as .xlsx or .csv."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if name.endswith((".xlsx", ".xlsm")):
        raise Invalid(N_("This file is not a readable Excel (.xlsx) file."))
    return _read_csv(data)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if b"\x00" in data[:4096]:
        raise Invalid(N_("This file is neither CSV nor XLSX."))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # older Excel "CSV (Comma delimited)"


def _read_csv(data: bytes) -> Table:
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise Invalid(N_("This file is neither CSV nor XLSX.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(_limited(reader))
    except csv.Error:
        raise Invalid(N_("The CSV file is damaged (a quote is not closed?).")) from None
    return _table(records)


def _limited(records: Iterable[list]) -> Iterable[list]:
    for count, record in enumerate(records):
        if count > MAX_ROWS:
            raise Invalid(N_("The file has more than %(n)d rows; split it."), n=MAX_ROWS)
        if len(record) > MAX_COLUMNS:
            raise Invalid(N_("The file has more than %(n)d columns."), n=MAX_COLUMNS)
        yield record


def _read_xlsx(data: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED:
                raise Invalid(N_("The workbook is too large once unpacked."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Invalid:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise Invalid(N_("This file is not a readable Excel (.xlsx) file.")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = (_trimmed(row) for row in sheet.iter_rows(values_only=True))
        records = [[_cell(value) for value in row] for row in _limited(rows)]
    finally:
        workbook.close()
    return _table(records)


def _trimmed(row: tuple) -> list:
    """A sheet row without the empty cells after its last value."""
    cells = list(row)
    while cells and cells[-1] in (None, ""):
        cells.pop()
    return cells


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value


def _table(records: list[list]) -> Table:
    """Headings from the first non-empty row; empty rows skipped; numbers as the user sees."""
    numbered = [
        (number, [cell.strip() if isinstance(cell, str) else cell for cell in record])
        for number, record in enumerate(records, start=1)
    ]
    numbered = [(n, cells) for n, cells in numbered if any(c not in (None, "") for c in cells)]
    if not numbered:
        raise Invalid(N_("The file is empty."))
    _, headings = numbered[0]
    while headings and headings[-1] in (None, ""):
        headings.pop()
    return Table([str(h or "") for h in headings], numbered[1:])


def cell_text(value: object) -> str:
    """A cell as text: numbers without a trailing .0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()

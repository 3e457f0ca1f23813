"""Reading an uploaded CSV or XLSX into rows, within limits (``services.xlsx``), and matching its
headings; a read table kept as bytes for its preview. No database here; writing spreadsheets is
``outreach.spreadsheets``."""

from __future__ import annotations

import csv
import io
import json
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from outreach.domain.formulas import unmark
from outreach.domain.problems import N_, Invalid
from outreach.services.xlsx import (
    Limits,
    read_xlsx,
    too_long,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)

MAX_ROWS = Limits.rows
MAX_COLUMNS = Limits.columns


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


def read_table(data: bytes, filename: str, limits: Limits = Limits()) -> Table:  # noqa: B008
    """The first sheet of an XLSX file, or a CSV file in UTF-8 (with or without BOM), UTF-16
    (with its BOM: Excel's "Unicode Text") or Windows-1252, with ``,``, ``;`` or tab between
    cells, within ``limits``. Invalid for anything else. A CSV's formula marks — our exports'
    — are taken off (export → import is a no-op)."""
    name = (filename or "").lower()
    if name.endswith(".xls") and not data.startswith(b"PK"):
        raise Invalid(N_("Old .xls files cannot be read: save the file as .xlsx or .csv."))
    if data.startswith(b"PK\x03\x04"):
        rows = (_trimmed(row) for row in read_xlsx(data, limits))
        return _table([[_cell(value) for value in row] for row in _limited(rows, limits)])
    if name.endswith((".xlsx", ".xlsm")):
        raise Invalid(N_("This file is not a readable Excel (.xlsx) file."))
    return _read_csv(data, limits)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text": UTF-16, tabs
        return data.decode("utf-16", errors="strict")
    if b"\x00" in data[:4096]:
        raise Invalid(N_("This file is neither CSV nor XLSX."))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # older Excel "CSV (Comma delimited)"


def _read_csv(data: bytes, limits: Limits) -> Table:
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise Invalid(N_("This file is neither CSV nor XLSX.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [[_text(cell) for cell in record] for record in _limited(reader, limits)]
    except csv.Error as error:
        if "field larger than field limit" in str(error):  # the csv module's own, 131,072
            raise too_long(limits) from None
        raise Invalid(N_("The CSV file is damaged (a quote is not closed?).")) from None
    return _table(records)


def _limited(records: Iterable[list], limits: Limits) -> Iterable[list]:
    """Records within the limits of rows, columns, cells and characters per cell (an XLSX's
    parts were bounded before it was read: ``services.xlsx``; this is exact)."""
    cells, most = 0, limits.cell_chars
    for count, record in enumerate(records):
        if count > limits.rows:
            raise too_many_rows(limits)
        if len(record) > limits.columns:
            raise too_many_columns(limits)
        cells += len(record)
        if cells > limits.cells:
            raise too_many_cells(limits)
        if any(isinstance(cell, str) and len(cell) > most for cell in record):
            raise too_long(limits)
        yield record


def _trimmed(row: tuple) -> list:
    """A sheet row without the empty cells after its last value."""
    cells = list(row)
    while cells and cells[-1] in (None, ""):
        cells.pop()
    return cells


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value


def _text(cell: str) -> str:
    """A CSV cell without the formula marks our exports put in (an XLSX export puts none)."""
    return unmark(cell) if "'" in cell else cell


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


# --- a read table kept with its upload, so its preview never reads the file again -------------

_KEPT = b"JBT1"  # what a kept table begins with (an upload kept before holds the file itself)
_TAGS = {"d": date.fromisoformat, "t": datetime.fromisoformat, "h": time.fromisoformat,
         "s": lambda seconds: timedelta(seconds=seconds)}  # fmt: skip


def _tagged(value: object) -> object:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, time):
        return {"h": value.isoformat()}
    if isinstance(value, timedelta):
        return {"s": value.total_seconds()}
    raise TypeError(type(value).__name__)


def _untagged(tagged: dict) -> object:
    ((tag, value),) = tagged.items()
    return _TAGS[tag](value)


def table_bytes(table: Table) -> bytes:
    """``table`` as bytes to keep: compressed JSON, dates and times tagged."""
    text = json.dumps(
        [table.headings, table.rows], default=_tagged, ensure_ascii=False, separators=(",", ":")
    )
    return _KEPT + zlib.compress(text.encode("utf-8"), 6)


def kept_table(data: bytes, filename: str, limits: Limits = Limits()) -> Table:  # noqa: B008
    """A table kept by ``table_bytes``; an upload kept before this (the file itself) is read."""
    if not data.startswith(_KEPT):
        return read_table(data, filename, limits)
    headings, rows = json.loads(zlib.decompress(data[len(_KEPT) :]), object_hook=_untagged)
    return Table(headings, [(number, cells) for number, cells in rows])


def cell_text(value: object) -> str:
    """A cell as text: numbers without a trailing .0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()

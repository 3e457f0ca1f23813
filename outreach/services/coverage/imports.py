"""Importing coverage snapshots from CSV or XLSX (as_of, area, wajib_ktp, recorded, source).

A row is matched by its date and area: a known one is corrected, a new one added. Any invalid
row and nothing is written; every problem is reported with its row and column.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.domain.coverage import check_figures
from outreach.domain.problems import Invalid
from outreach.domain.regions import RegionIndex, region_key
from outreach.domain.values import parse_date, parse_whole_number
from outreach.models import CoverageSnapshot, User
from outreach.services.coverage.figures import CoverageValues, snapshot
from outreach.services.importing import (
    ImportOutcome,
    ImportPreview,
    RowReader,
    RowResult,
    finish_import,
    text_cell,
)
from outreach.services.reference import region_index
from outreach.services.tables import Table, match_headings

FIGURE_MAX = 300_000_000  # more people than Indonesia has is a typing slip

COVERAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "as_of": ("as_of", "tanggal", "per tanggal", "tanggal data", "date"),
    "area": ("area", "wilayah", "kecamatan", "kode kecamatan", "kode wilayah"),
    "wajib_ktp": ("wajib_ktp", "wajib ktp", "jumlah wajib ktp", "wajib ktp-el"),
    "recorded": (
        "recorded",
        "terekam",
        "sudah rekam",
        "sudah terekam",
        "jumlah terekam",
        "sudah perekaman",
    ),
    "source": ("source", "sumber", "keterangan"),
}
REQUIRED = ("as_of", "wajib_ktp", "recorded")
# An area cell meaning the whole city (an empty cell means it too).
CITY_WORDS = frozenset(region_key(word) for word in ("kota", "city", "seluruh kota", "semua"))


def _area(row: RowReader, regions: RegionIndex) -> tuple[bool, str | None, str]:
    """(valid, kecamatan code or None for the city, the area's name for the preview)."""
    text = row.text("area")
    if not text or region_key(text) in CITY_WORDS or region_key(text).startswith("kota"):
        return True, None, str(_l("Whole city"))
    try:
        kecamatan = regions.find_kecamatan(text)
    except Invalid as error:
        row.problem("area", _l(error.message, **error.params))
        return False, None, text
    return True, kecamatan.code, kecamatan.name


def analyse_coverage(session: Session, table: Table, *, today: date) -> ImportPreview:
    """What importing ``table`` would do, row by row. Writes nothing."""
    headings = match_headings(table.headings, COVERAGE_COLUMNS, REQUIRED)
    regions = region_index(session)
    existing = {
        (record.as_of, record.kecamatan_code): record
        for record in session.scalars(select(CoverageSnapshot))
    }
    first_row_of: dict[tuple, int] = {}
    rows: list[RowResult] = []
    for number, cells in table.rows:
        result = RowResult(number=number, key="", name="")
        row = RowReader(cells, headings, table.headings, COVERAGE_COLUMNS, result)
        rows.append(result)
        as_of = row.required("as_of", parse_date, _l("Enter the date of the figure."))
        area_ok, code, result.name = _area(row, regions)
        wajib = row.required(
            "wajib_ktp",
            lambda raw: parse_whole_number(raw, maximum=FIGURE_MAX),
            _l("Enter wajib KTP."),
        )
        recorded = row.required(
            "recorded",
            lambda raw: parse_whole_number(raw, maximum=FIGURE_MAX),
            _l("Enter how many are recorded."),
        )
        source = row.parse("source", text_cell(300)) or None
        if as_of is not None:
            result.key = as_of.isoformat()
            if as_of > today:
                row.problem("as_of", _l("A figure cannot be dated in the future."))
        if wajib is not None and recorded is not None:
            try:
                check_figures(wajib, recorded)
            except Invalid as error:
                row.problem("wajib_ktp" if wajib <= 0 else "recorded", _l(error.message))
        if as_of is not None and area_ok:
            earlier = first_row_of.setdefault((as_of, code), number)
            if earlier != number:
                row.problem(
                    "as_of",
                    _l("The same area and date are also in row %(row)d.", row=earlier),
                )
        if result.problems:
            continue
        record = existing.get((as_of, code))
        values = CoverageValues(as_of, code, wajib, recorded, source or _kept_source(record))
        result.settle(values, record, snapshot(record) if record else None)
    return ImportPreview(rows, headings.ignored)


def _kept_source(record: CoverageSnapshot | None) -> str | None:
    """An empty source cell leaves the recorded source as it is."""
    return record.source if record is not None else None


def import_coverage(
    session: Session,
    table: Table,
    *,
    now: datetime,
    today: date,
    actor: User | str,
    source: str,
    dry_run: bool = False,
    seen: str | None = None,
) -> ImportOutcome:
    """Analyse, then — when every row is valid and this is no dry run — write it all; with
    ``seen`` (the fingerprint of the preview confirmed), only if no record changed since."""
    return finish_import(
        session,
        analyse_coverage(session, table, today=today),
        model=CoverageSnapshot,
        key=("as_of", "kecamatan_code"),
        extra={"created_by_id": actor.id if isinstance(actor, User) else None, "created_at": now},
        noun="coverage",
        now=now,
        actor=actor,
        source=source,
        dry_run=dry_run,
        seen=seen,
    )

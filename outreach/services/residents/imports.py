"""Importing home-visit requests from CSV or XLSX, all or nothing, like the school import.

A NIK with an open request updates that request; a NIK whose requests are all closed starts a
new one. The NIK is read as text: one a spreadsheet turned into a number is refused.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from outreach.domain.nik import clean_nik, parse_nik
from outreach.domain.phone import normalise_phone
from outreach.domain.problems import Invalid
from outreach.domain.residents import (
    parse_category,
    parse_channel,
    parse_disability,
    parse_rt_rw,
    parse_sex,
    parse_yes_no,
)
from outreach.domain.values import check_coordinates, parse_date, parse_decimal
from outreach.errors import DomainError
from outreach.models import (
    OPEN_RESIDENT_STATUSES,
    DisabilityKind,
    RequestChannel,
    Resident,
    ResidentCategory,
    ResidentStatus,
    Sex,
    User,
)
from outreach.services.importing import (
    ImportOutcome,
    ImportPreview,
    RowReader,
    RowResult,
    finish_import,
    read_regions,
    records_by_key,
    text_cell,
)
from outreach.services.reference import region_index
from outreach.services.residents.requests import ResidentValues, complete_values, snapshot
from outreach.services.tables import Table, cell_text, match_headings

RESIDENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "nik": ("nik", "no nik", "nomor nik"),
    "name": ("name", "nama", "nama lengkap"),
    "birth_date": ("birth_date", "tanggal lahir", "tgl lahir"),
    "sex": ("sex", "jenis kelamin", "jk", "l/p"),
    "category": ("category", "kategori"),
    "disability": ("disability", "jenis disabilitas", "disabilitas"),
    "bedridden": ("bedridden", "tirah baring", "terbaring"),
    "address": ("address", "alamat"),
    "rt": ("rt",),
    "rw": ("rw",),
    "kecamatan": ("kecamatan", "kec", "kode kecamatan"),
    "kelurahan": ("kelurahan", "kelurahan/desa", "desa", "kel", "kode kelurahan"),
    "phone": ("phone", "telepon", "no hp", "nomor hp", "hp", "whatsapp"),
    "contact_name": ("contact_name", "nama kontak", "kontak", "nama pendamping"),
    "contact_relation": ("contact_relation", "hubungan", "hubungan kontak"),
    "requested_via": ("requested_via", "permintaan melalui", "melalui", "sumber"),
    "requested_on": ("requested_on", "tanggal permintaan", "tgl permintaan"),
    "latitude": ("latitude", "lintang", "lat"),
    "longitude": ("longitude", "bujur", "lng", "lon"),
    "needs_companion": ("needs_companion", "perlu pendamping"),
}
REQUIRED = ("nik", "name", "category", "address")
# Where a rule of complete_values() points, in the file's terms.
_FIELD_COLUMN = {"birth_on": "birth_date"}


def _disability(raw: object) -> DisabilityKind | None:
    """The kind a cell names; None (not known yet) for "-", "belum diketahui" and the like."""
    kind = parse_disability(raw)
    return DisabilityKind(kind) if kind is not None else None


def _given(row: RowReader, regions) -> dict:
    """The non-empty, valid cells of a row as ResidentValues fields."""
    given: dict = {}
    for field, column, parser in (
        ("name", "name", text_cell(120)),
        ("address", "address", text_cell(500)),
        ("contact_name", "contact_name", text_cell(120)),
        ("contact_relation", "contact_relation", text_cell(60)),
        ("birth_on", "birth_date", parse_date),
        ("requested_on", "requested_on", parse_date),
        ("sex", "sex", lambda raw: Sex(parse_sex(raw))),
        ("category", "category", lambda raw: ResidentCategory(parse_category(raw))),
        ("disability", "disability", _disability),
        ("is_bedridden", "bedridden", parse_yes_no),
        ("needs_companion", "needs_companion", parse_yes_no),
        ("requested_via", "requested_via", lambda raw: RequestChannel(parse_channel(raw))),
        ("rt", "rt", parse_rt_rw),
        ("rw", "rw", parse_rt_rw),
        ("phone", "phone", lambda raw: normalise_phone(cell_text(raw), landline=True)),
    ):
        value = row.parse(column, parser)
        if value is not None and value != "":
            given[field] = value
    for column, message in (
        ("name", _l("Enter the resident's name.")),
        ("category", _l("Give the category: lansia, disabilitas or both.")),
        ("address", _l("Enter the address where the officer should come.")),
    ):
        if row.raw(column) is None:
            row.problem(column, message)
    if row.raw("kelurahan") is None:
        row.problem("kelurahan", _l("Give the kelurahan where the resident lives."))
    else:
        _kecamatan, kelurahan = read_regions(row, regions)
        if kelurahan is not None:
            given["kelurahan_code"] = kelurahan.code
    problems_before = len(row.result.problems)
    lat, lng = row.parse("latitude", parse_decimal), row.parse("longitude", parse_decimal)
    if len(row.result.problems) > problems_before:
        pass
    elif (lat is None) != (lng is None):
        row.problem(
            "longitude" if lng is None else "latitude",
            _l("Give both latitude and longitude, or neither."),
        )
    elif lat is not None:
        try:
            given["lat"], given["lng"] = check_coordinates(lat, lng)
        except Invalid as error:
            row.problem("latitude", _l(error.message, **error.params))
    return given


def analyse_residents(session: Session, table: Table, *, today: date) -> ImportPreview:
    """What importing ``table`` would do, row by row. Writes nothing."""
    headings = match_headings(table.headings, RESIDENT_COLUMNS, (*REQUIRED, "kelurahan"))
    regions = region_index(session)
    first_row_of: dict[str, int] = {}
    rows: list[RowResult] = []
    readable: list[tuple[RowReader, str, dict]] = []
    for number, cells in table.rows:
        result = RowResult(number=number, key="", name="")
        row = RowReader(cells, headings, table.headings, RESIDENT_COLUMNS, result)
        result.key, result.name = row.text("nik"), row.text("name")
        # The whole NIK is checked here, so that a bad NIK is reported with the row's other
        # problems rather than after they are fixed.
        nik = row.required(
            "nik", lambda raw: parse_nik(clean_nik(raw), on=today).nik, _l("Enter the NIK.")
        )
        if nik is not None:
            result.key = nik
            if nik in first_row_of:
                row.problem("nik", _l("This NIK is also in row %(row)d.", row=first_row_of[nik]))
            else:
                first_row_of[nik] = number
        given = _given(row, regions)
        rows.append(result)
        if not result.problems:
            readable.append((row, nik, given))
    open_by_nik = records_by_key(
        session,
        Resident.nik,
        (nik for _row, nik, _given in readable),
        Resident.status.in_(OPEN_RESIDENT_STATUSES),
    )
    for row, nik, given in readable:
        existing = open_by_nik.get(nik)
        current = snapshot(existing) if existing else {}
        merged = {**current, **given, "nik": nik}
        try:
            values = complete_values(ResidentValues(**merged), today=today)
        except DomainError as error:
            column = _FIELD_COLUMN.get(error.field, error.field or "nik")
            row.problem(column if column in RESIDENT_COLUMNS else "nik", error.message)
            continue
        row.result.settle(values, existing, current, hidden=("nik",))
    return ImportPreview(rows, headings.ignored)


def import_residents(
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
        analyse_residents(session, table, today=today),
        model=Resident,
        key=("nik",),
        extra={"status": ResidentStatus.WAITING, "created_at": now, "updated_at": now},
        noun="resident",
        now=now,
        actor=actor,
        source=source,
        dry_run=dry_run,
        seen=seen,
    )

"""Importing schools from CSV or XLSX: the project's template or the Kemendikdasmen listing.

``analyse_schools`` reads every row and says what it would do (new, changed, unchanged,
invalid and why) without writing; ``import_schools`` writes only when no row is invalid.
Re-importing updates by NPSN. An empty cell never erases what is already recorded.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.domain.phone import display_phone, normalise_phone
from outreach.domain.problems import N_, Invalid
from outreach.domain.regions import RegionIndex
from outreach.domain.schools import (
    clean_npsn,
    level_from_listing,
    level_from_name,
    status_from_listing,
    status_from_name,
)
from outreach.domain.values import (
    check_coordinates,
    clean_email,
    parse_decimal,
    parse_whole_number,
)
from outreach.models import School, SchoolLevel, SchoolStatus, User
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
from outreach.services.schools.registry import SchoolValues, snapshot
from outreach.services.tables import Table, cell_text, match_headings

# field → accepted headings; the first is the template's own. Compared case and space blind.
SCHOOL_COLUMNS: dict[str, tuple[str, ...]] = {
    "npsn": ("npsn",),
    "name": ("name", "nama", "nama sekolah", "nama satuan pendidikan", "satuan pendidikan"),
    "level": ("level", "jenjang", "bentuk/jenjang", "bentuk", "bentuk pendidikan"),
    "status": ("status", "status sekolah"),
    "address": ("address", "alamat", "alamat jalan", "alamat sekolah"),
    "kecamatan": ("kecamatan", "kec", "kode kecamatan", "kecamatan_code"),
    "kelurahan": (
        "kelurahan",
        "kelurahan/desa",
        "desa/kelurahan",
        "desa",
        "kel",
        "kode kelurahan",
        "kelurahan_code",
    ),
    "liaison_name": ("liaison_name", "nama penghubung", "nama operator", "penghubung", "operator"),
    "liaison_phone": (
        "liaison_phone",
        "hp penghubung",
        "hp operator",
        "telepon penghubung",
        "nomor hp",
        "no hp",
        "no wa",
        "whatsapp",
        "telepon",
    ),
    "liaison_email": ("liaison_email", "email penghubung", "email operator", "email", "e-mail"),
    "students_pending": (
        "students_pending",
        "siswa belum rekam",
        "siswa belum terekam",
        "belum rekam",
    ),
    "latitude": ("latitude", "lintang", "lat"),
    "longitude": ("longitude", "bujur", "lng", "lon"),
}
TEMPLATE_HEADINGS = tuple(names[0] for names in SCHOOL_COLUMNS.values())
REQUIRED = ("npsn", "name")


def _given(row: RowReader, regions: RegionIndex) -> dict:
    """The non-empty, valid cells of a row as School fields."""
    given: dict = {}
    name = row.required("name", text_cell(200), _l("Enter the school's name."))
    if name:
        given["name"] = name
    level_cell = row.text("level")
    if level_cell:
        level = level_from_listing(level_cell)
        if level is None:
            row.problem(
                "level",
                _l("Unknown level %(value)s: use SMA, SMK, MA, SLB or other.", value=level_cell),
            )
        else:
            given["level"] = SchoolLevel(level)
    status = row.parse("status", lambda raw: status_from_listing(cell_text(raw)))
    if status:
        given["status"] = SchoolStatus(status)
    for name_, parser in (
        ("address", text_cell(500)),
        ("liaison_name", text_cell(120)),
        ("liaison_phone", lambda raw: normalise_phone(cell_text(raw))),
        ("liaison_email", lambda raw: clean_email(cell_text(raw))),
        ("students_pending", parse_whole_number),
    ):
        value = row.parse(name_, parser)
        if value not in (None, ""):
            given[name_] = value
    kecamatan, kelurahan = read_regions(row, regions)
    if kecamatan is not None:
        given["kecamatan_code"] = kecamatan.code
    if kelurahan is not None:
        given["kelurahan_code"] = kelurahan.code
    problems_before = len(row.result.problems)
    lat, lng = row.parse("latitude", parse_decimal), row.parse("longitude", parse_decimal)
    if len(row.result.problems) > problems_before:
        pass  # already said what is wrong with them
    elif (lat is None) != (lng is None):
        missing = "longitude" if lng is None else "latitude"
        row.problem(missing, _l("Give both latitude and longitude, or neither."))
    elif lat is not None and lng is not None:
        try:
            given["lat"], given["lng"] = check_coordinates(lat, lng)
        except Invalid as error:
            row.problem("latitude", _l(error.message, **error.params))
    return given


def _values_for(given: dict, npsn: str, school: School | None) -> SchoolValues:
    """The school as it would be after this row: its current values, with the given cells."""
    name = given.get("name") or (school.name if school else "")
    if school is None:
        current = {"npsn": npsn, "name": name, "level": SchoolLevel.OTHER, "kecamatan_code": ""}
    else:
        current = snapshot(school)
        if given.get("kecamatan_code", school.kecamatan_code) != school.kecamatan_code:
            current["kelurahan_code"] = None  # it belonged to the old kecamatan
    values = {**current, **given}
    if "level" not in given and (school is None or school.level is SchoolLevel.OTHER):
        values["level"] = SchoolLevel(level_from_name(name) or "other")
    if "status" not in given and values.get("status") is None:
        implied = status_from_name(name)
        values["status"] = SchoolStatus(implied) if implied else None
    return SchoolValues(**values)


def analyse_schools(session: Session, table: Table) -> ImportPreview:
    """What importing ``table`` would do, row by row. Writes nothing."""
    headings = match_headings(table.headings, SCHOOL_COLUMNS, REQUIRED)
    if "kecamatan" not in headings.columns and "kelurahan" not in headings.columns:
        raise Invalid(
            N_("The file has no column %(column)s (the first row must hold the column names)."),
            column="kecamatan",
        )
    regions = region_index(session)
    first_row_of: dict[str, int] = {}
    rows: list[RowResult] = []
    readable: list[tuple[RowResult, str, dict]] = []
    for number, cells in table.rows:
        result = RowResult(number=number, key="", name="")
        row = RowReader(cells, headings, table.headings, SCHOOL_COLUMNS, result)
        result.key, result.name = row.text("npsn"), row.text("name")
        npsn = row.required("npsn", clean_npsn, _l("Enter the NPSN."))
        if npsn is not None:
            result.key = npsn
            if npsn in first_row_of:
                row.problem(
                    "npsn",
                    _l("NPSN %(npsn)s is also in row %(row)d.", npsn=npsn, row=first_row_of[npsn]),
                )
            else:
                first_row_of[npsn] = number
        given = _given(row, regions)
        rows.append(result)
        if not result.problems:
            readable.append((result, npsn, given))
    existing = records_by_key(session, School.npsn, (npsn for _result, npsn, _given in readable))
    for result, npsn, given in readable:
        school = existing.get(npsn)
        values = _values_for(given, npsn, school)
        result.settle(values, school, snapshot(school) if school else None)
    return ImportPreview(rows, headings.ignored)


def import_schools(
    session: Session,
    table: Table,
    *,
    now: datetime,
    actor: User | str,
    source: str,
    dry_run: bool = False,
    seen: str | None = None,
) -> ImportOutcome:
    """Analyse, then — when every row is valid and this is no dry run — write it all; with
    ``seen`` (the fingerprint of the preview confirmed), only if no record changed since."""
    return finish_import(
        session,
        analyse_schools(session, table),
        model=School,
        key=("npsn",),
        extra={"created_at": now, "updated_at": now},
        noun="school",
        now=now,
        actor=actor,
        source=source,
        dry_run=dry_run,
        seen=seen,
    )


def template_rows(session: Session) -> list[list]:
    """Every school in the template's columns, to download, edit and import again."""
    schools = session.scalars(select(School).order_by(School.kecamatan_code, School.name))
    return [
        [
            school.npsn,
            school.name,
            school.level.value.upper() if school.level is not SchoolLevel.OTHER else "other",
            school.status.value if school.status else "",
            school.address or "",
            school.kecamatan_code,
            school.kelurahan_code or "",
            school.liaison_name or "",
            display_phone(school.liaison_phone),
            school.liaison_email or "",
            "" if school.students_pending is None else school.students_pending,
            "" if school.lat is None else school.lat,
            "" if school.lng is None else school.lng,
        ]
        for school in schools
    ]

"""Importing schools: what the shared import pages need to know about schools."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from outreach.domain.phone import display_phone
from outreach.i18n import number, weekday_name
from outreach.labels import SCHOOL_FIELD_LABELS, SCHOOL_LEVEL_LABELS, SCHOOL_STATUS_LABELS
from outreach.models import weekday_bit
from outreach.services.schools.imports import (
    SCHOOL_COLUMNS,
    analyse_schools,
    import_schools,
    template_rows,
)
from outreach.web.importing import ImportKind, register_import_routes
from outreach.web.schools import bp


def _show_value(regions, name: str, value) -> str:
    """A value for the preview: region names, labels, numbers, phones."""
    if value is None or value == "":
        return "—"
    if name == "kecamatan_code":
        return regions.kecamatan[value].name if value in regions.kecamatan else value
    if name == "kelurahan_code":
        return regions.kelurahan[value].name if value in regions.kelurahan else value
    if name == "level":
        return str(SCHOOL_LEVEL_LABELS[value])
    if name == "status":
        return str(SCHOOL_STATUS_LABELS[value])
    if name == "liaison_phone":
        return display_phone(value)
    if name == "preferred_weekdays":
        return ", ".join(weekday_name(day) for day in range(1, 8) if value & weekday_bit(day))
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value)
    return str(value)


def _summary(regions, row) -> str:
    values = row.values
    place = regions.kecamatan[values.kecamatan_code].name
    if values.kelurahan_code:
        place += " / " + regions.kelurahan[values.kelurahan_code].name
    return f"{place} · {SCHOOL_LEVEL_LABELS[values.level]}"


SCHOOLS = ImportKind(
    kind="schools",
    title=_l("Import schools"),
    list_label=_l("Schools"),
    key_label=_l("NPSN"),
    name_label=_l("School"),
    columns=SCHOOL_COLUMNS,
    required=("npsn", "name"),
    required_note=_l("* required; kecamatan or kelurahan is required too (name or official code)."),
    notes=(
        _l(
            "The school listing downloaded from Kemendikdasmen (columns NPSN, Nama Satuan "
            "Pendidikan, Alamat, Kelurahan, Kecamatan, Status, Bentuk/Jenjang)."
        ),
        _l(
            "Our template, below. Column names may be in any case and spacing; other columns "
            "are ignored."
        ),
        _l("Schools are matched by NPSN: a known NPSN updates that school, never adds it twice."),
        _l("An empty cell leaves what is recorded unchanged."),
        _l("If one row is wrong, nothing is saved: every wrong row is listed with the reason."),
    ),
    analyse=analyse_schools,
    run=import_schools,
    template_rows=template_rows,
    summarise=_summary,
    show_value=_show_value,
    field_labels=SCHOOL_FIELD_LABELS,
    file_stem="sekolah",
)

register_import_routes(bp, SCHOOLS)

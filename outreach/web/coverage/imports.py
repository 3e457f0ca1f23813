"""Importing coverage figures: what the shared import pages need to know about them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from outreach.i18n import long_date, number, office_today
from outreach.models import CoverageSnapshot
from outreach.services.coverage.imports import (
    COVERAGE_COLUMNS,
    REQUIRED,
    analyse_coverage,
    import_coverage,
)
from outreach.web.coverage import bp
from outreach.web.importing import ImportKind, register_import_routes

FIELD_LABELS = {
    "as_of": _l("As of"),
    "kecamatan_code": _l("Area"),
    "wajib_ktp": _l("Wajib KTP"),
    "recorded": _l("Recorded"),
    "source": _l("Source"),
}


def _show_value(regions, name: str, value) -> str:
    if name == "kecamatan_code":
        return (
            regions.kecamatan[value].name if value in regions.kecamatan else str(_l("Whole city"))
        )
    if value is None or value == "":
        return "—"
    if name == "as_of":
        return long_date(value)
    if isinstance(value, int):
        return number(value)
    return str(value)


def _summary(regions, row) -> str:
    values = row.values
    return f"{number(values.recorded)} / {number(values.wajib_ktp)}"


def _template_rows(session) -> list[list]:
    return [
        [r.as_of, r.kecamatan_code or "", r.wajib_ktp, r.recorded, r.source or ""]
        for r in session.scalars(
            select(CoverageSnapshot).order_by(
                CoverageSnapshot.as_of, CoverageSnapshot.kecamatan_code
            )
        )
    ]


COVERAGE = ImportKind(
    kind="coverage",
    title=_l("Import coverage figures"),
    list_label=_l("Coverage"),
    key_label=_l("As of"),
    name_label=_l("Area"),
    columns=COVERAGE_COLUMNS,
    required=REQUIRED,
    required_note=_l("* required; an empty area is the whole city."),
    notes=(
        _l(
            "Columns as_of, area, wajib_ktp, recorded and source (or tanggal, wilayah, wajib KTP, "
            "terekam, sumber)."
        ),
        _l('Area: a kecamatan by name or official code; empty or "kota" for the whole city.'),
        _l("A figure is matched by its date and area: importing it again corrects it."),
        _l("If one row is wrong, nothing is saved: every wrong row is listed with the reason."),
    ),
    analyse=lambda session, table: analyse_coverage(session, table, today=office_today()),
    run=lambda session, table, **options: import_coverage(
        session, table, today=office_today(), **options
    ),
    template_rows=_template_rows,
    summarise=_summary,
    show_value=_show_value,
    field_labels=FIELD_LABELS,
    file_stem="cakupan",
)

register_import_routes(bp, COVERAGE)

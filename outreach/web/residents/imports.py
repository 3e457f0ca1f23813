"""Importing home-visit requests: what the shared import pages need to know about residents."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from outreach.domain.nik import mask_nik
from outreach.domain.phone import display_phone
from outreach.i18n import long_date, office_today
from outreach.labels import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    DISABILITY_LABELS,
    RESIDENT_FIELD_LABELS,
    SEX_LABELS,
)
from outreach.services.residents.imports import (
    RESIDENT_COLUMNS,
    analyse_residents,
    import_residents,
)
from outreach.services.residents.queue import record_nik_matches
from outreach.web.importing import ImportKind, register_import_routes
from outreach.web.residents import bp

_LABELS = {
    "sex": SEX_LABELS,
    "category": CATEGORY_LABELS,
    "disability": DISABILITY_LABELS,
    "requested_via": CHANNEL_LABELS,
}


def _show_value(regions, name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if name in _LABELS:
        return str(_LABELS[name][value])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "kelurahan_code":
        return regions.kelurahan[value].name if value in regions.kelurahan else value
    if name == "phone":
        return display_phone(value)
    if name in ("birth_on", "requested_on"):
        return long_date(value)
    return str(value)


def _masked_key(text: str) -> str:
    """A NIK cell masked like a NIK, even a malformed one (a mistyped NIK is most of a real
    one): the first six digits, as on every page. The row number says which row it is."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 7:
        return mask_nik(digits) if len(digits) == 16 else digits[:6] + "…"
    return text or "—"


def _summary(regions, row) -> str:
    values = row.values
    kelurahan = regions.kelurahan[values.kelurahan_code]
    parts = [
        kelurahan.name,
        regions.kecamatan[kelurahan.parent_code].name,
        str(CATEGORY_LABELS[values.category]),
    ]
    if values.is_bedridden:
        parts.append(_("bedridden"))
    return " · ".join(parts)


def _audit_matches(session, preview, upload, *, now, actor, remote_addr) -> None:
    """Each request the file's NIKs matched is audited as found by its NIK (a preview names
    them and shows what is recorded): a sheet of guessed NIKs is no unaudited way round the
    lookup's limit."""
    record_nik_matches(
        session,
        [row.record.id for row in preview.rows if row.record is not None],
        since=upload.uploaded_at,
        now=now,
        actor=actor,
        remote_addr=remote_addr,
        source=upload.filename,
    )


RESIDENTS = ImportKind(
    kind="residents",
    title=_l("Import home-visit requests"),
    list_label=_l("Residents"),
    key_label=_l("NIK"),
    name_label=_l("Resident"),
    columns=RESIDENT_COLUMNS,
    required=("nik", "name", "category", "address", "kelurahan"),
    required_note=_l("* required. Kecamatan and kelurahan by name or official code."),
    notes=(
        _l("Our template, below, or any sheet with these columns (Indonesian names work too)."),
        _l(
            "Format the NIK column as text before typing or pasting NIKs: a NIK that Excel "
            "turned into a number (1,77101E+15) has lost digits and is refused."
        ),
        _l(
            "A NIK that already has an open request updates it; otherwise a new request is "
            "added. An empty cell leaves what is recorded unchanged."
        ),
        _l("If one row is wrong, nothing is saved: every wrong row is listed with the reason."),
    ),
    analyse=lambda session, table: analyse_residents(session, table, today=office_today()),
    run=lambda session, table, **options: import_residents(
        session, table, today=office_today(), **options
    ),
    show_key=lambda row: _masked_key(row.key),
    summarise=_summary,
    show_value=_show_value,
    field_labels=RESIDENT_FIELD_LABELS,
    file_stem="penduduk",
    audit_matches=_audit_matches,
)

register_import_routes(bp, RESIDENTS)

"""The queue as a spreadsheet: NIKs masked, and every export written to the audit log."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from outreach.domain.nik import age_on, mask_nik
from outreach.domain.phone import display_phone
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.labels import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    RESIDENT_STATUS_LABELS,
    SEX_LABELS,
    resident_disability_label,
)
from outreach.models import utcnow
from outreach.services.residents.queue import export_queue
from outreach.web.downloads import spreadsheet_download
from outreach.web.residents import bp
from outreach.web.residents.views import filters_from_request

EXPORT_HEADINGS = (
    "nik", "name", "age", "sex", "category", "disability", "bedridden", "needs_companion",
    "address", "rt", "rw", "kelurahan", "kecamatan", "phone", "contact_name",
    "contact_relation", "requested_via", "requested_on", "status",
)  # fmt: skip


@bp.route("/export.<any(csv, xlsx):extension>")
def export(extension: str):
    """The filtered queue as a spreadsheet, NIKs masked; the export is audited."""
    _form, filters = filters_from_request()
    today = office_today()
    residents = export_queue(db.session, filters, today=today, now=utcnow(), actor=current_user)
    db.session.commit()
    rows = [
        [
            mask_nik(r.nik),
            r.name,
            age_on(r.birth_on, today) if r.birth_on else "",
            str(SEX_LABELS.get(r.sex, "")),
            str(CATEGORY_LABELS[r.category]),
            str(resident_disability_label(r)),
            _("yes") if r.is_bedridden else "",
            _("yes") if r.needs_companion else "",
            r.address,
            r.rt or "",
            r.rw or "",
            r.kelurahan.name,
            r.kelurahan.kecamatan.name,
            display_phone(r.phone),
            r.contact_name or "",
            r.contact_relation or "",
            str(CHANNEL_LABELS[r.requested_via]),
            r.requested_on,
            str(RESIDENT_STATUS_LABELS[r.status]),
        ]
        for r in residents
    ]
    return spreadsheet_download(
        EXPORT_HEADINGS,
        rows,
        extension=extension,
        stem=f"antrean-perekaman-{today.isoformat()}",
        title=_("Queue"),
        widths={"name": 30, "address": 40},
    )

"""/visits/export.csv|xlsx: the month's visit file of ``outreach.spreadsheets``, the same as
``flask outreach export-visits`` writes."""

from __future__ import annotations

from flask_login import current_user

from outreach import permissions
from outreach.extensions import db
from outreach.models import utcnow
from outreach.spreadsheets import MIMETYPES, visit_file
from outreach.web.access import require
from outreach.web.downloads import attachment
from outreach.web.months import requested_month
from outreach.web.visits import bp


@bp.route("/export.<any(csv, xlsx):extension>")
def export(extension: str):
    """The month's visits as a spreadsheet (residents' names, never a NIK); audited."""
    require(permissions.can_coordinate)
    month = requested_month(strict=True)
    body, _count = visit_file(db.session, month, extension, now=utcnow(), actor=current_user)
    db.session.commit()
    return attachment(body, MIMETYPES[extension], f"kunjungan-{month:%Y-%m}.{extension}")

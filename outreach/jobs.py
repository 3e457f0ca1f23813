"""APScheduler entry points: module-level and tiny. Each opens an app context, calls a
service and commits once."""

from __future__ import annotations

import logging

from flask import Flask

from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import utcnow
from outreach.services.reference import load_closures
from outreach.services.uploads import purge_stale_uploads

log = logging.getLogger(__name__)


def ensure_office_calendar(app: Flask) -> None:
    """Make sure this year's and next year's national closures are loaded (e.g. on 1 January)."""
    with app.app_context():
        today = office_today()
        result = load_closures(db.session, [today.year, today.year + 1])
        db.session.commit()
        log.info("office calendar: %d closures added", result.added)


def purge_uploads(app: Flask) -> None:
    """Forget import files left unconfirmed for a day (they may hold personal data)."""
    with app.app_context():
        purged = purge_stale_uploads(db.session, now=utcnow())
        db.session.commit()
        if purged:
            log.info("uploads: %d unconfirmed import files deleted", purged)

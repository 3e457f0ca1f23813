"""Visits: the month calendar and list for coordinators, a visit's page and actions, the
liaison's answer from an account, the field officer's outcome form and the day sheet (printed,
or downloaded to fill in and uploaded)."""

from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/visits")

from outreach.web.visits import (  # noqa: E402,F401  (the routes)
    detail,
    exports,
    links,
    outcome,
    respond,
    sheet,
    sheet_upload,
    views,
)

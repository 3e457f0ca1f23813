"""The monthly report: a month's visits by kecamatan and by team, on screen, printed, as CSV
and XLSX."""

from flask import Blueprint

from outreach import permissions
from outreach.web.access import require

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.before_request
def coordinators_only():
    require(permissions.can_coordinate)


from outreach.web.reports import views  # noqa: E402,F401  (the routes)

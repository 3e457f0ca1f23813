"""The school registry: schools, their blackout periods, liaison accounts and imports."""

from flask import Blueprint

from outreach import permissions
from outreach.web.access import require

bp = Blueprint("schools", __name__, url_prefix="/schools")


@bp.before_request
def coordinators_only():
    require(permissions.can_coordinate)


from outreach.web.schools import blackouts, imports, views  # noqa: E402,F401  (the routes)

"""Field teams: their capacity per day, the kecamatan they cover, their start and members."""

from flask import Blueprint

from outreach import permissions
from outreach.web.access import require

bp = Blueprint("teams", __name__, url_prefix="/teams")


@bp.before_request
def coordinators_only():
    require(permissions.can_coordinate)


from outreach.web.teams import views  # noqa: E402,F401  (the routes)

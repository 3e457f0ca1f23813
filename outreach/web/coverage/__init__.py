"""Coverage figures: the history of published recording figures, entered or imported."""

from flask import Blueprint

from outreach import permissions
from outreach.web.access import require

bp = Blueprint("coverage", __name__, url_prefix="/coverage")


@bp.before_request
def coordinators_only():
    require(permissions.can_coordinate)


from outreach.web.coverage import imports, views  # noqa: E402,F401  (the routes)

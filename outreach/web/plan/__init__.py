"""Planning by hand: preview and create a month's school plan or a period of home visits."""

from flask import Blueprint

from outreach import permissions
from outreach.web.access import require

bp = Blueprint("plan", __name__, url_prefix="/plan")


@bp.before_request
def coordinators_only():
    require(permissions.can_coordinate)


from outreach.web.plan import views  # noqa: E402,F401  (the routes)

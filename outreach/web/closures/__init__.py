"""Office closures per year: national holidays, cuti bersama and local closures."""

from flask import Blueprint

from outreach import permissions
from outreach.web.access import require

bp = Blueprint("closures", __name__, url_prefix="/closures")


@bp.before_request
def coordinators_only():
    require(permissions.can_coordinate)


from outreach.web.closures import views  # noqa: E402,F401  (the routes)

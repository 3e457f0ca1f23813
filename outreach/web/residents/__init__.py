"""Home-visit requests: the queue, registering and changing requests, imports and exports.

Coordinators and admins only: officers see residents through their team's visits, liaisons
never see residents."""

from flask import Blueprint

from outreach import permissions
from outreach.web.access import require

bp = Blueprint("residents", __name__, url_prefix="/residents")


@bp.before_request
def coordinators_only():
    require(permissions.can_coordinate)


from outreach.web.residents import exports, full_nik, imports, lookups, views  # noqa: E402,F401  (the routes)

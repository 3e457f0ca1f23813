"""The liaison's signed link: the answer page without an account, under /l/<token>."""

from flask import Blueprint

bp = Blueprint("liaison", __name__, url_prefix="/l")

from outreach.web.liaison import views  # noqa: E402,F401  (the routes)

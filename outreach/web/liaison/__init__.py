"""The liaison's signed link: the answer page without an account, under /l/<token>."""

from flask import Blueprint

bp = Blueprint("liaison", __name__, url_prefix="/l")


@bp.after_request
def private(response):
    """The page carries a school's visit and a form token: no caching, no search engines."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


from outreach.web.liaison import views  # noqa: E402,F401  (the routes)

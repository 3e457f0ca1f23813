"""iCalendar feeds of a team's and a school's visits at secret, revocable URLs."""

from flask import Blueprint

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

from outreach.web.feeds import views  # noqa: E402,F401  (the routes)

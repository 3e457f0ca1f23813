"""The printable day sheet of a team: the day's stops in order, with addresses, phones, what
to bring and a column for signatures (A4, print stylesheet)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, render_template
from flask_login import current_user

from outreach import permissions
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import Team
from outreach.services.visits.queries import list_team_day
from outreach.web.access import refuse
from outreach.web.params import arg_day, arg_id
from outreach.web.visits import bp


def team_day() -> tuple[Team, date]:
    """?team=<id>&day=YYYY-MM-DD (an officer's own team and today by default); 404 for a team
    whose day the user may not see."""
    team_id = arg_id("team") or current_user.team_id or abort(404)
    if not permissions.can_see_team_day(current_user, team_id):
        refuse(404)
    team = db.session.get(Team, team_id) or abort(404)
    return team, arg_day()[0] or office_today()  # a day it cannot read: today's sheet


@bp.route("/day-sheet")
def day_sheet():
    team, day = team_day()
    stops = list_team_day(db.session, team.id, day)
    return render_template(
        "visits/day_sheet.html", team=team, day=day, stops=stops, one_day=timedelta(days=1)
    )

"""Home pages by role, /healthz, and the kelurahan of a kecamatan for forms' selects."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from outreach import permissions
from outreach.config import target_percent
from outreach.database import database_is_up
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import MONTH_STATUSES, VisitStatus
from outreach.services.overview import get_office_overview
from outreach.services.planning.inputs import PlanSettings, working_calendar
from outreach.services.reference import kelurahan_of
from outreach.services.visits.queries import (
    list_team_coming_days,
    list_team_day,
    list_team_overdue,
    school_visits_for_liaison,
)
from outreach.services.visits.sweeps import CONFIRM_WINDOW_DAYS
from outreach.web.access import public, require
from outreach.web.forms import KECAMATAN_CODE
from outreach.web.main.dashboard import coverage_charts, recordings_charts

bp = Blueprint("main", __name__)


COMING_DAYS = 5  # working days an officer sees ahead


def coming_days(team_id: int, today):
    settings = PlanSettings.from_config(current_app.config)
    calendar = working_calendar(db.session, today, today + timedelta(days=31), settings)
    return list_team_coming_days(
        db.session, team_id, today, is_working_day=calendar.is_working_day, days=COMING_DAYS
    )


@bp.route("/")
def home():
    """The user's home: the office overview, a team's day, or a liaison's school."""
    today = office_today()
    if permissions.can_coordinate(current_user):
        overview = get_office_overview(db.session, today, target=target_percent(current_app.config))
        return render_template(
            "main/home_office.html",
            overview=overview,
            card=overview.coverage,
            coverage_charts=coverage_charts(overview.coverage),
            recordings_charts=recordings_charts(overview.recordings),
            today=today,
            statuses=MONTH_STATUSES,
            moved=VisitStatus.MOVED,
            confirm_window=CONFIRM_WINDOW_DAYS,
        )
    if permissions.is_field_officer(current_user):
        team_id = current_user.team_id
        return render_template(
            "main/home_officer.html",
            stops=list_team_day(db.session, team_id, today) if team_id else [],
            coming=coming_days(team_id, today) if team_id else [],
            overdue=list_team_overdue(db.session, team_id, today) if team_id else [],
            today=today,
        )
    school = current_user.school
    visits = school_visits_for_liaison(db.session, school.id, today) if school else []
    return render_template("main/home_liaison.html", school=school, visits=visits, today=today)


@bp.route("/healthz")
@public
def healthz():
    """200 when the database answers, 503 when it does not."""
    if database_is_up(db.engine):
        return jsonify(status="ok", database="ok")
    return jsonify(status="error", database="error"), 503


@bp.route("/regions/kelurahan")
def kelurahan_options():
    """The kelurahan of one kecamatan (``?kecamatan=17.71.01``) as JSON, by name: what a form's
    kelurahan select offers once the kecamatan changes, where there are too many kelurahan to
    put them all in the page."""
    require(permissions.can_coordinate)
    code = request.args.get("kecamatan", "")
    if not re.fullmatch(KECAMATAN_CODE, code):
        return jsonify(kelurahan=[], problem=_("Enter the kecamatan code, such as 17.71.01.")), 400
    found = kelurahan_of(db.session, code)
    return jsonify(kelurahan=[{"code": c, "name": n} for c, n in found])

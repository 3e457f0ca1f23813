"""/feeds/team/<token>.ics and /feeds/school/<token>.ics: no login (calendar apps cannot log
in), the secret token is the key; a renewed or revoked token answers 404."""

from __future__ import annotations

from flask import Response, abort, current_app, request
from sqlalchemy import select

from outreach.domain.text import is_token
from outreach.extensions import db, limiter
from outreach.i18n import office_today
from outreach.models import School, Team, utcnow
from outreach.services.visits.feeds import build_feed, feed_visits
from outreach.web.access import public
from outreach.web.feeds import bp


def _feed(name: str, **which) -> Response:
    config = current_app.config
    body = build_feed(
        feed_visits(db.session, today=office_today(), **which),
        name=name,
        zone=config["OUTREACH_TIMEZONE"],
        now=utcnow(),
        host=config["OUTREACH_CALENDAR_DOMAIN"],
        url=request.host_url.rstrip("/"),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = "inline; filename=jemput-bola.ics"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _by_token(model, token: str):
    if not is_token(token):
        abort(404)
    owner = db.session.scalar(select(model).where(model.calendar_token == token))
    if owner is None or not owner.is_active:
        abort(404)
    return owner


@bp.route("/team/<token>.ics")
@public
@limiter.limit("120 per hour", scope="feeds")
def team_feed(token: str):
    team = _by_token(Team, token)
    return _feed(f"Jemput Bola · {team.name}", team_id=team.id)


@bp.route("/school/<token>.ics")
@public
@limiter.limit("120 per hour", scope="feeds")
def school_feed(token: str):
    school = _by_token(School, token)
    return _feed(f"Jemput Bola · {school.name}", school_id=school.id)

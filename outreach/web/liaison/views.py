"""/l/<token>: a school liaison confirms, moves or declines a visit from the link a
coordinator sent on WhatsApp — no login, CSRF-protected, rate-limited. A link that is not
(or no longer) good gets a friendly page that says why and what to do, never an error."""

from __future__ import annotations

from flask import current_app, render_template, url_for

from outreach.extensions import db, limiter
from outreach.i18n import office_today
from outreach.models import LINK_ACTOR, ConfirmationChannel, utcnow
from outreach.services.visits.changes import Who
from outreach.services.visits.links import SCHOOL_INACTIVE, issue_link, open_link
from outreach.web.access import public
from outreach.web.liaison import bp
from outreach.web.visits.notices import no_longer_visited
from outreach.web.visits.respond import handle_respond


def _link_limit() -> str:
    return current_app.config["LIAISON_LINK_LIMIT"]


@bp.route("/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_link_limit, scope="liaison-link")
def respond(token: str):
    secret = current_app.config["SECRET_KEY"]
    today = office_today()
    state = open_link(db.session, token, today=today, secret=secret)
    if state.problem is not None:
        ended = no_longer_visited(state.visit, today) if state.problem == SCHOOL_INACTIVE else None
        page = render_template("liaison/bad_link.html", state=state, no_longer_visited=ended)
        return page, 410 if state.visit else 404
    visit = state.visit
    who = Who(LINK_ACTOR, ConfirmationChannel.LINK, visit.school.liaison_name)

    def moved_url(successor):
        # The liaison chose the new day here: the new visit gets its own link at once.
        new_token = issue_link(
            db.session, successor, now=utcnow(), today=office_today(), who=who, secret=secret
        )
        return url_for("liaison.respond", token=new_token)

    here = url_for("liaison.respond", token=token)
    return handle_respond(visit, who, here=here, moved_url=moved_url)

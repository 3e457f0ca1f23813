"""Making, renewing and switching off a team's or a school's calendar link (coordinators)."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from outreach.extensions import db
from outreach.links import public_url
from outreach.models import School, Team, utcnow
from outreach.services.visits.feeds import renew_feed
from outreach.web.forms import ConfirmForm


def feed_url(owner: Team | School) -> str | None:
    if not owner.calendar_token:
        return None
    endpoint = "feeds.team_feed" if isinstance(owner, Team) else "feeds.school_feed"
    return public_url(endpoint, token=owner.calendar_token)


def change_feed(owner: Team | School, back: str):
    """POST action=renew|revoke: a new secret URL (the old one stops working), or none."""
    form = ConfirmForm()
    action = request.form.get("action")
    if not form.validate_on_submit() or action not in ("renew", "revoke"):
        abort(400)
    renew_feed(
        db.session,
        owner,
        now=utcnow(),
        actor=current_user._get_current_object(),
        revoke=action == "revoke",
    )
    db.session.commit()
    flash(
        _("Calendar link switched off: subscribed calendars stop updating.")
        if action == "revoke"
        else _("New calendar link made: the previous one no longer works."),
        "success",
    )
    return redirect(back + "#calendar-feed")

"""Friendly error pages: nobody sees a traceback or a bare error."""

from __future__ import annotations

from datetime import timedelta

from flask import g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import BadRequest

from outreach.domain.text import clean_line
from outreach.extensions import db, login_manager


def register(app) -> None:
    def page(status: int, title: str, message: str):
        from outreach.web.access import is_api_request

        if is_api_request():  # a script's call: the same answer, as JSON
            if status == 404:  # a visit missing or another team's, alike
                message = _(
                    "This visit is not your team's, or no longer exists: tell the coordinator."
                )
                return jsonify(state="gone", status=404, title=title, message=message), 404
            return jsonify(state="error", status=status, title=title, message=message), status
        return render_template(
            "errors/error.html", status=status, title=title, message=message
        ), status

    @app.errorhandler(400)
    def bad_request(error):
        # Our own abort(400, description=…) says what was wrong; the rest (a CSRF failure,
        # a malformed request) gets the general message.
        own = type(error) is BadRequest and error.description != BadRequest.description
        return page(
            400,
            _("Request not understood"),
            error.description
            if own
            else _("The form may have expired. Go back, reload the page and try again."),
        )

    @app.errorhandler(403)
    def forbidden(_error):
        _audit_refusal(403)
        return page(403, _("Not allowed"), _("Your account does not have access to this page."))

    @app.errorhandler(404)
    def not_found(_error):
        if g.get("refused"):  # a record that exists but is not this user's (access.refuse)
            _audit_refusal(404)
        return page(
            404, _("Page not found"), _("The page does not exist, or it is not available to you.")
        )

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return page(405, _("Not allowed"), _("This page cannot be used that way."))

    @app.errorhandler(413)
    def too_large(_error):
        return page(
            413,
            _("File too large"),
            _("The file is larger than the upload limit. Split it and try again."),
        )

    @app.errorhandler(429)
    def too_many(error):
        _audit_refusal(429, "auth.rate_limited")
        from outreach.web.auth.views import rate_limited

        own = rate_limited(error)  # the login and change-password forms, with the wait
        if own is not None:
            return own
        return page(
            429,
            _("Too many requests"),
            _("Too many requests in a short time. Wait a few minutes and try again."),
        )

    @app.errorhandler(OperationalError)
    def database_down(error):
        db.session.rollback()
        # A page of its own: the usual layout would ask the database who is logged in. Nobody
        # is, for this page: even the templates' `current_user` must not ask the database.
        g._login_user = login_manager.anonymous_user()
        # SQLite waits its busy timeout for another writer before giving up: then the database
        # is there, only busy, and the change was rolled back.
        busy = "database is locked" in str(error.orig or error)
        return render_template("errors/unavailable.html", busy=busy), 503, {"Retry-After": "5"}

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return page(
            500,
            _("Something went wrong"),
            _("The error has been logged. Try again; if it persists, tell the admin."),
        )


# Refusals (and rate-limit answers) of one visitor on one route within this window are one
# audit event that counts them: a scanner or a stuck page cannot fill the log row by row.
REFUSALS_GROUPED_FOR = timedelta(minutes=10)


def _audit_refusal(status: int, action: str = "auth.forbidden") -> None:
    """Write who was refused what, grouped with the same visitor's refusals of the same route
    (services.audit_log.record_repeated); a failure here must not hide the refusal's page. A
    HEAD request writes nothing (web.head_requests)."""
    from flask_login import current_user

    from outreach.models import utcnow
    from outreach.services.audit_log import ANONYMOUS_ACTOR, record_repeated
    from outreach.web.head_requests import is_head_request

    if is_head_request():
        return
    changes = {
        "status": status,
        "method": request.method,
        "path": clean_line(_path_without_secrets())[:200],  # a visitor's text: domain.text
        "route": request.endpoint,
    }
    same = ("status", "method", "route")
    if request.endpoint == "auth.login" and request.method == "POST":
        # Whose account the attempts aim at: an auditor sees who is being locked out.
        from outreach.services.users import normalise_username

        changes["username"] = normalise_username(request.form.get("username", ""))[:64]
        same += ("username",)
    try:
        db.session.rollback()
        record_repeated(
            db.session,
            now=utcnow(),
            actor=current_user if current_user.is_authenticated else ANONYMOUS_ACTOR,
            action=action,
            changes=changes,
            same=same,
            window=REFUSALS_GROUPED_FOR,
            remote_addr=request.remote_addr,
        )
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()


def _path_without_secrets() -> str:
    """The request's path, a link's or a feed's secret token left out: the log must not hand
    out a working link."""
    path = request.path
    token = (request.view_args or {}).get("token")
    if isinstance(token, str) and token:
        path = path.replace(token, "…")
    return path

"""The one helper every view uses to check permissions, and the login guard for all pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user


def public(view: Callable) -> Callable:
    """Mark a view as reachable without logging in (the login page, health, liaison links)."""
    view.is_public = True
    return view


def api(view: Callable) -> Callable:
    """Mark a view as one a script calls (the phone's outcome queue): its refusals answer JSON
    with their status — 401 for nobody logged in, never a redirect to the login page, which a
    script would take for success."""
    view.is_api = True
    return view


def is_api_request() -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "is_api", False)


def require(predicate: Callable[..., bool], *args) -> None:
    """Refuse with 403 unless ``predicate(current_user, *args)`` holds."""
    if not predicate(current_user, *args):
        refuse(403)


def refuse(status: int = 403) -> NoReturn:
    """End the request with ``status``: 403, or 404 where the record must not be known to exist
    (another team's visit). Either way the error handler writes the refusal to the audit log."""
    g.refused = True
    abort(status)


def login_guard():
    """Send anonymous users to the login page from every page not marked public."""
    if request.endpoint is None:
        return None  # unknown URL: let the 404 handler answer
    if request.endpoint == "static" or request.endpoint.endswith(".static"):
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "is_public", False):
        return None
    if current_user.is_authenticated:
        return None
    if getattr(view, "is_api", False):
        from outreach.web.auth.notices import tell_why_logged_out

        tell_why_logged_out()  # the login page the officer is sent to says why
        return jsonify(
            state="login",
            message=_("Your session has ended: log in again to send what waits on this phone."),
            login=url_for("auth.login"),
        ), 401
    target = request.full_path.rstrip("?")
    from outreach.web.auth.notices import tell_why_logged_out

    # Why, when the server knows (the session ran out or was ended, this browser logged out);
    # else, on any page but home, that a login is needed.
    if not tell_why_logged_out() and target != "/":
        flash(_("Please log in to open this page."), "info")
    return redirect(url_for("auth.login", next=target))

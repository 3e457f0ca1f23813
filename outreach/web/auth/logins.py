"""Logging a user in on this browser: a new server-side session in a new Flask session — for
the login form, and for an admin whose reset of their own password ended the one they had."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, request, session
from flask_login import login_user

from outreach.extensions import db
from outreach.models import User
from outreach.services.sessions import purge_sessions, start_session


def log_in_here(user: User, *, now: datetime) -> None:
    """Start a session for ``user`` (purging old ones), commit, and put its token in a fresh
    Flask session: nothing of the session before (another account's, or an ended one's token)
    is carried over."""
    purge_sessions(db.session, now=now, lifetime=current_app.permanent_session_lifetime)
    start_session(
        db.session,
        user,
        now=now,
        remote_addr=request.remote_addr,
        user_agent=request.user_agent.string,
    )
    db.session.commit()
    session.clear()
    login_user(user)
    session.permanent = True

"""What the login and change-password pages tell a person shut out: why the right password of
a closed account is not enough, why their session ended, and how long a lock-out lasts."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app, flash, session
from flask_babel import gettext as _
from flask_babel import ngettext

from outreach.services.sessions import Closed, Ended
from outreach.web.auth.guesses import Refused

# In the Flask session of a browser whose login session ended: why (an Ended's value), put
# there by the login loader when the cookie's session turns out dead, told once on the way to
# the login page.
SESSION_ENDED = "session_ended"
# Left by a logout: a page of this browser opened later (another tab) says why it asks for a
# login. A new login clears it with the rest of the session.
LOGGED_OUT = "logged_out"

# The login limits a password reset lifts (they count per account and its password);
# LOGIN_LIMIT_PER_ADDRESS counts an address, whoever's password it tries.
ACCOUNT_LIMITS = ("login_limit_per_account_address", "login_limit_per_account")


def closed_message(closed: Closed) -> str:
    """Said only after the right password: the account exists and the person knows it."""
    if closed is Closed.SCHOOL:
        return _(
            "Your school is no longer active in this app, so its account cannot log in. "
            "Contact the Dukcapil office."
        )
    return _("Your account has been deactivated: contact the Dukcapil admin.")


def _minutes(n: int) -> str:
    return ngettext("%(num)d minute", "%(num)d minutes", n)


def _ended_message(ended: Ended) -> str:
    if ended is Ended.IDLE:
        idle = current_app.config["SESSION_IDLE_MINUTES"]
        return _(
            "You were logged out after %(wait)s without activity. Log in again to continue.",
            wait=_minutes(idle),
        )
    if ended is Ended.LIFETIME:
        hours = round(current_app.permanent_session_lifetime / timedelta(hours=1))
        return _(
            "You were logged out because a login lasts at most %(hours)s. Log in again to "
            "continue.",
            hours=ngettext("%(num)d hour", "%(num)d hours", hours),
        )
    return {
        Ended.LOGOUT: _("You logged out on this browser. Log in again to continue."),
        Ended.PASSWORD_CHANGED: _(
            "Your password was changed on another device, so you were logged out here. Log in "
            "with the new password."
        ),
        Ended.PASSWORD_RESET: _(
            "The Dukcapil admin set a new password for your account, so you were logged out. "
            "Log in with the new password you were given."
        ),
        Ended.ACCOUNT_CLOSED: _(
            "Your account has been deactivated, so you were logged out. Contact the Dukcapil admin."
        ),
        Ended.SCHOOL_CLOSED: _(
            "Your school is no longer active in this app, so you were logged out. Contact the "
            "Dukcapil office."
        ),
        Ended.REOPENED: _(
            "Your account was switched off for a while, which logged you out. It is active "
            "again: log in to continue."
        ),
    }[ended]


def tell_why_logged_out(*, logout_too: bool = True) -> bool:
    """Flash why this browser is no longer logged in, once, when the server knows; True if it
    told. ``logout_too``: also when it logged out itself — not on the login page, where the
    logout led and which says so."""
    try:
        ended = Ended(session.pop(SESSION_ENDED, None))
    except ValueError:
        ended = Ended.LOGOUT if logout_too and session.get(LOGGED_OUT) else None
    if ended is None:
        return False
    session.pop(LOGGED_OUT, None)
    flash(_ended_message(ended), "info")
    return True


def wait_minutes(refused: Refused) -> int:
    """Whole minutes, rounded up, until the limit that held this guess back lets one through."""
    # Less a second: wait_seconds rounds up, and a 15-minute window just begun must read
    # "15 minutes", not 16.
    return max(1, math.ceil((refused.wait_seconds() - 1) / 60))


def login_limited_message(refused: Refused) -> str:
    wait = _minutes(wait_minutes(refused))
    if refused.scope in ACCOUNT_LIMITS:
        return _(
            "Too many failed attempts. For your security, wait %(wait)s before trying again, "
            "or ask the Dukcapil admin to reset your password.",
            wait=wait,
        )
    return _(
        "Too many failed attempts from this network. For your security, wait %(wait)s before "
        "trying again.",
        wait=wait,
    )


def password_change_limited_message(refused: Refused) -> str:
    return _(
        "Too many wrong current passwords. For your security, wait %(wait)s before trying "
        "again, or ask the Dukcapil admin to reset your password.",
        wait=_minutes(wait_minutes(refused)),
    )

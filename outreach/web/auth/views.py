"""Login, logout, the language switch and changing one's own password."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user

from outreach.extensions import db
from outreach.i18n import SUPPORTED_LOCALES
from outreach.models import SessionEnd, User, utcnow
from outreach.services.sessions import (
    end_session,
    find_session,
    mark_seen,
    why_ended,
)
from outreach.services.users import (
    authenticate,
    change_own_password,
    get_user_by_username,
    normalise_username,
    password_change_failed,
    password_stamp,
)
from outreach.web.access import public
from outreach.web.auth.devices import (
    device_failed,
    device_life,
    device_limit,
    distrust,
    remember_device,
    trusted_device,
)
from outreach.web.auth.forms import ChangePasswordForm, LanguageForm, LoginForm, LogoutForm
from outreach.web.auth.guesses import Guess, Refused, limit
from outreach.web.auth.logins import log_in_here
from outreach.web.auth.notices import (
    LOGGED_OUT,
    SESSION_ENDED,
    closed_message,
    login_limited_message,
    password_change_limited_message,
    tell_why_logged_out,
)
from outreach.web.forms import attempt

bp = Blueprint("auth", __name__)

# In the session of someone not logged in who picked a language with the switch: when (a POSIX
# timestamp). A login saves the pick on the account only while it is fresh, so that a language
# picked on a shared browser by someone who walked away is not saved on the next person's account.
LOCALE_CHOSEN = "locale_chosen"
LOCALE_PICK_FRESH = timedelta(minutes=5)


def _picked_lately(picked_at, now: datetime) -> bool:
    if isinstance(picked_at, bool) or not isinstance(picked_at, int | float):
        return False  # absent, or a cookie from before the pick carried its time
    return 0 <= now.timestamp() - picked_at <= LOCALE_PICK_FRESH.total_seconds()


def init_login(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(token: str) -> User | None:
        """The user of a live server-side session with this token (see services.sessions).
        A dead one's token leaves the cookie, and why it died is kept there for the login page
        (notices.tell_why_logged_out; not said here: the language is the user's, who is being
        looked up)."""
        idle, now = current_app.config["SESSION_IDLE_MINUTES"], utcnow()
        limits = {
            "now": now,
            "lifetime": current_app.permanent_session_lifetime,
            "idle": timedelta(minutes=idle) if idle else None,
        }
        row = find_session(db.session, token, **limits)
        if row is None:
            ended = why_ended(db.session, token, **limits)
            session.pop("_user_id", None)
            session.pop("_fresh", None)
            if ended is not None:
                session[SESSION_ENDED] = ended.value
            return None
        if mark_seen(row, now=now):
            # Saved at once, since a page that only reads commits nothing; the loader runs
            # before the view has changed anything (the login guard asks for the user first).
            db.session.commit()
        return row.user


def safe_next(target: str | None) -> str | None:
    """A redirect target inside this site, or None: never another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None  # urlsplit drops tabs and line breaks: they must not reach a header
    return target


def _typed_account(form: LoginForm) -> tuple[str, str]:
    """The username typed (normalised, read from the form as the password check reads it) and
    its account's current password stamp (users.password_stamp; empty for no such account)."""
    username = normalise_username(form.username.data or "")[:64]
    return username, password_stamp(get_user_by_username(db.session, username))


def _take_login_guess(form: LoginForm) -> tuple[Guess, str | None]:
    """This login's places in its limits, taken before its password is checked (raises
    Refused). Per OWASP's guidance (docs/SECURITY.md, "Login limits"): the tight limit counts
    one account from one address, so a stranger failing an officer's login from there locks out
    only himself; the account's looser ceiling bounds a guess spread over many addresses; the
    address limit bounds one address trying many accounts. The account's keys hold its current
    password: an admin's reset lifts a lock-out, as the 429 page says. A browser that logged in
    to the account before (its device cookie) meets none of these but its own, so that neither
    the ceiling a botnet reached nor strangers behind the same address (an office's or a mobile
    network's shared one) keep the officer's phone out: the cookie opens one account only, and
    only for a few wrong passwords in its life (devices.device_failed). Gives the guess and
    the trusted device's nonce (None for a browser like any other)."""
    username, stamp = _typed_account(form)
    guess = Guess()
    nonce = trusted_device(username, stamp)
    if nonce is not None:
        try:
            guess.take(device_limit(nonce), device_life(nonce))
            return guess, nonce
        except Refused:
            distrust(nonce)  # its own limit is used up: a browser like any other from now on
    account, address = f"account:{username}:{stamp}", get_remote_address()
    guess.take(
        limit("LOGIN_LIMIT_PER_ACCOUNT_ADDRESS", f"{account}|{address}"),
        limit("LOGIN_LIMIT_PER_ACCOUNT", account),
        limit("LOGIN_LIMIT_PER_ADDRESS", address),
    )
    return guess, None


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """The login form; on success, the page asked for (or home)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    tell_why_logged_out(logout_too=False)
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    closed = None
    if form.validate_on_submit():
        guess, device = _take_login_guess(form)
        now = utcnow()
        outcome = authenticate(
            db.session,
            form.username.data,
            form.password.data,
            now=now,
            remote_addr=request.remote_addr,
        )
        user = outcome.user
        if user is not None or outcome.closed is not None:
            guess.give_back()  # the right password: not a guess
        if user is not None:
            picked = session.get("locale")
            if picked in SUPPORTED_LOCALES and _picked_lately(session.get(LOCALE_CHOSEN), now):
                # The language picked on the login page just now is the one the user wants: it
                # carries on past the login and is saved, for the next login on another device.
                user.locale = picked
            log_in_here(user, now=now)  # commits
            response = redirect(safe_next(form.next.data) or url_for("main.home"))
            remember_device(response, user)
            return response
        db.session.commit()
        if outcome.closed is not None:
            # Said plainly, so that the owner does not retry into the lock-out.
            closed = closed_message(outcome.closed)
        else:
            if device is not None:
                device_failed(device)
            # One message whatever was wrong, so that usernames cannot be probed.
            form.password.errors.append(_("Wrong username or password."))
    return render_template("auth/login.html", form=form, closed=closed), 200


def rate_limited(error):
    """The page of a login or password change held back by its limit (429, guesses.Refused):
    the form again, saying how long to wait and what else to do. None for other pages."""
    if not isinstance(error, Refused):
        return None
    wait = {"Retry-After": str(error.wait_seconds())}
    if request.endpoint == "auth.login":
        message = login_limited_message(error)
        page = render_template("auth/login.html", form=LoginForm(), rate_limited=message)
        return page, 429, wait
    if request.endpoint == "auth.change_password" and current_user.is_authenticated:
        message = password_change_limited_message(error)
        form = ChangePasswordForm()
        page = render_template("auth/change_password.html", form=form, rate_limited=message)
        return page, 429, wait
    return None


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """GET asks for confirmation; POST (with the CSRF token) logs out."""
    form = LogoutForm()
    if request.method == "POST" and form.validate_on_submit():
        locale = current_user.locale  # the login page keeps speaking the user's language
        if current_user.current_session is not None:
            end_session(current_user.current_session, now=utcnow(), reason=SessionEnd.LOGOUT)
            db.session.commit()
        logout_user()
        session.clear()
        session["locale"] = locale
        session[LOGGED_OUT] = True  # told on a page another tab opens later (notices)
        flash(_("You have logged out."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html", form=form)


@bp.route("/language", methods=["POST"])
@public
def language():
    """Switch the interface language; saved on the account when logged in."""
    form = LanguageForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
        else:  # picked on the login page: kept at the login (not the language a logout left)
            session[LOCALE_CHOSEN] = utcnow().timestamp()
        session["locale"] = form.locale.data
    return redirect(safe_next(form.next.data) or url_for("main.home"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """Any logged-in user changes their own password; other sessions end. A wrong current
    password is audited and counts against a limit (per account and its password, as the
    login's: an admin's reset lifts it), like a failed login."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        guess = Guess()
        guess.take(limit("PASSWORD_CHANGE_LIMIT", f"user:{user.id}:{password_stamp(user)}"))
        done = attempt(
            form,
            lambda: change_own_password(
                db.session, user, form.current_password.data, form.password.data, now=utcnow()
            ),
            "password",
        )
        if done.error is not None and done.error.field == "current_password":
            password_change_failed(db.session, user, now=utcnow(), remote_addr=request.remote_addr)
            db.session.commit()
        else:
            guess.give_back()  # no current password found wrong: not a guess
        if done.ok:
            db.session.commit()
            flash(
                _("Your password has been changed. Other devices have been logged out."), "success"
            )
            response = redirect(url_for("main.home"))
            remember_device(response, user)  # this browser stays trusted at the next login
            return response
    return render_template("auth/change_password.html", form=form)

"""Login, logout, the language switch and changing one's own password."""

from __future__ import annotations

from datetime import timedelta
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
from flask_login import current_user, login_user, logout_user

from outreach.extensions import db, limiter
from outreach.i18n import SUPPORTED_LOCALES
from outreach.models import SessionEnd, User, utcnow
from outreach.services.sessions import end_session, find_session, start_session
from outreach.services.users import authenticate, change_own_password, normalise_username
from outreach.web.access import public
from outreach.web.auth.forms import ChangePasswordForm, LanguageForm, LoginForm, LogoutForm
from outreach.web.forms import attempt

bp = Blueprint("auth", __name__)

# In the session of someone not logged in who picked a language with the switch.
LOCALE_CHOSEN = "locale_chosen"


def init_login(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(token: str) -> User | None:
        """The user of a live server-side session with this token (see services.sessions)."""
        config = current_app.config
        row = find_session(
            db.session,
            token,
            now=utcnow(),
            lifetime=timedelta(seconds=config["PERMANENT_SESSION_LIFETIME"]),
            idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        )
        return row.user if row is not None else None


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


def _account_key() -> str:
    return "login-account:" + normalise_username(request.form.get("username", ""))[:64]


def _login_failed(response) -> bool:
    # A successful login redirects; every other answer to a POST counts against the limit.
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-account",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    key_func=get_remote_address,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-address",
)
def login():
    """The login form; on success, the page asked for (or home)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        now = utcnow()
        user = authenticate(
            db.session,
            form.username.data,
            form.password.data,
            now=now,
            remote_addr=request.remote_addr,
        )
        picked = session.get("locale") if session.get(LOCALE_CHOSEN) else None
        if user is not None and picked in SUPPORTED_LOCALES:
            # The language picked on the login page is the one the user wants: it carries on
            # past the login and is saved, so the next login on another device uses it too.
            user.locale = picked
        if user is not None:
            start_session(
                db.session,
                user,
                now=now,
                remote_addr=request.remote_addr,
                user_agent=request.user_agent.string,
            )
        db.session.commit()
        if user is not None:
            session.clear()
            login_user(user)
            session.permanent = True
            return redirect(safe_next(form.next.data) or url_for("main.home"))
        # One message whatever was wrong, so that usernames cannot be probed.
        form.password.errors.append(_("Wrong username or password."))
    return render_template("auth/login.html", form=form), 200


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
            session[LOCALE_CHOSEN] = True
        session["locale"] = form.locale.data
    return redirect(safe_next(form.next.data) or url_for("main.home"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """Any logged-in user changes their own password; other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: change_own_password(
                db.session,
                current_user,
                form.current_password.data,
                form.password.data,
                now=utcnow(),
            ),
            "password",
        )
        if done.ok:
            db.session.commit()
            flash(
                _("Your password has been changed. Other devices have been logged out."), "success"
            )
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)

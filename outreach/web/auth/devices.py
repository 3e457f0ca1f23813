"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser
that logged in to an account before is trusted at that account's login and held to a limit of
its own, so that strangers failing the account elsewhere cannot lock its owner out of it."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItemPerDay

from outreach.extensions import limiter
from outreach.models import User
from outreach.services.users import password_stamp
from outreach.web.auth.guesses import Limit, identifiers, limit

COOKIE_NAME = "login_device"
SALT = "outreach.login-device"  # not the session's nor a link's: neither passes for this
LIFETIME = timedelta(days=180)
# Held for the cookie's life by a device that used up LOGIN_LIMIT_PER_DEVICE: trust lost for
# good, until a login gives the browser a new cookie (OWASP's "lockout of the device cookie").
_DISTRUSTED = RateLimitItemPerDay(1, LIFETIME.days)
_MAX_COOKIE = 400  # a real one is about 120 characters


def _serializer(stamp: str) -> URLSafeTimedSerializer:
    # Signed for the account's current password (users.password_stamp), not holding it: a new
    # password (the owner's change, an admin's reset) makes every older cookie a stranger's.
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"{SALT}:{stamp}")


def remember_device(response, user: User) -> None:
    """Give this browser a new device cookie for ``user`` (after its right password, or its own
    change of password): the username and a random nonce, signed with SECRET_KEY for the
    current password, nothing else."""
    value = _serializer(password_stamp(user)).dumps(
        {"user": user.username, "nonce": secrets.token_urlsafe(16)}
    )
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=int(LIFETIME.total_seconds()),
        path=url_for("auth.login"),  # only the login reads it
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def _nonce_for(username: str, stamp: str) -> str | None:
    raw = request.cookies.get(COOKIE_NAME, "")
    if not raw or len(raw) > _MAX_COOKIE or not username or not stamp:
        return None
    try:
        held = _serializer(stamp).loads(raw, max_age=int(LIFETIME.total_seconds()))
    except BadSignature:  # forged, altered, for another purpose or password, or too old
        return None
    if not isinstance(held, dict) or held.get("user") != username:
        return None  # another account's device cookie is no help to this one
    nonce = held.get("nonce")
    return nonce if isinstance(nonce, str) and nonce else None


def trusted_device(username: str, stamp: str) -> str | None:
    """The nonce of this browser's device cookie when it is valid for ``username`` (the one
    typed, normalised) and its current password (``stamp``, users.password_stamp; empty for no
    such account) and still trusted; None for a browser like any other."""
    # With the limiter off (a benchmark) there is no limit to be let past, nor a store.
    asked = request.method == "POST" and limiter.enabled
    nonce = _nonce_for(username, stamp) if asked else None
    if nonce is not None and not limiter.limiter.test(_DISTRUSTED, *_lost(nonce)):
        return None
    return nonce


def _lost(nonce: str) -> tuple[str, ...]:
    return identifiers("login_device_lost", nonce)


def device_limit(nonce: str) -> Limit:
    """The trusted browser's own limit (LOGIN_LIMIT_PER_DEVICE), in place of the account's."""
    return limit("LOGIN_LIMIT_PER_DEVICE", nonce)


def device_life(nonce: str) -> Limit:
    """The trusted browser's wrong passwords over its cookie's whole life: as many as
    LOGIN_LIMIT_PER_DEVICE allows in a window, in all. Taken as each guess arrives (as the
    window's limit is), so that guesses sent together cannot all be checked while the cookie is
    still trusted. The owner's next right password gives the browser a new nonce, counted from
    nought."""
    allowed = min(item.amount for item in device_limit(nonce).items)
    life = (RateLimitItemPerDay(allowed, LIFETIME.days),)
    return Limit("login_device_life", nonce, life, windowed=False)


def distrust(nonce: str) -> None:
    """The device used up its limit: its cookie is trusted no more, until a login gives the
    browser a new one."""
    limiter.limiter.hit(_DISTRUSTED, *_lost(nonce))


def device_failed(nonce: str) -> None:
    """A wrong password typed on a trusted browser (already counted, as it arrived, in the
    device's limit and its life's, web.auth.guesses): the failure that uses either up ends the
    trust, so that a copied cookie buys that many guesses in all, however slowly it tries."""
    # The window's count never exceeds the life's (both given back together), so the life's
    # alone tells.
    if device_life(nonce).used_up():
        distrust(nonce)

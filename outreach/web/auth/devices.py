"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser
that logged in to an account before is trusted at that account's login and held to a limit of
its own, so that strangers failing the account elsewhere cannot lock its owner out of it."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, g, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItemPerDay, parse_many

from outreach.extensions import limiter

COOKIE_NAME = "login_device"
SALT = "outreach.login-device"  # not the session's nor a link's: neither passes for this
LIFETIME = timedelta(days=180)
# Held for the cookie's life by a device that used up LOGIN_LIMIT_PER_DEVICE: trust lost for
# good, until a login gives the browser a new cookie (OWASP's "lockout of the device cookie").
_DISTRUSTED = RateLimitItemPerDay(1, LIFETIME.days)
_MAX_COOKIE = 400  # a real one is about 120 characters


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def remember_device(response, username: str) -> None:
    """Give this browser a new device cookie for ``username`` (after its right password): the
    username and a random nonce, signed with SECRET_KEY, nothing else."""
    value = _serializer().dumps({"user": username, "nonce": secrets.token_urlsafe(16)})
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=int(LIFETIME.total_seconds()),
        path=url_for("auth.login"),  # only the login reads it
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def _nonce_for(username: str) -> str | None:
    raw = request.cookies.get(COOKIE_NAME, "")
    if not raw or len(raw) > _MAX_COOKIE or not username:
        return None
    try:
        held = _serializer().loads(raw, max_age=int(LIFETIME.total_seconds()))
    except BadSignature:  # forged, altered, signed for another purpose, or too old
        return None
    if not isinstance(held, dict) or held.get("user") != username:
        return None  # another account's device cookie is no help to this one
    nonce = held.get("nonce")
    return nonce if isinstance(nonce, str) and nonce else None


def trusted_device(username: str) -> str | None:
    """The nonce of this browser's device cookie when it is valid for ``username`` (the one
    typed, normalised) and still trusted; None for a browser like any other. Asked once per
    request (the limits ask it before the view)."""
    if "login_device" not in g:
        # With the limiter off (a benchmark) there is no limit to be let past, nor a store.
        asked = request.method == "POST" and limiter.enabled
        nonce = _nonce_for(username) if asked else None
        if nonce is not None and not limiter.limiter.test(_DISTRUSTED, "login_device_lost", nonce):
            nonce = None
        g.login_device = nonce
    return g.login_device


def _device_limits() -> list:
    return parse_many(current_app.config["LOGIN_LIMIT_PER_DEVICE"])


def device_failed(nonce: str) -> None:
    """A wrong password typed on a trusted browser: counted against its own limit (not the
    account's); the failure that uses it up ends the cookie's trust."""
    strategy = limiter.limiter
    for limit in _device_limits():
        strategy.hit(limit, "login_device", nonce)
        if not strategy.test(limit, "login_device", nonce):
            strategy.hit(_DISTRUSTED, "login_device_lost", nonce)
            return

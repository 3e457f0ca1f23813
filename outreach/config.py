"""Settings read from the environment, with defaults that are safe for a single-machine install."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

# Keys that mark a SECRET_KEY as a placeholder rather than a real secret.
_PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "dev", "secret"}


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app; the message says what to set."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from exc


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {value!r}") from exc


def _weekdays(name: str, default: str) -> tuple[int, ...]:
    """Working weekdays as ISO numbers (1 = Monday … 7 = Sunday), from e.g. "1,2,3,4,5"."""
    raw = os.environ.get(name) or default
    try:
        days = tuple(sorted({int(part) for part in raw.split(",") if part.strip()}))
    except ValueError as exc:
        raise ConfigError(f"{name} must list ISO weekdays such as 1,2,3,4,5") from exc
    if not days or any(day < 1 or day > 7 for day in days):
        raise ConfigError(f"{name} must list ISO weekdays between 1 (Monday) and 7 (Sunday)")
    return days


def _env(name: str, default: str) -> str:
    return (os.environ.get(name) or "").strip() or default


def _sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "outreach.sqlite")


def load_config(instance_path: str) -> dict:
    """Everything the app reads from the environment, as Flask config keys."""
    testing = _bool("OUTREACH_TESTING")
    debug = _bool("FLASK_DEBUG")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", ""),
        "TESTING": testing,
        "DEBUG": debug,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or _sqlite_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "OUTREACH_TIMEZONE": os.environ.get("OUTREACH_TIMEZONE") or "Asia/Jakarta",
        "OUTREACH_SCHEDULER": (os.environ.get("OUTREACH_SCHEDULER") or "off").strip().lower(),
        "OUTREACH_PLAN_DAY": _int("OUTREACH_PLAN_DAY", 20),
        "OUTREACH_LEAD_DAYS": _int("OUTREACH_LEAD_DAYS", 5),
        "OUTREACH_WORKING_WEEKDAYS": _weekdays("OUTREACH_WORKING_WEEKDAYS", "1,2,3,4,5"),
        "OUTREACH_TARGET_PERCENT": _float("OUTREACH_TARGET_PERCENT", 98.07),
        "OUTREACH_SQLITE_BUSY_TIMEOUT_MS": _int("OUTREACH_SQLITE_BUSY_TIMEOUT_MS", 15000),
        # How many reverse proxies (nginx…) stand before the app; their X-Forwarded-* headers
        # are trusted for that many hops. 0: none, the headers are ignored (anyone could send
        # them).
        "OUTREACH_PROXIES": _int("OUTREACH_PROXIES", 0),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        # Installs sharing one Redis count apart under their own prefixes.
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX") or "",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Counters a guess can give back (web.auth.guesses): not a moving window's entries.
        "RATELIMIT_STRATEGY": "fixed-window",
        # Failed logins (docs/SECURITY.md, "Login limits"): tight for one account from one
        # address, a looser ceiling for the account from everywhere (one address alone cannot
        # reach it), and one for an address whatever the accounts. A browser that logged in to
        # the account before (its device cookie) meets neither account limit but its own, and
        # loses that trust once it has used it up.
        "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS": _env(
            "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS", "5 per 15 minutes"
        ),
        "LOGIN_LIMIT_PER_ACCOUNT": _env("LOGIN_LIMIT_PER_ACCOUNT", "50 per hour"),
        "LOGIN_LIMIT_PER_ADDRESS": _env("LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes"),
        "LOGIN_LIMIT_PER_DEVICE": _env("LOGIN_LIMIT_PER_DEVICE", "5 per 15 minutes"),
        # Wrong current passwords on the change-password form, per account.
        "PASSWORD_CHANGE_LIMIT": _env("PASSWORD_CHANGE_LIMIT", "5 per 15 minutes"),
        # Requests to one liaison link page per address (each answer is a GET and a POST).
        "LIAISON_LINK_LIMIT": os.environ.get("LIAISON_LINK_LIMIT") or "60 per 10 minutes",
        # Files uploaded to the import pages, per user (all kinds together): reading one within
        # the import limits can take a worker for a while.
        "IMPORT_UPLOAD_LIMIT": os.environ.get("IMPORT_UPLOAD_LIMIT") or "30 per hour",
        # Looking up a typed NIK (find by NIK, the form's NIK hint), per user: each answer says
        # whether the NIK has a request, so unbounded it would guess the hidden digits.
        "NIK_LOOKUP_LIMIT": os.environ.get("NIK_LOOKUP_LIMIT") or "30 per 10 minutes;200 per day",
        # The domain part of iCalendar UIDs: keep it the same for the life of the install, or
        # subscribed calendars show every visit twice.
        "OUTREACH_CALENDAR_DOMAIN": os.environ.get("OUTREACH_CALENDAR_DOMAIN") or "jemput-bola",
        # Where the app is reached from outside ("https://jemputbola.example.go.id"): lets the
        # scheduler put the liaison's link into reminder mails. Empty: no link in them.
        "OUTREACH_BASE_URL": (os.environ.get("OUTREACH_BASE_URL") or "").rstrip("/"),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("OUTREACH_TIMEZONE") or "Asia/Jakarta",
        "LANGUAGES": ("id", "en"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", not (debug or testing)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # A login session ends this long after the login however busy (absolute), and after
        # this many minutes without a request (idle; 0: no idle limit).
        "PERMANENT_SESSION_LIFETIME": _int("OUTREACH_SESSION_HOURS", 12) * 3600,
        "SESSION_IDLE_MINUTES": _int("OUTREACH_SESSION_IDLE_MINUTES", 60),
        # Days an officer's phone keeps the pages of their coming stops for work without a
        # signal (each refresh while online starts them again); then they are deleted.
        "OUTREACH_OFFLINE_DAYS": _int("OUTREACH_OFFLINE_DAYS", 3),
        "MAX_CONTENT_LENGTH": _int("OUTREACH_MAX_UPLOAD_MB", 10) * 1024 * 1024,
        # An import's sheet: at most this many cells (rows × columns up to its last one) and
        # characters in one cell (services.xlsx.Limits; docs/SECURITY.md).
        "OUTREACH_IMPORT_MAX_CELLS": _int("OUTREACH_IMPORT_MAX_CELLS", 3_000_000),
        "OUTREACH_IMPORT_MAX_CELL_CHARS": _int("OUTREACH_IMPORT_MAX_CELL_CHARS", 32_767),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or "",
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or "",
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or "",
        "MAIL_FROM": os.environ.get("MAIL_FROM") or "",
    }


def target_percent(config) -> Decimal:
    """The national recording target as an exact decimal (98.07, not 98.0699999…)."""
    return Decimal(str(config["OUTREACH_TARGET_PERCENT"]))


def check_config(config: dict) -> None:
    """Refuse settings that would make a production install unsafe or ambiguous."""
    if config.get("OUTREACH_SCHEDULER") not in {"off", "background"}:
        raise ConfigError("OUTREACH_SCHEDULER must be 'off' or 'background'.")
    if not 1 <= config.get("OUTREACH_PLAN_DAY", 20) <= 28:
        raise ConfigError("OUTREACH_PLAN_DAY must be a day between 1 and 28 (every month has it).")
    if not 0 <= config.get("OUTREACH_LEAD_DAYS", 5) <= 60:
        raise ConfigError("OUTREACH_LEAD_DAYS must be between 0 and 60 days.")
    if not 0 <= config.get("OUTREACH_PROXIES", 0) <= 5:
        raise ConfigError("OUTREACH_PROXIES must be the number of proxies in front, 0 to 5.")
    if not 0 < config.get("OUTREACH_TARGET_PERCENT", 98.07) <= 100:
        raise ConfigError("OUTREACH_TARGET_PERCENT must be a share above 0 and at most 100.")
    if not 1 <= config.get("OUTREACH_OFFLINE_DAYS", 3) <= 7:
        raise ConfigError("OUTREACH_OFFLINE_DAYS must be between 1 and 7 days.")
    _check_sessions(config)
    _check_login_limits(config)
    if config.get("DEBUG") or config.get("TESTING"):
        if not config.get("SECRET_KEY"):
            # Debug and tests only: production refuses to start without a real secret.
            config["SECRET_KEY"] = "insecure-development-key"  # noqa: S105
        return
    secret = str(config.get("SECRET_KEY") or "")
    if secret.strip().lower() in _PLACEHOLDER_SECRETS or len(secret) < 16:
        raise ConfigError(
            "SECRET_KEY is not set: set SECRET_KEY to a random string of at least 16 characters "
            '(for example: python -c "import secrets; print(secrets.token_hex(32))").'
        )


def _check_sessions(config: dict) -> None:
    lifetime = config.get("PERMANENT_SESSION_LIFETIME", 12 * 3600)
    hours = getattr(lifetime, "total_seconds", lambda: lifetime)() / 3600
    if not 1 <= hours <= 24 * 7:
        raise ConfigError("OUTREACH_SESSION_HOURS must be between 1 and 168 hours (a week).")
    if not 0 <= config.get("SESSION_IDLE_MINUTES", 60) <= hours * 60:
        raise ConfigError(
            "OUTREACH_SESSION_IDLE_MINUTES must be between 0 (no idle limit) and the session's "
            "lifetime (OUTREACH_SESSION_HOURS)."
        )


def _limit_setting(config: dict, key: str) -> list:
    from limits import parse_many  # Flask-Limiter's own parser: what it will accept

    value = config.get(key)
    if value is None:
        return []
    try:
        return parse_many(str(value))
    except ValueError as exc:
        raise ConfigError(
            f'{key} must be a rate such as "5 per 15 minutes", got {value!r}'
        ) from exc


def _check_login_limits(config: dict) -> None:
    """Every limit parses, and one address cannot use up an account's ceiling on its own: the
    most it may fail in the ceiling's window (each of its windows, plus one at the edge) stays
    under the ceiling — or a stranger could lock an officer out from one address."""
    for key in (
        "LOGIN_LIMIT_PER_ADDRESS",
        "LOGIN_LIMIT_PER_DEVICE",
        "PASSWORD_CHANGE_LIMIT",
        "IMPORT_UPLOAD_LIMIT",
    ):
        _limit_setting(config, key)
    tight = _limit_setting(config, "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS")
    ceiling = _limit_setting(config, "LOGIN_LIMIT_PER_ACCOUNT")
    for limit in ceiling:
        window = limit.get_expiry()
        from_one_address = min(
            (each.amount * (-(-window // each.get_expiry()) + 1) for each in tight), default=None
        )
        if from_one_address is None or from_one_address >= limit.amount:
            raise ConfigError(
                "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS must allow one address fewer failed logins in "
                "LOGIN_LIMIT_PER_ACCOUNT's window than LOGIN_LIMIT_PER_ACCOUNT itself, so that a "
                'stranger cannot lock an account out from one address ("5 per 15 minutes" with '
                '"50 per hour").'
            )

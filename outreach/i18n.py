"""Language choice and the Indonesian way of writing dates, times and numbers."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_interval, get_day_names
from babel.numbers import format_decimal
from flask import current_app, g, has_request_context, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

SUPPORTED_LOCALES = ("id", "en")

# Indonesia's three time zones and the abbreviations people use for them.
_ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def select_locale() -> str:
    """The user's saved choice, else the session's, else Indonesian (also outside requests)."""
    if not has_request_context():
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "id")
    try:
        if current_user and current_user.is_authenticated:
            return current_user.locale
    except SQLAlchemyError:
        pass  # the database is down: the error page still needs a language
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "id")


def office_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["OUTREACH_TIMEZONE"])


def office_today() -> date:
    """Today's date where the office is (WIB by default), whatever the server's zone."""
    return datetime.now(office_zone()).date()


def office_date(instant: datetime) -> date:
    """The office's date at an instant (a service given only ``now``)."""
    return instant.astimezone(office_zone()).date()


def _locale() -> str:
    return str(get_locale() or "id")


def long_date(value: date | None, locale: str | None = None) -> str:
    """ "Senin, 3 Agustus 2026": weekday, day without a leading zero, month name, year."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(office_zone()).date()
    return format_date(value, "EEEE, d MMMM y", locale=locale or _locale())


def date_range(first: date, last: date, locale: str | None = None) -> str:
    """ "1–12 Juni 2026", "29 Juni – 3 Juli 2026"; one day is just that day."""
    if first == last:
        return format_date(first, "d MMMM y", locale=locale or _locale())
    return format_interval(first, last, "yMMMMd", locale=locale or _locale())


def weekday_name(iso_weekday: int, locale: str | None = None) -> str:
    """1 → "Senin" (Monday)."""
    return get_day_names("wide", locale=locale or _locale())[iso_weekday - 1]


def month_name(value: date, locale: str | None = None) -> str:
    """ "Agustus 2026"."""
    return format_date(value, "LLLL y", locale=locale or _locale())


def office_time(value: datetime | None, locale: str | None = None) -> str:
    """An instant as the office's wall-clock time with its zone: "08.30 WIB"."""
    if value is None:
        return ""
    return clock(value.astimezone(office_zone()).timetz(), locale)


def clock(value: time | str | None, locale: str | None = None) -> str:
    """A time of day at the office, as people read it: "08.30 WIB" ("08:30 WIB" in English).
    Takes a stored "08:30:00" too; "" for nothing; never the seconds."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = time.fromisoformat(value)
    zone_name = current_app.config["OUTREACH_TIMEZONE"]
    zone = _ZONE_ABBREVIATIONS.get(zone_name) or datetime.now(ZoneInfo(zone_name)).tzname() or ""
    separator = "." if (locale or _locale()) == "id" else ":"
    return f"{value.hour:02d}{separator}{value.minute:02d} {zone}".strip()


def office_datetime(value: datetime | None, locale: str | None = None) -> str:
    """ "Senin, 3 Agustus 2026 08.30 WIB"."""
    if value is None:
        return ""
    local = value.astimezone(office_zone())
    return f"{long_date(local.date(), locale)} {office_time(value, locale)}"


def number(value: int | float | None, locale: str | None = None) -> str:
    """Thousands grouped the local way: "279.871" in Indonesian."""
    if value is None:
        return ""
    return format_decimal(value, locale=locale or _locale())


def percent(value, locale: str | None = None) -> str:
    """Two decimals the local way, then " %": "99,35 %" in Indonesian; "" for None."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.00", locale=locale or _locale()) + " %"


def short_date(value: date, locale: str | None = None) -> str:
    """ "4 Agu 2024" in Indonesian."""
    return format_date(value, "d MMM y", locale=locale or _locale())


def short_month(value: date, locale: str | None = None) -> str:
    """ "Agu 2024" in Indonesian."""
    return format_date(value, "MMM y", locale=locale or _locale())


def request_translations():
    """The translations of the request's language, looked up once per request (and again
    under ``force_locale``): Flask-Babel finds them anew on every call, and a page calls
    ``_()`` hundreds of times."""
    locale = get_locale()
    cached = g.get("_outreach_translations")
    if cached is None or cached[0] is not locale:
        cached = g._outreach_translations = (locale, get_translations())
    return cached[1]


def register_filters(app) -> None:
    # The same callables Flask-Babel installs, reading the request's cached translations.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.filters.update(
        long_date=long_date,
        date_range=date_range,
        weekday_name=weekday_name,
        month_name=month_name,
        office_time=office_time,
        clock=clock,
        office_datetime=office_datetime,
        number=number,
        percent=percent,
        short_month=short_month,
        short_date=short_date,
    )

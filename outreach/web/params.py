"""What a URL says: ids, page numbers, months, days and choices read strictly from the query
string (ASCII digits in a sane range, or nothing), and record ids in paths bounded the same way.
Each view decides what nothing means: no filter, this month, or a 400 page."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, datetime

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from outreach.scheduling.calendar import parse_month as parse_month_text

MAX_ID = 2**31 - 1  # PostgreSQL's integer: a larger id names no row and must not reach a query
MAX_PAGE = 100_000
YEARS = (2000, 2100)  # the months and days a page or a download may be about
FIRST_DAY, LAST_DAY = date(YEARS[0], 1, 1), date(YEARS[1], 12, 31)
MAX_QUERY_LENGTH = 4000  # characters of a whole query string: our own links stay far below

_DIGITS = re.compile(r"[0-9]{1,10}")
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Control characters (NUL, ESC …) have no place in a query string: PostgreSQL refuses a NUL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# --- text → value (None when it is not one) ----------------------------------------------------


def parse_number(text: str | None, *, low: int, high: int) -> int | None:
    """ASCII digits (no sign, space, underscore or other script) naming low..high, else None."""
    if not text or not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_id(text: str | None) -> int | None:
    """A record id: 1..MAX_ID in ASCII digits, else None."""
    return parse_number(text, low=1, high=MAX_ID)


def parse_month(text: str | None) -> date | None:
    """ "2026-12" (exactly, years YEARS) → its first day, else None."""
    if not text or not text.isascii() or text != text.strip():
        return None
    try:
        month = parse_month_text(text)
    except ValueError:
        return None
    return month if YEARS[0] <= month.year <= YEARS[1] else None


def parse_day(text: str | None) -> date | None:
    """ "2026-12-31" (exactly, a real day between FIRST_DAY and LAST_DAY) → the day, else None.
    The window keeps a view's day ± a few weeks inside what a date can hold."""
    found = _DAY.fullmatch(text or "")
    if not found:
        return None
    try:
        day = date(*(int(part) for part in found.groups()))
    except ValueError:  # 2026-02-30, month 13
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def parse_instant(text: object) -> datetime | None:
    """An ISO instant with its offset ("2026-12-02T15:30:00+00:00"), else None (a naive time
    says nothing certain about when)."""
    if not isinstance(text, str) or len(text) > 40 or not text.isascii():
        return None
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return instant if instant.tzinfo is not None else None


def parse_choice(text: str | None, choices: Collection[str]) -> str | None:
    """``text`` when it is one of ``choices``, else None."""
    return text if text in choices else None


# --- the query string -----------------------------------------------------------------------


def arg_id(name: str) -> int | None:
    """?name=<record id>, None when absent or not an id (a filter then filters nothing)."""
    return parse_id(request.args.get(name))


def arg_page(name: str = "page") -> int:
    """?page=N (1..MAX_PAGE); 1 when absent or unreadable. A list clamps it to its last page."""
    return parse_number(request.args.get(name), low=1, high=MAX_PAGE) or 1


def arg_number(name: str, *, low: int, high: int) -> int | None:
    return parse_number(request.args.get(name), low=low, high=high)


def arg_month(name: str = "month") -> tuple[date | None, str]:
    """?name=YYYY-MM as (its first day or None, the text given — "" when absent)."""
    text = request.args.get(name, "")
    return parse_month(text), text


def arg_day(name: str = "day") -> tuple[date | None, str]:
    """?name=YYYY-MM-DD as (the day or None, the text given — "" when absent)."""
    text = request.args.get(name, "")
    return parse_day(text), text


def arg_choice(name: str, choices: Collection[str], default: str = "") -> str:
    """?name=<one of choices>, else ``default``."""
    return parse_choice(request.args.get(name), choices) or default


def arg_flag(name: str) -> bool:
    """?name=1 turns a switch on; anything else leaves it off."""
    return request.args.get(name) == "1"


def bad_request(message: str):
    """A 400 page saying ``message`` (what to give instead)."""
    abort(400, description=message)


def _check_query_string() -> None:
    """No query string may carry a control character or be longer than our links ever are:
    the request is refused before any view reads it."""
    if len(request.query_string) > MAX_QUERY_LENGTH:
        bad_request(_("The address is too long. Go back and open the page from its link."))
    for key, values in request.args.lists():
        if _CONTROL.search(key) or any(_CONTROL.search(value) for value in values):
            bad_request(_("The address contains characters that cannot be read."))


# --- the path -----------------------------------------------------------------------------------


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: ASCII digits naming 0..MAX_ID; any other number is no page
    (404) before a query is made — Werkzeug's own accepts other scripts' digits and any size.
    0 names no row but goes to the view, which may refuse the user first (403)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 0, max: int | None = MAX_ID):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max)


def register(app: Flask) -> None:
    """Bound ``<int:…>`` (before any route is added) and check every query string."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(_check_query_string)

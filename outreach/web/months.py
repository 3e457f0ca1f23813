"""The month (?month=YYYY-MM) or the day (?day=YYYY-MM-DD) a page or a download is about."""

from __future__ import annotations

from datetime import date

from flask import flash
from flask_babel import gettext as _

from outreach.i18n import office_today
from outreach.scheduling.calendar import month_start
from outreach.web.params import YEARS, arg_day, arg_month, bad_request


def requested_month(*, strict: bool = False) -> date:
    """?month=YYYY-MM as its first day; this month when absent. A month that cannot be read
    (or lies outside YEARS) is a 400 with the reason for a download (``strict``), else this
    month with a note."""
    month, text = arg_month()
    if month:
        return month
    if text:
        if strict:
            bad_request(
                _(
                    "Give the month as YYYY-MM, for example 2026-12, of a year from %(first)d"
                    " to %(last)d.",
                    first=YEARS[0],
                    last=YEARS[1],
                )
            )
        flash(_("Month %(text)s not understood: showing this month.", text=text[:20]), "info")
    return month_start(office_today())


def requested_day() -> date | None:
    """?day=YYYY-MM-DD, or None when absent; a day that cannot be read is None with a note."""
    day, text = arg_day()
    if text and not day:
        flash(_("Date %(text)s not understood: showing the whole month.", text=text[:20]), "info")
    return day

"""The month (?month=YYYY-MM) or the day (?day=YYYY-MM-DD) a page or a download is about."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, request
from flask_babel import gettext as _

from outreach.i18n import office_today
from outreach.scheduling.calendar import month_start, parse_month


def requested_month(*, strict: bool = False) -> date:
    """?month=YYYY-MM as its first day; this month when absent. A month that cannot be read
    is a 400 with the reason for a download (``strict``), else this month with a note."""
    text = request.args.get("month", "")
    if text:
        try:
            return parse_month(text)
        except ValueError:
            if strict:
                abort(400, description=_("Give the month as YYYY-MM, for example 2026-12."))
            flash(_("Month %(text)s not understood: showing this month.", text=text[:20]), "info")
    return month_start(office_today())


def requested_day() -> date | None:
    """?day=YYYY-MM-DD, or None when absent; a day that cannot be read is None with a note."""
    text = request.args.get("day", "")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        flash(_("Date %(text)s not understood: showing the whole month.", text=text[:20]), "info")
        return None

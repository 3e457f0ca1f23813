"""The school year's usual breaks against the all-schools blackouts: which ones a month's plan
would walk into because nobody noted them, and noting one in a single step."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.database import lock_named
from outreach.errors import Conflict, DomainError
from outreach.i18n import long_date
from outreach.models import SchoolBlackout, User
from outreach.scheduling.calendar import Blackout, month_start, next_month
from outreach.scheduling.school_breaks import (
    BreakCheck,
    BreakKind,
    SchoolBreak,
    breaks_between,
    check_breaks,
)
from outreach.services.planning.inputs import PlanSettings, working_calendar
from outreach.services.schools.blackouts import BLACKOUT_LOCK, BlackoutResult, add_blackout

NAMES = {
    BreakKind.ODD: _l("Odd-semester break %(year)s"),
    BreakKind.EVEN: _l("End-of-year break (kenaikan kelas) %(year)s"),
}


class BreakAlreadyNoted(Conflict):
    """An all-schools period already notes this break (someone else added it meanwhile)."""


def break_name(school_break: SchoolBreak) -> str:
    """ "Libur semester ganjil 2026/2027"."""
    return str(NAMES[school_break.kind] % {"year": school_break.school_year_name})


def _all_schools_blackouts(session: Session, breaks: list[SchoolBreak]) -> list[Blackout]:
    """The all-schools periods that overlap any of ``breaks``' usual days."""
    if not breaks:
        return []
    first, last = min(b.first_on for b in breaks), max(b.last_on for b in breaks)
    rows = session.scalars(
        select(SchoolBlackout)
        .where(
            SchoolBlackout.school_id.is_(None),
            SchoolBlackout.first_on <= last,
            SchoolBlackout.last_on >= first,
        )
        .order_by(SchoolBlackout.first_on, SchoolBlackout.id)
    )
    return [Blackout(b.first_on, b.last_on, None, b.reason) for b in rows]


def month_breaks(
    session: Session, *, month: date, today: date, settings: PlanSettings
) -> list[BreakCheck]:
    """The usual breaks in ``month`` with a day its plan could still use (a working day from
    today plus the lead time), each with the all-schools periods that note it; see
    ``check_breaks`` for why a period that overlaps a break only partly counts as noting it."""
    first = month_start(month)
    last = next_month(first) - timedelta(days=1)
    earliest = max(first, today + timedelta(days=settings.lead_days))
    calendar = working_calendar(session, first, last, settings)
    blackouts = _all_schools_blackouts(session, breaks_between(first, last))
    return check_breaks(first, last, earliest, calendar, blackouts)


def add_school_break(
    session: Session,
    *,
    now: datetime,
    actor: User | str,
    school_break: SchoolBreak,
    first_on: date,
    last_on: date,
    reason: str,
) -> BlackoutResult:
    """Note ``school_break`` as an all-schools blackout on the days the coordinator gives
    (the usual ones, corrected to the year's kalender pendidikan). Refused when the days are
    not this break's (outside its December–January or June–July window, or missing its usual
    days altogether) and when a period already notes it; audited as any blackout."""
    if last_on < first_on:
        raise DomainError(_l("The last day cannot be before the first day."), field="last_on")
    name = break_name(school_break)
    window_first, window_last = school_break.window
    for day, field in ((first_on, "first_on"), (last_on, "last_on")):
        if not window_first <= day <= window_last:
            raise DomainError(
                _l(
                    "%(name)s falls between %(first)s and %(last)s: choose days in that range.",
                    name=name,
                    first=long_date(window_first),
                    last=long_date(window_last),
                ),
                field=field,
            )
    if not school_break.overlaps(first_on, last_on):
        raise DomainError(
            _l(
                "These days miss the usual break (%(first)s – %(last)s). Another period is "
                "added on the blackout periods page.",
                first=long_date(school_break.first_on),
                last=long_date(school_break.last_on),
            ),
            field="first_on",
        )
    lock_named(session, BLACKOUT_LOCK)  # a double submit: the second finds the first noted
    noted = _all_schools_blackouts(session, [school_break])
    if noted:
        raise BreakAlreadyNoted(
            _l(
                "%(name)s is already noted: %(first)s – %(last)s (%(reason)s).",
                name=name,
                first=long_date(noted[0].first_on),
                last=long_date(noted[0].last_on),
                reason=noted[0].reason,
            )
        )
    return add_blackout(
        session,
        now=now,
        actor=actor,
        school=None,
        first_on=first_on,
        last_on=last_on,
        reason=reason,
    )

"""Periods in which a school, or every school, cannot be visited (exams, semester breaks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from outreach.database import lock_named
from outreach.domain.text import clean_line
from outreach.errors import Conflict, DomainError
from outreach.i18n import long_date
from outreach.models import School, SchoolBlackout, User
from outreach.services.audit import record_event

MAX_DAYS = 366


@dataclass
class BlackoutResult:
    blackout: SchoolBlackout
    merged: bool  # True when an existing period with the same reason was extended


def _same_scope(school: School | None):
    if school is None:
        return SchoolBlackout.school_id.is_(None)
    return SchoolBlackout.school_id == school.id


def _reason_key(reason: str) -> str:
    return clean_line(reason).lower()


BLACKOUT_LOCK = "school_blackouts"  # one writer of blackout periods at a time


def add_blackout(
    session: Session,
    *,
    now: datetime,
    actor: User | str,
    school: School | None,
    first_on: date,
    last_on: date,
    reason: str,
) -> BlackoutResult:
    """Add a period for ``school`` (None: all schools).

    A period that overlaps or touches one with the same reason is merged into it; one that
    overlaps a period with another reason is refused, naming that period.
    """
    reason = clean_line(reason)
    if not reason:
        raise DomainError(_l("Say why, e.g. final exams or semester break."), field="reason")
    if len(reason) > 200:
        raise DomainError(_l("The reason has at most 200 characters."), field="reason")
    if last_on < first_on:
        raise DomainError(_l("The last day cannot be before the first day."), field="last_on")
    if (last_on - first_on).days + 1 > MAX_DAYS:
        raise DomainError(_l("A period lasts at most %(n)d days.", n=MAX_DAYS), field="last_on")
    lock_named(session, BLACKOUT_LOCK)  # two adding at once: the second sees the first's period
    neighbours = list(
        session.scalars(
            select(SchoolBlackout)
            .where(
                _same_scope(school),
                SchoolBlackout.first_on <= last_on + timedelta(days=1),
                SchoolBlackout.last_on >= first_on - timedelta(days=1),
            )
            .order_by(SchoolBlackout.first_on)
        )
    )
    for other in neighbours:
        overlaps = other.first_on <= last_on and other.last_on >= first_on
        if overlaps and _reason_key(other.reason) != _reason_key(reason):
            raise Conflict(
                _l(
                    "This overlaps the period %(first)s – %(last)s (%(reason)s). Change that "
                    "period or choose other days.",
                    first=long_date(other.first_on),
                    last=long_date(other.last_on),
                    reason=other.reason,
                ),
                field="first_on",
            )
    same = [other for other in neighbours if _reason_key(other.reason) == _reason_key(reason)]
    if same:
        kept, *absorbed = same
        before = {"first_on": kept.first_on, "last_on": kept.last_on}
        kept.first_on = min([first_on, *(o.first_on for o in same)])
        kept.last_on = max([last_on, *(o.last_on for o in same)])
        for other in absorbed:
            session.delete(other)
        session.flush()
        record_event(
            session,
            now=now,
            actor=actor,
            action="blackout.merge",
            entity=kept,
            changes={
                "school": school and school.npsn,
                "first_on": [before["first_on"], kept.first_on],
                "last_on": [before["last_on"], kept.last_on],
                "reason": kept.reason,
                "absorbed": len(absorbed),
            },
        )
        return BlackoutResult(kept, merged=True)
    blackout = SchoolBlackout(
        school=school,
        first_on=first_on,
        last_on=last_on,
        reason=reason,
        created_by=actor if isinstance(actor, User) else None,
        created_at=now,
    )
    session.add(blackout)
    session.flush()
    record_event(
        session,
        now=now,
        actor=actor,
        action="blackout.create",
        entity=blackout,
        changes=_described(blackout),
    )
    return BlackoutResult(blackout, merged=False)


def _described(blackout: SchoolBlackout) -> dict:
    """A period as the audit log keeps it."""
    return {
        "school": blackout.school and blackout.school.npsn,
        "first_on": blackout.first_on,
        "last_on": blackout.last_on,
        "reason": blackout.reason,
    }


def delete_blackout(
    session: Session, blackout: SchoolBlackout, *, now: datetime, actor: User | str
) -> None:
    record_event(
        session,
        now=now,
        actor=actor,
        action="blackout.delete",
        entity=blackout,
        changes=_described(blackout),
    )
    session.delete(blackout)
    session.flush()


def list_blackouts(
    session: Session,
    *,
    school: School | None = None,
    ending_from: date | None = None,
    include_all_schools: bool = True,
    all_schools_only: bool = False,
) -> list[SchoolBlackout]:
    """Periods of ``school`` (and, with ``include_all_schools``, those for every school), or
    only the all-school ones; those ending before ``ending_from`` left out."""
    query = select(SchoolBlackout).options(joinedload(SchoolBlackout.school))
    if all_schools_only:
        query = query.where(SchoolBlackout.school_id.is_(None))
    elif school is not None:
        scope = SchoolBlackout.school_id == school.id
        if include_all_schools:
            scope = or_(scope, SchoolBlackout.school_id.is_(None))
        query = query.where(scope)
    if ending_from is not None:
        query = query.where(SchoolBlackout.last_on >= ending_from)
    return list(session.scalars(query.order_by(SchoolBlackout.first_on, SchoolBlackout.id)))

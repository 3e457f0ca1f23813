"""Office closures a coordinator manages: local closures, and reloading a year's national ones."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.domain.text import clean_line
from outreach.errors import Conflict, DomainError
from outreach.models import ClosureKind, ClosureSource, OfficeClosure, User
from outreach.services.audit import record_event
from outreach.services.reference import LoadResult, reload_closures

MAX_CLOSURE_DAYS = 31


def list_closures(session: Session, year: int) -> list[OfficeClosure]:
    return list(
        session.scalars(
            select(OfficeClosure)
            .where(
                OfficeClosure.closed_on >= date(year, 1, 1),
                OfficeClosure.closed_on <= date(year, 12, 31),
            )
            .order_by(OfficeClosure.closed_on, OfficeClosure.kind, OfficeClosure.name)
        )
    )


def _clean_name(name: str) -> str:
    name = clean_line(name)
    if not name:
        raise DomainError(_l("Say why the office is closed."), field="name")
    if len(name) > 200:
        raise DomainError(_l("At most %(n)d characters.", n=200), field="name")
    return name


def _taken(session: Session, on: date, name: str, other: OfficeClosure | None = None) -> bool:
    found = session.scalar(
        select(OfficeClosure).where(OfficeClosure.closed_on == on, OfficeClosure.name == name)
    )
    return found is not None and found is not other


def add_local_closures(
    session: Session,
    *,
    first_on: date,
    last_on: date | None,
    name: str,
    now: datetime,
    actor: User | str,
) -> list[OfficeClosure]:
    """One local closure per day from ``first_on`` to ``last_on`` (or just ``first_on``)."""
    name = _clean_name(name)
    last_on = last_on or first_on
    if last_on < first_on:
        raise DomainError(_l("The last day cannot be before the first."), field="last_on")
    if (last_on - first_on).days >= MAX_CLOSURE_DAYS:
        raise DomainError(_l("At most %(n)d days at once.", n=MAX_CLOSURE_DAYS), field="last_on")
    days = [first_on + timedelta(days=n) for n in range((last_on - first_on).days + 1)]
    taken = set(
        session.scalars(
            select(OfficeClosure.closed_on).where(
                OfficeClosure.name == name,
                OfficeClosure.closed_on >= first_on,
                OfficeClosure.closed_on <= last_on,
            )
        )
    )
    if taken.issuperset(days):
        raise Conflict(_l("These days are already closed for this reason."), field="first_on")
    added = []
    for day in days:
        if day in taken:
            continue
        closure = OfficeClosure(
            closed_on=day,
            name=name,
            kind=ClosureKind.LOCAL,
            source=ClosureSource.USER,
            created_by_id=actor.id if isinstance(actor, User) else None,
            created_at=now,
        )
        session.add(closure)
        added.append(closure)
    session.flush()
    for closure in added:
        record_event(
            session,
            now=now,
            actor=actor,
            action="closure.create",
            entity=closure,
            changes={"closed_on": closure.closed_on, "name": name},
        )
    return added


def _local_only(closure: OfficeClosure) -> None:
    if closure.source is not ClosureSource.USER:
        raise DomainError(
            _l("National holidays and cuti bersama come from the decree: reload the year instead.")
        )


def update_local_closure(
    session: Session,
    closure: OfficeClosure,
    *,
    on: date,
    name: str,
    now: datetime,
    actor: User | str,
) -> None:
    _local_only(closure)
    name = _clean_name(name)
    if _taken(session, on, name, closure):
        raise Conflict(_l("That day is already closed for this reason."), field="closed_on")
    changes = {}
    if closure.closed_on != on:
        changes["closed_on"] = [closure.closed_on, on]
    if closure.name != name:
        changes["name"] = [closure.name, name]
    closure.closed_on, closure.name = on, name
    session.flush()
    if changes:
        record_event(
            session, now=now, actor=actor, action="closure.update", entity=closure, changes=changes
        )


def delete_local_closure(
    session: Session, closure: OfficeClosure, *, now: datetime, actor: User | str
) -> None:
    _local_only(closure)
    record_event(
        session,
        now=now,
        actor=actor,
        action="closure.delete",
        entity=closure,
        changes={"closed_on": closure.closed_on, "name": closure.name},
    )
    session.delete(closure)
    session.flush()


def reload_year(session: Session, year: int, *, now: datetime, actor: User | str) -> LoadResult:
    """Make the year's national holidays and cuti bersama match the holidays package again."""
    result = reload_closures(session, year)
    record_event(
        session,
        now=now,
        actor=actor,
        action="closure.reload",
        changes={
            "year": year,
            "added": result.added,
            "removed": result.updated,
            "unchanged": result.unchanged,
        },
    )
    return result

"""The audit log as an admin reads it — filtered, newest first, one page at a time walked by key
(fast at any depth of millions of rows) — and repeated events grouped into one row."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from outreach.domain.nik import redact_niks
from outreach.models import (
    COMMAND_ACTOR,
    DEMO_ACTOR,
    LINK_ACTOR,
    SCHEDULER_ACTOR,
    AuditEvent,
    CoverageSnapshot,
    Kecamatan,
    Kelurahan,
    OfficeClosure,
    PlanRun,
    Resident,
    School,
    SchoolBlackout,
    Team,
    User,
    Visit,
)
from outreach.services.audit import record_event

# The records an event may be about, by the name the log stores (``type(entity).__name__``).
RECORD_MODELS: dict[str, type] = {
    model.__name__: model
    for model in (
        School,
        Resident,
        Visit,
        Team,
        User,
        OfficeClosure,
        SchoolBlackout,
        CoverageSnapshot,
        PlanRun,
    )
}
SYSTEM_ACTORS = (LINK_ACTOR, SCHEDULER_ACTOR, COMMAND_ACTOR, DEMO_ACTOR)
# Whoever acted without an account and is no system actor: a refused visitor ("anonymous"),
# a failed login (stored under the name it typed).
ANONYMOUS_ACTOR = "anonymous"


@dataclass(frozen=True)
class AuditFilters:
    user_id: int | None = None  # an account's events
    actor: str | None = None  # or a system actor's (models.audit), or ANONYMOUS_ACTOR
    action: str | None = None
    entity_type: str | None = None  # one of RECORD_MODELS
    entity_id: int | None = None  # with entity_type: one record
    first_on: date | None = None  # office days, both included
    last_on: date | None = None

    def logged(self) -> dict[str, Any]:
        """The filters given, as the page view's own audit event keeps them."""
        return {key: value for key, value in dataclasses.asdict(self).items() if value is not None}


@dataclass(frozen=True)
class EventPage:
    """One page of the log, newest first: ``older``/``newer`` are the ids to page from (the
    last and the first event shown) when there are more that way, else None."""

    items: list[AuditEvent]
    older: int | None
    newer: int | None


def list_audit_events(
    session: Session,
    filters: AuditFilters,
    *,
    zone: ZoneInfo,
    per_page: int,
    before: int | None = None,
    after: int | None = None,
) -> EventPage:
    """The events the filters select, ordered by time then id, newest first: the page older than
    the event ``before``, or newer than the event ``after``, or the newest page. A cursor that
    names no event opens the newest page. Each page walks an index from its cursor: no OFFSET,
    no count of the whole log."""
    query = _filtered(filters, zone)
    cursor_id = before if before is not None else after
    cursor = session.get(AuditEvent, cursor_id) if cursor_id is not None else None
    if cursor is None:
        before = after = None
    rows: list[AuditEvent]
    if after is not None:
        newer_first = query.where(
            AuditEvent.at >= cursor.at,
            or_(AuditEvent.at > cursor.at, AuditEvent.id > cursor.id),
        ).order_by(AuditEvent.at, AuditEvent.id)
        rows = list(session.scalars(newer_first.limit(per_page + 1)))
        more_newer = len(rows) > per_page
        rows = rows[:per_page][::-1]
        more_older = True  # the cursor itself is older
    else:
        if before is not None:
            query = query.where(
                AuditEvent.at <= cursor.at,
                or_(AuditEvent.at < cursor.at, AuditEvent.id < cursor.id),
            )
        rows = list(
            session.scalars(
                query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(per_page + 1)
            )
        )
        more_older = len(rows) > per_page
        rows = rows[:per_page]
        more_newer = before is not None
    _load_users(session, rows)
    return EventPage(
        items=rows,
        older=rows[-1].id if rows and more_older else None,
        newer=rows[0].id if rows and more_newer else None,
    )


def _filtered(filters: AuditFilters, zone: ZoneInfo) -> Select:
    query = select(AuditEvent)
    if filters.user_id is not None:
        query = query.where(AuditEvent.user_id == filters.user_id)
    elif filters.actor is not None:
        query = query.where(AuditEvent.user_id.is_(None))
        if filters.actor == ANONYMOUS_ACTOR:  # a refused visitor, or a failed login's name
            query = query.where(AuditEvent.actor.notin_(SYSTEM_ACTORS))
        else:
            query = query.where(AuditEvent.actor == filters.actor)
    if filters.action is not None:
        query = query.where(AuditEvent.action == filters.action)
    if filters.entity_type is not None:
        query = query.where(AuditEvent.entity_type == filters.entity_type)
        if filters.entity_id is not None:
            query = query.where(AuditEvent.entity_id == str(filters.entity_id))
    if filters.first_on is not None:
        query = query.where(AuditEvent.at >= _start_of(filters.first_on, zone))
    if filters.last_on is not None:
        query = query.where(AuditEvent.at < _start_of(filters.last_on + timedelta(days=1), zone))
    return query


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def _load_users(session: Session, events: list[AuditEvent]) -> None:
    """Each event's account, in one query (the page names them)."""
    ids = {event.user_id for event in events if event.user_id is not None}
    if ids:
        list(session.scalars(select(User).where(User.id.in_(ids))))


def records_of(
    session: Session, events: list[AuditEvent], also: Iterable[tuple[str, str]] = ()
) -> dict[tuple[str, str], Any]:
    """The records the events are about that still exist, by (type, id) as the log names them,
    and those of ``also`` (records the events' details mention): one query per kind of record
    on the page, each loaded with what names it."""
    wanted: dict[str, set[int]] = {}
    refs = [(event.entity_type, event.entity_id) for event in events]
    for kind, entity_id in [*refs, *also]:
        if kind in RECORD_MODELS and (entity_id or "").isdigit():
            wanted.setdefault(kind, set()).add(int(entity_id))
    loading = {
        "Visit": (selectinload(Visit.school), selectinload(Visit.resident)),
        "SchoolBlackout": (joinedload(SchoolBlackout.school),),
        "CoverageSnapshot": (joinedload(CoverageSnapshot.kecamatan),),
    }
    found: dict[tuple[str, str], Any] = {}
    for name, ids in wanted.items():
        model = RECORD_MODELS[name]
        query = select(model).where(model.id.in_(ids)).options(*loading.get(name, ()))
        for record in session.scalars(query):
            found[(name, str(record.id))] = record
    return found


def school_names(session: Session, npsns: set[str]) -> dict[str, str]:
    """The names of the schools with these NPSNs (what accounts' and blackouts' events keep)."""
    if not npsns:
        return {}
    query = select(School.npsn, School.name).where(School.npsn.in_(npsns))
    return {npsn: name for npsn, name in session.execute(query)}


def region_names(session: Session, codes: set[str]) -> dict[str, str]:
    """The names of the kecamatan and kelurahan among ``codes`` (what the page's events name)."""
    if not codes:
        return {}
    names = dict(
        session.execute(
            select(Kecamatan.code, Kecamatan.name).where(Kecamatan.code.in_(codes))
        ).all()
    )
    names.update(
        session.execute(
            select(Kelurahan.code, Kelurahan.name).where(Kelurahan.code.in_(codes))
        ).all()
    )
    return names


def list_accounts(session: Session) -> list[User]:
    """Every account, by name: whose events the page can filter."""
    return list(session.scalars(select(User).order_by(User.name, User.username)))


# --- repeated events, grouped -------------------------------------------------------------------

# How many of one actor's recent events of the same action are looked through for one to add to.
_GROUP_SCAN = 20


def record_repeated(
    session: Session,
    *,
    now: datetime,
    actor: User | str,
    action: str,
    changes: dict[str, Any],
    same: tuple[str, ...],
    window: timedelta,
    remote_addr: str | None,
) -> AuditEvent:
    """Write an event that may repeat many times (a refusal, a rate limit) once per ``window``:
    when the same actor (an account; or, not logged in, the same name from the same address)
    already has an event of ``action`` begun less than ``window`` ago whose ``same`` details
    equal these, that event counts one more (``count``) and keeps the latest time and path
    (``last_at``, ``last_path``); otherwise a new event starts its group.

    Race-safe enough: on PostgreSQL the row is locked before it is counted, so concurrent
    requests never lose a count; on SQLite (one writer at a time) two requests at the same
    instant may both start a group, which leaves two rows, never a wrong one."""
    query = select(AuditEvent).where(AuditEvent.action == action, AuditEvent.at >= now - window)
    if isinstance(actor, User):
        query = query.where(AuditEvent.user_id == actor.id)
    else:
        address = AuditEvent.remote_addr == remote_addr if remote_addr else None
        query = query.where(
            AuditEvent.user_id.is_(None),
            AuditEvent.actor == actor,
            address if address is not None else AuditEvent.remote_addr.is_(None),
        )
    recent = session.scalars(query.order_by(AuditEvent.id.desc()).limit(_GROUP_SCAN))
    group = next(
        (
            event
            for event in recent
            if all((event.changes or {}).get(key) == _as_kept(changes.get(key)) for key in same)
        ),
        None,
    )
    if group is None:
        return record_event(
            session,
            now=now,
            actor=actor,
            action=action,
            changes={**changes, "count": 1},
            remote_addr=remote_addr,
        )
    session.refresh(group, with_for_update=True)  # the count as it is now, held until commit
    counted = dict(group.changes or {})
    counted["count"] = int(counted.get("count") or 1) + 1
    counted["last_at"] = now.isoformat()
    if changes.get("path") and changes.get("path") != counted.get("path"):
        counted["last_path"] = changes["path"]
    group.changes = counted  # a new dict: the JSON column sees the change
    return group


def _as_kept(value: Any) -> Any:
    """A detail as the log keeps it (services.audit redacts what could be a NIK)."""
    return redact_niks(value) if type(value) is str else value

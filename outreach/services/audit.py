"""Writing the audit log."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload
from werkzeug.local import LocalProxy

from outreach.domain.nik import redact_niks
from outreach.models import AuditEvent, User
from outreach.services import versions


def record_event(
    session: Session,
    *,
    now: datetime,
    actor: User | str,
    action: str,
    entity: Any = None,
    changes: dict | None = None,
    remote_addr: str | None = None,
) -> AuditEvent:
    """Add one audit event. ``actor`` is a user, or a label such as "command" or "scheduler"."""
    entity = _unproxied(entity)
    if entity is not None and getattr(entity, "id", None) is None:
        session.flush()  # the entity needs its id before the event can point at it
    event = AuditEvent(
        **event_row(
            now=now,
            actor=actor,
            action=action,
            entity_type=type(entity).__name__ if entity is not None else None,
            entity_id=entity.id if entity is not None else None,
            changes=changes,
            remote_addr=remote_addr,
        )
    )
    session.add(event)
    return event


def _unproxied(value: Any) -> Any:
    """The object behind a werkzeug LocalProxy (flask_login's current_user is one): a proxy
    passes isinstance checks, but its type would name the event's record "LocalProxy"."""
    return value._get_current_object() if isinstance(value, LocalProxy) else value


def record_events(session: Session, rows: list[dict]) -> None:
    """Write many audit events (each from :func:`event_row`) in one executemany — for imports
    and other bulk writes, where an ORM object per event would cost more than the write."""
    if rows:
        session.execute(insert(AuditEvent), rows)


def event_row(
    *,
    now: datetime,
    actor: User | str,
    action: str,
    entity_type: str | None = None,
    entity_id: Any = None,
    changes: dict | None = None,
    remote_addr: str | None = None,
) -> dict[str, Any]:
    """An audit event's columns."""
    actor = _unproxied(actor)
    return {
        "at": now,
        "user_id": actor.id if isinstance(actor, User) else None,
        # Not a user: a system actor, or the username a failed login typed (maybe a NIK).
        "actor": actor.username if isinstance(actor, User) else redact_niks(actor),
        "action": action,
        "entity_type": entity_type,
        "entity_id": None if entity_id is None else str(entity_id),
        "changes": _jsonable(changes or {}),
        "remote_addr": remote_addr,
    }


def apply_changes(
    session: Session,
    record: Any,
    changes: dict[str, list[Any]],
    *,
    now: datetime,
    actor: User | str,
    action: str,
    logged: dict | None = None,
) -> None:
    """Set each changed field ({field: [before, after]} as from :func:`diff`), stamp
    ``updated_at``, and audit it (``logged`` replaces ``changes`` in the log, e.g. to hide a NIK).
    A versioned record changed meanwhile by someone else is refused (versions.Stale)."""
    for name, (_before, after) in changes.items():
        setattr(record, name, after)
    record.updated_at = now
    versions.flush(session)
    record_event(
        session,
        now=now,
        actor=actor,
        action=action,
        entity=record,
        changes=changes if logged is None else logged,
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields that changed, as {field: [before, after]}."""
    return {key: [before.get(key), after[key]] for key in after if before.get(key) != after[key]}


def _jsonable(value: Any) -> Any:
    if type(value) is str:
        return redact_niks(value)  # a NIK typed into a reason or a search is never kept
    if value is None or type(value) in (int, float, bool):
        return value
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def list_events_for(
    session: Session, entity: Any, *, limit: int = 20, leaving_out: tuple[str, ...] = ()
) -> list[AuditEvent]:
    """The newest events about one record (but those of the actions ``leaving_out``)."""
    query = select(AuditEvent).where(
        AuditEvent.entity_type == type(entity).__name__,
        AuditEvent.entity_id == str(entity.id),
    )
    if leaving_out:
        query = query.where(AuditEvent.action.notin_(leaving_out))
    return list(
        session.scalars(
            query.options(selectinload(AuditEvent.user))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )

"""Writing the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.models import AuditEvent, User


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
    if entity is not None and getattr(entity, "id", None) is None:
        session.flush()  # the entity needs its id before the event can point at it
    event = AuditEvent(
        at=now,
        user_id=actor.id if isinstance(actor, User) else None,
        actor=actor.username if isinstance(actor, User) else actor,
        action=action,
        entity_type=type(entity).__name__ if entity is not None else None,
        entity_id=str(entity.id) if entity is not None else None,
        changes=_jsonable(changes or {}),
        remote_addr=remote_addr,
    )
    session.add(event)
    return event


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
    """
    for name, (_before, after) in changes.items():
        setattr(record, name, after)
    record.updated_at = now
    session.flush()
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
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if hasattr(value, "value") and hasattr(value, "name"):  # an Enum member
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def list_events_for(session: Session, entity: Any, *, limit: int = 20) -> list[AuditEvent]:
    """The newest events about one record."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.entity_type == type(entity).__name__,
                AuditEvent.entity_id == str(entity.id),
            )
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )

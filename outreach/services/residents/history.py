"""A request's history as its page lists it: its newest events, and the times it was found by
its NIK as one entry — they come by the dozen (every lookup, every import preview whose sheet
holds the NIK) and would push the changes out of sight. The admin's audit page keeps each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from outreach.models import AuditEvent, Resident, User
from outreach.services.audit import list_events_for

FOUND_BY_NIK = "resident.find_nik"


@dataclass(frozen=True)
class NikLookups:
    """Every time the request was found by its NIK: how often, the last time, and by whom
    (the one who looked it up last first)."""

    count: int
    at: datetime  # the last time
    users: list[User]
    action: str = FOUND_BY_NIK


def nik_lookups(session: Session, resident: Resident) -> NikLookups | None:
    """The times the request was found by its NIK, None when it never was."""
    rows = session.execute(
        select(AuditEvent.user_id, func.count(), func.max(AuditEvent.at))
        .where(
            AuditEvent.entity_type == "Resident",
            AuditEvent.entity_id == str(resident.id),
            AuditEvent.action == FOUND_BY_NIK,
        )
        .group_by(AuditEvent.user_id)
    ).all()
    if not rows:
        return None
    rows.sort(key=lambda row: row[2], reverse=True)
    ids = [user_id for user_id, _count, _at in rows if user_id is not None]
    users = {user.id: user for user in session.scalars(select(User).where(User.id.in_(ids)))}
    return NikLookups(
        count=sum(count for _user_id, count, _at in rows),
        at=rows[0][2],
        users=[users[user_id] for user_id in ids if user_id in users],
    )


def list_history(
    session: Session, resident: Resident, *, limit: int = 20
) -> list[AuditEvent | NikLookups]:
    """The request's newest events, newest first, with its lookups by NIK as one entry where
    the last of them falls."""
    events: list[AuditEvent | NikLookups] = list(
        list_events_for(session, resident, limit=limit, leaving_out=(FOUND_BY_NIK,))
    )
    lookups = nik_lookups(session, resident)
    if lookups is None:
        return events
    place = next((n for n, event in enumerate(events) if event.at <= lookups.at), len(events))
    events.insert(place, lookups)
    return events

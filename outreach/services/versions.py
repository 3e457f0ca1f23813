"""Optimistic locking for the records two people may change at once — visits, schools, residents
(home-visit requests) and teams. Each has a ``version`` (the mapper's version_id_col: every ORM
UPDATE raises it, and one that finds another version raises StaleDataError). A form carries the
version its page showed; :func:`expect_version` refuses a change made on an older one and
:func:`flush` turns a concurrent writer caught by the UPDATE into the same refusal, :class:`Stale`.

Bookkeeping no form shows (a calendar feed's secret) is written by :func:`stamp`, which leaves
the version alone, so that no open page goes stale for it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from outreach.errors import Conflict
from outreach.models import AuditEvent


class Stale(Conflict):
    """Someone else changed the record after this user loaded it: nothing was saved."""

    def __init__(self, message=None):
        super().__init__(
            message
            or _l(
                "Someone else changed this data since you opened it, so your change was not "
                "saved. Its current state is shown: check it and save again."
            )
        )


def seen_version(value: Any) -> int:
    """The version a form sent back; one that is not ASCII digits of a sane length (int() also
    reads '١' or '1_0') is no version at all (0), so the change is refused as made on an old
    page — never saved unchecked."""
    text = "" if value is None else str(value).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        return 0
    return int(text)


def expect_version(record: Any, version: int | None, stale: type[Stale] = Stale) -> None:
    """Refuse (``stale``) a change made on another version of ``record`` than the one stored.
    None: no page stands behind the change (a command, a job): not checked here, though the
    UPDATE still is (:func:`flush`)."""
    if version is not None and record.version != version:
        raise stale()


def flush(session: Session, stale: type[Stale] = Stale) -> None:
    """Flush; an UPDATE that found another version (a concurrent writer committed first)
    becomes ``stale`` — the one place SQLAlchemy's StaleDataError is turned into a refusal."""
    try:
        session.flush()
    except StaleDataError as error:
        raise stale() from error


def stamp(session: Session, record: Any, **columns: Any) -> None:
    """Set bookkeeping ``columns`` on ``record`` in one UPDATE that leaves its version (and
    ``updated_at``) alone; the record gets the values as if loaded so."""
    model = type(record)
    values = dict(columns)
    if hasattr(model, "updated_at"):
        values["updated_at"] = model.updated_at  # not touched by onupdate
    session.execute(
        update(model).where(model.id == record.id).values(**values),
        execution_options={"synchronize_session": False},
    )
    for name, value in columns.items():
        set_committed_value(record, name, value)


def bump(model: type) -> dict[str, Any]:
    """The values a Core UPDATE of ``model`` rows adds so that open pages notice (the version
    raised), for the few writes that go around the ORM."""
    return {"version": model.version + 1}


# What the audit log records of a record without changing it (its version stays): no change a
# stale page could have missed.
NOT_CHANGES = (
    "resident.find_nik",
    "resident.view_nik",
    "school.feed_renew",
    "school.feed_revoke",
    "team.feed_renew",
    "team.feed_revoke",
)
# An event is written in the request of the change it records, with the same ``now``.
_SAME_CHANGE = timedelta(seconds=5)


def last_change(session: Session, record: Any) -> AuditEvent | None:
    """The audit event of the newest change to ``record`` (who changed it, when), for a page
    refused as stale; None when it is not known — no event, or the record was updated after
    its newest one by a write with no event of its own (the home planner marks requests
    scheduled in bulk, audited on its plan run)."""
    event = session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.entity_type == type(record).__name__,
            AuditEvent.entity_id == str(record.id),
            AuditEvent.action.not_in(NOT_CHANGES),
        )
        .options(joinedload(AuditEvent.user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    updated_at = getattr(record, "updated_at", None)
    if event is None or (updated_at is not None and updated_at > event.at + _SAME_CHANGE):
        return None
    return event

"""A request's status in the queue: moved by hand, saying why; a planned home visit goes with it."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.domain.text import clean_line
from outreach.errors import DomainError
from outreach.i18n import office_date
from outreach.models import (
    OPEN_RESIDENT_STATUSES,
    OPEN_VISIT_STATUSES,
    Resident,
    ResidentStatus,
    User,
    Visit,
    VisitKind,
    VisitStatus,
)
from outreach.scheduling.lifecycle import Action
from outreach.services.audit import record_event
from outreach.services.residents.requests import refuse_second_open_request
from outreach.services.versions import expect_version, flush
from outreach.services.visits.changes import REASON_MAX, Who, save

MANUAL_STATUSES = tuple(s for s in ResidentStatus if s is not ResidentStatus.SCHEDULED)


def change_status(
    session: Session,
    resident: Resident,
    status: ResidentStatus,
    reason: str,
    *,
    now: datetime,
    actor: User | str,
    version: int | None = None,
) -> int:
    """Move a request to another status, saying why. "Scheduled" is the planner's to set.
    ``version``: the one the coordinator's page showed (refused, Stale, when no longer the
    request's); None when the change follows a visit's outcome or cancellation.

    A planned home visit is only for a scheduled request: any change cancels it (with the same
    reason), so no officer goes to someone recorded, moved or deceased, and a request set back
    to waiting returns to the planner's queue. Returns how many visits were cancelled.
    """
    expect_version(resident, version)
    reason = clean_line(reason)
    if not reason:
        raise DomainError(_l("Say why the status changes."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_l("At most %(n)d characters.", n=REASON_MAX), field="reason")
    if status is ResidentStatus.SCHEDULED:
        raise DomainError(_l("A request becomes scheduled when a visit is planned."), "status")
    if status is resident.status:
        raise DomainError(_l("The request already has this status."), field="status")
    if status in OPEN_RESIDENT_STATUSES:
        refuse_second_open_request(session, resident.nik, other_than=resident)
    before = resident.status
    resident.status = status
    resident.status_reason = reason
    resident.updated_at = now
    flush(session)
    record_event(
        session,
        now=now,
        actor=actor,
        action="resident.status",
        entity=resident,
        changes={"status": [before, status], "reason": reason},
    )
    return _cancel_open_home_visits(session, resident, reason, now=now, actor=actor)


def _cancel_open_home_visits(
    session: Session, resident: Resident, reason: str, *, now: datetime, actor: User | str
) -> int:
    """End the resident's open home visits the way the visit page cancels one: through the one
    save path, so subscribed calendars see the cancellation and the history reads the same."""
    visits = session.scalars(
        select(Visit)
        .where(
            Visit.resident_id == resident.id,
            Visit.kind == VisitKind.HOME,
            Visit.status.in_(OPEN_VISIT_STATUSES),
        )
        .order_by(Visit.id)
    ).all()
    for visit in visits:
        save(
            session,
            visit,
            {"status": VisitStatus.CANCELLED, "cancel_reason": reason},
            rule=Action.CANCEL,
            today=office_date(now),
            now=now,
            who=Who(actor),
            action="visit.cancel",
        )
    return len(visits)

"""Daily sweeps over visits: query what is due, act, stamp, so a re-run does nothing twice.

A stamp is not a change of the visit: ``changes.stamp`` writes it without raising the version
a coordinator's page carries, so a page opened before 07:00 still saves after it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from outreach.models import Visit, VisitKind, VisitStatus
from outreach.services.visits.changes import stamp
from outreach.services.visits.links import invitation, invitation_subject

log = logging.getLogger(__name__)

# A proposed visit this close to its date is flagged for the coordinator.
CONFIRM_WINDOW_DAYS = 3

Mailer = Callable[..., None]  # send(to=, subject=, body=)


@dataclass
class SweepResult:
    flagged: int = 0
    reminded: int = 0
    failed: int = 0


def flag_unconfirmed(
    session: Session,
    *,
    now: datetime,
    today: date,
    send: Mailer | None = None,
    link_for: Callable[[Visit], str | None] | None = None,
) -> SweepResult:
    """Flag proposed visits within three days for the coordinator; where mail is configured,
    remind each school's liaison once (``reminder_sent_at``), with the visit's answer link
    when ``link_for`` can make one."""
    result = SweepResult()
    due = session.scalars(
        select(Visit)
        .options(joinedload(Visit.school), joinedload(Visit.team))
        .where(
            Visit.status == VisitStatus.PROPOSED,
            Visit.visit_on >= today,
            Visit.visit_on <= today + timedelta(days=CONFIRM_WINDOW_DAYS),
            (Visit.unconfirmed_flagged_at.is_(None)) | (Visit.reminder_sent_at.is_(None)),
        )
        .order_by(Visit.visit_on, Visit.id)
    ).all()
    flagged, reminded = [], []
    for visit in due:
        if visit.unconfirmed_flagged_at is None:
            flagged.append(visit.id)
            result.flagged += 1
        school = visit.school
        if send is None or visit.kind is not VisitKind.SCHOOL or visit.reminder_sent_at:
            continue
        if not (school and school.liaison_email):
            continue
        try:
            link = link_for(visit) if link_for is not None else None
            send(
                to=school.liaison_email,
                subject=invitation_subject(visit),
                body=invitation(visit, link),
            )
        except Exception:  # noqa: BLE001 - one refused address must not stop the sweep
            log.exception("reminder to %s for visit %d not sent", school.liaison_email, visit.id)
            result.failed += 1
            continue
        reminded.append(visit.id)
        result.reminded += 1
    stamp(session, flagged, unconfirmed_flagged_at=now)
    stamp(session, reminded, reminder_sent_at=now)
    return result


def flag_outcomes_due(session: Session, *, now: datetime, today: date) -> int:
    """Stamp visits whose date has passed without an outcome, so they show as needing one."""
    return stamp(
        session, Visit.is_overdue(today) & Visit.outcome_due_at.is_(None), outcome_due_at=now
    )

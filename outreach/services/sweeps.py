"""Daily sweeps over visits: query what is due, act, stamp, so a re-run does nothing twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from outreach.i18n import long_date
from outreach.models import OPEN_VISIT_STATUSES, Visit, VisitKind, VisitStatus

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
    session: Session, *, now: datetime, today: date, send: Mailer | None = None
) -> SweepResult:
    """Flag proposed visits within three days for the coordinator; where mail is configured,
    remind each school's liaison once (``reminder_sent_at``)."""
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
    for visit in due:
        if visit.unconfirmed_flagged_at is None:
            visit.unconfirmed_flagged_at = now
            result.flagged += 1
        school = visit.school
        if send is None or visit.kind is not VisitKind.SCHOOL or visit.reminder_sent_at:
            continue
        if not (school and school.liaison_email):
            continue
        try:
            send(to=school.liaison_email, **reminder_message(visit))
        except Exception:  # noqa: BLE001 - one refused address must not stop the sweep
            log.exception("reminder to %s for visit %d not sent", school.liaison_email, visit.id)
            result.failed += 1
            continue
        visit.reminder_sent_at = now
        result.reminded += 1
    session.flush()
    return result


def reminder_message(visit: Visit) -> dict[str, str]:
    school = visit.school
    subject = _(
        "Please confirm: e-KTP recording at %(school)s on %(date)s",
        school=school.name,
        date=long_date(visit.visit_on),
    )
    greeting = _("Dear %(name)s,", name=school.liaison_name) if school.liaison_name else ""
    body = "\n\n".join(
        part
        for part in (
            greeting,
            _(
                "The Dukcapil recording team (%(team)s) plans to record e-KTP for students aged "
                "16 and over at %(school)s on %(date)s. The visit is not confirmed yet.",
                team=visit.team.name,
                school=school.name,
                date=long_date(visit.visit_on),
            ),
            _("Please confirm the date, or ask for another one, by replying to the office."),
            _("Dinas Kependudukan dan Pencatatan Sipil"),
        )
        if part
    )
    return {"subject": subject, "body": body}


def flag_outcomes_due(session: Session, *, now: datetime, today: date) -> int:
    """Stamp visits whose date has passed without an outcome, so they show as needing one."""
    result = session.execute(
        update(Visit)
        .where(
            Visit.status.in_(OPEN_VISIT_STATUSES),
            Visit.visit_on < today,
            Visit.outcome_due_at.is_(None),
        )
        .values(outcome_due_at=now),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount or 0

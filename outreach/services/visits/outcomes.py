"""What the field officer records after a visit, and what it changes: the school's count of
students still to record (students left unrecorded make it a follow-up school next month), or
the resident's request (recorded, back in the queue, closed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from outreach.domain.problems import N_
from outreach.errors import DomainError
from outreach.i18n import long_date
from outreach.models import HomeOutcome, ResidentStatus, Visit, VisitKind, VisitStatus
from outreach.scheduling.lifecycle import Action
from outreach.services.residents.status import change_status
from outreach.services.visits.changes import (
    Who,
    clean_reason,
    expect_allowed,
    expect_version,
    save,
)
from outreach.services.visits.lifecycle import STUDENTS_MAX, set_students_pending

# A home visit's outcome → the resident's request. Not at home and unfit: not recorded yet, so
# back in the queue for another visit.
RESIDENT_AFTER = {
    HomeOutcome.RECORDED: ResidentStatus.RECORDED,
    HomeOutcome.NOT_AT_HOME: ResidentStatus.WAITING,
    HomeOutcome.REFUSED: ResidentStatus.REFUSED,
    HomeOutcome.UNFIT: ResidentStatus.WAITING,
    HomeOutcome.DECEASED: ResidentStatus.DECEASED,
    HomeOutcome.MOVED: ResidentStatus.MOVED,
}

# As written into the resident's status reason (in the office's language).
HOME_OUTCOME_TEXT = {
    HomeOutcome.RECORDED: N_("recorded"),
    HomeOutcome.NOT_AT_HOME: N_("not at home"),
    HomeOutcome.REFUSED: N_("refused"),
    HomeOutcome.UNFIT: N_("not fit to be recorded"),
    HomeOutcome.DECEASED: N_("deceased"),
    HomeOutcome.MOVED: N_("moved away"),
}


@dataclass(frozen=True)
class SchoolOutcome:
    recorded: int
    not_recorded: int = 0
    reason: str | None = None
    notes: str | None = None


def _expect_recordable(visit: Visit, version: int | None, today: date, kind: VisitKind) -> None:
    expect_version(visit, version)
    if visit.kind is not kind:
        raise DomainError(_l("This form is for another kind of visit."))
    expect_allowed(visit, Action.RECORD_OUTCOME, today)


def _completed(now: datetime, who: Who, **outcome) -> dict:
    """The changes that complete a visit with its outcome."""
    return {
        "status": VisitStatus.COMPLETED,
        **outcome,
        "completed_at": now,
        "completed_by_id": who.user.id if who.user else None,
    }


def _count(value: int | None, field: str, *, required: bool) -> int:
    if value is None:
        if required:
            raise DomainError(_l("Enter a number (0 if none)."), field=field)
        return 0
    if not 0 <= value <= STUDENTS_MAX:
        raise DomainError(_l("Enter a number from 0 to %(n)d.", n=STUDENTS_MAX), field=field)
    return value


def record_school_outcome(
    session: Session,
    visit: Visit,
    outcome: SchoolOutcome,
    *,
    now: datetime,
    today: date,
    who: Who,
    version: int | None,
) -> None:
    """Students recorded and not recorded (with why). The school's pending count becomes what
    is left: the unrecorded students, or the old estimate less those recorded if larger."""
    _expect_recordable(visit, version, today, VisitKind.SCHOOL)
    recorded = _count(outcome.recorded, "recorded", required=True)
    not_recorded = _count(outcome.not_recorded, "not_recorded", required=False)
    reason = clean_reason(outcome.reason, required=not_recorded > 0, field="reason")
    notes = clean_reason(outcome.notes, required=False, field="notes")
    save(
        session,
        visit,
        _completed(
            now,
            who,
            students_recorded=recorded,
            students_not_recorded=not_recorded,
            not_recorded_reason=reason,
            notes=notes,
        ),
        rule=Action.RECORD_OUTCOME,
        today=today,
        now=now,
        who=who,
        action="visit.outcome",
    )
    before = visit.school.students_pending
    left = not_recorded if before is None else max(before - recorded, not_recorded)
    set_students_pending(session, visit, left, now=now, who=who)


def record_home_outcome(
    session: Session,
    visit: Visit,
    outcome: HomeOutcome,
    *,
    notes: str | None,
    now: datetime,
    today: date,
    who: Who,
    version: int | None,
) -> ResidentStatus:
    """The home visit's outcome, and the resident's request after it (returned)."""
    _expect_recordable(visit, version, today, VisitKind.HOME)
    notes = clean_reason(notes, required=False, field="notes")
    save(
        session,
        visit,
        _completed(now, who, home_outcome=outcome, notes=notes),
        rule=Action.RECORD_OUTCOME,
        today=today,
        now=now,
        who=who,
        action="visit.outcome",
    )
    resident = visit.resident
    after = RESIDENT_AFTER[outcome]
    if resident.status is not after:
        with force_locale("id"):
            reason = _(
                "Home visit on %(date)s: %(outcome)s.",
                date=long_date(visit.visit_on, "id"),
                outcome=_(HOME_OUTCOME_TEXT[outcome]),
            )
        if notes:
            reason = f"{reason} {notes}"
        change_status(session, resident, after, reason[:500], now=now, actor=who.actor)
    return after

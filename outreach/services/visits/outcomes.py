"""What the field officer records after a visit, and what it changes: the school's count of
students still to record (students left unrecorded make it a follow-up school next month), or
the resident's request (recorded, back in the queue, closed). A recorded outcome can be
corrected, with the reason: the history keeps before → after, and what the outcome changed
follows the correction (the school's count, the resident's request; the dashboard's and the
report's figures are read from the visits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.domain.problems import N_
from outreach.errors import DomainError
from outreach.i18n import long_date
from outreach.models import (
    DisabilityKind,
    HomeOutcome,
    ResidentStatus,
    Visit,
    VisitKind,
    VisitStatus,
)
from outreach.scheduling.lifecycle import Action
from outreach.services.residents.requests import set_disability
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


def _expect_recordable(
    visit: Visit, version: int | None, today: date, kind: VisitKind, action=Action.RECORD_OUTCOME
) -> None:
    expect_version(visit, version)
    if visit.kind is not kind:
        raise DomainError(_l("This form is for another kind of visit."))
    expect_allowed(visit, action, today)


NOTHING_TO_CORRECT = _l("Nothing differs from what was recorded: change a figure or the outcome.")


def _correct(session, visit: Visit, changes: dict, reason: str | None, *, now, today, who):
    """Save a correction of the outcome (refused when it changes nothing), audited with why."""
    why = clean_reason(reason, required=True, field="correction")
    if all(getattr(visit, name) == value for name, value in changes.items()):
        raise DomainError(NOTHING_TO_CORRECT, field="correction")
    save(
        session,
        visit,
        changes,
        rule=Action.CORRECT_OUTCOME,
        today=today,
        now=now,
        who=who,
        action="visit.outcome_correct",
        note={"reason": why},
    )


def _students_left(before: int | None, recorded: int, not_recorded: int) -> int:
    """The school's count still to record after a visit: the unrecorded students, or the count
    before less those recorded if that is larger."""
    return not_recorded if before is None else max(before - recorded, not_recorded)


def school_figures(outcome: SchoolOutcome) -> dict:
    """A school outcome's columns as they are stored; DomainError on the field it refuses (a
    count out of range, a missing reason for students left unrecorded). Checked before
    recording, and by what checks an outcome ahead of it (a team-day sheet's preview)."""
    recorded = _count(outcome.recorded, "recorded", required=True)
    not_recorded = _count(outcome.not_recorded, "not_recorded", required=False)
    return {
        "students_recorded": recorded,
        "students_not_recorded": not_recorded,
        "not_recorded_reason": clean_reason(
            outcome.reason, required=not_recorded > 0, field="reason"
        ),
        "notes": clean_reason(outcome.notes, required=False, field="notes"),
    }


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
    figures = school_figures(outcome)
    before = visit.school.students_pending
    save(
        session,
        visit,
        _completed(now, who, **figures, students_pending_before=before),
        rule=Action.RECORD_OUTCOME,
        today=today,
        now=now,
        who=who,
        action="visit.outcome",
    )
    left = _students_left(before, figures["students_recorded"], figures["students_not_recorded"])
    set_students_pending(session, visit, left, now=now, who=who)


def correct_school_outcome(
    session: Session,
    visit: Visit,
    outcome: SchoolOutcome,
    *,
    reason: str | None,
    now: datetime,
    today: date,
    who: Who,
    version: int | None,
) -> None:
    """Put a recorded school outcome right. The school's count still to record is worked out
    again from the count before the visit — unless a later visit of the school has an outcome
    since, which counted from this one (its count stands)."""
    _expect_recordable(visit, version, today, VisitKind.SCHOOL, Action.CORRECT_OUTCOME)
    figures = school_figures(outcome)
    _correct(session, visit, figures, reason, now=now, today=today, who=who)
    if not _later_outcome(session, visit):
        left = _students_left(
            visit.students_pending_before,
            figures["students_recorded"],
            figures["students_not_recorded"],
        )
        set_students_pending(session, visit, left, now=now, who=who)


def _later_outcome(session: Session, visit: Visit) -> bool:
    """Whether another visit of the same school got its outcome after this one."""
    return (
        session.scalar(
            select(Visit.id)
            .where(
                Visit.school_id == visit.school_id,
                Visit.id != visit.id,
                Visit.status == VisitStatus.COMPLETED,
                Visit.completed_at > visit.completed_at,
            )
            .limit(1)
        )
        is not None
    )


# The outcomes of a home visit where the team saw the resident (and so their disability).
MET_THE_RESIDENT = frozenset({HomeOutcome.RECORDED, HomeOutcome.REFUSED, HomeOutcome.UNFIT})


def home_notes(
    outcome: HomeOutcome, notes: str | None, disability: DisabilityKind | None
) -> str | None:
    """A home outcome's notes as they are stored, the outcome checked with the kind of
    disability found (only where the team met the resident); DomainError on its field."""
    notes = clean_reason(notes, required=False, field="notes")
    if disability is not None and outcome not in MET_THE_RESIDENT:
        raise DomainError(
            _l(
                "Give the kind of disability only when the team met the resident (recorded, "
                "refused or not fit to be recorded)."
            ),
            field="disability",
        )
    return notes


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
    disability: DisabilityKind | None = None,
) -> ResidentStatus:
    """The home visit's outcome, and the resident's request after it (returned); with
    ``disability``, the kind of disability the officer found (one not known yet)."""
    _expect_recordable(visit, version, today, VisitKind.HOME)
    notes = home_notes(outcome, notes, disability)
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
    if disability is not None:
        set_disability(session, visit.resident, disability, now=now, actor=who.actor)
    _resident_after(session, visit, outcome, notes, now=now, who=who)
    return RESIDENT_AFTER[outcome]


def correct_home_outcome(
    session: Session,
    visit: Visit,
    outcome: HomeOutcome,
    *,
    notes: str | None,
    reason: str | None,
    now: datetime,
    today: date,
    who: Who,
    version: int | None,
) -> ResidentStatus:
    """Put a recorded home outcome right; the resident's request follows the new outcome (a
    resident recorded after all leaves the queue, one not at home after all joins it again)."""
    _expect_recordable(visit, version, today, VisitKind.HOME, Action.CORRECT_OUTCOME)
    notes = clean_reason(notes, required=False, field="notes")
    changes = {"home_outcome": outcome, "notes": notes}
    _correct(session, visit, changes, reason, now=now, today=today, who=who)
    _resident_after(session, visit, outcome, notes, now=now, who=who)
    return RESIDENT_AFTER[outcome]


def _resident_after(session, visit: Visit, outcome: HomeOutcome, notes, *, now, who) -> None:
    """The resident's request after a home visit's outcome."""
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

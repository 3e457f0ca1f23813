"""The transitions of a visit's life: confirm, ask for another day, decline the month, cancel,
mark missed, and the same for many visits at once. Each checks the version the user saw and that
``scheduling.lifecycle`` allows it today, then goes through ``changes.save``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.errors import DomainError
from outreach.i18n import long_date
from outreach.models import OPEN_VISIT_STATUSES, ResidentStatus, Visit, VisitKind, VisitStatus
from outreach.scheduling.lifecycle import Action
from outreach.services.audit import apply_changes
from outreach.services.planning.inputs import PlanSettings
from outreach.services.residents.status import change_status
from outreach.services.visits.changes import (
    StaleVisit,
    Who,
    clean_reason,
    expect_allowed,
    expect_version,
    save,
)
from outreach.services.visits.moves import DayNotPossible, move_visit

STUDENTS_MAX = 10_000


def expected_students(
    session: Session, visit: Visit, students: int | None, *, now: datetime, who: Who
) -> dict:
    """The liaison's count of students to expect, as the visit's change to save ({} without a
    count); as the best estimate there is, it becomes the school's count still to record."""
    if students is None:
        return {}
    if not 0 <= students <= STUDENTS_MAX:
        raise DomainError(
            _l("Enter a number from 0 to %(n)d.", n=STUDENTS_MAX), field="students_expected"
        )
    if visit.school is not None:
        set_students_pending(session, visit, students, now=now, who=who)
    return {"students_expected": students}


def set_students_pending(
    session: Session, visit: Visit, students: int, *, now: datetime, who: Who
) -> None:
    """The school's count of students still to record, as a visit tells it (audited)."""
    school = visit.school
    if school.students_pending != students:
        apply_changes(
            session,
            school,
            {"students_pending": [school.students_pending, students]},
            now=now,
            actor=who.actor,
            action="school.update",
            logged={"students_pending": [school.students_pending, students], "visit": visit.id},
        )


def confirm_visit(
    session: Session,
    visit: Visit,
    *,
    now: datetime,
    today: date,
    who: Who,
    version: int | None,
    students_expected: int | None = None,
    start_time: time | None = None,
) -> bool:
    """Proposed → confirmed (an open request for another day is dropped). Confirming again
    only updates the count and time; returns whether the status changed."""
    expect_version(visit, version)
    newly = visit.status is VisitStatus.PROPOSED
    expect_allowed(visit, Action.CONFIRM if newly else Action.UPDATE_CONFIRMATION, today)
    changes = {
        **expected_students(session, visit, students_expected, now=now, who=who),
        "requested_visit_on": None,
        "request_reason": None,
    }
    if start_time is not None:
        changes["start_time"] = start_time
    if newly:
        changes.update(
            status=VisitStatus.CONFIRMED,
            confirmed_at=now,
            confirmed_via=who.channel,
            confirmed_by_id=who.user.id if who.user else None,
            confirmed_by_name=who.display_name,
        )
    rule = Action.CONFIRM if newly else Action.UPDATE_CONFIRMATION
    save(session, visit, changes, rule=rule, today=today, now=now, who=who, action="visit.confirm")
    return newly


def earliest_for_liaison(today: date, settings: PlanSettings) -> date:
    """The first day a liaison may ask for: the planner's lead time on (tomorrow at least),
    so the team has as much notice as a planned visit gives the school."""
    return today + timedelta(days=max(1, settings.lead_days))


@dataclass
class DateRequest:
    """What became of a request for another day: moved at once, or left for the coordinator."""

    moved_to: Visit | None = None

    @property
    def left_for_coordinator(self) -> bool:
        return self.moved_to is None


def request_other_day(
    session: Session,
    visit: Visit,
    *,
    on: date,
    reason: str | None,
    now: datetime,
    today: date,
    who: Who,
    settings: PlanSettings,
    version: int | None,
    students_expected: int | None = None,
) -> DateRequest:
    """The liaison asks for ``on``: when the planning rules allow it (from the lead time on, a
    day the teams go out, no closure, no blackout) and a team has room, the visit moves there
    at once, confirmed. A day the rules refuse is refused with the reason; a full day is left
    as a request for the coordinator, who may still find a team."""
    expect_version(visit, version)
    expect_allowed(visit, Action.REQUEST_OTHER_DAY, today)
    reason = clean_reason(reason, required=False)
    if on == visit.visit_on:
        raise DomainError(_l("The visit is already on that day."), field="on")
    expected = expected_students(session, visit, students_expected, now=now, who=who)
    try:
        successor = move_visit(
            session,
            visit,
            on=on,
            now=now,
            today=today,
            who=who,
            settings=settings,
            version=None,
            reason=reason or _("Asked for by the school."),
            confirmed=True,
            earliest=earliest_for_liaison(today, settings),
            students_expected=expected.get("students_expected"),
        )
    except DayNotPossible:
        raise
    except DomainError as refused:
        if refused.field != "on":
            raise
    else:
        return DateRequest(moved_to=successor)
    save(
        session,
        visit,
        {**expected, "requested_visit_on": on, "request_reason": reason},
        rule=Action.REQUEST_OTHER_DAY,
        today=today,
        now=now,
        who=who,
        action="visit.request",
    )
    return DateRequest()


def decline_month(
    session: Session,
    visit: Visit,
    *,
    reason: str | None,
    now: datetime,
    today: date,
    who: Who,
    version: int | None,
) -> None:
    """The school cannot receive the team this month: the visit is cancelled with the reason."""
    _close(session, visit, Action.DECLINE, reason, version=version, today=today, now=now, who=who)


# How each way of closing a visit leaves it, and its audit action.
_CLOSING = {
    Action.DECLINE: (VisitStatus.CANCELLED, "visit.decline"),
    Action.CANCEL: (VisitStatus.CANCELLED, "visit.cancel"),
    Action.MARK_MISSED: (VisitStatus.MISSED, "visit.missed"),
}


def _close(session, visit, rule: Action, reason, *, version, today, now, who) -> str:
    """Close an open visit the ``rule`` way, with the reason it needs (checked after the version
    and the lifecycle); returns the reason."""
    expect_version(visit, version)
    expect_allowed(visit, rule, today)
    reason = clean_reason(reason, required=True)
    status, action = _CLOSING[rule]
    changes = {"status": status, "cancel_reason": reason}
    save(session, visit, changes, rule=rule, today=today, now=now, who=who, action=action)
    return reason


def _back_to_queue(session: Session, visit: Visit, reason: str, *, now: datetime, who: Who):
    """A home visit that will not happen: a scheduled resident waits for the planner again."""
    resident = visit.resident
    if visit.kind is VisitKind.HOME and resident.status is ResidentStatus.SCHEDULED:
        change_status(session, resident, ResidentStatus.WAITING, reason, now=now, actor=who.actor)


def cancel_visit(
    session: Session,
    visit: Visit,
    *,
    reason: str | None,
    now: datetime,
    today: date,
    who: Who,
    version: int | None,
) -> None:
    reason = _close(
        session, visit, Action.CANCEL, reason, version=version, today=today, now=now, who=who
    )
    _back_to_queue(session, visit, reason, now=now, who=who)


def visits_ending_with_school(session: Session, school_id: int, today: date) -> list[Visit]:
    """The school's open visits from today on, in day order: the ones its deactivation
    cancels. Earlier open visits stay, for the outcome (the team may have gone)."""
    return list(
        session.scalars(
            select(Visit)
            .where(
                Visit.school_id == school_id,
                Visit.status.in_(OPEN_VISIT_STATUSES),
                Visit.visit_on >= today,
            )
            .order_by(Visit.visit_on, Visit.id)
        )
    )


def cancel_school_visits(
    session: Session, school_id: int, *, now: datetime, today: date, who: Who
) -> list[Visit]:
    """A school no longer visited: its open visits from today on are cancelled the way the
    visit page cancels one (the lifecycle asked, audited, calendars told), with the reason
    "school deactivated"; returns them."""
    visits = visits_ending_with_school(session, school_id, today)
    for visit in visits:
        _close(
            session,
            visit,
            Action.CANCEL,
            _("School deactivated."),
            version=None,
            today=today,
            now=now,
            who=who,
        )
    return visits


def mark_missed(
    session: Session,
    visit: Visit,
    *,
    reason: str | None,
    now: datetime,
    today: date,
    who: Who,
    version: int | None,
) -> None:
    """The day came and the team did not go (or could not work): missed, with why."""
    reason = _close(
        session, visit, Action.MARK_MISSED, reason, version=version, today=today, now=now, who=who
    )
    _back_to_queue(session, visit, reason, now=now, who=who)


@dataclass
class BulkResult:
    done: int = 0
    unchanged: int = 0  # already as asked (confirming a confirmed visit)
    refused: list[tuple[Visit, str]] = field(default_factory=list)
    stale: list[Visit] = field(default_factory=list)  # changed since the list was shown

    @property
    def ok(self) -> bool:
        """Nothing refused, nothing changed meanwhile: the caller may commit."""
        return not self.refused and not self.stale


def bulk_apply(session: Session, seen: dict[int, int], action) -> BulkResult:
    """Apply ``action(visit)`` to each visit of ``seen`` ({visit id: the version the list
    showed}). A visit changed since (another version, or a concurrent writer) is listed in
    ``stale``, one the rules refuse is reported with the reason, one the action leaves as it
    was (it returns False) is counted apart. The caller commits only when the result is ``ok``
    (all or nothing: the set was chosen as a whole, from what the list showed)."""
    result = BulkResult()
    visits = session.scalars(
        select(Visit).where(Visit.id.in_(list(seen))).order_by(Visit.visit_on, Visit.id)
    )
    for visit in visits:
        try:
            with session.begin_nested():
                expect_version(visit, seen[visit.id])
                changed = action(visit)
        except StaleVisit:
            result.stale.append(visit)
        except DomainError as error:
            result.refused.append((visit, str(error.message)))
        else:
            if changed is False:
                result.unchanged += 1
            else:
                result.done += 1
    return result


def describe(visit: Visit) -> str:
    """ "SMAN 5 Kota Bengkulu, Senin, 7 Desember 2026": a visit named in a message."""
    return f"{visit.subject_name}, {long_date(visit.visit_on)}"

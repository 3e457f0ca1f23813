"""Demo schedules: the last five months, this month and next month planned as the scheduler
would, the days already gone given invented outcomes, and two weeks of home visits. Idempotent.

Invented answers and outcomes go through the services a person would use (the liaison's
confirmation, the officer's outcome, a missed day), dated when they would have happened, so each
visit's history and each school's count still to record read as they would in a real office."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from outreach.i18n import office_zone
from outreach.models import (
    LINK_ACTOR,
    ConfirmationChannel,
    PlanKind,
    PlanRun,
    PlanTrigger,
    Visit,
    VisitKind,
    VisitStatus,
)
from outreach.scheduling.calendar import month_start, next_month
from outreach.scheduling.lifecycle import Action
from outreach.services.planning.homes import plan_home
from outreach.services.planning.inputs import PlanSettings, working_calendar
from outreach.services.planning.schools import plan_schools
from outreach.services.reference import load_closures
from outreach.services.visits.changes import Who, save
from outreach.services.visits.lifecycle import confirm_visit, mark_missed
from outreach.services.visits.outcomes import SchoolOutcome, record_school_outcome

PAST_MONTHS = 5  # months of history before this one: the dashboard's recordings per month
MISSED_SHARE = 0.04  # of past visits the team could not make
HOME_WORKING_DAYS = 2  # home visits planned ahead: the rest of the queue keeps waiting
CONFIRMED_AHEAD_DAYS = 7  # liaisons have confirmed the visits of the coming week
DEMO = Who("demo-data")


def plan_demo(
    session: Session, *, now: datetime, today: date, settings: PlanSettings, plan_day: int
) -> list[str]:
    done = []
    planned = set(
        session.scalars(select(PlanRun.month).where(PlanRun.kind == PlanKind.SCHOOL_MONTH))
    )
    months = [next_month(month_start(today))]
    while len(months) < PAST_MONTHS + 2:
        months.insert(0, month_start(months[0] - timedelta(days=1)))
    load_closures(session, {month.year for month in months})  # holidays of the past months too
    for month in months:
        if month in planned:
            continue
        # Planned on the plan day of the month before, as the scheduler would have done.
        planned_on = month_start(month - timedelta(days=1)).replace(day=plan_day)
        run, _preview = plan_schools(
            session,
            month=month,
            now=now,
            today=min(planned_on, today),
            settings=settings,
            trigger=PlanTrigger.SCHEDULER,
            actor="demo-data",
        )
        done.append(f"school plan {month:%Y-%m}: {run.created_count} visits")
    _invent_progress(session, now=now, today=today)
    _invent_request(session, now=now, today=today)
    if session.scalar(select(PlanRun.id).where(PlanRun.kind == PlanKind.HOME_VISITS)) is None:
        run, _preview = plan_home(
            session,
            start=today,
            days=_days_spanning(session, today, settings, HOME_WORKING_DAYS),
            now=now,
            today=today,
            settings=settings,
            trigger=PlanTrigger.SCHEDULER,
            actor="demo-data",
        )
        done.append(f"home visits: {run.created_count} visits")
        _confirm_first_home_visits(session, now=now, today=today)
    return done


def _days_spanning(session: Session, today: date, settings: PlanSettings, working: int) -> int:
    """How many calendar days from today hold the next ``working`` working days."""
    calendar = working_calendar(session, today, today + timedelta(days=60), settings)
    found = calendar.working_days(today + timedelta(days=1), today + timedelta(days=60))
    last = found[working - 1] if len(found) >= working else today + timedelta(days=7)
    return (last - today).days + 1


def _invent_progress(session: Session, *, now: datetime, today: date) -> None:
    """Past school visits get an outcome (a few were missed); the coming week's are confirmed by
    the liaison — each through the service a person would use, dated when it happened."""
    open_visits = session.scalars(
        select(Visit)
        .options(joinedload(Visit.school))
        .where(
            Visit.kind == VisitKind.SCHOOL,
            Visit.status == VisitStatus.PROPOSED,
            Visit.visit_on < today + timedelta(days=CONFIRMED_AHEAD_DAYS),
        )
        .order_by(Visit.visit_on, Visit.id)  # a school's count still to record, month by month
    )
    for visit in open_visits.all():
        rng = random.Random(f"{visit.school_id}-{visit.visit_on}")  # noqa: S311 - demo only
        at = datetime.combine(visit.visit_on, time(9, 0), office_zone())
        if visit.visit_on >= today:
            liaison = Who(LINK_ACTOR, ConfirmationChannel.LINK, visit.school.liaison_name)
            answered = min(at - timedelta(days=3), now)  # never after the demo was made
            confirm_visit(session, visit, now=answered, today=today, who=liaison, version=None)
        elif rng.random() < MISSED_SHARE:
            reason = "Tim tidak dapat berangkat"
            done = at + timedelta(hours=8)
            mark_missed(
                session, visit, reason=reason, now=done, today=today, who=DEMO, version=None
            )
        else:
            pending = visit.school.students_pending or 60
            not_recorded = rng.choice((0, 0, 0, rng.randint(1, 12)))
            outcome = SchoolOutcome(
                recorded=rng.randint(pending // 3, pending),
                not_recorded=not_recorded,
                reason="Siswa sakit atau belum membawa KK" if not_recorded else None,
            )
            done = at + timedelta(hours=4)
            record_school_outcome(
                session, visit, outcome, now=done, today=today, who=DEMO, version=None
            )


def _confirm_first_home_visits(session: Session, *, now: datetime, today: date) -> None:
    """The families of the first day's home visits have been called; the later ones not yet."""
    first_day = session.scalar(
        select(Visit.visit_on).where(Visit.kind == VisitKind.HOME).order_by(Visit.visit_on).limit(1)
    )
    for visit in session.scalars(
        select(Visit).where(Visit.kind == VisitKind.HOME, Visit.visit_on == first_day)
    ).all():
        confirm_visit(session, visit, now=now, today=today, who=DEMO, version=None)


def _invent_request(session: Session, *, now: datetime, today: date) -> None:
    """One school has asked for another day, so the coordinator's home shows a request."""
    if session.scalar(select(Visit.id).where(Visit.requested_visit_on.is_not(None))):
        return
    visit = session.scalar(
        select(Visit)
        .where(
            Visit.kind == VisitKind.SCHOOL,
            Visit.status == VisitStatus.PROPOSED,
            Visit.visit_on >= today + timedelta(days=CONFIRMED_AHEAD_DAYS),
        )
        .order_by(Visit.visit_on, Visit.id)
        .limit(1)
    )
    if visit is not None:
        changes = {
            "requested_visit_on": visit.visit_on + timedelta(days=2),
            "request_reason": "Bertepatan dengan ujian praktik kelas XII",
        }
        link = Who(LINK_ACTOR, ConfirmationChannel.LINK, visit.school.liaison_name)
        rule = Action.REQUEST_OTHER_DAY
        save(
            session,
            visit,
            changes,
            rule=rule,
            today=today,
            now=now,
            who=link,
            action="visit.request",
        )

"""Demo school visits: the last five months, this month and next month planned as the scheduler
does on its plan day; the month's links sent to the liaisons the next working day; each liaison
answering (confirming with a count, asking for another day, declining the month, or not at all,
when the coordinator calls); each visit's day given its outcome by the team's officer, or marked
missed. Every step goes through the service a person would use, at the moment it happened, so a
visit's history matches its status and a school's count still to record follows its visits."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.demo.people import People
from outreach.demo.timeline import Timeline, moment
from outreach.i18n import office_date
from outreach.models import (
    LINK_ACTOR,
    OPEN_VISIT_STATUSES,
    SCHEDULER_ACTOR,
    ConfirmationChannel,
    PlanTrigger,
    Visit,
    VisitKind,
    VisitStatus,
)
from outreach.scheduling.calendar import month_start, next_month
from outreach.scheduling.lifecycle import Action
from outreach.services.planning.schools import plan_schools
from outreach.services.visits.changes import Who, save
from outreach.services.visits.lifecycle import (
    confirm_visit,
    decline_month,
    earliest_for_liaison,
    mark_missed,
    request_other_day,
)
from outreach.services.visits.links import issue_link, record_link_sent
from outreach.services.visits.moves import options_for
from outreach.services.visits.outcomes import SchoolOutcome, record_school_outcome

PAST_MONTHS = 5  # months of history before this one: the dashboard's recordings per month
PLAN_HOUR = 6  # the scheduler's monthly plan (scheduler.JOB_TABLE)
# How liaisons answer their link (the rest do not answer, and the coordinator calls them).
CONFIRMS, ASKS_ANOTHER_DAY, DECLINES = 0.76, 0.04, 0.02
REACHED_BY_PHONE = 0.85  # of the schools the coordinator calls
MISSED_SHARE = 0.03  # of confirmed visits the team could not make
ALL_RECORDED = 0.03  # of visits where every student expected was recorded
LATE_OUTCOME = 0.15  # outcomes the officer records the next morning
RECENT_DAYS = 5  # working days before today without a missed visit or a late outcome
# Students still to record at a school when the app was set up, by its level (invented); about
# a third as many turn 17 each month.
STUDENT_COUNTS = {"SMA": (20, 60), "SMK": (20, 70), "MA": (6, 24), "SLB": (1, 6)}

_REQUEST_REASONS = (
    "Bertepatan dengan ujian praktik kelas XII.",
    "Ada kegiatan class meeting pada hari itu.",
    "Aula sekolah dipakai untuk rapat komite.",
)
_DECLINE_REASONS = (
    "Siswa kelas XII sedang praktik kerja lapangan di luar sekolah sepanjang bulan ini.",
    "Sekolah melaksanakan ujian akhir semester sepanjang bulan ini.",
)
_MISSED_REASONS = (
    "Kendaraan dinas tim sedang diperbaiki.",
    "Alat perekaman mengalami gangguan jaringan.",
)
_UNREACHED = "Sekolah tidak dapat dihubungi untuk konfirmasi; tim tidak berangkat."
_NOT_RECORDED = (
    "Siswa sakit",
    "Siswa belum membawa fotokopi KK",
    "Data siswa belum muncul di SIAK",
)


def demo_months(today: date) -> list[date]:
    """The months the demo plans: PAST_MONTHS before this one, this one and the next."""
    months = [next_month(month_start(today))]
    while len(months) < PAST_MONTHS + 2:
        months.insert(0, month_start(months[0] - timedelta(days=1)))
    return months


def plan_moment(month: date, plan_day: int) -> datetime:
    """When the scheduler planned ``month``: its plan day of the month before."""
    return moment(month_start(month - timedelta(days=1)).replace(day=plan_day), PLAN_HOUR)


class SchoolStory:
    def __init__(self, session: Session, timeline: Timeline, people: People, plan_day: int):
        self.session, self.timeline, self.people = session, timeline, people
        self.plan_day = plan_day
        self.done: list[str] = []

    def begin(self, months: list[date]) -> None:
        now = self.timeline.now
        yesterday = self.timeline.working_day_before(office_date(now))
        for month in months:
            at = plan_moment(month, self.plan_day)
            if at < now:
                self.timeline.at(at, partial(self._plan, month, False))
            else:  # the plan day has not come: the coordinator planned the month early
                self.timeline.at(moment(yesterday, 15), partial(self._plan, month, True))
        self.timeline.at(moment(yesterday, 19, 30), self._request_left_for_coordinator)

    # --- the coordinator's side --------------------------------------------------------------

    def _plan(self, month: date, early: bool, when: datetime) -> None:
        run, _preview = plan_schools(
            self.session,
            month=month,
            now=when,
            today=office_date(when),
            settings=self.people.settings,
            trigger=PlanTrigger.USER if early else PlanTrigger.SCHEDULER,
            actor=self.people.coordinator if early else SCHEDULER_ACTOR,
        )
        self.done.append(f"school plan {month:%Y-%m}: {run.created_count} visits")
        visits = self.session.scalars(
            select(Visit)
            .where(Visit.plan_month == month, Visit.status == VisitStatus.PROPOSED)
            .order_by(Visit.visit_on, Visit.id)
        ).all()
        # The next working day the coordinator sends the month's links, one school after another.
        sitting = moment(self.timeline.working_day_after(office_date(when)), 9)
        for number, visit in enumerate(visits):
            self.timeline.at(sitting + timedelta(minutes=2 * number), partial(self._send, visit))

    def _send(self, visit: Visit, when: datetime) -> None:
        if visit.status not in OPEN_VISIT_STATUSES or visit.visit_on <= office_date(when):
            return
        office = self.people.office
        today = office_date(when)
        issue_link(
            self.session, visit, now=when, today=today, who=office, secret=self.people.secret
        )
        phone = visit.school.liaison_phone
        record_link_sent(self.session, visit, now=when, who=office, how="whatsapp", to=phone)
        rng = _rng(visit, "answer")
        roll = rng.random()
        # The liaison answers within four days, between seven in the morning and nine at night.
        answer_on = office_date(when) + timedelta(days=rng.randint(0, 3))
        answer = max(moment(answer_on, 7, rng.randint(0, 14 * 60)), when + timedelta(minutes=40))
        if answer < moment(visit.visit_on - timedelta(days=1), 17):
            if roll < CONFIRMS:
                self.timeline.at(answer, partial(self._liaison_confirms, visit))
                return
            if roll < CONFIRMS + ASKS_ANOTHER_DAY:
                self.timeline.at(answer, partial(self._liaison_asks, visit))
                return
            if roll < CONFIRMS + ASKS_ANOTHER_DAY + DECLINES:
                self.timeline.at(answer, partial(self._liaison_declines, visit))
                return
        # No answer: the coordinator calls the school three working days before the visit.
        call_on = self.timeline.working_day_before(visit.visit_on, 3)
        call_on = max(call_on, self.timeline.working_day_after(office_date(when)))
        call = moment(call_on, 10, rng.randint(0, 240))
        if call < moment(visit.visit_on, 7):
            self.timeline.at(call, partial(self._coordinator_calls, visit))
        else:
            self._after_the_day(visit, confirmed=False)

    def _coordinator_calls(self, visit: Visit, when: datetime) -> None:
        if visit.status is not VisitStatus.PROPOSED:
            return
        rng = _rng(visit, "call")
        if rng.random() >= REACHED_BY_PHONE and not self._recent(visit):
            self._after_the_day(visit, confirmed=False)
            return
        self._confirm(visit, self.people.office, when, rng)

    def _after_the_day(self, visit: Visit, *, confirmed: bool) -> None:
        """The visit's day: the officer records the outcome (that afternoon, or the next
        morning), or the coordinator marks it missed the next working day. The last days went
        well: each officer's week behind them shows visits done."""
        rng = _rng(visit, "day")
        next_day = self.timeline.working_day_after(visit.visit_on)
        went_wrong = rng.random() < MISSED_SHARE, rng.random() < LATE_OUTCOME
        missed, late = (False, False) if self._recent(visit) else went_wrong
        if not confirmed or missed:
            reason = rng.choice(_MISSED_REASONS) if confirmed else _UNREACHED
            at = moment(next_day, 8, rng.randint(15, 60))
            self.timeline.at(at, partial(self._missed, visit, reason))
        elif late:
            self.timeline.at(
                moment(next_day, 7, rng.randint(30, 90)), partial(self._outcome, visit)
            )
        else:
            self.timeline.at(
                moment(visit.visit_on, 11, rng.randint(30, 150)), partial(self._outcome, visit)
            )

    def _recent(self, visit: Visit) -> bool:
        """Whether the visit is in the last RECENT_DAYS working days before today, or later."""
        today = office_date(self.timeline.now)
        return visit.visit_on >= self.timeline.working_day_before(today, RECENT_DAYS)

    def _missed(self, visit: Visit, reason: str, when: datetime) -> None:
        if visit.status in OPEN_VISIT_STATUSES:
            today = office_date(when)
            who = self.people.office
            mark_missed(
                self.session, visit, reason=reason, now=when, today=today, who=who, version=None
            )

    def _request_left_for_coordinator(self, when: datetime) -> None:
        """One school has asked for a day the teams are full, so the coordinator's home shows a
        request to settle."""
        visit = self.session.scalar(
            select(Visit)
            .where(
                Visit.kind == VisitKind.SCHOOL,
                Visit.status == VisitStatus.PROPOSED,
                Visit.visit_on >= office_date(when) + timedelta(days=7),
                Visit.link_sent_at.is_not(None),
                Visit.link_sent_at < when,
            )
            .order_by(Visit.visit_on, Visit.id)
            .limit(1)
        )
        if visit is None:
            return
        changes = {
            "requested_visit_on": visit.visit_on + timedelta(days=2),
            "request_reason": _REQUEST_REASONS[0],
        }
        today = office_date(when)
        who = self._liaison(visit)
        rule = Action.REQUEST_OTHER_DAY
        save(
            self.session,
            visit,
            changes,
            rule=rule,
            today=today,
            now=when,
            who=who,
            action="visit.request",
        )

    # --- the liaison's side ------------------------------------------------------------------

    def _liaison(self, visit: Visit) -> Who:
        """The demo liaison answers from their account; the other schools through the link."""
        liaison = self.people.liaison
        if liaison is not None and liaison.school_id == visit.school_id:
            return Who(liaison, ConfirmationChannel.ACCOUNT)
        return Who(LINK_ACTOR, ConfirmationChannel.LINK, visit.school.liaison_name)

    def _liaison_confirms(self, visit: Visit, when: datetime) -> None:
        if visit.status is VisitStatus.PROPOSED:
            self._confirm(visit, self._liaison(visit), when, _rng(visit, "count"))

    def _liaison_asks(self, visit: Visit, when: datetime) -> None:
        """The liaison picks another day among those the link offers: the visit moves there at
        once, confirmed (a day no longer offered: they confirm the planned one)."""
        if visit.status is not VisitStatus.PROPOSED:
            return
        today, settings = office_date(when), self.people.settings
        rng = _rng(visit, "count")
        earliest = earliest_for_liaison(today, settings)
        offered = options_for(
            self.session, visit, today=today, settings=settings, earliest=earliest
        )
        later = [option for option in offered if option.on > visit.visit_on][:3]
        if not later:
            self._confirm(visit, self._liaison(visit), when, rng)
            return
        request = request_other_day(
            self.session,
            visit,
            on=rng.choice(later).on,
            reason=rng.choice(_REQUEST_REASONS),
            now=when,
            today=today,
            who=self._liaison(visit),
            settings=settings,
            version=None,
            students_expected=self._count(visit, rng),
        )
        if request.moved_to is not None:
            self._after_the_day(request.moved_to, confirmed=True)

    def _liaison_declines(self, visit: Visit, when: datetime) -> None:
        if visit.status is VisitStatus.PROPOSED:
            reason = _rng(visit, "count").choice(_DECLINE_REASONS)
            today, who = office_date(when), self._liaison(visit)
            decline_month(
                self.session, visit, reason=reason, now=when, today=today, who=who, version=None
            )

    def _confirm(self, visit: Visit, who: Who, when: datetime, rng: random.Random) -> None:
        confirm_visit(
            self.session,
            visit,
            now=when,
            today=office_date(when),
            who=who,
            version=None,
            students_expected=self._count(visit, rng),
        )
        self._after_the_day(visit, confirmed=True)

    @staticmethod
    def _count(visit: Visit, rng: random.Random) -> int:
        """The students the liaison expects: those still to record since the last visit and
        those who have turned 17 since, or a count of their own when the school's was unknown."""
        pending = visit.school.students_pending
        low, high = STUDENT_COUNTS.get(visit.school.level.value.upper(), (20, 80))
        if pending is None:
            return rng.randint(low, high)
        return pending + rng.randint(max(1, low // 3), max(2, high // 3))

    # --- the officer's side ------------------------------------------------------------------

    def _outcome(self, visit: Visit, when: datetime) -> None:
        if visit.status not in OPEN_VISIT_STATUSES:
            return
        rng = _rng(visit, "outcome")
        # The count expected, or the school's count now when a later visit's count (the next
        # month's link, answered first) made it smaller.
        expected = visit.students_expected or 0
        if visit.school.students_pending is not None:
            expected = min(expected, visit.school.students_pending)
        # From three in five to nine in ten: some are away that day, left for next month (one
        # school in thirty records everyone, and has nothing left to plan).
        most = expected if rng.random() < ALL_RECORDED else expected - -(-expected // 10)
        recorded = rng.randint(min(most, -(-expected * 3 // 5)), most)
        left = expected - recorded
        not_recorded = min(left, rng.choice((0, 0, rng.randint(1, 8))))
        outcome = SchoolOutcome(
            recorded=recorded,
            not_recorded=not_recorded,
            reason=rng.choice(_NOT_RECORDED) if not_recorded else None,
        )
        record_school_outcome(
            self.session,
            visit,
            outcome,
            now=when,
            today=office_date(when),
            who=self.people.officer(visit),
            version=None,
        )


def _rng(visit: Visit, step: str) -> random.Random:
    """The same answers for the same visit on every run (a fixed seed per visit and step)."""
    return random.Random(f"{visit.school_id}-{visit.visit_on}-{step}")  # noqa: S311 - demo only


def load_school_visits(session: Session, timeline: Timeline, people: People, *, plan_day: int):
    """Begin the school story on ``timeline`` unless schools were planned before; returns the
    story, whose ``done`` lists the plans once the timeline has run."""
    story = SchoolStory(session, timeline, people, plan_day)
    if session.scalar(select(Visit.id).where(Visit.kind == VisitKind.SCHOOL).limit(1)) is None:
        story.begin(demo_months(office_date(timeline.now)))
    return story

"""The visit lifecycle on a real database: confirm, ask for another day, decline, move,
reassign, cancel, miss; outcomes and what they change; stale versions; the audit trail."""

from datetime import date, time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.errors import DomainError
from outreach.extensions import db
from outreach.models import (
    AuditEvent,
    ClosureKind,
    ClosureSource,
    ConfirmationChannel,
    HomeOutcome,
    OfficeClosure,
    PlanTrigger,
    ResidentStatus,
    SchoolBlackout,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
    utcnow,
)
from outreach.services.planning.homes import plan_home
from outreach.services.planning.inputs import PlanSettings
from outreach.services.planning.schools import preview_school_plan
from outreach.services.visits.changes import ClosedVisit, StaleVisit, Who
from outreach.services.visits.lifecycle import (
    bulk_apply,
    cancel_visit,
    confirm_visit,
    decline_month,
    mark_missed,
    request_other_day,
)
from outreach.services.visits.moves import FULLY_BOOKED, move_visit, options_for, reassign_visit
from outreach.services.visits.outcomes import (
    SchoolOutcome,
    record_home_outcome,
    record_school_outcome,
)
from tests.services.visit_helpers import TODAY, add_visit

SETTINGS = PlanSettings(lead_days=5)
LINK = Who("liaison-link", ConfirmationChannel.LINK, "Bu Rina")
COORDINATOR = Who("koordinator")
TUESDAY = date(2026, 12, 8)


def events(session, visit, action=None):
    query = select(AuditEvent).where(
        AuditEvent.entity_type == "Visit", AuditEvent.entity_id == str(visit.id)
    )
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query.order_by(AuditEvent.id)))


@pytest.fixture
def school_visit(db_session, make_team, make_school):
    team = make_team(school_visits_per_day=1)
    school = make_school(students_pending=120, liaison_name="Bu Rina")
    return add_visit(db_session, school=school, team=team, on=TUESDAY)


def test_the_liaison_confirms_through_the_link(db_session, school_visit):
    before_sequence = school_visit.sequence
    changed = confirm_visit(
        db_session,
        school_visit,
        now=utcnow(),
        today=TODAY,
        who=LINK,
        version=school_visit.version,
        students_expected=95,
        start_time=time(8, 0),
    )
    db_session.commit()
    assert changed
    assert school_visit.status is VisitStatus.CONFIRMED
    assert school_visit.confirmed_via is ConfirmationChannel.LINK
    assert school_visit.confirmed_by_name == "Bu Rina"
    assert school_visit.students_expected == 95
    assert school_visit.school.students_pending == 95  # the liaison's count is the best estimate
    assert school_visit.sequence == before_sequence + 1  # calendars see the status change
    (event,) = events(db_session, school_visit, "visit.confirm")
    assert event.actor == "liaison-link"
    assert event.changes["status"] == ["proposed", "confirmed"]
    assert event.changes["start_time"] == [None, "08:00:00"]


def test_a_change_made_on_an_old_version_is_refused_and_nothing_is_saved(db_session, school_visit):
    seen = school_visit.version
    cancel_visit(
        db_session,
        school_visit,
        reason="Ujian",
        now=utcnow(),
        today=TODAY,
        who=COORDINATOR,
        version=seen,
    )
    db_session.commit()
    with pytest.raises(StaleVisit):
        confirm_visit(db_session, school_visit, now=utcnow(), today=TODAY, who=LINK, version=seen)
    db_session.rollback()
    assert db_session.get(Visit, school_visit.id).status is VisitStatus.CANCELLED


def test_two_people_saving_the_same_visit_at_once_the_second_gets_stale(school_visit):
    """Both loaded version 1; the first commits; the second's UPDATE finds another version."""
    first, second = Session(db.engine), Session(db.engine)
    try:
        mine, theirs = first.get(Visit, school_visit.id), second.get(Visit, school_visit.id)
        confirm_visit(first, mine, now=utcnow(), today=TODAY, who=LINK, version=1)
        first.commit()
        with pytest.raises(StaleVisit):
            cancel_visit(
                second,
                theirs,
                reason="Ujian",
                now=utcnow(),
                today=TODAY,
                who=COORDINATOR,
                version=1,
            )
        second.rollback()
    finally:
        first.close()
        second.close()
    db.session.expire_all()
    assert db.session.get(Visit, school_visit.id).status is VisitStatus.CONFIRMED


def test_asking_for_a_day_with_room_moves_the_visit_at_once_confirmed(db_session, school_visit):
    result = request_other_day(
        db_session,
        school_visit,
        on=date(2026, 12, 10),
        reason="Ada upacara",
        now=utcnow(),
        today=TODAY,
        who=LINK,
        settings=SETTINGS,
        version=school_visit.version,
    )
    db_session.commit()
    new = result.moved_to
    assert school_visit.status is VisitStatus.MOVED
    assert new.visit_on == date(2026, 12, 10)
    assert new.status is VisitStatus.CONFIRMED and new.confirmed_via is ConfirmationChannel.LINK
    assert new.replaces_id == school_visit.id and new.origin is VisitOrigin.MOVED
    assert new.ical_uid == school_visit.ical_uid
    assert new.sequence == school_visit.sequence + 1
    (event,) = events(db_session, school_visit, "visit.move")
    assert event.changes["visit_on"] == ["2026-12-08", "2026-12-10"]
    assert event.changes["status"] == ["proposed", "moved"]
    assert "team" not in event.changes  # the same team goes; a new team would be named


def test_asking_for_a_full_day_leaves_a_request_for_the_coordinator(
    db_session, school_visit, make_school
):
    # The only team does one school a day: 10 December is taken by another school.
    add_visit(db_session, school=make_school(), team=school_visit.team, on=date(2026, 12, 10))
    result = request_other_day(
        db_session,
        school_visit,
        on=date(2026, 12, 10),
        reason=None,
        now=utcnow(),
        today=TODAY,
        who=LINK,
        settings=SETTINGS,
        version=None,
    )
    assert result.left_for_coordinator and result.moved_to is None
    db_session.commit()
    assert school_visit.status is VisitStatus.PROPOSED
    assert school_visit.requested_visit_on == date(2026, 12, 10)
    assert len(events(db_session, school_visit, "visit.request")) == 1


@pytest.mark.parametrize(
    ("day", "says"),
    [
        (date(2026, 12, 12), "Sabtu"),  # the teams do not go out on Saturdays
        (date(2026, 12, 9), "Rapat kantor"),  # an office closure, named
        (date(2026, 12, 3), "Senin, 7 Desember 2026"),  # within the lead time: the first day
        (date(2027, 1, 5), "Kamis, 31 Desember 2026"),  # outside the visit's month
    ],
)
def test_a_day_the_rules_refuse_is_refused_with_the_reason_and_nothing_is_written(
    db_session, school_visit, day, says
):
    db_session.add(
        OfficeClosure(
            closed_on=date(2026, 12, 9),
            name="Rapat kantor",
            kind=ClosureKind.LOCAL,
            source=ClosureSource.USER,
        )
    )
    db_session.commit()
    with pytest.raises(DomainError) as refused:
        request_other_day(
            db_session,
            school_visit,
            on=day,
            reason=None,
            now=utcnow(),
            today=TODAY,
            who=LINK,
            settings=SETTINGS,
            version=None,
        )
    assert says in str(refused.value.message) and refused.value.field == "on"
    db_session.rollback()
    assert school_visit.status is VisitStatus.PROPOSED
    assert school_visit.requested_visit_on is None
    assert events(db_session, school_visit, "visit.request") == []


def test_the_day_offered_to_the_liaison_respects_closures_blackouts_and_capacity(
    db_session, school_visit, make_school
):
    db_session.add(
        OfficeClosure(
            closed_on=date(2026, 12, 9),
            name="Rapat kantor",
            kind=ClosureKind.LOCAL,
            source=ClosureSource.USER,
        )
    )
    db_session.add(
        SchoolBlackout(
            school_id=school_visit.school_id,
            first_on=date(2026, 12, 14),
            last_on=date(2026, 12, 18),
            reason="Ujian semester",
        )
    )
    db_session.commit()
    add_visit(db_session, school=make_school(), team=school_visit.team, on=date(2026, 12, 10))
    days = [o.on for o in options_for(db_session, school_visit, today=TODAY, settings=SETTINGS)]
    assert date(2026, 12, 8) not in days  # its own day
    assert date(2026, 12, 9) not in days  # closed
    assert date(2026, 12, 10) not in days  # full
    assert not any(date(2026, 12, 14) <= d <= date(2026, 12, 18) for d in days)  # blacked out
    assert all(d.weekday() < 5 and d.month == 12 for d in days)
    assert date(2026, 12, 11) in days and date(2026, 12, 31) in days
    with pytest.raises(DomainError, match="Ujian semester") as refused:
        move_visit(
            db_session,
            school_visit,
            on=date(2026, 12, 15),
            now=utcnow(),
            today=TODAY,
            who=COORDINATOR,
            settings=SETTINGS,
            version=None,
        )
    assert refused.value.field == "on"
    with pytest.raises(DomainError):  # a school's monthly visit stays in its month
        move_visit(
            db_session,
            school_visit,
            on=date(2027, 1, 5),
            now=utcnow(),
            today=TODAY,
            who=COORDINATOR,
            settings=SETTINGS,
            version=None,
        )


def test_declining_the_month_needs_a_reason_and_cancels(db_session, school_visit):
    with pytest.raises(DomainError) as refused:
        decline_month(
            db_session, school_visit, reason="  ", now=utcnow(), today=TODAY, who=LINK, version=None
        )
    assert refused.value.field == "reason"
    decline_month(
        db_session,
        school_visit,
        reason="Ujian akhir",
        now=utcnow(),
        today=TODAY,
        who=LINK,
        version=None,
    )
    db_session.commit()
    assert school_visit.status is VisitStatus.CANCELLED
    assert school_visit.cancel_reason == "Ujian akhir"
    assert events(db_session, school_visit, "visit.decline")[0].changes["status"] == [
        "proposed",
        "cancelled",
    ]
    with pytest.raises(ClosedVisit):
        confirm_visit(db_session, school_visit, now=utcnow(), today=TODAY, who=LINK, version=None)


def test_reassigning_needs_a_team_with_room(db_session, school_visit, make_team, make_school):
    first_team = school_visit.team.name
    busy = make_team(school_visits_per_day=1)
    free = make_team(school_visits_per_day=2)
    add_visit(db_session, school=make_school(), team=busy, on=TUESDAY)
    with pytest.raises(DomainError):
        reassign_visit(
            db_session,
            school_visit,
            team_id=busy.id,
            now=utcnow(),
            today=TODAY,
            who=COORDINATOR,
            settings=SETTINGS,
            version=None,
        )
    db_session.rollback()
    reassign_visit(
        db_session,
        school_visit,
        team_id=free.id,
        now=utcnow(),
        today=TODAY,
        who=COORDINATOR,
        settings=SETTINGS,
        version=None,
    )
    db_session.commit()
    assert school_visit.team_id == free.id
    (event,) = events(db_session, school_visit, "visit.reassign")
    assert event.changes["team"] == [first_team, free.name]


def test_the_school_outcome_updates_what_is_left_and_makes_a_follow_up_school(
    db_session, make_team, make_school
):
    team = make_team()
    school = make_school(students_pending=120)
    visit = add_visit(db_session, school=school, team=team, on=date(2026, 11, 24))
    with pytest.raises(DomainError) as refused:  # unrecorded students need a reason
        record_school_outcome(
            db_session,
            visit,
            SchoolOutcome(recorded=100, not_recorded=12),
            now=utcnow(),
            today=TODAY,
            who=COORDINATOR,
            version=None,
        )
    assert refused.value.field == "reason"
    db_session.rollback()
    record_school_outcome(
        db_session,
        visit,
        SchoolOutcome(recorded=100, not_recorded=12, reason="Tidak membawa KK"),
        now=utcnow(),
        today=TODAY,
        who=COORDINATOR,
        version=visit.version,
    )
    db_session.commit()
    assert visit.status is VisitStatus.COMPLETED
    assert school.students_pending == 20  # 120 - 100, more than the 12 seen unrecorded
    # Next month this school is planned first (follow-up), on the first possible day.
    other = make_school(students_pending=50)
    preview = preview_school_plan(
        db_session, month=date(2026, 12, 1), today=TODAY, settings=SETTINGS
    )
    days = {p.school_id: p.on for p in preview.plan.placements}
    assert days[school.id] <= days[other.id]
    assert days[school.id] == min(days.values())


def test_an_outcome_cannot_be_recorded_before_the_day(db_session, school_visit):
    with pytest.raises(DomainError):
        record_school_outcome(
            db_session,
            school_visit,
            SchoolOutcome(recorded=5),
            now=utcnow(),
            today=TODAY,
            who=COORDINATOR,
            version=None,
        )


@pytest.mark.parametrize(
    ("outcome", "after"),
    [
        (HomeOutcome.RECORDED, ResidentStatus.RECORDED),
        (HomeOutcome.NOT_AT_HOME, ResidentStatus.WAITING),
        (HomeOutcome.REFUSED, ResidentStatus.REFUSED),
        (HomeOutcome.UNFIT, ResidentStatus.WAITING),
        (HomeOutcome.DECEASED, ResidentStatus.DECEASED),
        (HomeOutcome.MOVED, ResidentStatus.MOVED),
    ],
)
def test_the_home_outcome_sets_the_request(db_session, make_team, make_resident, outcome, after):
    team = make_team()
    resident = make_resident()
    visit = add_visit(db_session, resident=resident, team=team, on=TODAY)
    record_home_outcome(
        db_session,
        visit,
        outcome,
        notes="Pintu terkunci",
        now=utcnow(),
        today=TODAY,
        who=COORDINATOR,
        version=visit.version,
    )
    db_session.commit()
    assert visit.status is VisitStatus.COMPLETED and visit.home_outcome is outcome
    assert resident.status is after


def test_not_at_home_puts_the_resident_back_in_the_queue_for_the_planner(
    db_session, make_team, make_resident
):
    team = make_team()
    resident = make_resident()
    visit = add_visit(db_session, resident=resident, team=team, on=TODAY)
    record_home_outcome(
        db_session,
        visit,
        HomeOutcome.NOT_AT_HOME,
        notes=None,
        now=utcnow(),
        today=TODAY,
        who=COORDINATOR,
        version=None,
    )
    db_session.commit()
    assert "tidak di rumah" in resident.status_reason
    run, _preview = plan_home(
        db_session,
        start=date(2026, 12, 2),
        days=5,
        now=utcnow(),
        today=TODAY,
        settings=SETTINGS,
        trigger=PlanTrigger.USER,
        actor="test",
    )
    db_session.commit()
    assert run.created_count == 1
    assert resident.status is ResidentStatus.SCHEDULED


def test_cancelling_or_missing_a_home_visit_returns_the_resident_to_the_queue(
    db_session, make_team, make_resident
):
    team = make_team()
    first, second = make_resident(), make_resident()
    coming = add_visit(db_session, resident=first, team=team, on=date(2026, 12, 3))
    past = add_visit(db_session, resident=second, team=team, on=date(2026, 11, 30))
    cancel_visit(
        db_session,
        coming,
        reason="Tim sakit",
        now=utcnow(),
        today=TODAY,
        who=COORDINATOR,
        version=None,
    )
    with pytest.raises(DomainError):  # not missed before its day
        mark_missed(
            db_session, coming, reason="x", now=utcnow(), today=TODAY, who=COORDINATOR, version=None
        )
    mark_missed(
        db_session,
        past,
        reason="Hujan deras",
        now=utcnow(),
        today=TODAY,
        who=COORDINATOR,
        version=None,
    )
    db_session.commit()
    assert (coming.status, past.status) == (VisitStatus.CANCELLED, VisitStatus.MISSED)
    assert first.status is ResidentStatus.WAITING and second.status is ResidentStatus.WAITING


def test_a_moved_home_visit_keeps_one_open_visit_and_goes_last_on_the_route(
    db_session, make_team, make_resident
):
    team = make_team(home_visits_per_day=3)
    resident, other = make_resident(), make_resident()
    add_visit(db_session, resident=other, team=team, on=date(2026, 12, 3), route_order=1)
    visit = add_visit(db_session, resident=resident, team=team, on=date(2026, 12, 2), route_order=1)
    new = move_visit(
        db_session,
        visit,
        on=date(2026, 12, 3),
        now=utcnow(),
        today=TODAY,
        who=COORDINATOR,
        settings=SETTINGS,
        version=None,
    )
    db_session.commit()
    assert new.route_order == 2 and new.kind is VisitKind.HOME
    assert resident.status is ResidentStatus.SCHEDULED


def test_bulk_actions_are_all_or_nothing(db_session, make_team, make_school):
    team = make_team(school_visits_per_day=2)
    good = add_visit(db_session, school=make_school(), team=team, on=TUESDAY)
    closed = add_visit(
        db_session, school=make_school(), team=team, on=TUESDAY, status=VisitStatus.COMPLETED
    )
    result = bulk_apply(
        db_session,
        {good.id: good.version, closed.id: closed.version},
        lambda v: confirm_visit(
            db_session, v, now=utcnow(), today=TODAY, who=COORDINATOR, version=None
        ),
    )
    assert result.done == 1 and [v.id for v, _m in result.refused] == [closed.id]
    db_session.rollback()
    assert db_session.get(Visit, good.id).status is VisitStatus.PROPOSED


def test_a_school_visit_moves_only_within_its_month(db_session, make_team, make_school):
    """Planned on 28 November for 2 December: 30 November is not offered (another month)."""
    visit = add_visit(db_session, school=make_school(), team=make_team(), on=date(2026, 12, 2))
    days = [
        o.on for o in options_for(db_session, visit, today=date(2026, 11, 28), settings=SETTINGS)
    ]
    assert days[0] == date(2026, 12, 1) and days[-1] == date(2026, 12, 31)


def test_the_calendar_and_the_list_send_a_fixed_number_of_queries(
    db_session, make_team, make_school, make_resident, count_queries
):
    from outreach.services.visits.queries import VisitFilters, list_visits, month_calendar

    team = make_team(school_visits_per_day=50, home_visits_per_day=50)

    def measure():
        db_session.expire_all()
        _weeks, calendar = count_queries(lambda: month_calendar(db_session, date(2026, 12, 1)))
        _page, listing = count_queries(
            lambda: list_visits(db_session, VisitFilters(month=date(2026, 12, 1)), today=TODAY)
        )
        return calendar, listing

    def add(n):
        for day in (date(2026, 12, 8), date(2026, 12, 9), date(2026, 12, 10))[:n]:
            add_visit(db_session, school=make_school(), team=team, on=day)
            add_visit(db_session, resident=make_resident(), team=team, on=day)

    add(1)
    few = measure()
    for _ in range(9):
        add(3)
    assert measure() == few


def test_the_plan_preview_shows_a_moved_visit_on_its_new_day(db_session, school_visit):
    new = move_visit(
        db_session,
        school_visit,
        on=date(2026, 12, 10),
        now=utcnow(),
        today=TODAY,
        who=COORDINATOR,
        settings=SETTINGS,
        version=None,
    )
    db_session.commit()
    preview = preview_school_plan(
        db_session, month=date(2026, 12, 1), today=TODAY, settings=SETTINGS
    )
    shown = {
        day: [entry.status for _team, entries in teams for entry in entries]
        for day, teams in preview.by_day
    }
    assert date(2026, 12, 8) not in shown
    assert shown[date(2026, 12, 10)] == [new.status]
    assert school_visit.school_id not in {p.school_id for p in preview.plan.placements}
    assert preview.already_planned == 1


def test_two_moves_onto_the_last_free_place_at_once_only_one_gets_it(
    db_session, make_team, make_school
):
    """The first move has written but not committed when the second starts: the second waits
    for it (row lock on PostgreSQL, the write lock on SQLite) and finds the day full."""
    import threading
    import time as clock

    team = make_team(school_visits_per_day=1)
    first_id = add_visit(db_session, school=make_school(), team=team, on=TUESDAY).id
    second_id = add_visit(db_session, school=make_school(), team=team, on=date(2026, 12, 9)).id
    target = date(2026, 12, 10)
    first, second = Session(db.engine), Session(db.engine)
    outcome = {}

    def move_second():
        try:
            move_visit(
                second,
                second.get(Visit, second_id),
                on=target,
                now=utcnow(),
                today=TODAY,
                who=COORDINATOR,
                settings=SETTINGS,
                version=None,
            )
            second.commit()
            outcome["second"] = "moved"
        except DomainError as error:
            second.rollback()
            outcome["second"] = error.message
        finally:
            second.close()

    try:
        move_visit(
            first,
            first.get(Visit, first_id),
            on=target,
            now=utcnow(),
            today=TODAY,
            who=COORDINATOR,
            settings=SETTINGS,
            version=None,
        )
        thread = threading.Thread(target=move_second)
        thread.start()
        clock.sleep(0.5)
        first.commit()
        thread.join(timeout=30)
    finally:
        first.close()
    assert outcome["second"] is FULLY_BOOKED
    db_session.expire_all()
    on_target = db_session.scalars(
        select(Visit).where(Visit.visit_on == target, Visit.status != VisitStatus.CANCELLED)
    ).all()
    assert len(on_target) == 1


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"kind": "school"},
        {"kind": "home", "kecamatan": "17.71.01"},
        {"overdue": True},
        {"day": date(2026, 12, 8)},
    ],
)
@pytest.mark.parametrize("status", ["", "proposed", "completed", "cancelled"])
def test_the_list_totals_its_pages_from_the_tab_counts(
    db_session, make_team, make_school, make_resident, filters, status
):
    """The visit list shows counts per status and passes them on as the pager's total: the
    total and the page must be those a count gives."""
    from outreach.services.visits.queries import VisitFilters, count_by_status, list_visits

    team = make_team(school_visits_per_day=50, home_visits_per_day=50)
    for n, day in enumerate((date(2026, 11, 27), date(2026, 12, 8), date(2026, 12, 9))):
        for state in (VisitStatus.PROPOSED, VisitStatus.COMPLETED, VisitStatus.CANCELLED)[: n + 1]:
            add_visit(db_session, school=make_school(), team=team, on=day, status=state)
            add_visit(db_session, resident=make_resident(), team=team, on=day, status=state)
    db_session.commit()

    chosen = VisitFilters(month=date(2026, 12, 1), status=status, **filters)
    counts = count_by_status(db_session, chosen, today=TODAY)
    counted = list_visits(db_session, chosen, today=TODAY, per_page=2, page=2)
    from_counts = list_visits(db_session, chosen, today=TODAY, per_page=2, page=2, counts=counts)
    assert from_counts.total == counted.total
    assert from_counts.number == counted.number
    assert [v.id for v in from_counts.items] == [v.id for v in counted.items]
    everything = list_visits(db_session, chosen, today=TODAY, per_page=100)
    assert counted.total == len(everything.items)


def test_confirming_a_confirmed_visit_in_bulk_changes_nothing_and_says_so(
    db_session, make_team, make_school
):
    team = make_team(school_visits_per_day=2)
    proposed = add_visit(db_session, school=make_school(), team=team, on=TUESDAY)
    confirmed = add_visit(
        db_session, school=make_school(), team=team, on=TUESDAY, status=VisitStatus.CONFIRMED
    )
    result = bulk_apply(
        db_session,
        {proposed.id: proposed.version, confirmed.id: confirmed.version},
        lambda v: confirm_visit(
            db_session, v, now=utcnow(), today=TODAY, who=COORDINATOR, version=None
        ),
    )
    db_session.commit()
    assert (result.done, result.unchanged, result.refused) == (1, 1, [])
    assert proposed.status is VisitStatus.CONFIRMED
    assert events(db_session, confirmed) == []  # no empty "confirmed" entry in its history

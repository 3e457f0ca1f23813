"""Planning on a real database: the real Kota Bengkulu schools in December 2026, home visits,
idempotent re-runs, and two runs at once."""

import threading
import time
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from outreach.errors import Conflict
from outreach.extensions import db
from outreach.models import (
    AuditEvent,
    ClosureKind,
    ClosureSource,
    OfficeClosure,
    PlanKind,
    PlanRun,
    PlanTrigger,
    Resident,
    ResidentStatus,
    School,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
    utcnow,
)
from outreach.scheduling.school_plan import NO_CAPACITY, NOTHING_PENDING
from outreach.services.planning.homes import plan_home, preview_home_visits
from outreach.services.planning.inputs import PlanSettings
from outreach.services.planning.schools import plan_schools, preview_school_plan
from outreach.services.reference import load_closures
from outreach.services.schools.blackouts import add_blackout
from outreach.services.schools.imports import import_schools
from outreach.services.tables import read_table
from tests.school_files import listing_csv

DECEMBER = date(2026, 12, 1)
TODAY = date(2026, 11, 20)
SETTINGS = PlanSettings()
NORTH = ("17.71.01", "17.71.02", "17.71.05", "17.71.09")
SOUTH = ("17.71.03", "17.71.04", "17.71.06", "17.71.07", "17.71.08")


@pytest.fixture
def city(db_session, make_team):
    """The 72 real schools, the 2026 calendar and two teams splitting the city."""
    import_schools(
        db_session, read_table(listing_csv(), "sekolah.csv"), now=utcnow(), actor="test", source="t"
    )
    load_closures(db_session, [2026])
    db_session.commit()
    return make_team(kecamatan_codes=NORTH), make_team(kecamatan_codes=SOUTH)


def run_schools(session, **options):
    """plan_schools for December 2026 as planned on TODAY, by a user unless told otherwise."""
    options = {"month": DECEMBER, "trigger": PlanTrigger.USER, "actor": "test", **options}
    return plan_schools(session, now=utcnow(), today=TODAY, settings=SETTINGS, **options)


def run_home(session, **options):
    """plan_home on TODAY, by a user unless told otherwise."""
    options = {"trigger": PlanTrigger.USER, "actor": "test", **options}
    return plan_home(session, now=utcnow(), today=TODAY, settings=SETTINGS, **options)


def plan(session, **options):
    run, preview = run_schools(session, **options)
    session.commit()
    return run, preview


def school_visits(session) -> list[Visit]:
    return list(session.scalars(select(Visit).where(Visit.kind == VisitKind.SCHOOL)))


def test_december_2026_for_the_real_schools_respects_the_calendar_and_blackouts(db_session, city):
    exams = db_session.scalar(select(School).where(School.npsn == "10702414"))  # SMAN 3
    add_blackout(
        db_session,
        now=utcnow(),
        actor="test",
        school=exams,
        first_on=date(2026, 12, 1),
        last_on=date(2026, 12, 11),
        reason="Penilaian Akhir Semester",
    )
    add_blackout(
        db_session,
        now=utcnow(),
        actor="test",
        school=None,
        first_on=date(2026, 12, 30),
        last_on=date(2026, 12, 31),
        reason="Libur semester",
    )
    db_session.commit()

    run, _ = plan(db_session)

    visits = school_visits(db_session)
    active = db_session.scalar(select(func.count()).select_from(School).where(School.is_active))
    assert len(visits) == active == 72 and run.created_count == 72
    assert len({v.school_id for v in visits}) == 72
    for visit in visits:
        assert visit.visit_on.weekday() < 5, visit
        assert visit.visit_on not in (date(2026, 12, 24), date(2026, 12, 25)), visit
        assert visit.visit_on < date(2026, 12, 30), visit
        assert visit.visit_on >= date(2026, 11, 25)  # lead time
        assert visit.status is VisitStatus.PROPOSED and visit.origin is VisitOrigin.MONTHLY_PLAN
        assert visit.plan_month == DECEMBER
    sman3 = next(v for v in visits if v.school_id == exams.id)
    assert sman3.visit_on > date(2026, 12, 11)
    per_team_day = Counter((v.team_id, v.visit_on) for v in visits)
    assert max(per_team_day.values()) <= 2
    teams_by_kecamatan = {v.school.kecamatan_code: v.team_id for v in visits}
    assert {teams_by_kecamatan[k] for k in NORTH if k in teams_by_kecamatan} == {city[0].id}

    # Running it again creates nothing new, and says so.
    again, preview = plan(db_session)
    assert again.created_count == 0 and preview.already_planned == 72
    assert len(school_visits(db_session)) == 72
    runs = db_session.scalars(select(PlanRun).order_by(PlanRun.id)).all()
    assert [(r.kind, r.month, r.created_count) for r in runs] == [
        (PlanKind.SCHOOL_MONTH, DECEMBER, 72),
        (PlanKind.SCHOOL_MONTH, DECEMBER, 0),
    ]
    actions = db_session.scalars(select(AuditEvent.action)).all()
    assert actions.count("plan.school_month") == 2


def test_a_local_closure_added_by_a_coordinator_is_never_planned(db_session, city):
    db_session.add(
        OfficeClosure(
            closed_on=date(2026, 12, 2),
            name="HUT Kota Bengkulu",
            kind=ClosureKind.LOCAL,
            source=ClosureSource.USER,
        )
    )
    db_session.commit()
    plan(db_session)
    assert date(2026, 12, 2) not in {v.visit_on for v in school_visits(db_session)}


def test_skipped_and_unplaced_schools_are_recorded_with_their_reason(db_session, make_team):
    load_closures(db_session, [2026])
    make_team(kecamatan_codes=("17.71.01",), school_visits_per_day=1)
    schools = []
    for n in range(25):
        schools.append(
            School(
                npsn=f"{10800000 + n:08d}",
                name=f"SMA Uji {n:02d}",
                level="sma",
                kecamatan_code="17.71.01",
                students_pending=0 if n == 0 else 40,
            )
        )
    db_session.add_all(schools)
    db_session.commit()
    run, preview = plan(db_session)
    # 21 possible days in December for one school a day: 21 placed, 1 skipped, 3 unplaced.
    assert (run.created_count, run.skipped_count, run.unplaced_count) == (21, 1, 3)
    assert run.details["skipped"] == [
        {"id": schools[0].id, "npsn": "10800000", "name": "SMA Uji 00", "reason": NOTHING_PENDING}
    ]
    assert {entry["reason"] for entry in run.details["unplaced"]} == {NO_CAPACITY}
    assert len(run.details["unplaced"]) == 3


def test_a_school_left_with_unrecorded_students_goes_first_next_month(db_session, make_team):
    load_closures(db_session, [2026])
    team = make_team(kecamatan_codes=("17.71.01",), school_visits_per_day=1)
    schools = [
        School(
            npsn=f"{10800100 + n:08d}", name=f"SMK Uji {n}", level="smk", kecamatan_code="17.71.01"
        )
        for n in range(30)
    ]
    db_session.add_all(schools)
    db_session.flush()
    last = schools[-1]
    db_session.add(
        Visit(
            kind=VisitKind.SCHOOL,
            school_id=last.id,
            team_id=team.id,
            visit_on=date(2026, 11, 10),
            status=VisitStatus.COMPLETED,
            origin=VisitOrigin.MANUAL,
            students_recorded=80,
            students_not_recorded=12,
        )
    )
    db_session.commit()
    plan(db_session)
    placed = {v.school_id: v.visit_on for v in school_visits(db_session) if v.plan_month}
    assert last.id in placed
    assert placed[last.id] == min(placed.values())


def test_the_preview_writes_nothing(db_session, city):
    preview = preview_school_plan(db_session, month=DECEMBER, today=TODAY, settings=SETTINGS)
    assert len(preview.plan.placements) == 72 and preview.possible_days == 21
    assert sum(len(s) for _, teams in preview.by_day for _, s in teams) == 72
    assert school_visits(db_session) == []
    assert db_session.scalar(select(func.count()).select_from(PlanRun)) == 0


# ---- home visits --------------------------------------------------------------------------


def test_home_visits_are_planned_by_priority_with_routes_and_only_once(
    db_session, make_team, make_resident
):
    load_closures(db_session, [2026])
    team = make_team(kecamatan_codes=("17.71.01",), home_visits_per_day=2)
    team.start_lat, team.start_lng = -3.7956, 102.2592
    db_session.commit()
    bedridden = make_resident(birth_on=date(1960, 5, 1), is_bedridden=True)
    oldest = make_resident(birth_on=date(1930, 1, 1))
    younger = [make_resident(birth_on=date(1950 + n, 1, 1)) for n in range(4)]
    start = date(2026, 11, 30)

    run, preview = run_home(
        db_session, start=start, days=3, trigger=PlanTrigger.COMMAND, actor="command"
    )
    db_session.commit()
    visits = db_session.scalars(select(Visit).order_by(Visit.visit_on, Visit.route_order)).all()
    assert run.created_count == 6 and run.unplaced_count == 0
    first_day = {v.resident_id for v in visits if v.visit_on == start}
    assert first_day == {bedridden.id, oldest.id}
    assert [v.route_order for v in visits if v.visit_on == start] == [1, 2]
    assert all(v.origin is VisitOrigin.HOME_PLAN for v in visits)
    statuses = db_session.scalars(select(Resident.status)).all()
    assert set(statuses) == {ResidentStatus.SCHEDULED}
    assert younger[-1].id in {v.resident_id for v in visits}

    again = preview_home_visits(db_session, start=start, days=3, today=TODAY, settings=SETTINGS)
    assert again.plan.new_stops == ()


def test_home_visits_beyond_capacity_stay_waiting_with_the_reason(
    db_session, make_team, make_resident
):
    load_closures(db_session, [2026])
    make_team(kecamatan_codes=("17.71.01",), home_visits_per_day=1)
    for n in range(4):
        make_resident(birth_on=date(1940 + n, 1, 1))
    run, _ = run_home(
        db_session,
        start=date(2026, 12, 24),  # 24 and 25 closed, 26 and 27 a weekend
        days=5,
    )
    db_session.commit()
    assert run.created_count == 1  # only Monday 28 December
    assert run.details["unplaced_by_reason"] == {NO_CAPACITY: 3}
    waiting = db_session.scalar(
        select(func.count()).where(Resident.status == ResidentStatus.WAITING)
    )
    assert waiting == 3


# ---- two runs at once -----------------------------------------------------------------------


def race(run) -> str:
    """``run(session)`` twice at once on two connections: the first writes and waits, the
    second starts meanwhile, then the first commits. What became of the second."""
    first, second = Session(db.engine), Session(db.engine)
    outcome = {}

    def run_second():
        try:
            created = run(second)
            second.commit()
            outcome["second"] = f"committed {created}"
        except Conflict as error:
            second.rollback()
            outcome["second"] = str(error.message)
        finally:
            second.close()

    try:
        run(first)  # written, not yet committed
        thread = threading.Thread(target=run_second)
        thread.start()
        time.sleep(0.5)  # the second run reads the same state and starts inserting
        first.commit()
        thread.join(timeout=30)
    finally:
        first.close()
    return outcome["second"]


def assert_second_lost(second: str, session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # It read the period as unplanned, inserted, and the unique index refused it.
        assert second.startswith(("Already planned", "Sudah direncanakan")), second
        assert session.scalar(select(func.count()).select_from(PlanRun)) == 1
    else:
        # SQLite lets one writer in at a time: the second run may instead start after the
        # first committed, find everything planned and add nothing.
        assert second.startswith(("Already planned", "Sudah direncanakan", "committed 0"))


def test_two_plan_runs_at_once_leave_exactly_one_visit_per_school(db_session, city):
    def run(session):
        plan_run, _ = run_schools(
            session, month=DECEMBER, trigger=PlanTrigger.SCHEDULER, actor="scheduler"
        )
        return plan_run.created_count

    assert_second_lost(race(run), db_session)
    visits = school_visits(db_session)
    assert len(visits) == 72 and len({v.school_id for v in visits}) == 72


def test_two_home_plans_at_once_never_book_a_resident_twice(db_session, make_team, make_resident):
    load_closures(db_session, [2026])
    make_team(kecamatan_codes=("17.71.01",))
    people = [make_resident(birth_on=date(1940 + n, 1, 1)) for n in range(5)]

    def run(session):
        plan_run, _ = run_home(
            session,
            start=date(2026, 11, 30),
            days=14,
            trigger=PlanTrigger.SCHEDULER,
            actor="scheduler",
        )
        return plan_run.created_count

    assert_second_lost(race(run), db_session)
    booked = db_session.scalars(select(Visit.resident_id)).all()
    assert sorted(booked) == sorted(p.id for p in people)


# ---- no query per school or resident ---------------------------------------------------------


def test_planning_sends_the_same_number_of_queries_for_3_or_30_schools(
    db_session, make_team, make_school, make_resident, count_queries
):
    load_closures(db_session, [2026])
    make_team(kecamatan_codes=("17.71.01",), school_visits_per_day=5, home_visits_per_day=10)
    counts = []
    for size, adding in ((3, 3), (30, 27)):
        for _ in range(adding):
            make_school()
            make_resident(birth_on=date(1950, 1, 1))
        # Each round starts from nothing planned.
        db_session.execute(delete(Visit))
        db_session.execute(update(Resident).values(status=ResidentStatus.WAITING))
        db_session.commit()
        db_session.expire_all()

        def run():
            school_run, _ = run_schools(
                db_session, month=DECEMBER, trigger=PlanTrigger.USER, actor="test"
            )
            home_run, _ = run_home(
                db_session,
                start=date(2026, 11, 30),
                days=14,
                trigger=PlanTrigger.USER,
                actor="test",
            )
            return school_run.created_count, home_run.created_count

        created, queries = count_queries(run)
        db_session.commit()
        assert created == (size, size)
        counts.append(queries)
    assert counts[0] == counts[1], counts


def test_a_request_that_leaves_scheduled_cancels_its_planned_visit(
    db_session, make_team, make_resident
):
    from outreach.services.residents.status import change_status

    load_closures(db_session, [2026])
    make_team(kecamatan_codes=("17.71.01",))
    gone, back = make_resident(), make_resident()
    run_home(db_session, start=date(2026, 11, 30), days=7)
    db_session.commit()

    cancelled = change_status(
        db_session, gone, ResidentStatus.DECEASED, "Meninggal 2 Desember", now=utcnow(), actor="t"
    )
    assert cancelled == 1
    visit = db_session.scalar(select(Visit).where(Visit.resident_id == gone.id))
    assert visit.status is VisitStatus.CANCELLED and visit.cancel_reason == "Meninggal 2 Desember"
    # Set back to waiting by hand: the visit goes, and the next plan books the resident again.
    change_status(
        db_session, back, ResidentStatus.WAITING, "Keluarga minta tunda", now=utcnow(), actor="t"
    )
    db_session.commit()
    run, _ = run_home(db_session, start=date(2026, 12, 7), days=7)
    db_session.commit()
    assert run.created_count == 1
    actions = db_session.scalars(select(AuditEvent.action)).all()
    assert actions.count("visit.cancel") == 2

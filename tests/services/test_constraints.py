"""The database itself keeps the data honest, whatever the code above it does."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from outreach.models import (
    Resident,
    ResidentCategory,
    ResidentStatus,
    School,
    SchoolLevel,
    User,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
)

NIK = "1771014501600003"


def resident(**overrides) -> Resident:
    values = {
        "nik": NIK,
        "name": "Siti Aminah",
        "category": ResidentCategory.LANSIA,
        "address": "Jl. Merpati 5",
        "kelurahan_code": "17.71.01.1001",
        "requested_on": date(2026, 11, 2),
    }
    values.update(overrides)
    return Resident(**values)


def school_visit(school, team, **overrides) -> Visit:
    values = {
        "kind": VisitKind.SCHOOL,
        "school": school,
        "team": team,
        "visit_on": date(2026, 12, 7),
        "origin": VisitOrigin.MONTHLY_PLAN,
        "plan_month": date(2026, 12, 1),
    }
    values.update(overrides)
    return Visit(**values)


def assert_refused(session, *rows):
    session.add_all(rows)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_npsn_is_unique_and_eight_characters(db_session, make_school):
    make_school(npsn="10702414")
    assert_refused(
        db_session,
        School(npsn="10702414", name="Lain", level=SchoolLevel.SMA, kecamatan_code="17.71.01"),
    )
    assert_refused(
        db_session,
        School(npsn="1070241", name="Pendek", level=SchoolLevel.SMA, kecamatan_code="17.71.01"),
    )


def test_one_open_request_per_nik_but_closed_ones_may_repeat(db_session):
    db_session.add(resident())
    db_session.flush()
    assert_refused(db_session, resident())
    db_session.add_all(
        [
            resident(status=ResidentStatus.RECORDED),
            resident(status=ResidentStatus.REFUSED),
        ]
    )
    db_session.flush()  # closed requests do not count


def home_visit(person, team, **overrides) -> Visit:
    values = {
        "kind": VisitKind.HOME,
        "resident": person,
        "team": team,
        "visit_on": date(2026, 12, 8),
        "origin": VisitOrigin.HOME_PLAN,
    }
    values.update(overrides)
    return Visit(**values)


def test_one_open_home_visit_per_resident_whoever_plans_it(db_session, make_team):
    team = make_team()
    person = resident()
    db_session.add_all([person, home_visit(person, team)])
    db_session.commit()
    assert_refused(db_session, home_visit(person, team, visit_on=date(2026, 12, 9)))
    # Visits that ended (completed, cancelled) never block the open one.
    db_session.add_all(
        [
            home_visit(person, team, status=VisitStatus.COMPLETED, visit_on=date(2026, 11, 2)),
            home_visit(person, team, status=VisitStatus.CANCELLED, visit_on=date(2026, 11, 3)),
        ]
    )
    db_session.flush()
    count = select(func.count()).select_from(Visit).where(Visit.resident_id == person.id)
    assert db_session.scalar(count) == 3


def test_a_visit_belongs_to_exactly_one_school_or_one_resident(db_session, make_school, make_team):
    school, team = make_school(), make_team()
    person = resident()
    db_session.add(person)
    db_session.flush()
    assert_refused(db_session, school_visit(school, team, resident_id=person.id))
    assert_refused(db_session, school_visit(None, team, school_id=None))
    assert_refused(
        db_session,
        Visit(
            kind=VisitKind.HOME,
            school=school,
            team=team,
            visit_on=date(2026, 12, 7),
            origin=VisitOrigin.MANUAL,
        ),
    )


def test_at_most_one_monthly_plan_visit_per_school_and_month(db_session, make_school, make_team):
    school, team = make_school(), make_team()
    db_session.add(school_visit(school, team))
    db_session.flush()
    assert_refused(db_session, school_visit(school, team, visit_on=date(2026, 12, 9)))
    # A manual visit in the same month, or the plan of another month, is fine.
    db_session.add_all(
        [
            school_visit(school, team, origin=VisitOrigin.MANUAL, plan_month=None),
            school_visit(school, team, visit_on=date(2027, 1, 6), plan_month=date(2027, 1, 1)),
        ]
    )
    db_session.flush()


def test_plan_month_only_on_monthly_plan_visits(db_session, make_school, make_team):
    school, team = make_school(), make_team()
    assert_refused(db_session, school_visit(school, team, plan_month=None))
    assert_refused(db_session, school_visit(school, team, origin=VisitOrigin.MANUAL))


@pytest.mark.parametrize(
    "field", ["students_recorded", "students_not_recorded", "students_expected"]
)
def test_visit_counts_are_never_negative(db_session, make_school, make_team, field):
    assert_refused(db_session, school_visit(make_school(), make_team(), **{field: -1}))


def test_pending_students_are_never_negative(db_session, make_school):
    school = make_school()
    school.students_pending = -5
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_a_stale_visit_version_is_refused(db_session, make_school, make_team):
    visit = school_visit(make_school(), make_team())
    db_session.add(visit)
    db_session.commit()
    assert visit.version == 1
    # Someone else saves the visit first.
    db_session.execute(Visit.__table__.update().values(version=2, notes="lain"))
    visit.notes = "punya saya"
    with pytest.raises(StaleDataError):
        db_session.flush()
    db_session.rollback()


def test_instants_must_be_timezone_aware_and_come_back_in_utc(db_session, make_user):
    user = make_user()
    user.last_login_at = datetime(2026, 8, 3, 8, 30)
    with pytest.raises(StatementError):
        db_session.flush()
    db_session.rollback()
    user = db_session.get(User, user.id)
    user.last_login_at = datetime.fromisoformat("2026-08-03T08:30:00+07:00")
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(User, user.id).last_login_at == datetime(2026, 8, 3, 1, 30, tzinfo=UTC)


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(db_session):
    if db_session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite pragmas: this run uses PostgreSQL")
    connection = db_session.connection()
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000

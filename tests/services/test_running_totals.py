"""The running totals (the triggers of migrations 0006–0008) always equal a recount of the
rows, whatever writes them: services, bulk statements, updates of any column, deletes."""

from datetime import date, timedelta

from sqlalchemy import delete, func, insert, select, update

from outreach.models import (
    DailyRecording,
    HomeOutcome,
    Kelurahan,
    Resident,
    ResidentCount,
    ResidentStatus,
    Visit,
    VisitDayCount,
    VisitStatus,
)
from tests.services.visit_helpers import add_visit


def recounted_residents(session) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(Kelurahan.kecamatan_code, Resident.status, func.count())
        .join(Resident, Resident.kelurahan_code == Kelurahan.code)
        .group_by(Kelurahan.kecamatan_code, Resident.status)
    ).all()
    return {(code, status.value): count for code, status, count in rows}


def kept_residents(session) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(ResidentCount.kecamatan_code, ResidentCount.status, ResidentCount.residents)
    ).all()
    return {(code, status): count for code, status, count in rows if count}


def kept_waiting(session) -> dict[str, int]:
    """The waiting residents per kecamatan, as the dashboard reads them — after checking every
    status's running total against a recount."""
    kept = kept_residents(session)
    assert kept == recounted_residents(session)
    return {code: count for (code, status), count in kept.items() if status == "waiting"}


def recounted_days(session) -> dict[date, tuple[int, int, int]]:
    rows = session.execute(
        select(
            Visit.visit_on,
            func.coalesce(func.sum(Visit.students_recorded), 0),
            func.coalesce(func.sum(Visit.students_not_recorded), 0),
            func.count().filter(Visit.home_outcome == HomeOutcome.RECORDED),
        )
        .where(Visit.status == VisitStatus.COMPLETED)
        .group_by(Visit.visit_on)
    ).all()
    counted = {day: (int(a), int(b), int(c)) for day, a, b, c in rows}
    return {day: figures for day, figures in counted.items() if figures != (0, 0, 0)}


def kept_days(session) -> dict[date, tuple[int, int, int]]:
    rows = session.execute(
        select(
            DailyRecording.day,
            DailyRecording.students_recorded,
            DailyRecording.students_not_recorded,
            DailyRecording.residents_recorded,
        )
    ).all()
    return {day: (a, b, c) for day, a, b, c in rows if (a, b, c) != (0, 0, 0)}


def recounted_visit_days(session) -> dict[tuple[date, str], int]:
    rows = session.execute(
        select(Visit.visit_on, Visit.kind, func.count())
        .where(Visit.status != VisitStatus.CANCELLED)
        .group_by(Visit.visit_on, Visit.kind)
    ).all()
    return {(day, kind.value): count for day, kind, count in rows}


def kept_visit_days(session) -> dict[tuple[date, str], int]:
    """Visits per day and kind as the calendar reads them — after checking them against a
    recount."""
    rows = session.execute(select(VisitDayCount.day, VisitDayCount.kind, VisitDayCount.visits))
    kept = {(day, kind): count for day, kind, count in rows if count}
    assert kept == recounted_visit_days(session)
    return kept


def test_visits_per_day_follow_plans_moves_cancellations_and_deletes(
    db_session, make_school, make_team, make_resident
):
    team = make_team()
    day, next_day = date(2026, 12, 3), date(2026, 12, 4)
    first = add_visit(db_session, school=make_school(), team=team, on=day)
    second = add_visit(db_session, school=make_school(), team=team, on=day)
    home = add_visit(db_session, resident=make_resident(), team=team, on=day)
    db_session.commit()
    assert kept_visit_days(db_session) == {(day, "school"): 2, (day, "home"): 1}

    first.status = VisitStatus.CONFIRMED  # still counted, once
    second.visit_on = next_day  # moved
    home.status = VisitStatus.CANCELLED
    db_session.commit()
    assert kept_visit_days(db_session) == {(day, "school"): 1, (next_day, "school"): 1}

    db_session.execute(  # bulk, as the planners and moves write
        update(Visit).where(Visit.id.in_([first.id, home.id])).values(status=VisitStatus.PROPOSED)
    )
    db_session.execute(delete(Visit).where(Visit.id == second.id))
    db_session.commit()
    assert kept_visit_days(db_session) == {(day, "school"): 1, (day, "home"): 1}


def test_residents_waiting_per_kecamatan_follow_every_change(db_session, make_resident):
    selebar = [make_resident() for _ in range(3)]  # 17.71.01
    gading = make_resident(kelurahan_code="17.71.02.1001")
    assert kept_waiting(db_session) == {"17.71.01": 3, "17.71.02": 1}

    selebar[0].status = ResidentStatus.SCHEDULED  # planned
    gading.kelurahan_code = "17.71.01.1001"  # moved house
    db_session.commit()
    assert kept_waiting(db_session) == {"17.71.01": 3}

    db_session.execute(  # a bulk statement, as the home planner writes
        update(Resident)
        .where(Resident.id.in_([r.id for r in selebar]))
        .values(status=ResidentStatus.RECORDED)
    )
    db_session.execute(delete(Resident).where(Resident.id == gading.id))
    db_session.commit()
    assert kept_waiting(db_session) == {}

    selebar[1].status = ResidentStatus.WAITING  # back in the queue
    db_session.commit()
    assert kept_waiting(db_session) == {"17.71.01": 1}


def test_recordings_per_day_follow_outcomes_corrections_moves_and_deletes(
    db_session, make_school, make_team, make_resident
):
    team = make_team()
    day = date(2026, 12, 3)
    first = add_visit(db_session, school=make_school(), team=team, on=day)
    second = add_visit(db_session, school=make_school(), team=team, on=day)
    home = add_visit(db_session, resident=make_resident(), team=team, on=day)
    assert kept_days(db_session) == recounted_days(db_session) == {}

    for visit, recorded, missed in ((first, 40, 5), (second, 12, None)):
        visit.status, visit.students_recorded, visit.students_not_recorded = (
            VisitStatus.COMPLETED, recorded, missed
        )  # fmt: skip
    home.status, home.home_outcome = VisitStatus.COMPLETED, HomeOutcome.RECORDED
    db_session.commit()
    assert kept_days(db_session) == recounted_days(db_session) == {day: (52, 5, 1)}

    first.students_recorded = 38  # a corrected outcome
    second.visit_on = day + timedelta(days=1)  # the day put right
    home.home_outcome = HomeOutcome.NOT_AT_HOME
    db_session.commit()
    assert kept_days(db_session) == recounted_days(db_session)
    assert kept_days(db_session) == {day: (38, 5, 0), day + timedelta(days=1): (12, 0, 0)}

    first.status = VisitStatus.CANCELLED  # no longer counted
    db_session.execute(delete(Visit).where(Visit.id == second.id))
    db_session.commit()
    assert kept_days(db_session) == recounted_days(db_session) == {}


def test_rows_inserted_in_bulk_are_counted(db_session, make_school, make_team):
    team = make_team()
    schools = [make_school() for _ in range(3)]
    day, month = date(2026, 11, 10), date(2026, 11, 1)
    db_session.execute(
        insert(Visit),
        [
            {"kind": "school", "school_id": school.id, "team_id": team.id, "visit_on": day,
             "status": VisitStatus.COMPLETED, "origin": "monthly_plan", "plan_month": month,
             "students_recorded": 10 * n, "students_not_recorded": n, "version": 1}
            for n, school in enumerate(schools, 1)
        ],
    )  # fmt: skip
    db_session.commit()
    assert kept_days(db_session) == recounted_days(db_session) == {day: (60, 6, 0)}
    assert kept_visit_days(db_session) == {(day, "school"): 3}

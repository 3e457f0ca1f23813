"""A recorded outcome corrected: the history keeps before → after and why, and what the
outcome changed follows — the school's count still to record, the resident's request, the
recordings the dashboard reads and the monthly report."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from outreach.errors import DomainError
from outreach.models import (
    AuditEvent,
    DailyRecording,
    HomeOutcome,
    ResidentStatus,
    VisitOrigin,
    VisitStatus,
    utcnow,
)
from outreach.services.visits.changes import StaleVisit, Who
from outreach.services.visits.outcomes import (
    SchoolOutcome,
    correct_home_outcome,
    correct_school_outcome,
    record_home_outcome,
    record_school_outcome,
)
from outreach.services.visits.report import monthly_report
from tests.services.visit_helpers import DECEMBER, add_visit

DAY = date(2026, 12, 8)
OFFICER = Who("petugas1")


def _recorded_school(db_session, make_team, make_school, *, pending=120, recorded=40, left=5):
    school = make_school(students_pending=pending)
    visit = add_visit(db_session, school=school, team=make_team(), on=DAY)
    record_school_outcome(
        db_session,
        visit,
        SchoolOutcome(recorded=recorded, not_recorded=left, reason="sakit" if left else None),
        now=utcnow(),
        today=DAY,
        who=OFFICER,
        version=visit.version,
    )
    db_session.commit()
    return visit


def _correction_events(db_session, visit):
    return list(
        db_session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "Visit",
                AuditEvent.entity_id == str(visit.id),
                AuditEvent.action == "visit.outcome_correct",
            )
        )
    )


def test_a_school_outcome_corrected_keeps_before_and_after_and_recounts_the_school(
    db_session, make_team, make_school
):
    visit = _recorded_school(db_session, make_team, make_school)
    assert visit.school.students_pending == 80  # 120 before, 40 recorded
    assert visit.students_pending_before == 120
    correct_school_outcome(
        db_session,
        visit,
        SchoolOutcome(recorded=60, not_recorded=5, reason="sakit"),
        reason="Salah ketik: 60, bukan 40",
        now=utcnow(),
        today=DAY,
        who=Who("koordinator"),
        version=visit.version,
    )
    db_session.commit()
    assert (visit.status, visit.students_recorded) == (VisitStatus.COMPLETED, 60)
    assert visit.school.students_pending == 60  # worked out again from the 120 before
    (event,) = _correction_events(db_session, visit)
    assert event.changes == {
        "students_recorded": [40, 60],
        "reason": "Salah ketik: 60, bukan 40",
    }
    # what the dashboard and the report read follows
    day = db_session.get(DailyRecording, DAY)
    assert (day.students_recorded, day.students_not_recorded) == (60, 5)
    report = monthly_report(db_session, DECEMBER)
    assert report.total.figures["students_recorded"] == 60


def test_a_correction_needs_a_reason_and_a_difference(db_session, make_team, make_school):
    visit = _recorded_school(db_session, make_team, make_school)
    same = SchoolOutcome(recorded=40, not_recorded=5, reason="sakit")
    kwargs = dict(now=utcnow(), today=DAY, who=OFFICER, version=visit.version)
    with pytest.raises(DomainError) as no_reason:
        correct_school_outcome(db_session, visit, same, reason="  ", **kwargs)
    assert no_reason.value.field == "correction"
    with pytest.raises(DomainError) as nothing:
        correct_school_outcome(db_session, visit, same, reason="cek ulang", **kwargs)
    assert nothing.value.field == "correction"
    with pytest.raises(DomainError) as left_without_why:
        correct_school_outcome(
            db_session, visit, SchoolOutcome(recorded=40, not_recorded=9), reason="x", **kwargs
        )
    assert left_without_why.value.field == "reason"
    db_session.rollback()
    assert _correction_events(db_session, visit) == []
    with pytest.raises(StaleVisit):
        correct_school_outcome(
            db_session,
            visit,
            SchoolOutcome(recorded=41),
            reason="x",
            now=utcnow(),
            today=DAY,
            who=OFFICER,
            version=visit.version - 1,
        )


def test_a_later_visit_keeps_its_count_when_an_earlier_outcome_is_corrected(
    db_session, make_team, make_school
):
    first = _recorded_school(db_session, make_team, make_school)  # 120 → 80
    later = add_visit(
        db_session, school=first.school, team=first.team, on=DAY + timedelta(days=7),
        origin=VisitOrigin.FOLLOW_UP, plan_month=None,
    )  # fmt: skip
    record_school_outcome(
        db_session,
        later,
        SchoolOutcome(recorded=80),
        now=utcnow(),
        today=later.visit_on,
        who=OFFICER,
        version=later.version,
    )
    db_session.commit()
    assert first.school.students_pending == 0
    correct_school_outcome(
        db_session,
        first,
        SchoolOutcome(recorded=30, not_recorded=5, reason="sakit"),
        reason="Salah hitung",
        now=utcnow(),
        today=later.visit_on,
        who=Who("koordinator"),
        version=first.version,
    )
    db_session.commit()
    assert first.school.students_pending == 0  # the later visit counted since


@pytest.mark.parametrize(
    ("recorded", "corrected", "resident_after"),
    [
        (HomeOutcome.NOT_AT_HOME, HomeOutcome.RECORDED, ResidentStatus.RECORDED),
        (HomeOutcome.RECORDED, HomeOutcome.NOT_AT_HOME, ResidentStatus.WAITING),
        (HomeOutcome.RECORDED, HomeOutcome.DECEASED, ResidentStatus.DECEASED),
    ],
)
def test_a_home_outcome_corrected_moves_the_residents_request_with_it(
    db_session, make_team, make_resident, recorded, corrected, resident_after
):
    resident = make_resident()
    visit = add_visit(db_session, resident=resident, team=make_team(), on=DAY)
    record_home_outcome(
        db_session, visit, recorded, notes=None, now=utcnow(), today=DAY, who=OFFICER,
        version=visit.version,
    )  # fmt: skip
    db_session.commit()
    residents_before = db_session.get(DailyRecording, DAY).residents_recorded
    after = correct_home_outcome(
        db_session,
        visit,
        corrected,
        notes="Dicek ulang dengan keluarga",
        reason="Salah pilih",
        now=utcnow(),
        today=DAY,
        who=OFFICER,
        version=visit.version,
    )
    db_session.commit()
    assert after is resident_after and resident.status is resident_after
    (event,) = _correction_events(db_session, visit)
    assert event.changes["home_outcome"] == [recorded.value, corrected.value]
    assert event.changes["reason"] == "Salah pilih"
    change = (corrected is HomeOutcome.RECORDED) - (recorded is HomeOutcome.RECORDED)
    assert db_session.get(DailyRecording, DAY).residents_recorded == residents_before + change


def test_only_a_recorded_outcome_can_be_corrected(db_session, make_team, make_school):
    visit = add_visit(db_session, school=make_school(), team=make_team(), on=DAY)
    with pytest.raises(DomainError):
        correct_school_outcome(
            db_session,
            visit,
            SchoolOutcome(recorded=3),
            reason="x",
            now=utcnow(),
            today=DAY,
            who=OFFICER,
            version=visit.version,
        )


def test_a_missed_visit_is_followed_up_once_on_a_possible_day(db_session, make_team, make_school):
    from outreach.services.planning.inputs import PlanSettings
    from outreach.services.visits.lifecycle import mark_missed
    from outreach.services.visits.moves import follow_up_of, follow_up_options, follow_up_visit

    settings = PlanSettings(lead_days=0)
    visit = add_visit(db_session, school=make_school(), team=make_team(), on=DAY)
    mark_missed(db_session, visit, reason="Mobil rusak", now=utcnow(), today=DAY, who=OFFICER,
                version=None)  # fmt: skip
    options = follow_up_options(db_session, visit, today=DAY, settings=settings)
    assert options and all(DAY < option.on <= DAY + timedelta(days=31) for option in options)
    saturday = date(2026, 12, 12)
    assert saturday not in {option.on for option in options}
    with pytest.raises(DomainError):
        follow_up_visit(db_session, visit, on=saturday, now=utcnow(), today=DAY, who=OFFICER,
                        settings=settings)  # fmt: skip
    new = follow_up_visit(db_session, visit, on=options[0].on, now=utcnow(), today=DAY,
                          who=OFFICER, settings=settings, reason="Jadwal ulang")  # fmt: skip
    db_session.commit()
    assert (new.follows_id, new.status, new.origin.value) == (visit.id, VisitStatus.PROPOSED,
                                                               "follow_up")  # fmt: skip
    assert new.school_id == visit.school_id and follow_up_of(db_session, visit) == new
    with pytest.raises(DomainError) as twice:
        follow_up_visit(db_session, visit, on=options[1].on, now=utcnow(), today=DAY,
                        who=OFFICER, settings=settings)  # fmt: skip
    assert "sudah" in str(twice.value.message)

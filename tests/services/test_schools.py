"""The school registry's rules: NPSN unique, kelurahan inside the kecamatan, audit, listing;
a deactivated school's visits from today on cancelled, and what reactivating brings back."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from outreach.errors import Conflict, DomainError
from outreach.models import (
    AuditEvent,
    SchoolLevel,
    SchoolStatus,
    VisitOrigin,
    VisitStatus,
    utcnow,
)
from outreach.services.planning.inputs import PlanSettings
from outreach.services.schools.registry import (
    SchoolFilters,
    SchoolValues,
    count_schools,
    create_school,
    list_schools,
    set_school_active,
    update_school,
)
from outreach.services.visits.changes import Who
from outreach.services.visits.moves import move_visit
from tests.services.visit_helpers import add_visit

VALUES = SchoolValues(
    npsn="10702414",
    name="SMA NEGERI 3 KOTA BENGKULU",
    level=SchoolLevel.SMA,
    status=SchoolStatus.NEGERI,
    kecamatan_code="17.71.01",
    kelurahan_code="17.71.01.1001",
)


def test_a_school_is_created_and_its_creation_audited(db_session, make_user):
    coordinator = make_user()
    school = create_school(db_session, VALUES, now=utcnow(), actor=coordinator)
    db_session.commit()
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "school.create"))
    assert event.entity_id == str(school.id) and event.user_id == coordinator.id
    assert event.changes["npsn"] == "10702414" and event.changes["level"] == "sma"


def test_an_npsn_is_registered_once(db_session):
    create_school(db_session, VALUES, now=utcnow(), actor="test")
    with pytest.raises(Conflict) as refused:
        create_school(db_session, replace(VALUES, name="Lain"), now=utcnow(), actor="test")
    assert refused.value.field == "npsn"
    assert "SMA NEGERI 3 KOTA BENGKULU" in str(refused.value.message)


def test_the_kelurahan_must_lie_in_the_kecamatan(db_session):
    wrong = replace(VALUES, kelurahan_code="17.71.06.1006")  # Sawah Lebar, Ratu Agung
    with pytest.raises(DomainError) as refused:
        create_school(db_session, wrong, now=utcnow(), actor="test")
    assert refused.value.field == "kelurahan"
    assert str(refused.value.message) == (
        "Kelurahan Sawah Lebar tidak berada di Kecamatan Selebar."
    )


def test_an_update_records_only_what_changed(db_session):
    school = create_school(db_session, VALUES, now=utcnow(), actor="test")
    values = replace(VALUES, students_pending=80)
    changes = update_school(db_session, school, values, now=utcnow(), actor="test", version=1)
    assert changes == {"students_pending": [None, 80]}
    assert update_school(db_session, school, values, now=utcnow(), actor="test", version=2) == {}
    actions = db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["school.create", "school.update"]


def test_deactivation_and_reactivation_are_audited_once(db_session):
    school = create_school(db_session, VALUES, now=utcnow(), actor="test")
    assert set_school_active(db_session, school, False, now=utcnow(), actor="test", version=1)
    assert not set_school_active(db_session, school, False, now=utcnow(), actor="t", version=2)
    assert set_school_active(db_session, school, True, now=utcnow(), actor="test", version=2)
    actions = db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["school.create", "school.deactivate", "school.reactivate"]


def test_the_list_searches_filters_sorts_and_pages(db_session, make_school):
    make_school(npsn="10702414", name="SMA NEGERI 3 KOTA BENGKULU", students_pending=120)
    make_school(
        npsn="10702433",
        name="SMK NEGERI 1 KOTA BENGKULU",
        level=SchoolLevel.SMK,
        kecamatan_code="17.71.07",
        kelurahan_code="17.71.07.1001",
        students_pending=40,
    )
    make_school(npsn="10702465", name="SMAS BUDI MULIA", status=SchoolStatus.SWASTA)
    closed = make_school(npsn="10702461", name="SMAS MUHAMMADIYAH 2", is_active=False)

    def names(**filters):
        page = list_schools(db_session, SchoolFilters(**filters), per_page=10)
        return [school.name for school in page.items]

    assert names() == [
        "SMA NEGERI 3 KOTA BENGKULU",
        "SMAS BUDI MULIA",
        "SMK NEGERI 1 KOTA BENGKULU",
    ]
    assert names(q="negeri") == ["SMA NEGERI 3 KOTA BENGKULU", "SMK NEGERI 1 KOTA BENGKULU"]
    assert names(q="1070246") == ["SMAS BUDI MULIA"]  # NPSN prefix
    assert names(q="100%") == []  # LIKE wildcards are literal
    assert names(kecamatan="17.71.07") == ["SMK NEGERI 1 KOTA BENGKULU"]
    assert names(level="smk") == ["SMK NEGERI 1 KOTA BENGKULU"]
    assert names(status="swasta") == ["SMAS BUDI MULIA"]
    assert names(active="inactive") == [closed.name]
    assert len(names(active="all")) == 4
    assert names(sort="pending", descending=True)[:2] == [
        "SMA NEGERI 3 KOTA BENGKULU",
        "SMK NEGERI 1 KOTA BENGKULU",
    ]
    assert names(sort="pending")[-1] == "SMAS BUDI MULIA"  # unknown pending last either way
    second = list_schools(db_session, SchoolFilters(active="all"), page=2, per_page=3)
    assert (second.total, second.number, second.pages, len(second.items)) == (4, 2, 2, 1)
    beyond = list_schools(db_session, SchoolFilters(), page=99, per_page=2)
    assert beyond.number == 2 and beyond.items
    assert count_schools(db_session) == {"active": 3, "inactive": 1}


# --- a deactivated school is no longer visited ---------------------------------------------------
# The clock is explicit: 09.00 WIB on Tuesday 8 December 2026.
DEACTIVATED_AT = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
TODAY_8_DEC = date(2026, 12, 8)


def test_deactivating_cancels_the_open_visits_from_today_on_through_the_lifecycle(
    db_session, make_school, make_team
):
    school, other = make_school(), make_school()
    team = make_team()
    overdue = {"origin": VisitOrigin.FOLLOW_UP, "plan_month": None}  # yesterday's, no outcome
    before = add_visit(db_session, school=school, team=team, on=date(2026, 12, 7), **overdue)
    today = add_visit(db_session, school=school, team=team, on=TODAY_8_DEC)
    later = add_visit(
        db_session, school=school, team=team, on=date(2027, 1, 12), status=VisitStatus.CONFIRMED
    )
    done = add_visit(
        db_session, school=school, team=team, on=date(2027, 2, 9), status=VisitStatus.CANCELLED,
        cancel_reason="Ujian",
    )  # fmt: skip
    others = add_visit(db_session, school=other, team=team, on=date(2026, 12, 10))
    activation = set_school_active(
        db_session, school, False, now=DEACTIVATED_AT, actor="test", version=None
    )
    db_session.commit()
    assert [visit.id for visit in activation.cancelled] == [today.id, later.id]
    for visit in (today, later):
        db_session.refresh(visit)
        assert visit.status is VisitStatus.CANCELLED
        assert visit.cancel_reason == "Sekolah dinonaktifkan."
        assert visit.sequence == 1  # subscribed calendars see the cancellation
    # the overdue visit keeps its chance of an outcome; closed and other schools' are untouched
    assert before.status is VisitStatus.PROPOSED and others.status is VisitStatus.PROPOSED
    assert done.cancel_reason == "Ujian"
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "visit.cancel").order_by(AuditEvent.id)
    ).all()
    assert [event.entity_id for event in events] == [str(today.id), str(later.id)]
    assert events[0].changes["status"] == ["proposed", "cancelled"]
    assert events[1].changes["cancel_reason"] == [None, "Sekolah dinonaktifkan."]


def test_reactivating_keeps_the_cancellations_and_says_from_which_month_it_is_planned(
    db_session, make_school, make_team
):
    school, team = make_school(), make_team()
    december = add_visit(db_session, school=school, team=team, on=date(2026, 12, 15))
    add_visit(db_session, school=school, team=team, on=date(2027, 1, 12))
    set_school_active(db_session, school, False, now=DEACTIVATED_AT, actor="test", version=None)
    back = set_school_active(
        db_session, school, True, now=DEACTIVATED_AT, actor="test", version=None
    )
    db_session.commit()
    assert back.active and back.cancelled == []
    # December and January have their (cancelled) plan visit: the plan places it from February
    assert back.planned_from == date(2027, 2, 1)
    db_session.refresh(december)
    assert december.status is VisitStatus.CANCELLED  # a cancellation is final


def test_a_deactivated_schools_visit_gets_no_new_day(db_session, make_school, make_team):
    school, team = make_school(), make_team()
    overdue = add_visit(db_session, school=school, team=team, on=date(2026, 12, 7))
    set_school_active(db_session, school, False, now=DEACTIVATED_AT, actor="test", version=None)
    with pytest.raises(DomainError) as refused:
        move_visit(
            db_session, overdue, on=date(2026, 12, 17), now=DEACTIVATED_AT, today=TODAY_8_DEC,
            who=Who("test"), settings=PlanSettings(lead_days=0), version=None,
        )  # fmt: skip
    assert "dinonaktifkan" in str(refused.value.message)
    assert overdue.status is VisitStatus.PROPOSED

"""Blackout periods: overlapping ones are refused, or merged when they say the same thing."""

from datetime import date

import pytest
from sqlalchemy import select

from outreach.errors import Conflict, DomainError
from outreach.models import AuditEvent, SchoolBlackout, utcnow
from outreach.services.schools.blackouts import add_blackout, delete_blackout, list_blackouts


def add(session, school, first, last, reason="Ujian akhir semester"):
    return add_blackout(
        session,
        now=utcnow(),
        actor="test",
        school=school,
        first_on=first,
        last_on=last,
        reason=reason,
    )


def periods(session):
    rows = session.scalars(select(SchoolBlackout).order_by(SchoolBlackout.first_on))
    return [(b.school_id, b.first_on, b.last_on, b.reason) for b in rows]


def test_a_period_for_one_school_and_one_for_all(db_session, make_school):
    school = make_school()
    add(db_session, school, date(2026, 12, 7), date(2026, 12, 11))
    add(db_session, None, date(2026, 12, 21), date(2027, 1, 2), "Libur semester")
    assert periods(db_session) == [
        (school.id, date(2026, 12, 7), date(2026, 12, 11), "Ujian akhir semester"),
        (None, date(2026, 12, 21), date(2027, 1, 2), "Libur semester"),
    ]
    listed = list_blackouts(db_session, school=school, ending_from=date(2026, 12, 12))
    assert [b.reason for b in listed] == ["Libur semester"]  # the past one left out


def test_an_overlap_with_another_reason_is_refused_naming_the_period(db_session, make_school):
    school = make_school()
    add(db_session, school, date(2026, 12, 7), date(2026, 12, 11))
    with pytest.raises(Conflict) as refused:
        add(db_session, school, date(2026, 12, 10), date(2026, 12, 15), "Class meeting")
    assert "Senin, 7 Desember 2026" in str(refused.value.message)
    assert "Ujian akhir semester" in str(refused.value.message)
    assert len(periods(db_session)) == 1


def test_the_same_reason_overlapping_or_adjacent_is_merged(db_session, make_school):
    school = make_school()
    add(db_session, school, date(2026, 12, 7), date(2026, 12, 9))
    add(db_session, school, date(2026, 12, 14), date(2026, 12, 16), "ujian  akhir SEMESTER")
    result = add(db_session, school, date(2026, 12, 10), date(2026, 12, 13))  # touches both
    assert result.merged
    assert periods(db_session) == [
        (school.id, date(2026, 12, 7), date(2026, 12, 16), "Ujian akhir semester")
    ]
    merge = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "blackout.merge"))
    assert merge.changes["absorbed"] == 1


def test_periods_of_other_schools_do_not_clash(db_session, make_school):
    first, second = make_school(), make_school()
    add(db_session, first, date(2026, 12, 7), date(2026, 12, 11))
    add(db_session, second, date(2026, 12, 7), date(2026, 12, 11), "Akreditasi")
    add(db_session, None, date(2026, 12, 7), date(2026, 12, 11), "Libur")
    assert len(periods(db_session)) == 3


@pytest.mark.parametrize(
    ("first", "last", "reason", "field"),
    [
        (date(2026, 12, 11), date(2026, 12, 7), "Ujian", "last_on"),
        (date(2026, 1, 1), date(2027, 6, 1), "Ujian", "last_on"),
        (date(2026, 12, 7), date(2026, 12, 8), "   ", "reason"),
        (date(2026, 12, 7), date(2026, 12, 8), "x" * 201, "reason"),
    ],
)
def test_bad_periods_are_refused_on_their_field(
    db_session, make_school, first, last, reason, field
):
    with pytest.raises(DomainError) as refused:
        add(db_session, make_school(), first, last, reason)
    assert refused.value.field == field
    assert periods(db_session) == []


def test_removal_is_audited(db_session, make_school):
    result = add(db_session, make_school(), date(2026, 12, 7), date(2026, 12, 11))
    delete_blackout(db_session, result.blackout, now=utcnow(), actor="test")
    assert periods(db_session) == []
    actions = db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["blackout.create", "blackout.delete"]

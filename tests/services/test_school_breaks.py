"""The usual school breaks against the blackouts in the database: which a month's plan would walk
into, and noting one in a single step (checked, refused when already noted, audited)."""

from datetime import date

import pytest
from sqlalchemy import select

from outreach.errors import Conflict, DomainError
from outreach.models import AuditEvent, SchoolBlackout, utcnow
from outreach.scheduling.school_breaks import usual_breaks
from outreach.services.planning.inputs import PlanSettings
from outreach.services.reference import load_closures
from outreach.services.schools.breaks import (
    BreakAlreadyNoted,
    add_school_break,
    break_name,
    month_breaks,
)
from tests.services.test_blackouts import add

TODAY = date(2026, 11, 20)
DECEMBER = date(2026, 12, 1)
ODD, EVEN = usual_breaks(2026)  # 21 December 2026 – 2 January 2027; 21 June – 10 July 2027


def blackout(session, first, last, reason="Libur semester", school=None):
    return add(session, school, first, last, reason).blackout


def breaks_of(session, month=DECEMBER, today=TODAY):
    return month_breaks(session, month=month, today=today, settings=PlanSettings(lead_days=5))


def note(session, first=ODD.first_on, last=ODD.last_on, name="Libur semester ganjil 2026/2027"):
    return add_school_break(
        session,
        now=utcnow(),
        actor="test",
        school_break=ODD,
        first_on=first,
        last_on=last,
        reason=name,
    )


def test_the_break_is_named_by_its_school_year(app):
    assert break_name(ODD) == "Libur semester ganjil 2026/2027"
    assert break_name(EVEN) == "Libur kenaikan kelas 2026/2027"


def test_a_month_with_no_blackout_for_all_schools_has_its_break_not_noted(db_session, make_school):
    blackout(db_session, ODD.first_on, ODD.last_on, "Libur sekolah ini", school=make_school())
    (found,) = breaks_of(db_session)
    assert found.school_break == ODD and not found.is_noted
    assert breaks_of(db_session, month=date(2027, 3, 1)) == []  # March has no break


def test_a_blackout_for_all_schools_over_the_break_notes_it(db_session):
    blackout(db_session, date(2026, 12, 19), date(2027, 1, 3))
    (found,) = breaks_of(db_session)
    assert found.is_noted
    assert [(b.first_on, b.last_on, b.reason) for b in found.noted_by] == [
        (date(2026, 12, 19), date(2027, 1, 3), "Libur semester")
    ]


def test_a_blackout_over_part_of_the_break_notes_it_even_from_the_next_month(db_session):
    # Only 1–2 January, in the month after: December's plan still counts the break as noted.
    blackout(db_session, date(2027, 1, 1), date(2027, 1, 2), "Libur tahun baru")
    (found,) = breaks_of(db_session)
    assert found.is_noted and found.noted_by[0].reason == "Libur tahun baru"


def test_a_blackout_next_to_the_break_does_not_note_it(db_session):
    blackout(db_session, date(2026, 12, 7), date(2026, 12, 18), "Ujian akhir semester")
    (found,) = breaks_of(db_session)
    assert not found.is_noted


def test_a_break_the_plan_can_no_longer_reach_is_not_asked_for(db_session):
    # On 30 December, with five days' lead, nothing more of December can be planned.
    assert breaks_of(db_session, today=date(2026, 12, 30)) == []
    # January 2027 holds only 1 January (an office closure) and a Saturday of the break.
    load_closures(db_session, [2027])
    assert breaks_of(db_session, month=date(2027, 1, 1)) == []


def test_noting_the_break_adds_one_blackout_for_all_schools_audited(db_session):
    result = note(db_session, first=date(2026, 12, 19), last=date(2027, 1, 3))
    db_session.commit()
    rows = db_session.scalars(select(SchoolBlackout)).all()
    assert [(b.school_id, b.first_on, b.last_on, b.reason) for b in rows] == [
        (None, date(2026, 12, 19), date(2027, 1, 3), "Libur semester ganjil 2026/2027")
    ]
    assert result.blackout is rows[0] and not result.merged
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "blackout.create"))
    assert event.changes["reason"] == "Libur semester ganjil 2026/2027"
    assert breaks_of(db_session)[0].is_noted


def test_noting_a_break_already_noted_is_refused(db_session):
    blackout(db_session, date(2026, 12, 22), date(2027, 1, 1), "Libur Natal dan tahun baru")
    with pytest.raises(BreakAlreadyNoted) as refused:
        note(db_session)
    assert "Libur Natal dan tahun baru" in str(refused.value.message)
    assert "Libur semester ganjil 2026/2027" in str(refused.value.message)
    assert len(db_session.scalars(select(SchoolBlackout)).all()) == 1


@pytest.mark.parametrize(
    ("first", "last", "field", "words"),
    [
        (date(2027, 1, 2), date(2026, 12, 21), "last_on", "sebelum hari pertama"),
        (date(2026, 11, 30), date(2027, 1, 2), "first_on", "Selasa, 1 Desember 2026"),
        (date(2026, 12, 21), date(2027, 2, 1), "last_on", "Minggu, 31 Januari 2027"),
        (
            date(2026, 12, 1),
            date(2026, 12, 5),
            "first_on",
            "Senin, 21 Desember 2026 – Sabtu, 2 Januari 2027",
        ),
        (date(2027, 1, 11), date(2027, 1, 16), "first_on", "libur yang biasa"),
    ],
)
def test_days_that_are_not_this_break_are_refused(db_session, first, last, field, words):
    with pytest.raises(DomainError) as refused:
        note(db_session, first=first, last=last)
    assert refused.value.field == field
    assert words in str(refused.value.message)
    assert db_session.scalars(select(SchoolBlackout)).all() == []


def test_days_over_another_period_of_all_schools_are_refused_naming_it(db_session):
    blackout(db_session, date(2026, 12, 14), date(2026, 12, 19), "Ujian akhir semester")
    with pytest.raises(Conflict) as refused:
        note(db_session, first=date(2026, 12, 18), last=date(2027, 1, 2))
    assert not isinstance(refused.value, BreakAlreadyNoted)
    assert "Ujian akhir semester" in str(refused.value.message)
    assert len(db_session.scalars(select(SchoolBlackout)).all()) == 1


def test_two_coordinators_noting_the_break_at_once_note_it_once(db_session):
    """The first has written but not committed when the second starts: the second waits for
    it (the write lock on SQLite, an advisory lock on PostgreSQL) and finds the break noted."""
    import threading
    import time

    from sqlalchemy import func
    from sqlalchemy.orm import Session

    from outreach.extensions import db

    first, second = Session(db.engine), Session(db.engine)
    outcome = {}

    def note_second():
        try:
            note(second, name="Libur semester (kedua)")
            second.commit()
            outcome["second"] = "noted"
        except DomainError as error:
            second.rollback()
            outcome["second"] = error
        finally:
            second.close()

    try:
        note(first)
        thread = threading.Thread(target=note_second)
        thread.start()
        time.sleep(0.5)
        first.commit()
        thread.join(timeout=30)
    finally:
        first.close()
    assert isinstance(outcome["second"], BreakAlreadyNoted)
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(SchoolBlackout)) == 1

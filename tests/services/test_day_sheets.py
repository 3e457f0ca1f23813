"""A team's day sheet uploaded filled: each row judged against its visit as it stands (moved,
cancelled, given away, recorded already, the day not come), and the rows saved all together or
not at all."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from outreach.domain.problems import Invalid
from outreach.errors import DomainError
from outreach.models import AuditEvent, HomeOutcome, ResidentStatus, VisitKind, VisitStatus, utcnow
from outreach.services.audit import record_event
from outreach.services.visits.changes import Who
from outreach.services.visits.day_sheets import (
    ASK_THE_COORDINATOR,
    DIFFERS,
    EMPTY,
    INVALID,
    ROWS_MAX,
    SAME,
    SAVE,
    RowRefused,
    SheetRow,
    analyse_day_sheet,
    save_day_sheet,
)
from outreach.services.visits.outcomes import (
    SchoolOutcome,
    record_home_outcome,
    record_school_outcome,
)
from tests.services.visit_helpers import add_visit

DAY = date(2026, 12, 8)
OFFICER = Who("petugas1")


def checked(visit, cells):
    """The outcome form's reading, as plainly as a test needs it."""
    if visit.kind is VisitKind.SCHOOL:
        values = {
            "recorded": int(cells["recorded"]),
            "not_recorded": int(cells.get("not_recorded") or 0),
            "reason": cells.get("reason") or None,
            "notes": cells.get("notes") or None,
        }
    else:
        values = {"outcome": cells["outcome"], "notes": None, "disability": None}
    return values, {}


def row(number, visit, **cells) -> SheetRow:
    return SheetRow(number, str(visit.id) if visit is not None else "", cells)


def analyse(db_session, rows, team, today=DAY):
    return analyse_day_sheet(db_session, rows, team=team, day=DAY, today=today, check=checked)


@pytest.fixture
def day(db_session, make_team, make_school, make_resident):
    team = make_team()
    school = add_visit(db_session, school=make_school(students_pending=50), team=team, on=DAY)
    home = add_visit(db_session, resident=make_resident(), team=team, on=DAY)
    return team, school, home


def test_rows_to_save_are_saved_together_with_one_upload_event(app, db_session, day):
    team, school, home = day
    upload = analyse(
        db_session,
        [row(2, school, recorded="30", not_recorded="2", reason="sakit"), row(3, home)],
        team,
    )
    assert [r.state for r in upload.rows] == [SAVE, EMPTY]
    assert (
        save_day_sheet(db_session, upload, who=OFFICER, now=utcnow(), today=DAY, source="hari.xlsx")
        == 1
    )
    db_session.commit()
    assert school.status is VisitStatus.COMPLETED and school.school.students_pending == 20
    assert home.status is VisitStatus.PROPOSED
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "visit.sheet_upload"))
    assert event.changes == {
        "visit_on": DAY.isoformat(),
        "source": "hari.xlsx",
        "saved": 1,
        "unchanged": 0,
        "not_filled": 1,
    }


def test_a_visit_the_coordinator_changed_is_a_wrong_row_saying_so(
    app, db_session, day, make_team, make_resident
):
    team, school, home = day
    later = DAY + timedelta(days=3)
    moved = add_visit(db_session, resident=make_resident(), team=team, on=DAY)
    moved.status = VisitStatus.MOVED
    add_visit(db_session, resident=moved.resident, team=team, on=later, replaces_id=moved.id)
    cancelled = add_visit(
        db_session, resident=make_resident(), team=team, on=DAY, status=VisitStatus.CANCELLED
    )
    given = add_visit(db_session, resident=make_resident(), team=team, on=DAY)
    other = make_team()
    record_event(
        db_session,
        now=utcnow(),
        actor="test",
        action="visit.reassign",
        entity=given,
        changes={"team_id": [team.id, other.id]},
    )
    given.team_id = other.id
    db_session.commit()
    rows = [row(n, visit, outcome="recorded") for n, visit in enumerate((moved, cancelled, given))]
    upload = analyse(db_session, rows, team)
    assert [r.state for r in upload.rows] == [INVALID] * 3
    reasons = [r.problems[0][1] for r in upload.rows]
    assert "11 Desember 2026" in reasons[0]  # the day it was moved to
    assert all(reason.endswith(str(ASK_THE_COORDINATOR)) for reason in reasons)
    with pytest.raises(DomainError):
        save_day_sheet(db_session, upload, who=OFFICER, now=utcnow(), today=DAY, source="x")


def test_an_outcome_recorded_already_is_unchanged_when_the_same_and_wrong_when_not(
    app, db_session, day, make_resident
):
    team, school, home = day
    record_school_outcome(
        db_session, school, SchoolOutcome(recorded=12), now=utcnow(), today=DAY, who=OFFICER,
        version=None,
    )  # fmt: skip
    record_home_outcome(
        db_session, home, HomeOutcome.REFUSED, notes=None, now=utcnow(), today=DAY,
        who=OFFICER, version=None,
    )  # fmt: skip
    db_session.commit()
    same = analyse(
        db_session, [row(2, school, recorded="12"), row(3, home, outcome="refused")], team
    )
    assert [r.state for r in same.rows] == [SAME, SAME] and not same.can_save
    other = analyse(
        db_session, [row(2, school, recorded="13"), row(3, home, outcome="recorded")], team
    )
    assert [r.state for r in other.rows] == [INVALID, INVALID]
    assert all(r.problems[0][1].endswith(str(DIFFERS)) for r in other.rows)  # recorded already


def test_what_keeps_a_row_from_being_saved_is_named_on_its_column(
    app, db_session, day, make_team, make_resident
):
    team, school, home = day
    stranger = add_visit(db_session, resident=make_resident(), team=make_team(), on=DAY)
    rows = [
        row(2, school, recorded="5", not_recorded="4"),  # no reason: the service's rule
        row(3, home, outcome="recorded", recorded="3"),  # a school cell on a home row
        row(4, stranger, outcome="recorded"),
        SheetRow(5, "", {"outcome": "recorded"}),
        SheetRow(6, "x1", {}),
    ]
    upload = analyse(db_session, rows, team)
    assert [r.state for r in upload.rows] == [INVALID] * 5
    assert [r.problems[0][0] for r in upload.rows] == [
        "reason",
        "recorded",
        "visit",
        "visit",
        "visit",
    ]


def test_the_same_visit_twice_is_wrong_on_both_rows(app, db_session, day):
    team, school, home = day
    upload = analyse(
        db_session, [row(2, home, outcome="recorded"), row(9, home, outcome="refused")], team
    )
    assert [r.state for r in upload.rows] == [INVALID, INVALID]
    assert all("2, 9" in r.problems[0][1] for r in upload.rows)


def test_a_row_refused_while_saving_stops_every_row(app, db_session, day):
    team, school, home = day
    upload = analyse(
        db_session, [row(2, home, outcome="recorded"), row(3, school, recorded="8")], team
    )
    assert upload.can_save
    school.status = VisitStatus.CANCELLED  # changed between the preview and its confirmation
    with pytest.raises(RowRefused) as refused:
        save_day_sheet(db_session, upload, who=OFFICER, now=utcnow(), today=DAY, source="x")
    assert "3" in str(refused.value.message)
    db_session.rollback()
    db_session.expire_all()
    assert home.status is VisitStatus.PROPOSED and home.resident.status is ResidentStatus.SCHEDULED
    events = select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("visit.%"))
    assert db_session.scalar(events) == 0


def test_a_day_not_come_and_a_file_too_long_for_a_day(app, db_session, day):
    team, school, home = day
    early = analyse(db_session, [row(2, home, outcome="recorded")], team, today=DAY - timedelta(1))
    assert early.rows[0].state == INVALID
    with pytest.raises(Invalid):
        analyse(db_session, [SheetRow(n, "", {}) for n in range(ROWS_MAX + 1)], team)

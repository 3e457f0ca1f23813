"""The demo data set reads as a real office on whatever day it is made: every visit's history
matches its status and comes before now, the counts recorded fit the counts expected, contact
persons fit the resident, and each officer has a working day today, on the coming working days
and behind them."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from outreach.demo.data import load_demo_data
from outreach.demo.homes import MEN, WOMEN, invent_requests
from outreach.domain.nik import age_on
from outreach.i18n import office_date
from outreach.models import (
    LINK_ACTOR,
    AuditEvent,
    ConfirmationChannel,
    HomeOutcome,
    Kelurahan,
    Resident,
    ResidentStatus,
    Role,
    SchoolBlackout,
    Sex,
    User,
    Visit,
    VisitKind,
    VisitStatus,
    utcnow,
)
from outreach.scheduling.calendar import month_start
from outreach.services.planning.inputs import PlanSettings, working_calendar
from outreach.services.visits.queries import TeamDay, list_team_coming_days, list_team_day

WIB = ZoneInfo("Asia/Jakarta")
NOWS = {
    "now": None,  # the moment the test runs, as `make run` would
    "a Monday before the scheduler's six o'clock, the first of a month": datetime(
        2027, 3, 1, 5, 30, tzinfo=WIB
    ),
    "a Saturday after New Year's Day": datetime(2027, 1, 2, 11, 0, tzinfo=WIB),
}
# What a relation says about the sexes: the contact's, and for a spouse the resident's too.
CONTACT_IS = {"istri": Sex.FEMALE, "suami": Sex.MALE, "ibu": Sex.FEMALE, "ayah": Sex.MALE}
MARRIED_TO = {"istri": Sex.MALE, "suami": Sex.FEMALE}
PARENTS, CHILDREN = {"ibu", "ayah"}, {"anak", "menantu", "cucu"}


def _events(session) -> dict[str, dict[int, list[AuditEvent]]]:
    found: dict[str, dict[int, list[AuditEvent]]] = {}
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id)):
        if event.entity_id is not None:
            found.setdefault(event.entity_type, {}).setdefault(int(event.entity_id), []).append(
                event
            )
    return found


@pytest.mark.parametrize("when", list(NOWS))
def test_the_demo_reads_as_a_working_office(db_session, when):
    """One demo per day (it takes seconds to make), every check on it."""
    now = NOWS[when] or utcnow()
    load_demo_data(db_session, now=now, secret="demo-test-secret")
    db_session.flush()
    assert db_session.scalar(select(AuditEvent.id).where(AuditEvent.at >= now)) is None
    histories_match_statuses(db_session, now)
    residents_fit(db_session, now)
    officers_have_a_working_day(db_session, office_date(now))


def histories_match_statuses(db_session, now):
    """Each visit's history matches its status, before now; counts recorded fit those expected."""
    events = _events(db_session)
    users = {user.id: user for user in db_session.scalars(select(User))}
    visits = db_session.scalars(select(Visit)).all()
    successors = {v.replaces_id: v for v in visits if v.replaces_id is not None}
    by_id = {v.id: v for v in visits}
    statuses = {v.status for v in visits}
    assert statuses == set(VisitStatus), "every status shows in the demo"
    for visit in visits:
        history = events.get("Visit", {}).get(visit.id, [])
        actions = {event.action: event for event in history}
        where = f"{visit.kind.value} visit on {visit.visit_on} ({visit.status.value})"
        assert visit.created_at < now, where
        assert all(event.at >= visit.created_at for event in history), where
        if visit.confirmed_at is not None:
            assert visit.confirmed_at < now, where
            confirm = actions.get("visit.confirm")
            if confirm is None:  # a liaison's new day: confirmed as the old visit moved
                confirm = {e.action: e for e in events["Visit"][visit.replaces_id]}["visit.move"]
            assert confirm.at == visit.confirmed_at, where
            if visit.confirmed_via is ConfirmationChannel.LINK:
                assert confirm.actor == LINK_ACTOR, where
                assert visit.confirmed_by_name == visit.school.liaison_name, where
            elif visit.confirmed_via is ConfirmationChannel.ACCOUNT:
                assert users[visit.confirmed_by_id].school_id == visit.school_id, where
            else:
                assert users[visit.confirmed_by_id].role is Role.COORDINATOR, where
        else:
            assert "visit.confirm" not in actions, where
        if visit.status is VisitStatus.CONFIRMED:
            assert visit.confirmed_at is not None, where
        if visit.status is VisitStatus.COMPLETED:
            assert "visit.outcome" in actions, where
            assert visit.completed_at < now, where
            assert office_date(visit.completed_at) >= visit.visit_on, where
            officer = users[visit.completed_by_id]
            assert (officer.role, officer.team_id) == (Role.OFFICER, visit.team_id), where
            if visit.kind is VisitKind.SCHOOL:
                assert visit.confirmed_at < visit.completed_at, where
                counted = visit.students_recorded + visit.students_not_recorded
                assert counted <= visit.students_expected, where
                assert counted <= visit.students_pending_before, where
        if visit.status is VisitStatus.MOVED:
            assert "visit.move" in actions and visit.id in successors, where
        if visit.status in (VisitStatus.CANCELLED, VisitStatus.MISSED):
            assert visit.cancel_reason, where
            closing = "visit.missed" if visit.status is VisitStatus.MISSED else "visit.c"
            assert any(
                action.startswith(closing) or action == "visit.decline" for action in actions
            ), where
        if visit.status is VisitStatus.MISSED:
            assert office_date(actions["visit.missed"].at) > visit.visit_on, where
        if visit.replaces_id is not None:
            assert by_id[visit.replaces_id].status is VisitStatus.MOVED, where


def residents_fit(db_session, now):
    """A resident's status matches their history and visits; the contact fits the resident."""
    events = _events(db_session).get("Resident", {})
    today = office_date(now)
    visits = db_session.scalars(select(Visit).where(Visit.kind == VisitKind.HOME)).all()
    open_visits = {
        v.resident_id for v in visits if v.status in (VisitStatus.PROPOSED, VisitStatus.CONFIRMED)
    }
    recorded = {v.resident_id for v in visits if v.home_outcome is HomeOutcome.RECORDED}
    residents = db_session.scalars(select(Resident)).all()
    assert {r.status for r in residents} >= {
        ResidentStatus.WAITING,
        ResidentStatus.SCHEDULED,
        ResidentStatus.RECORDED,
        ResidentStatus.ALREADY_RECORDED,
    }
    for resident in residents:
        where = f"{resident.name} ({resident.status.value}, {resident.contact_relation})"
        history = events.get(resident.id, [])
        assert history[0].action == "resident.create" and history[0].at < now, where
        assert all(event.at < now for event in history), where
        assert (resident.status is ResidentStatus.SCHEDULED) == (resident.id in open_visits), where
        if resident.status is ResidentStatus.RECORDED:
            assert resident.id in recorded, where
        if not resident.is_open:
            last = [e for e in history if e.action == "resident.status"][-1]
            assert last.changes["status"][1] == resident.status.value, where
            assert last.changes["reason"] == resident.status_reason, where
        contact = resident.contact_name.split()[0]
        contact_sex = Sex.FEMALE if contact in WOMEN else Sex.MALE if contact in MEN else None
        relation = resident.contact_relation
        assert contact != resident.name.split()[0], where  # not the resident's own name
        if relation in CONTACT_IS:
            assert contact_sex is CONTACT_IS[relation], where
        if relation in MARRIED_TO:
            assert resident.sex is MARRIED_TO[relation], where
        age = age_on(resident.birth_on, today)
        if relation in PARENTS:
            assert age < 45, where
        if relation in CHILDREN:
            assert age >= 45, where


def _earlier_days(calendar, today: date) -> list[date]:
    """The working days of this month before today, or (on its first) the last five."""
    days = calendar.working_days(month_start(today), today - timedelta(days=1))
    return days or calendar.working_days(today - timedelta(days=14), today - timedelta(days=1))[-5:]


def officers_have_a_working_day(db_session, today):
    """Each officer has homes to visit today and on the next five working days (the school
    visits are spread over the month), and completed a school and a home visit earlier this
    month (on its first working day: the days before) — no school visit in the schools'
    holidays, which the demo notes as all-schools blackouts."""
    calendar = working_calendar(
        db_session, today - timedelta(days=40), today + timedelta(days=40), PlanSettings()
    )
    officers = db_session.scalars(select(User).where(User.role == Role.OFFICER)).all()
    assert {officer.username for officer in officers} == {"petugas1", "petugas2"}
    earlier = _earlier_days(calendar, today)
    holidays = db_session.scalars(
        select(SchoolBlackout).where(SchoolBlackout.school_id.is_(None))
    ).all()
    assert holidays, "the demo notes the semester breaks"
    schools_open = [d for d in earlier if not any(b.first_on <= d <= b.last_on for b in holidays)]
    expected = {VisitKind.HOME} | ({VisitKind.SCHOOL} if schools_open else set())
    for officer in officers:
        days = [TeamDay(today, list_team_day(db_session, officer.team_id, today))]
        days = days if calendar.is_working_day(today) else []
        coming = list_team_coming_days(
            db_session, officer.team_id, today, is_working_day=calendar.is_working_day, days=5
        )
        working = [day for day in coming if calendar.is_working_day(day.day)]
        assert len(working) == 5
        for day in days + working:  # the home visits planned on every one of them
            kinds = {visit.kind for visit in day.visits}
            assert VisitKind.HOME in kinds, f"{officer.username} has no home to visit {day.day}"
        done = db_session.scalars(
            select(Visit.kind).where(
                Visit.team_id == officer.team_id,
                Visit.status == VisitStatus.COMPLETED,
                Visit.visit_on.in_(earlier),
            )
        ).all()
        assert set(done) == expected, officer.username


def test_the_invented_residents_are_the_same_on_every_run(db_session):
    kelurahan = list(db_session.scalars(select(Kelurahan).order_by(Kelurahan.code)))
    today = date(2026, 12, 2)
    first, second = invent_requests(kelurahan, today), invent_requests(kelurahan, today)
    assert [r.values for r in first] == [r.values for r in second]
    assert [r.minutes for r in first] == [r.minutes for r in second]


def test_no_school_is_visited_in_its_holidays(db_session):
    """The demo's semester breaks are noted, and no school visit falls in one."""
    load_demo_data(db_session, now=datetime(2027, 1, 4, 10, 0, tzinfo=WIB), secret="s")
    holidays = db_session.scalars(
        select(SchoolBlackout).where(SchoolBlackout.school_id.is_(None))
    ).all()
    assert any(b.first_on <= date(2026, 12, 28) <= b.last_on for b in holidays)
    for b in holidays:
        inside = db_session.scalars(
            select(Visit).where(
                Visit.kind == VisitKind.SCHOOL,
                Visit.status != VisitStatus.CANCELLED,
                Visit.visit_on.between(b.first_on, b.last_on),
            )
        ).all()
        assert inside == [], b.reason


def test_the_school_operators_names_are_names_people_have(db_session):
    """No man's given name before a woman's ("Ahmad Susanti"): family names only after it."""
    from outreach.demo.data import _LAST_NAMES
    from outreach.demo.homes import WOMEN

    womens = set(WOMEN) | {"Susanti", "Rahmawati", "Handayani", "Marlina", "Utami", "Lestari"}
    assert womens.isdisjoint(_LAST_NAMES)

"""The monthly school planner: its rules case by case, and its invariants for any input."""

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.scheduling.calendar import Blackout, WorkingCalendar, national_closures
from outreach.scheduling.school_plan import (
    ALREADY_PLANNED,
    NO_CAPACITY,
    NO_POSSIBLE_DAY,
    NO_TEAM,
    NOTHING_PENDING,
    SchoolCandidate,
    SchoolPlanInput,
    months_due,
    plan_month,
    possible_days,
)
from outreach.scheduling.teams import Booking, TeamSpec

DECEMBER = date(2026, 12, 1)
CALENDAR_2026 = WorkingCalendar(closures=frozenset(c.on for c in national_closures([2026])))
KOTA = "17.71.0"  # Kota Bengkulu's kecamatan: 17.71.01 … 17.71.09
NORTH = frozenset({KOTA + "1", KOTA + "2", KOTA + "3", KOTA + "4", KOTA + "5"})
SOUTH = frozenset({KOTA + "6", KOTA + "7", KOTA + "8", KOTA + "9"})


def school(id_, kecamatan="17.71.01", **values) -> SchoolCandidate:
    return SchoolCandidate(id=id_, kecamatan_code=kecamatan, **values)


def make_input(schools, teams=None, **values) -> SchoolPlanInput:
    values.setdefault("today", date(2026, 11, 20))
    values.setdefault("calendar", CALENDAR_2026)
    return SchoolPlanInput(
        month=values.pop("month", DECEMBER),
        schools=tuple(schools),
        teams=tuple(teams if teams is not None else [TeamSpec(1, NORTH), TeamSpec(2, SOUTH)]),
        **values,
    )


def test_possible_days_of_december_2026_skip_weekends_christmas_and_cuti_bersama():
    days = possible_days(make_input([]))
    assert date(2026, 12, 24) not in days and date(2026, 12, 25) not in days
    assert all(day.isoweekday() <= 5 for day in days)
    assert len(days) == 21  # 23 weekdays less 24 and 25 December


def test_lead_time_keeps_the_first_days_free():
    days = possible_days(make_input([], today=date(2026, 11, 27), lead_days=5))
    assert days[0] == date(2026, 12, 2)


def test_a_working_saturday_is_possible_when_the_office_works_saturdays():
    calendar = WorkingCalendar(frozenset({1, 2, 3, 4, 5, 6}), CALENDAR_2026.closures)
    assert date(2026, 12, 5) in possible_days(make_input([], calendar=calendar))


def test_every_school_is_placed_once_when_there_is_room():
    schools = [school(i, f"{KOTA}{1 + i % 9}") for i in range(1, 73)]
    plan = plan_month(make_input(schools))
    assert sorted(p.school_id for p in plan.placements) == list(range(1, 73))
    assert not plan.unplaced and not plan.skipped


def test_the_covering_team_goes_to_its_own_kecamatan():
    plan = plan_month(make_input([school(1, KOTA + "2"), school(2, KOTA + "8")]))
    teams = {p.school_id: p.team_id for p in plan.placements}
    assert teams == {1: 1, 2: 2}


def test_a_school_no_team_covers_goes_to_the_least_loaded_team_of_the_city():
    teams = [TeamSpec(1, NORTH), TeamSpec(2, frozenset({KOTA + "6"}))]
    schools = [school(i, KOTA + "1") for i in range(1, 4)] + [school(9, KOTA + "9")]
    plan = plan_month(make_input(schools, teams=teams))
    assert {p.school_id: p.team_id for p in plan.placements}[9] == 2


def test_a_team_of_another_city_is_never_a_fallback():
    teams = [TeamSpec(1, frozenset({"17.01.01"}))]  # a kecamatan of another regency
    plan = plan_month(make_input([school(1, KOTA + "1")], teams=teams))
    assert plan.unplaced[0].reason == NO_TEAM and not plan.placements


def test_a_team_covering_no_kecamatan_goes_anywhere():
    plan = plan_month(make_input([school(1, "94.71.01")], teams=[TeamSpec(5)]))
    assert plan.placements[0].team_id == 5


def test_preferred_weekdays_come_first():
    plan = plan_month(make_input([school(1, preferred_weekdays=frozenset({4}))]))
    assert plan.placements[0].on.isoweekday() == 4


def test_a_preferred_weekday_that_is_closed_falls_back_to_another_day():
    thursdays = frozenset(d for d in possible_days(make_input([])) if d.isoweekday() == 4)
    calendar = WorkingCalendar(CALENDAR_2026.working_weekdays, CALENDAR_2026.closures | thursdays)
    plan = plan_month(make_input([school(1, preferred_weekdays=frozenset({4}))], calendar=calendar))
    assert plan.placements[0].on.isoweekday() != 4


def test_a_month_blacked_out_for_all_schools_leaves_each_unplaced_with_the_reason():
    holiday = Blackout(date(2026, 12, 1), date(2026, 12, 31), school_id=None, reason="Libur")
    plan = plan_month(make_input([school(1)], blackouts=(holiday,)))
    assert [(u.school_id, u.reason) for u in plan.unplaced] == [(1, NO_POSSIBLE_DAY)]


def test_a_school_blackout_moves_only_that_school():
    exams = Blackout(date(2026, 12, 1), date(2026, 12, 18), school_id=1, reason="PAS")
    plan = plan_month(make_input([school(1), school(2)], blackouts=(exams,)))
    days = {p.school_id: p.on for p in plan.placements}
    assert days[1] > date(2026, 12, 18)
    assert days[2] <= date(2026, 12, 18)


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"students_pending": 0}, NOTHING_PENDING),
        ({}, ALREADY_PLANNED),
    ],
)
def test_schools_that_are_not_candidates_are_skipped_with_the_reason(values, reason):
    already = frozenset({1}) if reason == ALREADY_PLANNED else frozenset()
    plan = plan_month(make_input([school(1, **values)], already_planned=already))
    assert [(s.school_id, s.reason) for s in plan.skipped] == [(1, reason)]
    assert not plan.placements


def test_unknown_pending_students_are_still_planned():
    plan = plan_month(make_input([school(1, students_pending=None)]))
    assert len(plan.placements) == 1


def test_existing_visits_use_capacity_and_the_rest_is_reported():
    days = possible_days(make_input([]))
    full = tuple(Booking(1, day) for day in days for _ in range(2))
    plan = plan_month(make_input([school(1)], teams=[TeamSpec(1, NORTH)], bookings=full))
    assert plan.unplaced[0].reason == NO_CAPACITY


def test_follow_up_schools_go_first_when_room_is_short():
    days = possible_days(make_input([]))
    schools = [school(i) for i in range(1, 6)] + [school(9, follow_up=True)]
    team = TeamSpec(1, NORTH, school_visits_per_day=1)
    almost_full = tuple(Booking(1, day) for day in days[5:])
    plan = plan_month(make_input(schools, teams=[team], bookings=almost_full))
    assert 9 in {p.school_id for p in plan.placements}
    assert plan.placements[0].school_id == 9  # and earliest in the month
    assert [u.reason for u in plan.unplaced] == [NO_CAPACITY]


def test_visits_spread_over_the_month_and_one_kecamatan_shares_a_day():
    schools = [school(i, KOTA + "1") for i in range(1, 11)] + [
        school(i, KOTA + "2") for i in range(11, 21)
    ]
    team = TeamSpec(1, NORTH, school_visits_per_day=2)
    plan = plan_month(make_input(schools, teams=[team]))
    days = sorted({p.on for p in plan.placements})
    assert days[0] < date(2026, 12, 8) and days[-1] > date(2026, 12, 21)
    by_day = {}
    for p in plan.placements:
        by_day.setdefault(p.on, set()).add(p.school_id <= 10)
    assert all(len(kinds) == 1 for kinds in by_day.values())  # never two kecamatan on a day


def test_no_active_team_means_every_school_is_unplaced_with_the_reason():
    plan = plan_month(make_input([school(1), school(2)], teams=[TeamSpec(1, NORTH, 0)]))
    assert [(u.school_id, u.reason) for u in plan.unplaced] == [(1, NO_TEAM), (2, NO_TEAM)]


@pytest.mark.parametrize(
    ("today", "planned", "due"),
    [
        (date(2026, 11, 20), set(), [date(2026, 11, 1), date(2026, 12, 1)]),
        (date(2026, 11, 20), {date(2026, 11, 1)}, [date(2026, 12, 1)]),
        (date(2026, 11, 21), {date(2026, 11, 1), date(2026, 12, 1)}, []),
        (date(2026, 11, 19), {date(2026, 11, 1)}, []),  # before the plan day: nothing yet
        (date(2026, 11, 3), set(), [date(2026, 11, 1)]),  # off since before the 20th
        (date(2026, 11, 28), {date(2026, 12, 1)}, []),  # too late for November itself
    ],
)
def test_catch_up_plans_the_months_that_should_exist(today, planned, due):
    assert months_due(today, plan_day=20, lead_days=5, planned=planned) == due


# ---- invariants, for any input -------------------------------------------------------------

KECAMATAN = [f"{KOTA}{n}" for n in range(1, 10)] + ["17.01.01"]

schools_strategy = st.lists(
    st.builds(
        SchoolCandidate,
        id=st.integers(1, 400),
        kecamatan_code=st.sampled_from(KECAMATAN),
        students_pending=st.one_of(st.none(), st.integers(0, 300)),
        preferred_weekdays=st.frozensets(st.integers(1, 7), max_size=3),
        follow_up=st.booleans(),
    ),
    max_size=60,
    unique_by=lambda s: s.id,
)
teams_strategy = st.lists(
    st.builds(
        TeamSpec,
        id=st.integers(1, 20),
        kecamatan_codes=st.frozensets(st.sampled_from(KECAMATAN), max_size=4),
        school_visits_per_day=st.integers(0, 3),
    ),
    max_size=4,
    unique_by=lambda t: t.id,
)
day_in_december = st.dates(date(2026, 11, 25), date(2027, 1, 5))


@st.composite
def plan_inputs(draw) -> SchoolPlanInput:
    schools = draw(schools_strategy)
    teams = draw(teams_strategy)
    ids = [s.id for s in schools]
    blackouts = []
    for _ in range(draw(st.integers(0, 4))):
        first = draw(day_in_december)
        last = first + timedelta(days=draw(st.integers(0, 10)))
        owner = draw(st.one_of(st.none(), st.sampled_from(ids))) if ids else None
        blackouts.append(Blackout(first, last, owner))
    weekdays = draw(st.frozensets(st.integers(1, 7), min_size=1))
    closures = draw(st.frozensets(day_in_december, max_size=6)) | CALENDAR_2026.closures
    team_ids = [t.id for t in teams]
    bookings = (
        [
            Booking(draw(st.sampled_from(team_ids)), draw(day_in_december))
            for _ in range(draw(st.integers(0, 10)))
        ]
        if team_ids
        else []
    )
    return SchoolPlanInput(
        month=DECEMBER,
        today=draw(st.dates(date(2026, 11, 1), date(2026, 12, 31))),
        schools=tuple(schools),
        teams=tuple(teams),
        calendar=WorkingCalendar(weekdays, closures),
        blackouts=tuple(blackouts),
        bookings=tuple(bookings),
        already_planned=frozenset(draw(st.sets(st.sampled_from(ids))) if ids else ()),
        lead_days=draw(st.integers(0, 7)),
    )


@settings(max_examples=300, deadline=None)
@given(plan_inputs())
def test_invariants_of_every_monthly_plan(plan_input):
    plan = plan_month(plan_input)
    capacity = {t.id: t.school_visits_per_day for t in plan_input.teams}
    earliest = plan_input.today + timedelta(days=plan_input.lead_days)
    for placement in plan.placements:
        day = placement.on
        # Never on a non-working day or a closure, never in a blackout, never too soon.
        assert plan_input.calendar.is_working_day(day)
        assert day.year == 2026 and day.month == 12 and day >= earliest
        assert not any(
            b.covers(day) and b.school_id in (None, placement.school_id)
            for b in plan_input.blackouts
        )
    # Never over a team-day's capacity, existing visits included.
    used = Counter((b.team_id, b.on) for b in plan_input.bookings)
    used.update((p.team_id, p.on) for p in plan.placements)
    for (team_id, day), count in used.items():
        if any(p.team_id == team_id and p.on == day for p in plan.placements):
            assert count <= capacity[team_id]
    # One visit per school, and every school either placed or reported with a reason.
    placed = [p.school_id for p in plan.placements]
    assert len(placed) == len(set(placed))
    reported = [s.school_id for s in plan.skipped] + [u.school_id for u in plan.unplaced]
    assert sorted(placed + reported) == sorted(s.id for s in plan_input.schools)
    assert not set(placed) & plan_input.already_planned
    # Same input, same plan (also with the schools given in another order).
    again = SchoolPlanInput(**{**vars(plan_input), "schools": plan_input.schools[::-1]})
    assert plan_month(again) == plan

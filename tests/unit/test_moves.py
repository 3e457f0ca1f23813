"""Where a visit may move: working days only, no closure or blackout, a team with room — its
own team first — and never its own day."""

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.scheduling.calendar import Blackout, WorkingCalendar
from outreach.scheduling.moves import MoveInput, move_options, teams_with_room
from outreach.scheduling.teams import Booking, TeamSpec

DEC = date(2026, 12, 1)
OWN = TeamSpec(1, frozenset({"17.71.01"}), school_visits_per_day=1)
OTHER = TeamSpec(2, frozenset({"17.71.01"}), school_visits_per_day=2)
FAR = TeamSpec(3, frozenset({"11.71.01"}), school_visits_per_day=5)  # another regency


def move(**changes) -> MoveInput:
    values = dict(
        kecamatan_code="17.71.01",
        team_id=1,
        first_on=DEC,
        last_on=date(2026, 12, 31),
        teams=(OWN, OTHER, FAR),
        school_id=7,
        current_on=date(2026, 12, 8),
    )
    values.update(changes)
    return MoveInput(**values)


def test_the_own_team_goes_when_it_has_room_else_another_team_of_the_area():
    full_own = (Booking(1, date(2026, 12, 9)),)
    assert teams_with_room(move(), date(2026, 12, 9)) == [1, 2]
    assert teams_with_room(move(bookings=full_own), date(2026, 12, 9)) == [2]
    options = {o.on: o.team_id for o in move_options(move(bookings=full_own))}
    assert options[date(2026, 12, 9)] == 2 and options[date(2026, 12, 10)] == 1


def test_weekends_closures_blackouts_and_the_own_day_are_not_offered():
    m = move(
        calendar=WorkingCalendar(closures=frozenset({date(2026, 12, 25)})),
        blackouts=(
            Blackout(date(2026, 12, 14), date(2026, 12, 18), 7, "Ujian"),
            Blackout(date(2026, 12, 21), date(2026, 12, 21), None, "Rapat"),
            Blackout(date(2026, 12, 22), date(2026, 12, 23), 99, "Sekolah lain"),
        ),
    )
    days = [o.on for o in move_options(m)]
    assert date(2026, 12, 8) not in days and date(2026, 12, 25) not in days
    assert not any(date(2026, 12, 14) <= d <= date(2026, 12, 18) for d in days)
    assert date(2026, 12, 21) not in days and date(2026, 12, 22) in days
    assert all(d.weekday() < 5 for d in days)


def test_a_home_visit_uses_the_home_capacity():
    homes = (TeamSpec(1, frozenset({"17.71.01"}), school_visits_per_day=0, home_visits_per_day=1),)
    booked = (Booking(1, date(2026, 12, 9)),)
    m = move(teams=homes, school_visit=False, bookings=booked, school_id=None)
    days = [o.on for o in move_options(m)]
    assert date(2026, 12, 9) not in days and date(2026, 12, 10) in days


def test_no_team_of_the_area_means_no_option():
    assert move_options(move(teams=(FAR,))) == []


@settings(max_examples=200, deadline=None)
@given(
    booked=st.lists(st.tuples(st.integers(1, 3), st.integers(0, 30)), max_size=40),
    closed=st.sets(st.integers(0, 30), max_size=6),
)
def test_an_option_is_always_a_working_open_day_with_room(booked, closed):
    bookings = tuple(Booking(team, DEC + timedelta(days=n)) for team, n in booked)
    closures = frozenset(DEC + timedelta(days=n) for n in closed)
    m = move(bookings=bookings, calendar=WorkingCalendar(closures=closures))
    used = Counter((b.team_id, b.on) for b in bookings)
    capacity = {t.id: t.school_visits_per_day for t in m.teams}
    for option in move_options(m):
        assert option.on.weekday() < 5 and option.on not in closures
        assert option.on != m.current_on
        assert option.team_id in (1, 2)  # never a team of another regency
        assert used[(option.team_id, option.on)] < capacity[option.team_id]

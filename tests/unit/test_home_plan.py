"""Home-visit planning and day routes: rules case by case, invariants for any input."""

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.scheduling.calendar import WorkingCalendar, national_closures
from outreach.scheduling.home_plan import (
    NO_CAPACITY,
    NO_TEAM,
    NO_WORKING_DAY,
    HomeBooking,
    HomePlanInput,
    ResidentCandidate,
    plan_home_visits,
    priority,
)
from outreach.scheduling.routes import Point, Stop, distance_km, order_route, route_length_km
from outreach.scheduling.teams import TeamSpec

CALENDAR = WorkingCalendar(closures=frozenset(c.on for c in national_closures([2026])))
MONDAY = date(2026, 11, 30)
OFFICE = Point(-3.7956, 102.2592)  # Dukcapil Kota Bengkulu, roughly
TEAM = TeamSpec(1, frozenset({"17.71.01", "17.71.02"}), home_visits_per_day=3, start=OFFICE)


def resident(id_, kecamatan="17.71.01", **values) -> ResidentCandidate:
    values.setdefault("requested_on", date(2026, 10, 1))
    return ResidentCandidate(id=id_, kecamatan_code=kecamatan, **values)


def make_input(residents, teams=(TEAM,), **values) -> HomePlanInput:
    values.setdefault("start", MONDAY)
    values.setdefault("days", 14)
    values.setdefault("today", date(2026, 11, 27))
    values.setdefault("calendar", CALENDAR)
    return HomePlanInput(residents=tuple(residents), teams=tuple(teams), **values)


def test_distance_between_two_points_of_the_city():
    # Benteng Marlborough to Simpang Lima, about 2.5 km in a straight line.
    assert distance_km(Point(-3.7869, 102.2514), Point(-3.7967, 102.2713)) == pytest.approx(
        2.46, abs=0.1
    )


def test_route_goes_to_the_nearest_stop_each_time():
    stops = [Stop("far", Point(-3.90, 102.30)), Stop("near", Point(-3.80, 102.26))]
    stops.append(Stop("middle", Point(-3.85, 102.28)))
    stops.append(Stop("unknown", None))
    assert order_route(stops, OFFICE) == ["near", "middle", "far", "unknown"]


def test_route_length_follows_the_path():
    a, b = Point(-3.80, 102.26), Point(-3.85, 102.28)
    assert route_length_km([a, b], OFFICE) == pytest.approx(
        distance_km(OFFICE, a) + distance_km(a, b)
    )


def test_route_without_a_start_begins_at_the_first_stop():
    stops = [
        Stop(1, Point(-3.9, 102.3)),
        Stop(2, Point(-3.8, 102.26)),
        Stop(3, Point(-3.89, 102.3)),
    ]
    assert order_route(stops, None) == [1, 3, 2]


def test_priority_is_bedridden_then_oldest_then_longest_waiting():
    people = [
        resident(1, birth_on=date(1950, 1, 1)),
        resident(2, birth_on=date(1940, 1, 1)),
        resident(3, birth_on=date(1960, 1, 1), is_bedridden=True),
        resident(4, birth_on=None, requested_on=date(2026, 1, 1)),
        resident(5, birth_on=date(1940, 1, 1), requested_on=date(2026, 9, 1)),
    ]
    assert [r.id for r in sorted(people, key=priority)] == [3, 5, 2, 1, 4]


def test_residents_fill_the_earliest_days_up_to_capacity():
    plan = plan_home_visits(make_input([resident(i) for i in range(1, 8)]))
    per_day = Counter(stop.on for stop in plan.stops)
    assert per_day == {MONDAY: 3, MONDAY + timedelta(1): 3, MONDAY + timedelta(2): 1}


def test_one_kecamatan_per_team_day_where_possible():
    people = [resident(1, "17.71.01"), resident(2, "17.71.02"), resident(3, "17.71.01")]
    plan = plan_home_visits(make_input(people))
    days = {stop.resident_id: stop.on for stop in plan.stops}
    assert days[1] == days[3] == MONDAY and days[2] == MONDAY + timedelta(1)


def test_kecamatan_are_mixed_only_when_no_other_day_is_left():
    people = [resident(1, "17.71.01"), resident(2, "17.71.02")]
    plan = plan_home_visits(make_input(people, days=1))
    assert {stop.on for stop in plan.stops} == {MONDAY}
    assert not plan.unplaced


def test_each_day_is_ordered_from_the_teams_start():
    people = [
        resident(1, point=Point(-3.86, 102.31)),
        resident(2, point=Point(-3.80, 102.265)),
        resident(3, point=Point(-3.83, 102.29)),
    ]
    plan = plan_home_visits(make_input(people))
    assert [s.resident_id for s in sorted(plan.stops, key=lambda s: s.route_order)] == [2, 3, 1]


def test_a_home_without_coordinates_is_placed_at_its_kelurahan_centroid():
    people = [
        resident(1, point=Point(-3.86, 102.31)),
        resident(2, kelurahan_code="17.71.01.1001"),  # centroid next to the office
    ]
    centroids = (("17.71.01.1001", Point(-3.797, 102.26)),)
    plan = plan_home_visits(make_input(people, centroids=centroids))
    assert [s.resident_id for s in sorted(plan.stops, key=lambda s: s.route_order)] == [2, 1]


def test_existing_stops_keep_their_day_and_join_the_new_route():
    booked = HomeBooking(1, MONDAY, 50, "17.71.01", point=Point(-3.9, 102.35), route_order=1)
    plan = plan_home_visits(
        make_input([resident(1, point=Point(-3.80, 102.26))], bookings=(booked,))
    )
    by_resident = {s.resident_id: s for s in plan.stops}
    assert by_resident[50].is_new is False and by_resident[50].route_order == 2
    assert by_resident[1].is_new is True and by_resident[1].route_order == 1
    assert [s.resident_id for s in plan.new_stops] == [1]


def test_no_visit_today_or_before_and_none_on_a_holiday():
    plan = plan_home_visits(
        make_input([resident(i) for i in range(1, 40)], start=date(2026, 12, 21), days=7)
    )
    assert {s.on for s in plan.stops} == {
        date(2026, 12, 21),
        date(2026, 12, 22),
        date(2026, 12, 23),
    }
    assert {reason for _, reason in plan.unplaced} == {NO_CAPACITY}


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"teams": (TeamSpec(1, frozenset({"17.01.01"})),)}, NO_TEAM),
        ({"teams": (TeamSpec(1, frozenset({"17.71.01"}), home_visits_per_day=0),)}, NO_TEAM),
        ({"start": date(2026, 12, 25), "days": 1}, NO_WORKING_DAY),
    ],
)
def test_residents_left_waiting_are_reported_with_the_reason(values, reason):
    plan = plan_home_visits(make_input([resident(1)], **values))
    assert plan.unplaced == ((1, reason),)


# ---- invariants ----------------------------------------------------------------------------

KECAMATAN = ["17.71.01", "17.71.02", "17.71.03", "17.02.01"]
points = st.one_of(st.none(), st.builds(Point, st.floats(-3.95, -3.75), st.floats(102.2, 102.4)))


@st.composite
def home_inputs(draw) -> HomePlanInput:
    residents = draw(
        st.lists(
            st.builds(
                ResidentCandidate,
                id=st.integers(1, 500),
                kecamatan_code=st.sampled_from(KECAMATAN),
                point=points,
                is_bedridden=st.booleans(),
                birth_on=st.one_of(st.none(), st.dates(date(1920, 1, 1), date(2010, 1, 1))),
                requested_on=st.dates(date(2025, 1, 1), date(2026, 11, 27)),
            ),
            max_size=50,
            unique_by=lambda r: r.id,
        )
    )
    teams = draw(
        st.lists(
            st.builds(
                TeamSpec,
                id=st.integers(1, 9),
                kecamatan_codes=st.frozensets(st.sampled_from(KECAMATAN), max_size=2),
                home_visits_per_day=st.integers(0, 5),
                start=points,
            ),
            max_size=3,
            unique_by=lambda t: t.id,
        )
    )
    closures = draw(st.frozensets(st.dates(MONDAY, MONDAY + timedelta(20)), max_size=4))
    return HomePlanInput(
        start=draw(st.dates(date(2026, 11, 25), date(2026, 12, 10))),
        days=draw(st.integers(1, 21)),
        today=date(2026, 11, 27),
        residents=tuple(residents),
        teams=tuple(teams),
        calendar=WorkingCalendar(draw(st.frozensets(st.integers(1, 7), min_size=1)), closures),
    )


@settings(max_examples=300, deadline=None)
@given(home_inputs())
def test_invariants_of_every_home_visit_plan(plan_input):
    plan = plan_home_visits(plan_input)
    capacity = {t.id: t.home_visits_per_day for t in plan_input.teams}
    last = plan_input.start + timedelta(days=plan_input.days - 1)
    for stop in plan.stops:
        assert plan_input.calendar.is_working_day(stop.on)
        assert plan_input.today < stop.on and plan_input.start <= stop.on <= last
    used = Counter((s.team_id, s.on) for s in plan.stops)
    assert all(count <= capacity[team] for (team, _), count in used.items())
    placed = [s.resident_id for s in plan.stops]
    assert len(placed) == len(set(placed))
    assert sorted(placed + [r for r, _ in plan.unplaced]) == sorted(
        r.id for r in plan_input.residents
    )
    # Routes number their stops 1…n on each team-day.
    days = {}
    for stop in plan.stops:
        days.setdefault((stop.team_id, stop.on), []).append(stop.route_order)
    assert all(sorted(orders) == list(range(1, len(orders) + 1)) for orders in days.values())
    # Same input, same plan, whatever order the residents come in.
    again = HomePlanInput(**{**vars(plan_input), "residents": plan_input.residents[::-1]})
    assert plan_home_visits(again) == plan


@settings(max_examples=200, deadline=None)
@given(st.lists(st.builds(Point, st.floats(-4, -3.5), st.floats(102, 102.5)), max_size=12))
def test_a_route_visits_every_stop_once_starting_with_the_nearest(points_list):
    stops = [Stop(i, p) for i, p in enumerate(points_list)]
    route = order_route(stops, OFFICE)
    assert sorted(route) == list(range(len(points_list)))
    if points_list:
        # Nearest neighbour never leaves the start for a stop farther than the nearest one.
        first = points_list[route[0]]
        assert distance_km(OFFICE, first) == min(distance_km(OFFICE, p) for p in points_list)

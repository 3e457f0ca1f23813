"""Every list, calendar and dashboard page sends the same number of queries however many rows
it shows: each page is counted with a little data, then with much more (more schools, visits on
more days, residents waiting and visited, a school with a year of visits, more teams)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from outreach.i18n import office_today
from outreach.models import Role, Visit, VisitKind, VisitOrigin, VisitStatus
from outreach.scheduling.calendar import month_start
from tests.services.visit_helpers import add_visit

PAGES = (
    "/",
    "/visits?month={month}",
    "/visits?month={month}&kind=school&status=proposed&page=2",
    "/visits?day={day}",
    "/visits?overdue=1",
    "/visits/calendar?month={month}",
    "/visits/calendar?month={month}&kind=home",
    "/visits/day-sheet?team={team}&day={day}",
    "/visits/{visit}",
    "/schools",
    "/schools/{school}",
    "/residents",
    "/residents?status=waiting&kecamatan=17.71.02",
    "/teams",
    "/teams/{team}",
    "/coverage",
    "/reports?month={month}",
    "/plan?month={next_month}",
    "/plan/home",
)


@pytest.fixture
def grow(db_session, make_team, make_school, make_resident):
    """grow(n): n more schools, each with a visit this month and one in each of the three months
    before (the first school gets them all), n waiting residents and n visited at home."""
    today = office_today()
    month = month_start(today)
    team = make_team(kecamatan_codes=("17.71.01", "17.71.02"))
    first = make_school()
    state = {"team": team, "school": first, "visits": []}

    def more(n: int) -> dict:
        for i in range(n):
            school = make_school(
                kecamatan_code=("17.71.01", "17.71.02")[i % 2], kelurahan_code=None
            )
            day = month + timedelta(days=i % 27)
            status = (VisitStatus.PROPOSED, VisitStatus.CONFIRMED, VisitStatus.COMPLETED)[i % 3]
            state["visits"].append(
                add_visit(db_session, school=school, team=team, on=day, status=status)
            )
            db_session.add(
                Visit(kind=VisitKind.SCHOOL, school_id=first.id, team_id=team.id, visit_on=day,
                      status=status, origin=VisitOrigin.MANUAL)
            )  # fmt: skip
            resident = make_resident(kelurahan_code=("17.71.01.1001", "17.71.02.1001")[i % 2])
            make_resident(kelurahan_code="17.71.02.1001")
            add_visit(db_session, resident=resident, team=team, on=day, route_order=i + 1)
            make_team(name=f"Tim Tambahan {len(state['visits'])}")
        return state

    return more


def _count(client, app, url: str) -> int:
    statements = []
    engine = app.extensions["sqlalchemy"].engine

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(statements)


def test_no_page_sends_more_queries_for_more_rows(app, client, make_user, login, grow):
    login(make_user(Role.COORDINATOR))
    today = office_today()

    def urls(state) -> list[str]:
        values = {
            "month": f"{today:%Y-%m}",
            "next_month": f"{month_start(today + timedelta(days=31)):%Y-%m}",
            "day": month_start(today).isoformat(),
            "team": state["team"].id,
            "school": state["school"].id,
            "visit": state["visits"][0].id,
        }
        return [page.format(**values) for page in PAGES]

    small = grow(3)
    before = {url: _count(client, app, url) for url in urls(small)}
    large = grow(30)
    after = {url: _count(client, app, url) for url in urls(large)}
    grew = {url: (before[url], after[url]) for url in before if after[url] != before[url]}
    assert grew == {}, f"queries grew with the rows (before, after): {grew}"


def test_the_officer_day_sends_the_same_queries_for_more_stops(
    app, client, make_user, login, make_resident, db_session
):
    user = make_user(Role.OFFICER)
    login(user)
    today = office_today()

    def add(n: int) -> None:
        for i in range(n):
            resident = make_resident()
            add_visit(db_session, resident=resident, team=user.team, on=today, route_order=i + 1)
            overdue = make_resident()
            add_visit(db_session, resident=overdue, team=user.team, on=today - timedelta(days=1))

    add(2)
    before = _count(client, app, "/")
    add(20)
    assert _count(client, app, "/") == before


def test_counting_at_two_sizes_would_see_a_query_per_row(app, client, make_user, login, grow):
    """The check itself can fail: a page that loads each visit's school on its own sends more
    queries with more visits."""
    from outreach.extensions import db

    login(make_user(Role.COORDINATOR))

    def per_row() -> int:
        statements = []
        engine = app.extensions["sqlalchemy"].engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        with app.app_context():
            for visit in db.session.query(Visit).all():
                _ = visit.school and visit.school.name  # lazy load: one query per visit
        event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    grow(2)
    small = per_row()
    grow(6)
    assert per_row() > small

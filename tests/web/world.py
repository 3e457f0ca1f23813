"""One small world for the tests that walk every route: two teams, two schools, a user of each
role, a visit of each team, a home visit, a liaison link, and one of each other record a route
can name (closure, coverage figure, blackout, plan run, an upload per import)."""

from __future__ import annotations

from datetime import date

import pytest
from flask import url_for

from outreach.i18n import office_today
from outreach.models import (
    ClosureKind,
    ClosureSource,
    CoverageSnapshot,
    ImportUpload,
    OfficeClosure,
    PlanKind,
    PlanRun,
    PlanTrigger,
    Role,
    SchoolBlackout,
    utcnow,
)
from outreach.services.visits.changes import Who
from outreach.services.visits.feeds import new_feed_token
from outreach.services.visits.links import issue_link
from tests.conftest import PASSWORD
from tests.services.visit_helpers import add_visit
from tests.web.visit_fixtures import next_month_weekdays

# POSTs that take a record away (or the session): asked last, so the others still find theirs.
TAKES_AWAY = ("delete", "discard", "remove", "cancel", "deactivate", "logout")


def routes(app) -> list[tuple[str, str]]:
    """Every (endpoint, method) of the app but static files: GETs first, then POSTs, those
    that take something away last."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.add((rule.endpoint, method))

    def order(route):
        endpoint, method = route
        return (method != "GET", any(word in endpoint for word in TAKES_AWAY), route)

    return sorted(found, key=order)


@pytest.fixture
def world(db_session, make_team, make_school, make_user, make_resident, app):
    team_a, team_b = make_team(), make_team()
    school_x, school_y = make_school(), make_school()
    users = {
        "admin": make_user(Role.ADMIN),
        "coordinator": make_user(Role.COORDINATOR),
        "officer_a": make_user(Role.OFFICER, team=team_a),
        "officer_b": make_user(Role.OFFICER, team=team_b),
        "liaison_x": make_user(Role.LIAISON, school=school_x),
        "liaison_y": make_user(Role.LIAISON, school=school_y),
    }
    day = next_month_weekdays()[3]
    visit_a = add_visit(db_session, school=school_x, team=team_a, on=day)
    add_visit(db_session, school=school_y, team=team_b, on=day)
    home = add_visit(db_session, resident=make_resident(), team=team_a, on=day)
    link = issue_link(
        db_session,
        visit_a,
        now=utcnow(),
        today=office_today(),
        who=Who("koordinator"),
        secret=app.secret_key,
    )
    school_x.calendar_token, team_a.calendar_token = new_feed_token(), new_feed_token()
    coordinator = users["coordinator"]
    closure = OfficeClosure(
        closed_on=date(day.year, 12, 30),
        name="HUT Kota",
        kind=ClosureKind.LOCAL,
        source=ClosureSource.USER,
    )
    snapshot = CoverageSnapshot(as_of=date(2026, 6, 30), wajib_ktp=1000, recorded=900)
    blackout = SchoolBlackout(school_id=school_x.id, first_on=day, last_on=day, reason="Ujian")
    run = PlanRun(kind=PlanKind.SCHOOL_MONTH, month=day.replace(day=1), trigger=PlanTrigger.COMMAND)
    uploads = {
        kind: ImportUpload(
            kind=kind, filename="x.csv", content=b"a,b\n", uploaded_by_id=coordinator.id
        )
        for kind in ("schools", "residents", "coverage")
    }
    db_session.add_all([closure, snapshot, blackout, run, *uploads.values()])
    db_session.commit()
    return {
        "users": users,
        "link": link,
        "args": {
            "visit_id": visit_a.id,
            "school_id": school_x.id,
            "team_id": team_a.id,
            "user_id": users["officer_a"].id,
            "resident_id": home.resident_id,
            "closure_id": closure.id,
            "snapshot_id": snapshot.id,
            "blackout_id": blackout.id,
            "run_id": run.id,
            "extension": "csv",
            "action": "deactivate",
            "filename": "css/bootstrap.min.css",
            "row_id": 1,  # an outcome kept from a phone (none: the list again)
        },
        "tokens": {
            "schools": uploads["schools"].token,
            "residents": uploads["residents"].token,
            "coverage": uploads["coverage"].token,
            "liaison": link,
            "feeds.school_feed": school_x.calendar_token,
            "feeds.team_feed": team_a.calendar_token,
        },
        "team_a": team_a.id,
    }


def address(app, world, endpoint: str) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {name: world["args"][name] for name in rule.arguments if name != "token"}
    if "token" in rule.arguments:
        tokens = world["tokens"]
        area = endpoint.split(".")[0]
        values["token"] = tokens.get(endpoint) or tokens.get(area) or tokens["liaison"]
    if endpoint.startswith("visits.day_sheet"):  # the sheet, its file and its uploads
        values["team"] = world["team_a"]
    with app.test_request_context():
        return url_for(endpoint, **values)


def every_page(app, client, world, visitor: str):
    """(endpoint, response) for every GET route, asked as ``visitor`` (logged in through the
    form, logged out after); the feeds and the liaison page with their tokens."""
    user = world["users"][visitor]
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    for endpoint, method in routes(app):
        if method == "GET":
            response = client.get(address(app, world, endpoint))
            yield endpoint, response
            response.close()
    client.post("/logout")

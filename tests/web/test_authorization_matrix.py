"""Who may open what: every route of the app, as each kind of visitor, against the expected
answer. The routes are read from ``app.url_map``: a new route without a line in EXPECTED fails
the first test, so none can be forgotten.

Visitors: nobody logged in; an admin; a coordinator; an officer of team A and one of team B; the
liaison of school X and the liaison of school Y; someone holding the liaison link of visit A
(anonymous otherwise). Team A visits school X (visit A) and a resident at home; team B visits
school Y (visit B). Each route is asked with visit A, school X, team A and so on.

Answers: OK (the page, or for a POST whatever the action answers to empty input: done, or the
form again with its errors — never 401/403/404/500), LOGIN (to the login page), 403, 404, HOME
(a logged-in user sent home from the login page), AWAY (sent back to the upload form: another
user's upload is not found for this one).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from outreach.backup import table_rows
from outreach.extensions import db
from outreach.models import (
    AuditEvent,
    ImportUpload,
)
from tests.conftest import PASSWORD, csrf_token, login_with_csrf
from tests.web.world import address, routes

OK, LOGIN, HOME, AWAY = "ok", "login", "home", "away"
LOGGED_IN = ("admin", "coordinator", "officer_a", "officer_b", "liaison_x", "liaison_y")
VISITORS = ("anonymous", *LOGGED_IN, "link")
ANONYMOUS = {"anonymous": LOGIN, "link": LOGIN}


def answers(admin, coordinator, officer_a, officer_b, liaison_x, liaison_y, anonymous=LOGIN):
    return {
        "admin": admin,
        "coordinator": coordinator,
        "officer_a": officer_a,
        "officer_b": officer_b,
        "liaison_x": liaison_x,
        "liaison_y": liaison_y,
        "anonymous": anonymous,
        "link": anonymous,
    }


EVERYONE = answers(OK, OK, OK, OK, OK, OK, anonymous=OK)
SIGNED_IN = answers(OK, OK, OK, OK, OK, OK)
ADMINS = answers(OK, 403, 403, 403, 403, 403)
COORDINATORS = answers(OK, OK, 403, 403, 403, 403)
# Another coordinator's upload is not found for the admin: back to the upload form.
UPLOADER = answers(AWAY, OK, 403, 403, 403, 403)
# Discarding ends on the upload form for both; only the uploader's discard removes anything
# (test_nobody_else_can_discard_or_import_an_upload).
DISCARDS = answers(AWAY, AWAY, 403, 403, 403, 403)
SEES_VISIT_A = answers(OK, OK, OK, 404, OK, 404)
MANAGES_VISIT_A = answers(OK, OK, 403, 404, 403, 404)
RECORDS_VISIT_A = answers(OK, OK, OK, 404, 404, 404)
ANSWERS_FOR_SCHOOL_X = answers(404, 404, 404, 404, OK, 404)
TEAM_A_DAY = answers(OK, OK, OK, 404, 404, 404)

EXPECTED: dict[tuple[str, str], dict[str, str | int]] = {
    ("main.home", "GET"): SIGNED_IN,
    ("main.healthz", "GET"): EVERYONE,
    ("main.kelurahan_options", "GET"): COORDINATORS,  # for the forms' kelurahan selects
    ("bootstrap.static", "GET"): EVERYONE,
    ("auth.login", "GET"): answers(HOME, HOME, HOME, HOME, HOME, HOME, anonymous=OK),
    ("auth.login", "POST"): answers(HOME, HOME, HOME, HOME, HOME, HOME, anonymous=OK),
    ("auth.logout", "GET"): SIGNED_IN,
    ("auth.logout", "POST"): answers(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),  # logged out
    ("auth.language", "POST"): answers(HOME, HOME, HOME, HOME, HOME, HOME, anonymous=HOME),
    ("auth.change_password", "GET"): SIGNED_IN,
    ("auth.change_password", "POST"): SIGNED_IN,
    ("admin.users", "GET"): ADMINS,
    ("admin.user_new", "GET"): ADMINS,
    ("admin.user_new", "POST"): ADMINS,
    ("admin.user_edit", "GET"): ADMINS,
    ("admin.user_edit", "POST"): ADMINS,
    ("admin.user_password", "POST"): ADMINS,
    ("admin.jobs", "GET"): ADMINS,
    ("admin.audit_log", "GET"): ADMINS,
    ("liaison.respond", "GET"): EVERYONE,  # the link is the key
    ("liaison.respond", "POST"): EVERYONE,
    ("feeds.school_feed", "GET"): EVERYONE,  # the secret address is the key
    ("feeds.team_feed", "GET"): EVERYONE,
    ("visits.detail", "GET"): SEES_VISIT_A,
    ("visits.confirm", "POST"): MANAGES_VISIT_A,
    ("visits.move", "POST"): MANAGES_VISIT_A,
    ("visits.cancel", "POST"): MANAGES_VISIT_A,
    ("visits.missed", "POST"): MANAGES_VISIT_A,
    ("visits.reassign", "POST"): MANAGES_VISIT_A,
    ("visits.new_link", "POST"): MANAGES_VISIT_A,
    ("visits.mail_link", "POST"): MANAGES_VISIT_A,
    ("visits.whatsapp_link", "POST"): MANAGES_VISIT_A,
    ("visits.follow_up", "POST"): MANAGES_VISIT_A,
    ("visits.outcome", "GET"): RECORDS_VISIT_A,
    ("visits.outcome", "POST"): RECORDS_VISIT_A,
    ("visits.respond", "POST"): ANSWERS_FOR_SCHOOL_X,
    ("visits.day_sheet", "GET"): TEAM_A_DAY,
    # The day sheet to fill in, and its upload: the team's own officers and the coordinators
    # (another user's upload, or none, sends them back to the upload form).
    ("visits.day_sheet_file", "GET"): TEAM_A_DAY,
    ("visits.day_sheet_upload", "GET"): TEAM_A_DAY,
    ("visits.day_sheet_upload", "POST"): TEAM_A_DAY,
    ("visits.day_sheet_preview", "GET"): TEAM_A_DAY,
    ("visits.day_sheet_preview", "POST"): TEAM_A_DAY,
    ("visits.day_sheet_discard", "POST"): TEAM_A_DAY,
    # Field work without a signal: the worker and its "no signal" page are public; the phone's
    # endpoints answer a script, so nobody logged in gets 401, never the login page.
    ("field.service_worker", "GET"): EVERYONE,
    ("field.offline", "GET"): EVERYONE,
    ("field.pages", "GET"): answers(OK, OK, OK, OK, OK, OK, anonymous=401),
    ("field.token", "GET"): answers(OK, OK, OK, OK, 403, 403, anonymous=401),
    ("field.receive", "POST"): answers(OK, OK, OK, OK, 403, 403, anonymous=401),
    ("field.kept_list", "GET"): COORDINATORS,
    ("field.resolve", "POST"): COORDINATORS,
    # Noting a usual school break from the plan's preview: as every plan page, coordinators'.
    ("plan.add_break", "POST"): COORDINATORS,
}
# Everything else belongs to the coordinators (and admins).
COORDINATOR_AREAS = (
    "closures.",
    "coverage.",
    "plan.",
    "reports.",
    "residents.",
    "schools.",
    "teams.",
    "visits.index",
    "visits.calendar",
    "visits.export",
    "visits.links",
)
UPLOADS = {"import_preview": UPLOADER, "import_discard": DISCARDS}


LOGOUT = ("auth.logout", "POST")


def expected_for(endpoint: str, method: str) -> dict | None:
    if (endpoint, method) in EXPECTED:
        return EXPECTED[(endpoint, method)]
    if endpoint.startswith(COORDINATOR_AREAS):
        return UPLOADS.get(endpoint.split(".")[1], COORDINATORS)
    return None


def test_every_route_has_an_expected_answer_for_every_visitor(app):
    missing = [route for route in routes(app) if expected_for(*route) is None]
    assert not missing, f"routes without a line in the authorization matrix: {missing}"
    for endpoint, method in routes(app):
        assert set(expected_for(endpoint, method)) == set(VISITORS), (endpoint, method)


def answer_of(response) -> str | int:
    """What a response amounts to, in the matrix's words."""
    status = response.status_code
    if status in (301, 302, 303):
        target = urlsplit(response.headers["Location"]).path
        if target == "/login":
            return LOGIN
        if target.endswith("/import"):
            return AWAY
        return HOME if target == "/" else OK
    if status in (200, 400, 409, 422):
        return OK
    return status


@pytest.mark.parametrize("visitor", VISITORS)
def test_each_visitor_gets_the_expected_answer_from_every_route(app, client, world, visitor):
    if visitor in LOGGED_IN:
        user = world["users"][visitor]
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302
    session_cookie = client.get_cookie("session")
    wrong = []
    # Logging out ends the session on the server, the cookie with it: that route comes last.
    for endpoint, method in sorted(routes(app), key=lambda route: route == LOGOUT):
        url = address(app, world, endpoint)
        if session_cookie is not None:  # each request as the visitor, whatever the last did
            client.set_cookie("session", session_cookie.value)
        response = client.open(url, method=method, data={})
        got, wanted = answer_of(response), expected_for(endpoint, method)[visitor]
        if got != wanted:
            wrong.append(f"{method} {url}: {got} (expected {wanted})")
        wrong += [f"{method} {url}: {problem}" for problem in header_problems(response)]
        response.close()
    assert not wrong, "\n".join(wrong)


def header_problems(response) -> list[str]:
    """Every answer — pages, redirects, refusals, files — carries the security headers."""
    headers, problems = response.headers, []
    csp = headers.get("Content-Security-Policy", "")
    if "default-src 'self'" not in csp or "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"Content-Security-Policy {csp!r}")
    if "frame-ancestors 'none'" not in csp:
        problems.append("framing allowed")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if headers.get("Referrer-Policy") not in ("same-origin", "no-referrer"):
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')!r}")
    return problems


def test_nobody_else_can_discard_or_import_an_upload(client, world, db_session):
    admin = world["users"]["admin"]
    client.post("/login", data={"username": admin.username, "password": PASSWORD})
    for area in ("schools", "residents", "coverage"):
        token = world["tokens"][area]
        assert client.post(f"/{area}/import/{token}").status_code == 302
        assert client.post(f"/{area}/import/{token}/discard").status_code == 302
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(ImportUpload)) == 3


def test_refusals_are_audited_with_who_and_what(app, client, world, db_session):
    officer = world["users"]["officer_b"]
    client.post("/login", data={"username": officer.username, "password": PASSWORD})
    visit_id = world["args"]["visit_id"]
    assert client.get("/schools").status_code == 403
    assert client.get(f"/visits/{visit_id}").status_code == 404
    db_session.expire_all()
    events = list(
        db_session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.forbidden").order_by(AuditEvent.id)
        )
    )
    assert [(e.user_id, e.changes["status"], e.changes["path"]) for e in events] == [
        (officer.id, 403, "/schools"),
        (officer.id, 404, f"/visits/{visit_id}"),
    ]
    assert all(e.remote_addr and e.changes["method"] == "GET" for e in events)
    client.post("/logout")
    client.get("/reports")  # anonymous: to the login page, nothing refused
    assert db_session.scalar(select(func.count()).where(AuditEvent.action == "auth.forbidden")) == 2


class TestWithCsrf:
    """With CSRF protection on (as in production), no state-changing route acts on a POST
    without the form's token, whoever sends it."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    @pytest.mark.parametrize("visitor", ["admin", "liaison_x", "anonymous"])
    def test_every_post_without_its_token_is_refused_and_changes_nothing(
        self, app, client, world, visitor
    ):
        if visitor != "anonymous":
            login_with_csrf(client, world["users"][visitor])
        before = table_rows(db.engine)
        posts = [(endpoint, method) for endpoint, method in routes(app) if method == "POST"]
        assert len(posts) > 40
        wrong = []
        for endpoint, _method in posts:
            url = address(app, world, endpoint)
            response = client.post(url, data={"username": "x", "password": "y", "reason": "z"})
            page = response.get_data(as_text=True)
            if response.status_code != 400 or "Formulir mungkin sudah kedaluwarsa" not in page:
                wrong.append(f"POST {url}: {response.status_code}")
            response.close()
        assert not wrong, "\n".join(wrong)
        db.session.remove()
        assert table_rows(db.engine) == before

    def test_the_same_post_with_its_token_goes_through(self, client, world):
        login_with_csrf(client, world["users"]["coordinator"])
        page = client.get("/").get_data(as_text=True)
        response = client.post(
            "/language", data={"locale": "en", "next": "/", "csrf_token": csrf_token(page)}
        )
        assert response.status_code == 302
        assert '<html lang="en">' in client.get("/").get_data(as_text=True)

"""Each role's home page and navigation, the health check and the error pages."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from outreach.i18n import clock, long_date, number, office_time, office_today
from outreach.models import AuditEvent, Role, User, Visit, VisitKind, VisitOrigin, VisitStatus
from outreach.web.navigation import NAV_ENTRIES


def nav_links(page: str) -> list[str]:
    """The pages the main navigation links to, menus included, in order."""
    nav = page.split('data-testid="main-nav"', 1)[1].split('data-testid="user-menu"', 1)[0]
    return re.findall(r'class="(?:nav-link|dropdown-item)[^"]*" href="(/[^"]*)"', nav)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.ADMIN,
            [
                "/",
                "/visits/calendar",
                "/visits",
                "/plan",
                "/schools",
                "/residents",
                "/coverage",
                "/reports",
                "/teams",
                "/closures",
                "/admin/users",
                "/admin/jobs",
                "/admin/audit",
            ],
        ),
        (
            Role.COORDINATOR,
            [
                "/",
                "/visits/calendar",
                "/visits",
                "/plan",
                "/schools",
                "/residents",
                "/coverage",
                "/reports",
                "/teams",
                "/closures",
            ],
        ),
        (Role.OFFICER, ["/"]),
        (Role.LIAISON, ["/"]),
    ],
)
def test_each_role_sees_only_its_navigation(client, make_user, login, role, expected):
    login(make_user(role))
    page = client.get("/").get_data(as_text=True)
    assert nav_links(page) == expected


def test_nav_entries_point_only_at_areas_a_role_may_open(client, app, make_user, login):
    """Every entry shown to a role must open for that role (no 403 behind a visible link)."""
    for role in Role:
        client.post("/logout")
        login(make_user(role))
        for href in nav_links(client.get("/").get_data(as_text=True)):
            assert client.get(href).status_code == 200, (role, href)
    assert {entry.endpoint.split(".")[0] for entry in NAV_ENTRIES} >= {"main", "admin"}


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.OFFICER, Role.LIAISON])
def test_only_admins_reach_the_user_pages_and_refusals_are_audited(
    client, db_session, make_user, login, role
):
    user = make_user(role)
    login(user)
    urls = ("/admin/users", "/admin/users/new", "/admin/users/1")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Akun Anda tidak memiliki akses ke halaman ini." in response.get_data(as_text=True)
    response = client.post("/admin/users/new", data={"username": "penyusup", "role": "admin"})
    assert response.status_code == 403
    db_session.rollback()
    refusals = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.forbidden").order_by(AuditEvent.id)
    ).all()
    assert [event.changes["path"] for event in refusals] == [*urls, "/admin/users/new"]
    assert {event.user_id for event in refusals} == {user.id}
    assert db_session.scalar(select(User).where(User.username == "penyusup")) is None


def test_the_office_home_counts_and_lists_coming_closures(client, make_user, login, runner):
    runner.invoke(args=["outreach", "init"])
    login(make_user(Role.COORDINATOR))
    page = client.get("/").get_data(as_text=True)
    assert "0 sekolah aktif" in page and "Kunjungan bulan ini menurut status" in page
    assert "Hari libur kantor dalam 60 hari ke depan" in page


def test_an_officer_sees_the_teams_stops_of_today(
    client, db_session, make_user, make_school, login
):
    officer = make_user(Role.OFFICER)
    school = make_school(name="SMA Negeri 5 Kota Bengkulu", address="Jl. Cimanuk")
    today = office_today()
    db_session.add(
        Visit(
            kind=VisitKind.SCHOOL,
            school=school,
            team=officer.team,
            visit_on=today,
            origin=VisitOrigin.MANUAL,
            status=VisitStatus.CONFIRMED,
        )
    )
    db_session.commit()
    login(officer)
    page = client.get("/").get_data(as_text=True)
    assert "Kunjungan hari ini" in page
    assert "SMA Negeri 5 Kota Bengkulu" in page and "Jl. Cimanuk" in page


def test_an_officer_without_a_team_is_told_what_to_do(client, make_user, login):
    login(make_user(Role.OFFICER, team=None))
    assert "belum tergabung dalam tim" in client.get("/").get_data(as_text=True)


def test_a_liaison_sees_their_school_and_its_coming_visits(
    client, db_session, make_user, make_team, login
):
    liaison = make_user(Role.LIAISON)
    day = office_today() + timedelta(days=3)
    db_session.add(
        Visit(
            kind=VisitKind.SCHOOL,
            school=liaison.school,
            team=make_team(),
            visit_on=day,
            origin=VisitOrigin.MANUAL,
        )
    )
    db_session.commit()
    login(liaison)
    page = client.get("/").get_data(as_text=True)
    assert liaison.school.name in page
    assert long_date(day, locale="id") in page and "Diusulkan" in page


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_down(tmp_path):
    from outreach import create_app
    from tests.conftest import base_config

    broken = create_app(base_config(f"sqlite:///{tmp_path}/missing/dir/db.sqlite"))
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}


def test_pages_answer_a_friendly_503_when_the_database_is_down(tmp_path):
    from outreach import create_app
    from tests.conftest import base_config

    broken = create_app(base_config(f"sqlite:///{tmp_path}/missing/dir/db.sqlite"))
    response = broken.test_client().get("/login")
    assert response.status_code == 200  # the login form needs no database
    response = broken.test_client().post("/login", data={"username": "a", "password": "b"})
    assert response.status_code == 503
    assert "Basis data sedang tidak dapat dihubungi" in response.get_data(as_text=True)


def test_unknown_pages_get_the_friendly_404(client, make_user, login):
    login(make_user())
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("day", "locale", "expected"),
    [
        (date(2026, 8, 3), "id", "Senin, 3 Agustus 2026"),
        (date(2026, 12, 25), "id", "Jumat, 25 Desember 2026"),
        (date(2026, 8, 3), "en", "Monday, 3 August 2026"),
    ],
)
def test_dates_are_written_the_indonesian_way(app, day, locale, expected):
    assert long_date(day, locale=locale) == expected


def test_times_are_shown_in_wib(app):
    instant = datetime(2026, 8, 3, 1, 30, tzinfo=UTC)
    assert office_time(instant, locale="id") == "08.30 WIB"
    assert office_time(instant, locale="en") == "08:30 WIB"


def test_a_time_of_day_reads_without_seconds_and_with_its_zone(app):
    from outreach.labels import visit_change

    assert clock(time(8, 30), locale="id") == "08.30 WIB"
    assert clock(time(13, 5, 59), locale="en") == "13:05 WIB"
    assert clock("08:30:00", locale="id") == "08.30 WIB"
    assert clock(None) == ""
    with app.test_request_context():
        assert visit_change("start_time", "08:30:00") == "08.30 WIB"


def test_numbers_are_grouped_the_indonesian_way(app):
    assert number(279871, locale="id") == "279.871"
    assert number(279871, locale="en") == "279,871"


def test_every_response_carries_the_security_headers(client, make_user, login):
    for response in (client.get("/login"), client.get("/healthz")):
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
    login(make_user())
    assert client.get("/").headers["Cache-Control"] == "no-store"

"""Teams, office closures, the plan pages and the jobs page, through the test client."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from outreach.i18n import office_today
from outreach.models import (
    AuditEvent,
    ClosureKind,
    ClosureSource,
    JobRun,
    OfficeClosure,
    PlanRun,
    PlanTrigger,
    Role,
    Team,
    User,
    Visit,
    utcnow,
)
from outreach.scheduling.calendar import next_month
from outreach.services.reference import load_closures
from tests.conftest import csrf_token, field_errors, login_with_csrf


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def coordinator(make_user, login):
    user = make_user(Role.COORDINATOR, name="Yulia Safitri")
    login(user)
    return user


PAGES = [
    "/teams",
    "/teams/new",
    "/teams/{team}",
    "/teams/{team}/edit",
    "/closures",
    "/closures?year=2027",
    "/plan",
    "/plan/home",
]
POSTS = [
    "/teams/new",
    "/teams/{team}/edit",
    "/teams/{team}/members",
    "/closures",
    "/closures/reload",
    "/plan",
    "/plan/home",
]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LIAISON])
def test_officers_and_liaisons_are_refused_every_planning_page(client, make_user, login, role):
    user = make_user(role)
    login(user)
    team = user.team or Team(id=0)
    for url in PAGES:
        assert client.get(url.format(team=team.id)).status_code == 403, url
    for url in POSTS:
        assert client.post(url.format(team=team.id), data={}).status_code == 403, url
    assert client.get("/admin/jobs").status_code == 403


def test_anonymous_users_go_to_the_login_page(client):
    for url in ("/teams", "/closures", "/plan", "/plan/home", "/admin/jobs"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url


def test_coordinators_open_every_page_and_admins_the_jobs_page(
    client, coordinator, make_team, make_user, login
):
    team = make_team()
    for url in PAGES:
        assert client.get(url.format(team=team.id)).status_code == 200, url
    assert client.get("/admin/jobs").status_code == 403
    client.post("/logout")
    login(make_user(Role.ADMIN))
    assert client.get("/admin/jobs").status_code == 200


# --- teams -----------------------------------------------------------------------------------

TEAM = {
    "name": "Tim Perekaman 3",
    "school_visits_per_day": "3",
    "home_visits_per_day": "5",
    "kecamatan": ["17.71.01", "17.71.02"],
    "start": "-3.7928, 102.2655",
    "is_active": "y",
}


def test_a_coordinator_creates_and_edits_a_team(client, coordinator, db_session):
    response = client.post("/teams/new", data=TEAM)
    assert response.status_code == 302
    team = db_session.scalar(select(Team).where(Team.name == "Tim Perekaman 3"))
    assert (team.school_visits_per_day, team.home_visits_per_day) == (3, 5)
    assert [k.code for k in team.kecamatan] == ["17.71.01", "17.71.02"]
    assert (team.start_lat, team.start_lng) == (-3.7928, 102.2655)
    page = text(client.get(f"/teams/{team.id}"))
    assert "Tim Perekaman 3" in page and "Kelurahan Kebun Dahri" in page

    edited = {**TEAM, "kecamatan": ["17.71.09"], "school_visits_per_day": "1"}
    del edited["is_active"]
    edited["version"] = str(team.version)  # as the form showed it
    assert client.post(f"/teams/{team.id}/edit", data=edited).status_code == 302
    db_session.expire_all()
    assert [k.code for k in team.kecamatan] == ["17.71.09"] and team.is_active is False
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "team.update")).one()
    assert set(event.changes) == {"school_visits_per_day", "kecamatan", "is_active"}


def test_a_teams_starting_point_reads_as_a_place_with_a_map_not_as_coordinates(
    client, coordinator, db_session, make_team
):
    office = make_team(name="Tim Kantor", start_lat=-3.7928, start_lng=102.2655)
    far = make_team(name="Tim Laut", start_lat=-4.5, start_lng=101.5)  # in the sea, far off
    page = text(client.get(f"/teams/{office.id}"))
    start = page.split('data-testid="team-start">')[1].split("</dd>")[0]
    shown = " ".join(re.sub(r"<[^>]+>", " ", start).split())
    assert shown == "Sekitar Kelurahan Kebun Dahri, Kecamatan Ratu Samban Peta"
    assert "-3.7928" not in shown and "102.2655" not in shown
    map_link = re.search(r'<a [^>]*data-testid="map-link"[^>]*>', start).group(0)
    assert "query=-3.7928%2C102.2655" in map_link and 'target="_blank"' in map_link
    page = text(client.get(f"/teams/{far.id}"))
    start = page.split('data-testid="team-start">')[1].split("</dd>")[0]
    assert "Jauh dari kelurahan mana pun" in start and 'data-testid="map-link"' in start
    assert "-4.5" not in re.sub(r"<[^>]+>", " ", start)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("school_visits_per_day", "dua"),
        ("home_visits_per_day", "99"),
        ("start", "102.2655, -3.7928"),
        ("kecamatan", "99.99.99"),
    ],
)
def test_bad_team_values_get_a_message_and_nothing_is_saved(
    client, coordinator, db_session, field, value
):
    response = client.post("/teams/new", data={**TEAM, field: value})
    assert response.status_code == 422
    assert field_errors(text(response))
    assert db_session.scalar(select(func.count()).select_from(Team)) == 0


def test_a_second_team_of_the_same_name_is_refused(client, coordinator, make_team):
    make_team(name="Tim Perekaman 3")
    response = client.post("/teams/new", data=TEAM)
    assert response.status_code == 422
    assert any("Tim Perekaman 3" in message for message in field_errors(text(response)))


def test_adding_an_officer_moves_them_into_the_team(
    client, coordinator, db_session, make_team, make_user
):
    first, second = make_team(), make_team()
    officer = make_user(Role.OFFICER, team=first, name="Andi Saputra")
    page = text(client.get(f"/teams/{second.id}"))
    assert "Andi Saputra" in page
    response = client.post(f"/teams/{second.id}/members", data={"officer": str(officer.id)})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(User, officer.id).team_id == second.id
    coordinator_id = str(coordinator.id)
    refused = client.post(f"/teams/{second.id}/members", data={"officer": coordinator_id})
    assert refused.status_code == 422


def test_the_teams_list_warns_of_kecamatan_no_team_covers(client, coordinator, make_team):
    make_team(kecamatan_codes=("17.71.01",))
    page = text(client.get("/teams"))
    assert 'data-testid="uncovered"' in page and "Selebar" in page


# --- closures --------------------------------------------------------------------------------


def test_the_year_lists_holidays_cuti_bersama_and_local_closures(client, coordinator, db_session):
    load_closures(db_session, [2026])
    db_session.commit()
    page = text(client.get("/closures?year=2026"))
    assert "Hari Raya Natal" in page
    assert "closure-cuti_bersama" in page and "closure-libur_nasional" in page


def test_the_year_links_stop_at_the_years_the_page_shows(client, coordinator):
    """Each link the page offers opens (the first and last year have no link past them)."""
    for year, previous, following in ((2000, False, True), (2026, True, True), (2100, True, False)):
        page = client.get(f"/closures?year={year}").get_data(as_text=True)
        assert ('data-testid="previous-year"' in page) is previous, year
        assert ('data-testid="next-year"' in page) is following, year
        for link in re.findall(r'href="(/closures\?year=\d+)"', page):
            assert client.get(link).status_code == 200, link


def test_a_coordinator_adds_edits_and_removes_a_local_closure(client, coordinator, db_session):
    response = client.post(
        "/closures",
        data={"first_on": "2026-12-14", "last_on": "2026-12-15", "name": "Rapat kerja dinas"},
    )
    assert response.status_code == 302 and "year=2026" in response.location
    closures = db_session.scalars(select(OfficeClosure).order_by(OfficeClosure.closed_on)).all()
    assert [(c.closed_on, c.kind, c.source) for c in closures] == [
        (date(2026, 12, 14), ClosureKind.LOCAL, ClosureSource.USER),
        (date(2026, 12, 15), ClosureKind.LOCAL, ClosureSource.USER),
    ]
    edit = client.post(
        f"/closures/{closures[1].id}/edit",
        data={"closed_on": "2026-12-16", "name": "Rapat kerja dinas"},
    )
    assert edit.status_code == 302
    assert client.post(f"/closures/{closures[0].id}/delete").status_code == 302
    db_session.expire_all()
    left = db_session.scalars(select(OfficeClosure.closed_on)).all()
    assert left == [date(2026, 12, 16)]
    actions = db_session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.startswith("closure."))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["closure.create", "closure.create", "closure.update", "closure.delete"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"first_on": "", "name": "Rapat"}, "first_on"),
        ({"first_on": "2026-12-14", "last_on": "2026-12-01", "name": "Rapat"}, "last_on"),
        ({"first_on": "2026-12-14", "last_on": "2027-03-01", "name": "Rapat"}, "last_on"),
        ({"first_on": "2026-12-14", "name": " "}, "name"),
        ({"first_on": "14/14/2026", "name": "Rapat"}, "first_on"),
    ],
)
def test_bad_closures_get_a_message_and_nothing_is_saved(
    client, coordinator, db_session, data, field
):
    response = client.post("/closures", data=data)
    assert response.status_code == 422
    assert field_errors(text(response))
    assert db_session.scalar(select(func.count()).select_from(OfficeClosure)) == 0


def test_national_closures_change_only_by_reloading_the_year(client, coordinator, db_session):
    load_closures(db_session, [2026])
    christmas = db_session.scalar(
        select(OfficeClosure).where(OfficeClosure.name == "Hari Raya Natal")
    )
    assert client.get(f"/closures/{christmas.id}/edit").status_code == 404
    assert client.post(f"/closures/{christmas.id}/delete").status_code == 404
    # Someone removed Christmas by hand; a local closure exists too. Reloading restores the
    # decree and keeps the local closure.
    db_session.delete(christmas)
    db_session.add(
        OfficeClosure(
            closed_on=date(2026, 12, 2),
            name="HUT Kota",
            kind=ClosureKind.LOCAL,
            source=ClosureSource.USER,
        )
    )
    db_session.commit()
    assert client.post("/closures/reload", data={"year": "2026"}).status_code == 302
    names = set(db_session.scalars(select(OfficeClosure.name)))
    assert {"Hari Raya Natal", "HUT Kota"} <= names
    assert client.post("/closures/reload", data={"year": "tahun"}).status_code == 400


# --- the plan pages ---------------------------------------------------------------------------


@pytest.fixture
def planned_city(db_session, make_team, make_school):
    today = office_today()
    load_closures(db_session, [today.year, today.year + 1])
    team = make_team(kecamatan_codes=("17.71.01",))
    schools = [make_school() for _ in range(3)]
    nothing_left = make_school(students_pending=0, name="SMA Tuntas")
    db_session.commit()
    return team, schools, nothing_left


def test_the_plan_page_previews_next_month_and_creates_it_once(
    client, coordinator, db_session, planned_city
):
    month = next_month(office_today()).strftime("%Y-%m")
    page = text(client.get("/plan"))
    assert f'selected value="{month}"' in page
    assert "SMA Tuntas" in page  # skipped, with its reason
    assert (
        'data-testid="create-plan"' in page
        and "disabled" not in page.split('data-testid="create-plan"')[1].split(">")[0]
    )
    assert db_session.scalar(select(func.count()).select_from(Visit)) == 0

    response = client.post("/plan", data={"month": month})
    assert response.status_code == 302 and "/plan/runs/" in response.location
    assert db_session.scalar(select(func.count()).select_from(Visit)) == 3
    report = text(client.get(response.location))
    assert "SMA Tuntas" in report

    again = client.post("/plan", data={"month": month})
    assert again.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(Visit)) == 3
    runs = db_session.scalars(select(PlanRun.created_count).order_by(PlanRun.id)).all()
    assert runs == [3, 0]
    history = text(client.get(f"/plan?month={month}"))
    assert history.count("/plan/runs/") == 2
    # The month's plan stays on the page, day by day, with nothing left to create.
    days = history.split('data-testid="plan-days"')[1].split("</ol>")[0]
    assert days.count("SMA Negeri Uji") == 3
    assert 'data-testid="nothing-to-plan"' in history and 'data-testid="create-plan"' not in history


def test_a_month_outside_the_list_is_not_planned(client, coordinator, db_session, planned_city):
    assert client.post("/plan", data={"month": "1999-01"}).status_code == 400
    page = client.get("/plan?month=bulan-depan")
    assert page.status_code == 200 and "alert-warning" in text(page)
    assert db_session.scalar(select(func.count()).select_from(Visit)) == 0


def test_the_month_list_starts_at_this_month_and_a_past_month_is_not_planned(
    client, coordinator, db_session, planned_city
):
    this_month = office_today().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    page = text(client.get("/plan"))
    month_select = page.split('name="month"')[1].split("</select>")[0]
    offered = re.findall(r'value="(\d{4}-\d{2})"', month_select)
    assert offered[0] == this_month.strftime("%Y-%m") and len(offered) == 13
    assert last_month.strftime("%Y-%m") not in offered
    assert client.post("/plan", data={"month": last_month.strftime("%Y-%m")}).status_code == 400
    asked = text(client.get(f"/plan?month={last_month:%Y-%m}"))
    assert "bulan ini atau salah satu dari dua belas bulan sesudahnya" in asked
    assert db_session.scalar(select(func.count()).select_from(Visit)) == 0
    # An empty month's report and visit list offer its plan only when it can still be made.
    for page_url in ("/reports", "/visits"):
        for month, offered in ((last_month, False), (this_month, True)):
            shown = text(client.get(f"{page_url}?month={month:%Y-%m}"))
            assert (f"/plan?month={month:%Y-%m}" in shown) is offered, (page_url, month)


def test_the_home_plan_page_previews_routes_and_creates_the_visits(
    client, coordinator, db_session, make_team, make_resident
):
    today = office_today()
    load_closures(db_session, [today.year, today.year + 1])
    make_team(kecamatan_codes=("17.71.01",), home_visits_per_day=2)
    for n in range(3):
        make_resident(name=f"Nenek Uji {n}", birth_on=date(1935 + n, 1, 1))
    start = (today + timedelta(days=1)).isoformat()
    page = text(client.get(f"/plan/home?start={start}&days=14"))
    assert "Nenek Uji 0" in page and 'data-testid="home-days"' in page
    response = client.post("/plan/home", data={"start": start, "days": "14"})
    assert response.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(Visit)) == 3
    # Planned: the period still shows its routes, with nothing left to create.
    page = text(client.get(f"/plan/home?start={start}&days=14"))
    assert "Nenek Uji 2" in page and 'data-testid="nothing-to-plan"' in page
    assert client.post("/plan/home", data={"start": start, "days": "999"}).status_code == 400


def test_the_jobs_page_shows_each_job_and_its_last_result(
    app, client, make_user, login, db_session
):
    db_session.add(
        JobRun(
            job_id="plan_next_month",
            started_at=utcnow(),
            finished_at=utcnow(),
            succeeded=False,
            summary="OperationalError: database is locked",
        )
    )
    db_session.commit()
    login(make_user(Role.ADMIN))
    page = text(client.get("/admin/jobs"))
    from outreach.labels import JOB_LABELS

    with app.test_request_context():
        for job_id in ("plan_next_month", "sweep_unconfirmed", "sweep_outcomes", "catch_up"):
            assert str(JOB_LABELS[job_id]) in page
            assert job_id not in page  # each job by what it does, never by its code name
    assert "database is locked" in page


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_every_planning_form_needs_its_token(
        self, client, make_user, make_team, make_school, db_session
    ):
        user, team = make_user(Role.COORDINATOR), make_team()
        make_school()
        login_with_csrf(client, user)
        month = next_month(office_today()).strftime("%Y-%m")
        for url in POSTS:
            data = {"month": month, "name": "X", "year": "2026", "first_on": "2026-12-01"}
            assert client.post(url.format(team=team.id), data=data).status_code in (400, 422), url
        db_session.rollback()
        assert db_session.scalar(select(func.count()).select_from(PlanRun)) == 0
        assert db_session.scalar(select(func.count()).select_from(OfficeClosure)) == 0
        load_closures(db_session, [office_today().year, office_today().year + 1])
        db_session.commit()
        page = text(client.get("/plan"))
        token = csrf_token(page.split('method="post" action="/plan"')[1])
        response = client.post("/plan", data={"month": month, "csrf_token": token})
        assert response.status_code == 302


def test_the_coordinators_home_shows_unconfirmed_and_overdue_visits(
    client, coordinator, db_session, make_school, make_team
):
    from outreach.models import VisitKind, VisitOrigin, VisitStatus

    today = office_today()
    team, school = make_team(), make_school(name="SMA Negeri Uji Pantai")
    for day in (today + timedelta(days=2), today - timedelta(days=3)):
        db_session.add(
            Visit(
                kind=VisitKind.SCHOOL,
                school_id=school.id,
                team_id=team.id,
                visit_on=day,
                origin=VisitOrigin.MANUAL,
                status=VisitStatus.PROPOSED,
            )
        )
    db_session.commit()
    page = text(client.get("/"))
    assert "SMA Negeri Uji Pantai" in page and "Belum dikonfirmasi" in page
    assert "1 kunjungan yang sudah lewat belum dicatat hasilnya." in page


def test_closing_a_day_or_blacking_out_a_school_warns_of_visits_already_planned(
    client, coordinator, db_session, make_school, make_team
):
    from outreach.models import VisitKind, VisitOrigin, VisitStatus

    team, school = make_team(), make_school()
    db_session.add(
        Visit(
            kind=VisitKind.SCHOOL,
            school_id=school.id,
            team_id=team.id,
            visit_on=date(2026, 12, 10),
            origin=VisitOrigin.MANUAL,
            status=VisitStatus.CONFIRMED,
        )
    )
    db_session.commit()
    quiet = client.post(
        "/closures", data={"first_on": "2026-12-11", "name": "Rapat"}, follow_redirects=True
    )
    assert "kunjungan terjadwal" not in text(quiet)
    closed = client.post(
        "/closures", data={"first_on": "2026-12-10", "name": "Rapat"}, follow_redirects=True
    )
    assert "1 kunjungan terjadwal jatuh pada hari tutup" in text(closed)
    blacked_out = client.post(
        f"/schools/{school.id}/blackouts",
        data={"first_on": "2026-12-07", "last_on": "2026-12-11", "reason": "Ujian"},
        follow_redirects=True,
    )
    assert "1 kunjungan terjadwal jatuh dalam periode ini" in text(blacked_out)


def test_closing_a_scheduled_request_says_its_visit_was_cancelled(
    client, coordinator, db_session, make_team, make_resident
):
    from outreach.services.planning.homes import plan_home
    from outreach.services.planning.inputs import PlanSettings

    today = office_today()
    load_closures(db_session, [today.year, today.year + 1])
    make_team(kecamatan_codes=("17.71.01",))
    siti = make_resident(name="Siti Aminah")
    plan_home(
        db_session,
        start=today,
        days=14,
        now=utcnow(),
        today=today,
        settings=PlanSettings(),
        trigger=PlanTrigger.USER,
        actor="test",
    )
    db_session.commit()
    response = client.post(
        f"/residents/{siti.id}/status",
        data={"status": "moved", "reason": "Pindah ke Kota Palembang", "version": siti.version},
        follow_redirects=True,
    )
    assert "1 kunjungan rumah yang terjadwal dibatalkan: beri tahu tim." in text(response)


def test_closing_days_already_closed_for_the_same_reason_is_refused(
    client, coordinator, db_session
):
    data = {"first_on": "2026-12-14", "last_on": "2026-12-15", "name": "Rapat kerja"}
    assert client.post("/closures", data=data).status_code == 302
    again = client.post("/closures", data=data)
    assert again.status_code == 422
    assert "Hari-hari ini sudah ditutup dengan alasan yang sama." in field_errors(text(again))
    wider = client.post("/closures", data={**data, "last_on": "2026-12-16"})
    assert wider.status_code == 302  # only the new day is added
    assert db_session.scalar(select(func.count()).select_from(OfficeClosure)) == 3


def test_a_home_plan_cannot_start_on_a_day_gone_by_or_far_ahead(
    client, db_session, make_user, login, runner
):
    """The first day of a home-visit plan: from today on, within a year — on the page, when
    it is sent, and from the command line."""
    login(make_user(Role.COORDINATOR))
    today = office_today()
    for start, said in (
        (date(1, 1, 1), "dari tahun 2000 sampai 2100"),  # no date field takes it
        (today - timedelta(days=1), "Hari pertama sudah lewat"),
        (today + timedelta(days=400), "dalam setahun"),
    ):
        page = client.get(f"/plan/home?start={start.isoformat()}&days=14", follow_redirects=True)
        assert page.status_code == 200 and said in page.get_data(as_text=True), start
        sent = client.post(
            "/plan/home", data={"start": start.isoformat(), "days": "14"}, follow_redirects=True
        )
        assert said in sent.get_data(as_text=True), start
    command = ["outreach", "plan-home-visits", "--start", "2020-01-01", "--days", "7"]
    for extra in ([], ["--dry-run"]):
        result = runner.invoke(args=command + extra)
        assert result.exit_code == 1 and "Hari pertama sudah lewat" in result.output
    assert db_session.scalar(select(func.count()).select_from(PlanRun)) == 0

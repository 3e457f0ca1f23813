"""The phone's outcome queue and the server: each outcome taken once by the id the phone made,
the form's own rules, an ended session answered 401 (never the login page's redirect), and a
visit changed meanwhile kept for the coordinator instead of dropped."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from outreach.i18n import long_date, office_today
from outreach.models import (
    AuditEvent,
    HomeOutcome,
    ResidentStatus,
    Role,
    SentOutcome,
    SentProblem,
    SentState,
    SessionEnd,
    UserSession,
    Visit,
    VisitStatus,
    utcnow,
)
from outreach.services.visits.changes import Who
from outreach.services.visits.lifecycle import cancel_visit
from outreach.services.visits.moves import reassign_visit
from outreach.services.visits.outcomes import SchoolOutcome, record_school_outcome
from outreach.web.visits.common import plan_settings
from tests.conftest import login_with_csrf
from tests.services.visit_helpers import add_visit


@pytest.fixture
def team(make_team):
    return make_team(name="Tim Utara", school_visits_per_day=2, home_visits_per_day=4)


@pytest.fixture
def officer(make_user, team, login):
    user = make_user(Role.OFFICER, username="andi", name="Andi Saputra", team=team)
    login(user)
    return user


@pytest.fixture
def school_visit(db_session, make_school, team):
    school = make_school(name="SMA Negeri 2 Kota Bengkulu", students_pending=120)
    return add_visit(
        db_session, school=school, team=team, on=office_today(), status=VisitStatus.CONFIRMED
    )


@pytest.fixture
def home_visit(db_session, make_resident, team):
    resident = make_resident(name="Nenek Sulastri")
    return add_visit(db_session, resident=resident, team=team, on=office_today())


def send(client, visit, fields, client_id=None, **extra):
    body = {
        "id": client_id or str(uuid.uuid4()),
        "visit": visit.id,
        "fields": fields,
        "made_at": utcnow().isoformat(),
        **extra,
    }
    return client.post("/field/outcomes", json=body)


def sent_rows(db_session):
    db_session.expire_all()
    return list(db_session.scalars(select(SentOutcome)))


def test_the_same_outcome_sent_twice_is_recorded_once(client, db_session, officer, school_visit):
    client_id = str(uuid.uuid4())
    fields = {"recorded": "30", "not_recorded": "2", "reason": "sakit"}
    first = send(client, school_visit, fields, client_id)
    again = send(client, school_visit, fields, client_id)

    assert first.status_code == 201 and first.get_json()["state"] == "recorded"
    assert again.status_code == 200 and again.get_json()["state"] == "recorded"
    assert "SMA Negeri 2" in again.get_json()["message"]
    db_session.expire_all()
    visit = db_session.get(Visit, school_visit.id)
    assert visit.status is VisitStatus.COMPLETED and visit.students_recorded == 30
    assert visit.completed_by_id == officer.id
    assert visit.school.students_pending == 90  # 120 less the 30 recorded, once
    (row,) = sent_rows(db_session)
    assert (row.client_id, row.state, row.values) == (client_id, SentState.RECORDED, None)
    outcomes = db_session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "visit.outcome", AuditEvent.entity_id == str(visit.id))
    )
    assert outcomes == 1


def test_a_home_outcome_moves_the_request_as_the_form_does(client, db_session, officer, home_visit):
    answer = send(client, home_visit, {"outcome": "not_at_home", "notes": "pintu terkunci"})

    assert answer.status_code == 201
    assert "kembali masuk antrean" in answer.get_json()["message"]
    db_session.expire_all()
    visit = db_session.get(Visit, home_visit.id)
    assert visit.home_outcome is HomeOutcome.NOT_AT_HOME
    assert visit.resident.status is ResidentStatus.WAITING


def test_the_forms_rules_refuse_an_outcome_on_its_field_and_nothing_is_written(
    client, db_session, officer, school_visit, home_visit
):
    no_reason = send(client, school_visit, {"recorded": "10", "not_recorded": "3"})
    unknown = send(client, home_visit, {"outcome": "abducted"})
    too_many = send(client, school_visit, {"recorded": "999999"})

    assert no_reason.status_code == 422
    assert no_reason.get_json()["state"] == "invalid"
    assert set(no_reason.get_json()["errors"]) == {"reason"}
    assert unknown.status_code == 422 and set(unknown.get_json()["errors"]) == {"outcome"}
    assert too_many.status_code == 422 and set(too_many.get_json()["errors"]) == {"recorded"}
    assert sent_rows(db_session) == []
    assert db_session.get(Visit, school_visit.id).status is VisitStatus.CONFIRMED


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"id": "not-a-uuid", "visit": 1, "fields": {}},
        {"id": str(uuid.uuid4()), "visit": "1", "fields": {}},
        {"id": str(uuid.uuid4()), "visit": 1, "fields": []},
        {"id": str(uuid.uuid4()), "visit": 1, "fields": {"recorded": [1, 2]}},
        {"id": str(uuid.uuid4()), "visit": 1, "fields": {"recorded": True}},
        {"id": str(uuid.uuid4()), "visit": 1, "fields": {"Bad Name": "1"}},
        {"id": str(uuid.uuid4()), "visit": 1, "fields": {"notes": "x" * 5000}},
    ],
)
def test_a_body_the_queue_never_sends_is_refused_in_json(client, officer, body):
    response = client.post("/field/outcomes", json=body)

    assert response.status_code == 400
    assert response.get_json()["state"] == "invalid"


def test_an_ended_session_is_a_401_in_json_never_a_redirect(
    client, db_session, officer, school_visit
):
    db_session.execute(
        UserSession.__table__.update().values(ended_at=utcnow(), end_reason=SessionEnd.LOGOUT)
    )
    db_session.commit()

    token = client.get("/field/token")
    answer = send(client, school_visit, {"recorded": "5"})
    pages = client.get("/field/pages")

    for response in (token, answer, pages):
        assert response.status_code == 401
        assert response.get_json()["state"] == "login"
        assert "Location" not in response.headers
    assert sent_rows(db_session) == []


def test_a_cancelled_visit_keeps_the_outcome_for_the_coordinator(
    client, db_session, officer, school_visit, make_user, login
):
    coordinator = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    cancel_visit(
        db_session,
        school_visit,
        reason="Sekolah ujian",
        now=utcnow(),
        today=office_today(),
        who=Who(coordinator),
        version=None,
    )
    db_session.commit()
    client_id = str(uuid.uuid4())

    answer = send(client, school_visit, {"recorded": "12", "notes": "aula"}, client_id)
    again = send(client, school_visit, {"recorded": "12", "notes": "aula"}, client_id)

    assert answer.status_code == 202 and again.status_code == 202
    body = answer.get_json()
    assert body["state"] == "kept"
    assert "membatalkan" in body["message"] and "koordinator akan memeriksanya" in body["message"]
    (row,) = sent_rows(db_session)
    assert row.state is SentState.KEPT and row.problem is SentProblem.CANCELLED
    assert row.values["recorded"] == 12 and row.values["notes"] == "aula"
    assert db_session.get(Visit, school_visit.id).status is VisitStatus.CANCELLED

    client.post("/logout")
    login(coordinator)
    listed = client.get("/field/kept").get_data(as_text=True)
    assert "SMA Negeri 2 Kota Bengkulu" in listed and "12 siswa terekam" in listed
    assert "Andi Saputra" in listed and "Catatan: aula" in listed
    detail = client.get(f"/visits/{school_visit.id}").get_data(as_text=True)
    assert "12 siswa terekam" in detail
    home = client.get("/").get_data(as_text=True)
    assert "/field/kept" in home

    done = client.post(
        f"/field/kept/{row.id}/resolve?from_visit={school_visit.id}",
        data={"note": "Dicatat manual"},
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(
        f"/visits/{school_visit.id}"
    )
    db_session.expire_all()
    row = db_session.get(SentOutcome, row.id)
    assert row.state is SentState.RESOLVED and row.resolved_by_id == coordinator.id
    assert row.resolution == "Dicatat manual"
    assert "12 siswa terekam" not in client.get("/field/kept").get_data(as_text=True)


def test_a_moved_visit_says_where_it_went(client, db_session, officer, team, make_school):
    from outreach.services.visits.moves import move_visit

    school = make_school(name="SMA Negeri 7 Kota Bengkulu")
    today = office_today()
    visit = add_visit(db_session, school=school, team=team, on=today)
    later = today + timedelta(days=7)
    while later.weekday() >= 5:
        later += timedelta(days=1)
    move_visit(
        db_session,
        visit,
        on=later,
        now=utcnow(),
        today=today,
        who=Who(officer),
        settings=plan_settings(),
        version=None,
        reason="Hujan",
    )
    db_session.commit()

    answer = send(client, visit, {"recorded": "4"})

    assert answer.status_code == 202
    assert long_date(later) in answer.get_json()["message"]
    (row,) = sent_rows(db_session)
    assert row.problem is SentProblem.MOVED


def test_an_outcome_recorded_meanwhile_the_same_or_another(
    client, db_session, officer, school_visit, make_user
):
    coordinator = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    record_school_outcome(
        db_session,
        school_visit,
        SchoolOutcome(recorded=30),
        now=utcnow(),
        today=office_today(),
        who=Who(coordinator),
        version=None,
    )
    db_session.commit()

    same = send(client, school_visit, {"recorded": "30"})
    other = send(client, school_visit, {"recorded": "31"})

    assert same.status_code == 200 and same.get_json()["state"] == "same"
    assert other.status_code == 202 and "Yulia Safitri" in other.get_json()["message"]
    states = sorted((row.state.value, row.problem) for row in sent_rows(db_session))
    assert states == [("kept", SentProblem.RECORDED_ALREADY), ("same", None)]
    assert db_session.get(Visit, school_visit.id).students_recorded == 30


def test_another_teams_visit_is_unknown_unless_it_was_given_away(
    client, db_session, officer, team, make_team, make_school, make_user
):
    other_team = make_team(name="Tim Selatan", school_visits_per_day=2)
    theirs = add_visit(
        db_session, school=make_school(name="SMA Lain"), team=other_team, on=office_today()
    )
    given_away = add_visit(
        db_session, school=make_school(name="SMA Pindah Tim"), team=team, on=office_today()
    )
    coordinator = make_user(Role.COORDINATOR, username="yulia")
    reassign_visit(
        db_session,
        given_away,
        team_id=other_team.id,
        now=utcnow(),
        today=office_today(),
        who=Who(coordinator),
        settings=plan_settings(),
        version=None,
    )
    db_session.commit()

    unknown = send(client, theirs, {"recorded": "1"})
    missing = client.post(
        "/field/outcomes",
        json={"id": str(uuid.uuid4()), "visit": theirs.id + 999, "fields": {"recorded": "1"}},
    )
    kept = send(client, given_away, {"recorded": "1"})

    assert unknown.status_code == missing.status_code == 404
    assert unknown.get_json() == missing.get_json()  # another team's visit: as if missing
    assert unknown.get_json()["state"] == "gone"
    assert kept.status_code == 202 and "tim lain" in kept.get_json()["message"]
    (row,) = sent_rows(db_session)
    assert row.problem is SentProblem.OTHER_TEAM


def test_an_id_sent_from_another_account_is_refused(
    client, db_session, officer, team, school_visit, make_user, login
):
    client_id = str(uuid.uuid4())
    assert send(client, school_visit, {"recorded": "3"}, client_id).status_code == 201
    client.post("/logout")
    login(make_user(Role.OFFICER, username="budi", team=team))

    answer = send(client, school_visit, {"recorded": "3"}, client_id)

    assert answer.status_code == 422
    assert "akun lain" in answer.get_json()["message"]


def test_a_liaison_may_not_send(client, db_session, make_user, make_school, login, school_visit):
    login(make_user(Role.LIAISON, username="rina", school=school_visit.school))

    assert client.get("/field/token").status_code == 403
    assert send(client, school_visit, {"recorded": "3"}).status_code == 403


def test_the_pages_an_officers_phone_keeps(client, db_session, officer, team, school_visit):
    pages = client.get("/field/pages").get_json()

    urls = [page["url"] for page in pages["pages"]]
    assert urls[0] == "/"
    assert f"/visits/{school_visit.id}/outcome" in urls
    today = office_today().isoformat()
    assert f"/visits/day-sheet?team={team.id}&day={today}" in urls
    assert pages["keep_ms"] == 3 * 86_400_000
    assert pages["user"] == officer.id
    for url in urls:  # each one a page the officer may open
        assert client.get(url).status_code == 200


def test_a_coordinators_phone_keeps_no_pages(client, make_user, login):
    login(make_user(Role.COORDINATOR))

    assert client.get("/field/pages").get_json()["pages"] == []


def test_the_service_worker_is_served_from_the_root_uncached(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.mimetype == "text/javascript"
    text = response.get_data(as_text=True)
    assert text.startswith("const VERSION = ")
    assert '"/field/offline"' in text and '"/static/js/outbox.js"' in text
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    offline = client.get("/field/offline")
    assert offline.status_code == 200 and 'data-testid="offline-page"' in offline.get_data(
        as_text=True
    )


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_the_queue_sends_with_a_fresh_token_from_the_session(
        self, client, db_session, make_user, team, school_visit
    ):
        login_with_csrf(client, make_user(Role.OFFICER, username="andi", team=team))
        body = {"id": str(uuid.uuid4()), "visit": school_visit.id, "fields": {"recorded": "7"}}

        refused = client.post("/field/outcomes", json=body)
        token = client.get("/field/token").get_json()["csrf_token"]
        taken = client.post("/field/outcomes", json=body, headers={"X-CSRFToken": token})

        assert refused.status_code == 400 and refused.get_json()["state"] == "error"
        assert taken.status_code == 201


def test_a_visit_given_away_tells_nothing_of_what_became_of_it(
    client, db_session, officer, team, make_team, make_school, make_user
):
    """Recorded by the other team since, or moved: the officer who had it hears only that it
    was given away (no name, no day, never "the same"), and cannot fill the list with it."""
    other_team = make_team(name="Tim Selatan", school_visits_per_day=2)
    visit = add_visit(
        db_session, school=make_school(name="SMA Pindah"), team=team, on=office_today()
    )
    coordinator = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    now, today = utcnow(), office_today()
    reassign_visit(
        db_session, visit, team_id=other_team.id, now=now, today=today,
        who=Who(coordinator), settings=plan_settings(), version=None,
    )  # fmt: skip
    record_school_outcome(
        db_session, visit, SchoolOutcome(recorded=7), now=now, today=today,
        who=Who(coordinator), version=None,
    )  # fmt: skip
    db_session.commit()

    answers = [send(client, visit, {"recorded": str(n)}) for n in (7, 8, 9, 10)]

    assert [a.status_code for a in answers[:3]] == [202, 202, 202]
    for answer in answers[:3]:
        assert "tim lain" in answer.get_json()["message"]
        assert "Yulia" not in answer.get_json()["message"]
    assert answers[3].status_code == 422  # a fourth for the same visit: tell the coordinator
    assert len(sent_rows(db_session)) == 3


@pytest.mark.parametrize(
    "made_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "kemarin", 5]
)
def test_a_phone_clock_no_phone_has_is_not_kept(client, db_session, officer, school_visit, made_at):
    answer = send(client, school_visit, {"recorded": "3"}, made_at=made_at)

    assert answer.status_code == 201
    (row,) = sent_rows(db_session)
    assert row.made_at is None


def test_a_body_nested_past_pythons_depth_is_refused(client, officer):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/field/outcomes", data=body, content_type="application/json")

    assert response.status_code == 400 and response.get_json()["state"] == "invalid"


@pytest.mark.parametrize("figure", ["٣", "3​", "1_0", "-3", "3.0"])
def test_a_figure_is_ascii_digits(client, db_session, officer, school_visit, figure):
    answer = send(client, school_visit, {"recorded": figure})

    assert answer.status_code == 422 and set(answer.get_json()["errors"]) == {"recorded"}


def test_a_visit_moved_to_another_teams_day_is_given_away(
    client, db_session, officer, team, make_team, make_school, make_user
):
    from outreach.services.visits.moves import move_visit

    other_team = make_team(name="Tim Selatan", school_visits_per_day=2)
    today = office_today()
    visit = add_visit(db_session, school=make_school(name="SMA Delapan"), team=team, on=today)
    later = today + timedelta(days=7)
    while later.weekday() >= 5:
        later += timedelta(days=1)
    coordinator = make_user(Role.COORDINATOR, username="yulia")
    move_visit(
        db_session, visit, on=later, now=utcnow(), today=today, who=Who(coordinator),
        settings=plan_settings(), version=None, team_id=other_team.id,
    )  # fmt: skip
    db_session.commit()

    answer = send(client, visit, {"recorded": "4"})

    assert answer.status_code == 202
    assert "tim lain" in answer.get_json()["message"]
    assert long_date(later) not in answer.get_json()["message"]

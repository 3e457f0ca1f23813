"""The visit pages per role: calendar, list and bulk actions, a visit's page and its actions,
the officer's outcome form, the liaison's account, the day sheet and the calendar feeds."""

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from outreach.i18n import long_date, office_today
from outreach.models import (
    AuditEvent,
    ConfirmationChannel,
    HomeOutcome,
    ResidentStatus,
    Role,
    Visit,
    VisitStatus,
)
from tests.conftest import field_errors
from tests.mail import MAIL_SETTINGS, FakeSMTP
from tests.services.visit_helpers import add_visit
from tests.web.visit_fixtures import next_month_weekdays


@pytest.fixture
def days():
    return next_month_weekdays()


@pytest.fixture
def coordinator(make_user, login):
    user = make_user(Role.COORDINATOR)
    login(user)
    return user


@pytest.fixture
def team(make_team):
    return make_team(name="Tim Utara", school_visits_per_day=1)


@pytest.fixture
def school(make_school):
    return make_school(
        name="SMA Negeri 5 Kota Bengkulu", liaison_name="Bu Rina", liaison_phone="+6281234567890"
    )


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def test_the_calendar_shows_visits_and_closures_and_a_day_list_for_phones(
    client, db_session, coordinator, team, school, days, make_resident
):
    add_visit(db_session, school=school, team=team, on=days[1])
    add_visit(db_session, resident=make_resident(), team=team, on=days[2])
    month = days[0].strftime("%Y-%m")
    page = get(client, f"/visits/calendar?month={month}")
    assert 'data-testid="calendar-grid"' in page and 'data-testid="calendar-list"' in page
    grid, phone_list = page.split('data-testid="calendar-list"')
    assert "SMA Negeri 5 Kota Bengkulu" in grid and "SMA Negeri 5 Kota Bengkulu" in phone_list
    assert "1 kunjungan rumah · Tim Utara" in page
    homes_only = get(client, f"/visits/calendar?month={month}&kind=home")
    assert "SMA Negeri 5" not in homes_only
    assert get(client, "/visits/calendar?month=garbage")  # a bad month shows this month


def test_the_list_filters_and_counts(
    client, db_session, coordinator, team, school, days, make_resident
):
    add_visit(db_session, school=school, team=team, on=days[1])
    add_visit(db_session, resident=make_resident(name="Nenek Sulastri"), team=team, on=days[2])
    month = days[0].strftime("%Y-%m")
    page = get(client, f"/visits?month={month}")
    assert "SMA Negeri 5 Kota Bengkulu" in page and "Nenek Sulastri" in page
    schools = get(client, f"/visits?month={month}&kind=school")
    assert "Nenek Sulastri" not in schools
    assert "Nenek" not in get(client, f"/visits?month={month}&status=confirmed")
    assert "Tidak ada kunjungan" in get(client, f"/visits?month={month}&kecamatan=17.71.09")
    get(client, "/visits?status=nonsense&team=x&kind=zzz")  # ignored, not an error


def picked(session, *visits) -> list[str]:
    """The visit list's checkboxes of ``visits`` as the list shows them now: "id:version"."""
    session.expire_all()
    return [f"{visit.id}:{session.get(Visit, visit.id).version}" for visit in visits]


def test_bulk_confirm_and_an_all_or_nothing_bulk_move(
    client, db_session, coordinator, make_team, make_school, days
):
    team = make_team(school_visits_per_day=2)
    a = add_visit(db_session, school=make_school(), team=team, on=days[1])
    b = add_visit(db_session, school=make_school(), team=team, on=days[1])
    c = add_visit(db_session, school=make_school(), team=team, on=days[2])
    month = days[0].strftime("%Y-%m")
    page = client.post(
        f"/visits?month={month}",
        data={"ids": picked(db_session, a, b), "action": "confirm"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "2 kunjungan diubah." in page
    # Three visits on one day of a team doing two: the whole move is refused.
    page = client.post(
        f"/visits?month={month}",
        data={"ids": picked(db_session, a, b, c), "action": "move", "on": days[3].isoformat()},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Tidak ada yang diubah: 1 kunjungan tidak dapat diproses" in unescape(page)
    db_session.expire_all()
    assert {v.visit_on for v in db_session.scalars(select(Visit))} == {days[1], days[2]}
    page = client.post(
        f"/visits?month={month}", data={"ids": picked(db_session, c), "action": "cancel"}
    )
    assert "Tulis alasan pembatalan kunjungan." in unescape(page.get_data(as_text=True))
    assert db_session.get(Visit, c.id).status is VisitStatus.PROPOSED


def test_moving_from_the_visit_page_links_the_new_visit_and_a_stale_form_is_refused(
    client, db_session, coordinator, team, school, days
):
    visit = add_visit(db_session, school=school, team=team, on=days[1])
    page = get(client, f"/visits/{visit.id}")
    assert 'data-testid="move-form"' in page and long_date(days[2]) in unescape(page)
    response = client.post(
        f"/visits/{visit.id}/move",
        data={
            "move-on": days[2].isoformat(),
            "move-version": visit.version,
            "move-reason": "Ujian",
        },
    )
    assert response.status_code == 302
    new = db_session.scalar(select(Visit).where(Visit.replaces_id == visit.id))
    assert response.headers["Location"].endswith(f"/visits/{new.id}")
    assert new.visit_on == days[2] and new.ical_uid == visit.ical_uid
    old_page = unescape(get(client, f"/visits/{visit.id}"))
    assert f"Kunjungan ini dipindahkan ke {long_date(days[2])}" in old_page
    # A second coordinator's form, still on the old version, changes nothing.
    page = client.post(
        f"/visits/{new.id}/cancel",
        data={"cancel-reason": "Hujan", "cancel-version": new.version - 1},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Orang lain baru saja mengubah kunjungan ini" in page
    db_session.expire_all()
    assert db_session.get(Visit, new.id).status is VisitStatus.PROPOSED


def chosen(page: str, name: str) -> tuple[list[str], list[str]]:
    """The values a select offers and the ones it has selected."""
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, flags=re.S).group(0)
    options = re.findall(r'<option ([^>]*?)value="([^"]*)"', select_html)
    selected = [value for attrs, value in options if "selected" in attrs]
    return [value for _, value in options], selected


def test_every_picker_that_changes_a_visit_starts_unchosen(
    client, db_session, coordinator, team, school, days, make_team
):
    """One careless click moves no visit to the first day, gives it to no team and applies no
    bulk action: each list opens on its empty 'choose' line."""
    other = make_team(name="Tim Selatan", school_visits_per_day=2)
    visit = add_visit(db_session, school=school, team=team, on=days[1])
    missed = add_visit(
        db_session,
        school=school,
        team=team,
        on=office_today() - timedelta(days=2),
        status=VisitStatus.MISSED,
    )
    page = unescape(get(client, f"/visits/{visit.id}"))
    for name, blank in (("move-on", "— pilih hari —"), ("reassign-team", "— pilih tim —")):
        offered, selected = chosen(page, name)
        assert offered[0] == "" and len(offered) > 1 and selected in ([], [""]), name
        assert f'value="">{blank}</option>' in page, name
    assert str(other.id) in chosen(page, "reassign-team")[0]
    offered, selected = chosen(unescape(get(client, f"/visits/{missed.id}")), "follow_up-on")
    assert offered[0] == "" and len(offered) > 1 and selected in ([], [""])
    month = days[1].strftime("%Y-%m")
    offered, selected = chosen(get(client, f"/visits?month={month}"), "action")
    assert offered[0] == "" and selected in ([], [""])
    # Sent as it opens, nothing happens and the reason is said.
    response = client.post(
        f"/visits/{visit.id}/reassign",
        data={"reassign-team": "", "reassign-version": visit.version},
    )
    assert response.status_code == 422
    assert "Pilih tim." in field_errors(response.get_data(as_text=True))
    page = client.post(
        f"/visits?month={month}", data={"ids": [visit.id], "action": ""}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Pilih tindakan untuk kunjungan yang dipilih." in unescape(page)
    db_session.expire_all()
    assert db_session.get(Visit, visit.id).team_id == team.id
    assert db_session.get(Visit, visit.id).status is VisitStatus.PROPOSED
    # The day the school asked for is the one exception: it is named above the form, chosen.
    visit.requested_visit_on = days[3]
    db_session.commit()
    page = unescape(get(client, f"/visits/{visit.id}"))
    assert chosen(page, "move-on")[1] == [days[3].isoformat()]


def test_a_refused_action_shows_the_reason_on_its_field(
    client, db_session, coordinator, team, school, days
):
    visit = add_visit(db_session, school=school, team=team, on=days[1])
    response = client.post(
        f"/visits/{visit.id}/cancel", data={"cancel-reason": " ", "cancel-version": visit.version}
    )
    assert response.status_code == 422
    assert "Tulis alasannya." in field_errors(response.get_data(as_text=True))
    response = client.post(
        f"/visits/{visit.id}/move", data={"move-on": "2020-01-01", "move-version": visit.version}
    )
    assert response.status_code == 422
    assert any("Pilih hari antara" in e for e in field_errors(response.get_data(as_text=True)))
    for tampered in ("besok", "2026-13-45"):
        response = client.post(
            f"/visits/{visit.id}/move", data={"move-on": tampered, "move-version": visit.version}
        )
        assert response.status_code == 422 and "Pilih hari." in response.get_data(as_text=True)


def test_the_coordinator_makes_the_liaison_link_and_a_new_one_replaces_it(
    client, db_session, coordinator, team, school, days
):
    visit = add_visit(db_session, school=school, team=team, on=days[1])
    assert 'data-testid="make-link"' in get(client, f"/visits/{visit.id}")
    client.post(f"/visits/{visit.id}/link")
    page = unescape(get(client, f"/visits/{visit.id}"))
    link = re.search(r'data-testid="link-field"[^>]*|value="([^"]+/l/[^"]+)"', page)
    first = re.search(r'value="(http[^"]+/l/[^"]+)"', page).group(1)
    assert link is not None
    # WhatsApp opens with the ready message, and the sending is noted
    sent = client.post(f"/visits/{visit.id}/link/whatsapp")
    assert sent.status_code == 303
    assert sent.headers["Location"].startswith("https://wa.me/6281234567890?text=Halo%20Bu%20Rina")
    db_session.expire_all()
    assert db_session.get(type(visit), visit.id).link_sent_at is not None
    client.post(f"/visits/{visit.id}/link")
    second = re.search(
        r'value="(http[^"]+/l/[^"]+)"', unescape(get(client, f"/visits/{visit.id}"))
    ).group(1)
    assert first != second
    assert client.get(first.replace("http://localhost", "")).status_code == 410
    assert client.get(second.replace("http://localhost", "")).status_code == 200


def test_officers_and_liaisons_cannot_open_the_coordinator_pages(client, make_user, login):
    login(make_user(Role.OFFICER))
    for url in ("/visits", "/visits/calendar"):
        assert client.get(url).status_code == 403
    client.post("/logout")
    login(make_user(Role.LIAISON))
    assert client.get("/visits").status_code == 403


def test_an_officer_records_the_outcome_of_their_teams_visit_only(
    client, db_session, make_user, login, make_team, make_resident, school
):
    officer = make_user(Role.OFFICER)
    today = office_today()
    mine = add_visit(db_session, resident=make_resident(), team=officer.team, on=today)
    theirs = add_visit(db_session, school=school, team=make_team(), on=today)
    login(officer)
    home = get(client, "/")
    assert f'href="/visits/{mine.id}/outcome"' in home
    # No coordinates: the map opens at the address.
    assert "maps/search/?api=1&amp;query=Jl.%20Merpati%20No.%201%2C%20Pagar%20Dewa" in home
    assert client.get(f"/visits/{theirs.id}/outcome").status_code == 404
    assert client.get(f"/visits/{theirs.id}").status_code == 404
    response = client.post(f"/visits/{mine.id}/outcome", data={"version": mine.version})
    assert response.status_code == 422
    assert "Pilih apa yang terjadi." in unescape(response.get_data(as_text=True))
    response = client.post(
        f"/visits/{mine.id}/outcome",
        data={"version": mine.version, "outcome": "not_at_home", "notes": "Rumah kosong"},
        follow_redirects=True,
    )
    assert "kembali masuk antrean" in unescape(response.get_data(as_text=True))
    db_session.expire_all()
    visit = db_session.get(Visit, mine.id)
    assert visit.home_outcome is HomeOutcome.NOT_AT_HOME
    assert visit.resident.status is ResidentStatus.WAITING


def test_a_school_outcome_with_a_bad_number_is_refused_in_indonesian(
    client, db_session, make_user, login, school
):
    officer = make_user(Role.OFFICER)
    visit = add_visit(db_session, school=school, team=officer.team, on=office_today())
    login(officer)
    response = client.post(
        f"/visits/{visit.id}/outcome",
        data={"version": visit.version, "recorded": "-3", "not_recorded": "abc"},
    )
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert "Isi angka dari 0 sampai 10000." in errors
    response = client.post(
        f"/visits/{visit.id}/outcome",
        data={
            "version": visit.version,
            "recorded": "87",
            "not_recorded": "5",
            "reason": "Tidak membawa KK",
        },
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Visit, visit.id).students_recorded == 87


def test_a_liaison_account_sees_only_its_own_schools_visits(
    client, db_session, make_user, login, make_school, team, days
):
    liaison = make_user(Role.LIAISON)
    own = add_visit(db_session, school=liaison.school, team=team, on=days[1])
    other = add_visit(db_session, school=make_school(), team=team, on=days[2])
    login(liaison)
    assert f'href="/visits/{own.id}"' in get(client, "/")
    page = get(client, f"/visits/{own.id}")
    assert 'data-testid="liaison-page"' in page
    assert page.count(f'action="/visits/{own.id}/respond"') == 3  # confirm, other day, decline
    # Another school's visit does not exist for this liaison: 404, not 403.
    assert client.get(f"/visits/{other.id}").status_code == 404
    assert client.post(f"/visits/{other.id}/respond", data={"answer": "confirm"}).status_code == 404
    assert client.post(f"/visits/{other.id}/cancel").status_code == 404
    response = client.post(
        f"/visits/{own.id}/respond",
        data={
            "answer": "confirm",
            "confirm-version": own.version,
            "confirm-students_expected": "64",
        },
    )
    assert response.status_code == 302
    db_session.expire_all()
    visit = db_session.get(Visit, own.id)
    assert (
        visit.status is VisitStatus.CONFIRMED and visit.confirmed_via is ConfirmationChannel.ACCOUNT
    )
    assert visit.school.students_pending == 64


def test_the_day_sheet_is_for_coordinators_and_the_teams_own_officers(
    client, db_session, make_user, login, make_team, make_resident, school
):
    officer = make_user(Role.OFFICER)
    today = office_today()
    add_visit(
        db_session,
        resident=make_resident(name="Nenek Sulastri", phone="+6281298765432"),
        team=officer.team,
        on=today,
    )
    other = make_team()
    login(officer)
    page = get(client, "/visits/day-sheet")
    assert "Nenek Sulastri" in page and "0812-9876-5432" in page and "Tanda tangan" in page
    assert client.get(f"/visits/day-sheet?team={other.id}").status_code == 404
    client.post("/logout")
    login(make_user(Role.COORDINATOR))
    assert "Lembar harian" in get(client, f"/visits/day-sheet?team={other.id}&day=nonsense")


def test_calendar_feeds_live_at_a_secret_url_that_can_be_renewed_or_switched_off(
    client, db_session, coordinator, team, school, days
):
    add_visit(db_session, school=school, team=team, on=days[1])
    client.post(f"/teams/{team.id}/feed", data={"action": "renew"})
    db_session.expire_all()
    first = f"/feeds/team/{team.calendar_token}.ics"
    response = client.get(first)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert b"SMA Negeri 5 Kota Bengkulu" in response.data
    assert first in unescape(get(client, f"/teams/{team.id}"))
    client.post(f"/teams/{team.id}/feed", data={"action": "renew"})
    assert client.get(first).status_code == 404
    client.post(f"/schools/{school.id}/feed", data={"action": "renew"})
    db_session.expire_all()
    assert client.get(f"/feeds/school/{school.calendar_token}.ics").status_code == 200
    client.post(f"/schools/{school.id}/feed", data={"action": "revoke"})
    db_session.expire_all()
    assert school.calendar_token is None
    actions = set(db_session.scalars(select(AuditEvent.action)))
    assert {"team.feed_renew", "school.feed_revoke"} <= actions


def test_the_home_page_leads_to_requests_and_overdue_visits(
    client, db_session, coordinator, team, school, days, make_school
):
    add_visit(
        db_session,
        school=school,
        team=team,
        on=days[1],
        requested_visit_on=days[5],
        request_reason="Ujian praktik",
    )
    add_visit(
        db_session,
        school=make_school(name="SMA Lewat"),
        team=team,
        on=office_today() - timedelta(days=3),
    )
    home = get(client, "/")
    assert "1 sekolah meminta hari lain." in home and 'href="/visits?requests=1"' in home
    requested = db_session.scalar(select(Visit).where(Visit.requested_visit_on.is_not(None)))
    page = get(client, f"/visits/{requested.id}")
    assert "Hari itu masih ada tempat" in page
    assert f'<option selected value="{days[5].isoformat()}">' in page
    requests = get(client, "/visits?requests=1")
    assert "SMA Negeri 5 Kota Bengkulu" in requests and "SMA Lewat" not in requests
    overdue = get(client, "/visits?overdue=1")
    assert "SMA Lewat" in overdue and "SMA Negeri 5" not in overdue


def test_a_deactivated_schools_link_stops_working(client, db_session, team, school, days):
    from outreach.models import utcnow
    from outreach.services.visits.changes import Who
    from outreach.services.visits.links import issue_link

    visit = add_visit(db_session, school=school, team=team, on=days[1])
    token = issue_link(
        db_session,
        visit,
        now=utcnow(),
        today=office_today(),
        who=Who("t"),
        secret="test-secret-key-not-for-production",
    )
    school.is_active = False
    db_session.commit()
    page = client.get(f"/l/{token}")  # gone, and saying why (not "cut off")
    assert page.status_code == 410
    assert "tidak lagi dikunjungi" in page.get_data(as_text=True)


def test_the_visits_of_a_team_can_be_given_to_another_team_at_once(
    client, db_session, coordinator, make_team, make_school, days
):
    """A team stops (sickness, a deactivated team): its coming visits go to another team."""
    leaving = make_team(name="Tim Lama")
    taking = make_team(name="Tim Baru", school_visits_per_day=2)
    visits = [
        add_visit(db_session, school=make_school(), team=leaving, on=day) for day in days[1:3]
    ]
    month = days[0].strftime("%Y-%m")
    page = client.post(
        f"/visits?month={month}&team={leaving.id}",
        data={"ids": picked(db_session, *visits), "action": "reassign", "team": str(taking.id)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "2 kunjungan diubah." in page
    db_session.expire_all()
    assert {db_session.get(Visit, v.id).team_id for v in visits} == {taking.id}
    page = client.post(
        f"/visits?month={month}", data={"ids": picked(db_session, visits[0]), "action": "reassign"}
    )
    assert "Pilih tim." in page.get_data(as_text=True)


class TestLinkByMail:
    @pytest.fixture
    def app_config(self):
        return dict(MAIL_SETTINGS)

    def test_the_link_is_mailed_to_the_liaison(
        self, client, db_session, coordinator, team, make_school, days, monkeypatch
    ):
        import outreach.services.mail as mail

        FakeSMTP.sent, FakeSMTP.calls = [], []
        monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
        school = make_school(liaison_name="Bu Sari", liaison_email="operator@sman9.sch.id")
        visit = add_visit(db_session, school=school, team=team, on=days[1])
        client.post(f"/visits/{visit.id}/link")
        page = client.post(f"/visits/{visit.id}/link/mail", follow_redirects=True).get_data(
            as_text=True
        )
        assert "Tautan dikirim lewat e-mail ke operator@sman9.sch.id." in page
        (message,) = FakeSMTP.sent
        assert message["To"] == "operator@sman9.sch.id"
        assert "/l/" in message.get_content() and message.get_content().startswith("Halo Bu Sari,")


@pytest.mark.parametrize("version", ["abc", "", None])
def test_a_change_without_a_readable_version_is_refused_not_saved_unchecked(
    client, db_session, coordinator, team, school, days, version
):
    visit = add_visit(db_session, school=school, team=team, on=days[1])
    data = {"confirm-students_expected": "30"}
    if version is not None:
        data["confirm-version"] = version
    response = client.post(f"/visits/{visit.id}/confirm", data=data, follow_redirects=True)
    assert "Orang lain baru saja mengubah kunjungan ini" in unescape(
        response.get_data(as_text=True)
    )
    db_session.expire_all()
    assert db_session.get(Visit, visit.id).status is VisitStatus.PROPOSED


def test_a_reason_too_long_is_refused_in_indonesian(
    client, db_session, coordinator, team, school, days
):
    visit = add_visit(db_session, school=school, team=team, on=days[1])
    response = client.post(
        f"/visits/{visit.id}/cancel",
        data={"cancel-version": visit.version, "cancel-reason": "x" * 501},
    )
    assert response.status_code == 422
    assert "Paling banyak 500 karakter." in response.get_data(as_text=True)


def test_the_whatsapp_redirect_is_allowed_by_the_pages_own_policy(client, coordinator):
    policy = client.get("/visits").headers["Content-Security-Policy"]
    form_action = next(part for part in policy.split("; ") if part.startswith("form-action"))
    assert "https://wa.me" in form_action and "https://api.whatsapp.com" in form_action


def test_a_visits_history_names_people_and_writes_phones_the_way_people_read_them(
    client, db_session, coordinator, team, school, days
):
    """The history says who by their name (not their username) and where a link went as a
    phone number people dial, never "+62…"."""
    visit = add_visit(db_session, school=school, team=team, on=days[1])
    client.post(f"/visits/{visit.id}/link")
    client.post(f"/visits/{visit.id}/link/whatsapp")
    history = unescape(get(client, f"/visits/{visit.id}")).split('data-testid="history"', 1)[1]
    assert coordinator.name in history
    assert coordinator.username not in history
    from outreach.labels import visit_change

    assert visit_change("to", "+6281234567890") == "0812-3456-7890"
    assert visit_change("to", "rina@sekolah.sch.id") == "rina@sekolah.sch.id"

"""A month's links sent from one page: every school still to confirm, with its liaison, the
links made in one action, WhatsApp with the ready message, and which were sent when."""

from html import unescape

import pytest

from outreach.models import Role, Visit, VisitStatus
from tests.services.visit_helpers import add_visit
from tests.web.visit_fixtures import next_month_weekdays


@pytest.fixture
def month_visits(db_session, make_team, make_school, make_resident):
    days = next_month_weekdays()
    team = make_team(name="Tim Utara")
    waiting = [
        add_visit(
            db_session,
            school=make_school(name=f"SMA Negeri {n} Kota Bengkulu", liaison_name=f"Bu Guru {n}",
                               liaison_phone=f"+62812345678{n}"),
            team=team,
            on=days[n],
        )
        for n in range(1, 4)
    ]  # fmt: skip
    confirmed = add_visit(
        db_session, school=make_school(name="SMA Sudah Jawab"), team=team, on=days[4],
        status=VisitStatus.CONFIRMED,
    )  # fmt: skip
    home = add_visit(db_session, resident=make_resident(name="Siti Aminah"), team=team, on=days[2])
    return days[0].strftime("%Y-%m"), waiting, confirmed, home


def test_a_month_of_links_is_made_and_sent_from_one_page(
    client, db_session, make_user, login, month_visits
):
    month, waiting, confirmed, home = month_visits
    login(make_user(Role.COORDINATOR))
    page = unescape(client.get(f"/visits/links?month={month}").get_data(as_text=True))
    # only the schools still to answer: not the confirmed one, not a home visit
    assert page.count('data-testid="link-row"') == 3
    assert "SMA Sudah Jawab" not in page and "Siti Aminah" not in page
    assert "Bu Guru 1" in page
    # one link was made already: making the missing ones keeps it
    client.post(f"/visits/{waiting[0].id}/link")
    db_session.expire_all()
    kept = db_session.get(Visit, waiting[0].id).link_nonce
    response = client.post(f"/visits/links?month={month}", follow_redirects=True)
    assert "2 tautan dibuat." in unescape(response.get_data(as_text=True))
    db_session.expire_all()
    visits = [db_session.get(Visit, visit.id) for visit in waiting]
    assert visits[0].link_nonce == kept and all(visit.link_nonce for visit in visits)
    page = unescape(client.get(f"/visits/links?month={month}").get_data(as_text=True))
    assert page.count("/l/") >= 3 and 'data-testid="copy-all"' in page
    assert "Tautan dibuat, belum dikirim." in page
    # WhatsApp: the ready message with the link, and the sending noted on the page
    sent = client.post(f"/visits/{waiting[1].id}/link/whatsapp", data={"back": "month"})
    assert sent.status_code == 303
    assert sent.headers["Location"].startswith("https://wa.me/628123456782?text=Halo%20Bu%20Guru")
    page = unescape(client.get(f"/visits/links?month={month}").get_data(as_text=True))
    assert page.count("Terkirim") == 1
    # again: nothing more to make
    response = client.post(f"/visits/links?month={month}", follow_redirects=True)
    assert "Semua kunjungan sudah punya tautan." in unescape(response.get_data(as_text=True))


def test_only_a_coordinator_sends_links(client, db_session, make_user, login, month_visits):
    month, waiting, *_ = month_visits
    login(make_user(Role.OFFICER))
    assert client.get(f"/visits/links?month={month}").status_code == 403
    assert client.post(f"/visits/{waiting[0].id}/link/whatsapp").status_code in (403, 404)
    db_session.expire_all()
    assert db_session.get(Visit, waiting[0].id).link_nonce is None


def test_a_teams_phone_is_kept_and_a_wrong_one_refused(
    client, db_session, make_user, login, make_team
):
    team = make_team(name="Tim Utara")
    login(make_user(Role.COORDINATOR))
    form = {
        "name": "Tim Utara", "school_visits_per_day": "2", "home_visits_per_day": "6",
        "kecamatan": ["17.71.01"], "is_active": "y", "version": "1",
    }  # fmt: skip
    refused = client.post(f"/teams/{team.id}/edit", data={**form, "phone": "12"})
    assert refused.status_code == 422
    client.post(f"/teams/{team.id}/edit", data={**form, "phone": "(0736) 21234"})
    db_session.expire_all()
    assert db_session.get(type(team), team.id).phone == "+6273621234"
    page = unescape(client.get(f"/teams/{team.id}").get_data(as_text=True))
    assert 'href="tel:+6273621234"' in page


def test_an_unreadable_month_makes_no_links_and_no_month_breaks_a_page(
    client, db_session, make_user, login, month_visits
):
    month, waiting, *_ = month_visits
    login(make_user(Role.COORDINATOR))
    assert client.post("/visits/links?month=abc").status_code == 400
    db_session.expire_all()
    assert all(db_session.get(Visit, visit.id).link_nonce is None for visit in waiting)
    for page in ("/visits/links", "/visits", "/visits/calendar"):
        for odd in ("9999-12", "0001-01"):
            assert client.get(f"{page}?month={odd}").status_code == 200, (page, odd)
    assert client.get("/visits/export.xlsx?month=9999-12").status_code == 400

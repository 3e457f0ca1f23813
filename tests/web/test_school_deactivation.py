"""Deactivating a school from its page, as the coordinator and the school's liaison see it: the
button asks first and says how many open visits it cancels, the flash says how many it did, the
visit page no longer offers the link, and the link says the school is no longer visited (not
that the link is broken). Reactivating says from which month the plan places it again."""

from __future__ import annotations

import re
from html import unescape

import pytest

from outreach.i18n import long_date, month_name, office_today
from outreach.models import Role, Visit, VisitStatus, utcnow
from outreach.scheduling.calendar import month_start
from outreach.services.visits.changes import Who
from outreach.services.visits.links import issue_link
from tests.services.visit_helpers import add_visit
from tests.web.visit_fixtures import next_month_weekdays

SECRET = "test-secret-key-not-for-production"


def text_of(response) -> str:
    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def school(make_school):
    return make_school(name="SMA Negeri 9 Kota Bengkulu", liaison_phone="+6281273004414")


@pytest.fixture
def visit(db_session, school, make_team):
    return add_visit(db_session, school=school, team=make_team(), on=next_month_weekdays()[2])


@pytest.fixture
def coordinator(client, make_user, login):
    user = make_user(Role.COORDINATOR)
    login(user)
    return user


def link_for(db_session, visit) -> str:
    token = issue_link(
        db_session, visit, now=utcnow(), today=office_today(), who=Who("test"), secret=SECRET
    )
    db_session.commit()
    return f"/l/{token}"


def deactivate(client, school, action="deactivate"):
    return client.post(
        f"/schools/{school.id}/{action}",
        data={"version": school.version},
        follow_redirects=True,
    )


def test_the_button_asks_first_how_many_visits_it_cancels(client, coordinator, school, visit):
    page = unescape(client.get(f"/schools/{school.id}").get_data(as_text=True))
    asked = re.search(r'<form[^>]*/deactivate"[^>]*data-confirm="([^"]+)"', page)
    assert asked, "the deactivate form asks before it submits"
    assert "Nonaktifkan SMA Negeri 9 Kota Bengkulu?" in asked.group(1)
    assert "1 kunjungannya yang masih terbuka mulai hari ini akan dibatalkan" in asked.group(1)


def test_deactivating_cancels_the_open_visits_and_the_link_says_why(
    client, db_session, coordinator, school, visit
):
    url = link_for(db_session, visit)
    assert 'data-testid="whatsapp"' in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    response = deactivate(client, school)
    assert response.status_code == 200
    said = text_of(response)
    assert "SMA Negeri 9 Kota Bengkulu dinonaktifkan" in said
    assert "1 kunjungannya yang masih terbuka mulai hari ini dibatalkan" in said
    db_session.expire_all()
    kept = db_session.get(Visit, visit.id)
    assert kept.status is VisitStatus.CANCELLED and kept.cancel_reason == "Sekolah dinonaktifkan."
    # the coordinator is no longer offered to send the link
    detail = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert 'data-testid="whatsapp"' not in detail
    assert f"/visits/{visit.id}/link" not in detail
    # the liaison's link: the school is no longer visited, the visit cancelled — not "cut off"
    client.post("/logout")
    answer = client.get(url)
    page = text_of(answer)
    assert answer.status_code == 410
    assert "Sekolah ini tidak lagi dikunjungi" in page
    assert f"kunjungan {long_date(visit.visit_on)} dibatalkan" in page
    assert "terpotong" not in page and "tidak berfungsi" not in page
    assert 'name="answer"' not in answer.get_data(as_text=True)


def test_the_coordinator_cannot_make_a_new_link_for_it(
    client, db_session, coordinator, school, visit
):
    deactivate(client, school)
    response = client.post(f"/visits/{visit.id}/link", follow_redirects=True)
    db_session.expire_all()
    assert db_session.get(Visit, visit.id).link_nonce is None
    assert response.status_code == 200


def test_reactivating_says_from_which_month_it_is_planned_and_keeps_the_cancellation(
    client, db_session, coordinator, school, visit
):
    url = link_for(db_session, visit)
    deactivate(client, school)
    db_session.refresh(school)
    response = deactivate(client, school, "reactivate")
    said = text_of(response)
    # this month has no plan visit of the school (the visit is next month's): from this month
    with client.application.test_request_context():
        assert f"mulai {month_name(month_start(office_today()), 'id')}" in said
    assert "tetap dibatalkan" in said
    db_session.expire_all()
    assert db_session.get(Visit, visit.id).status is VisitStatus.CANCELLED
    # the school is visited again: its link tells the office's cancellation, no checklist
    client.post("/logout")
    page = text_of(client.get(url))
    assert "dibatalkan oleh kantor" in page
    assert "Mohon disiapkan" not in page and "Sekolah dinonaktifkan" not in page


def test_a_school_without_open_visits_is_deactivated_without_counting(
    client, db_session, coordinator, make_school
):
    quiet = make_school(name="SMK Negeri 4 Kota Bengkulu")
    page = unescape(client.get(f"/schools/{quiet.id}").get_data(as_text=True))
    assert 'data-confirm="Nonaktifkan SMK Negeri 4 Kota Bengkulu? Sekolah ini tidak akan' in page
    said = text_of(deactivate(client, quiet))
    assert "SMK Negeri 4 Kota Bengkulu dinonaktifkan: tidak dijadwalkan lagi." in said
    assert "kunjungannya" not in said

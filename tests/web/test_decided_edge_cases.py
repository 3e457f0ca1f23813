"""Decided edge cases: what a cancelled visit's link tells the school (its own decline with its
words; the office's cancellation without the office's reason), a deactivated school's liaison
can no longer log in and their open sessions end (told why, after the right password only), and
a liaison cannot ask for a day outside the visit's month (years away, gone by)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.i18n import long_date, office_today
from outreach.models import Role, Visit, VisitStatus, utcnow
from outreach.services.schools.registry import set_school_active
from outreach.services.visits.changes import Who
from outreach.services.visits.lifecycle import cancel_visit
from outreach.services.visits.links import issue_link
from tests.conftest import PASSWORD
from tests.services.visit_helpers import add_visit
from tests.web.visit_fixtures import next_month_weekdays

SECRET = "test-secret-key-not-for-production"


def text_of(response) -> str:
    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def visit(db_session, make_team, make_school):
    school = make_school(name="SMA Negeri 7 Kota Bengkulu", liaison_name="Bu Rina")
    return add_visit(db_session, school=school, team=make_team(), on=next_month_weekdays()[2])


def link_for(db_session, visit) -> str:
    token = issue_link(
        db_session, visit, now=utcnow(), today=office_today(), who=Who("test"), secret=SECRET
    )
    db_session.commit()
    return f"/l/{token}"


# --- (a) a cancelled visit's link ---------------------------------------------------------------


def test_the_offices_cancellation_says_cancelled_without_the_offices_reason(
    client, db_session, visit
):
    url = link_for(db_session, visit)
    reason = "Petugas Andi sakit (rawat inap)"
    cancel_visit(
        db_session, visit, reason=reason, now=utcnow(), today=office_today(), who=Who("test"),
        version=None,
    )  # fmt: skip
    db_session.commit()
    page = text_of(client.get(url))
    assert "dibatalkan oleh kantor" in page and long_date(visit.visit_on) in page
    assert "Andi" not in page and "rawat inap" not in page


def test_the_schools_own_decline_is_told_back_with_its_own_words(client, db_session, visit):
    url = link_for(db_session, visit)
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="decline-csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"answer": "decline", "decline-version": visit.version, "decline-reason": "Ujian akhir"}
    if token:
        data["decline-csrf_token"] = token.group(1)
    assert client.post(url, data=data).status_code == 302
    db_session.expire_all()
    assert db_session.get(Visit, visit.id).status is VisitStatus.CANCELLED
    page = text_of(client.get(url))
    assert "Sekolah menolak untuk bulan ini" in page and "Ujian akhir" in page


def test_a_moved_visits_link_says_where_it_went(client, db_session, visit):
    from outreach.services.visits.moves import move_visit
    from outreach.web.visits.common import plan_settings

    url = link_for(db_session, visit)
    day = next_month_weekdays()[5]
    with client.application.test_request_context():
        move_visit(
            db_session, visit, on=day, now=utcnow(), today=office_today(), who=Who("test"),
            settings=plan_settings(), version=None,
        )  # fmt: skip
    db_session.commit()
    page = text_of(client.get(url))
    assert "dipindahkan" in page and long_date(day) in page


# --- (b) a deactivated school's liaison ---------------------------------------------------------


def test_a_deactivated_schools_liaison_cannot_log_in_and_is_logged_out(
    client, db_session, make_user, make_school, login
):
    school = make_school()
    liaison = make_user(Role.LIAISON, school=school)
    login(liaison)
    assert client.get("/").status_code == 200
    set_school_active(db_session, school, False, now=utcnow(), actor="test", version=None)
    db_session.commit()
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    told = text_of(client.get(response.headers["Location"]))
    assert "Sekolah Anda tidak lagi aktif di aplikasi ini, jadi Anda dikeluarkan." in told
    # The right password is told plainly why it is not enough (not "wrong password", which
    # sends them retrying into the lock-out); no session starts.
    again = client.post("/login", data={"username": liaison.username, "password": PASSWORD})
    page = text_of(again)
    assert again.status_code == 200
    assert (
        "Sekolah Anda tidak lagi aktif di aplikasi ini, jadi akunnya tidak dapat masuk. "
        "Hubungi kantor Dukcapil." in page
    )
    assert "kata sandi salah" not in page
    assert client.get("/").status_code == 302
    # A wrong password says only what it says for anyone.
    wrong = text_of(client.post("/login", data={"username": liaison.username, "password": "x"}))
    assert "Nama pengguna atau kata sandi salah" in wrong and "Sekolah Anda" not in wrong
    # reactivated, the school's liaison logs in again — but the old session stays ended
    set_school_active(db_session, school, True, now=utcnow(), actor="test", version=None)
    db_session.commit()
    assert client.get("/").status_code == 302
    login(liaison)
    assert client.get("/").status_code == 200


def test_other_accounts_are_not_touched_by_a_schools_deactivation(
    client, db_session, make_user, make_school, login
):
    school = make_school()
    coordinator = make_user(Role.COORDINATOR)
    other = make_user(Role.LIAISON)  # of another school
    set_school_active(db_session, school, False, now=utcnow(), actor="test", version=None)
    db_session.commit()
    login(coordinator)
    client.post("/logout")
    login(other)
    assert client.get("/").status_code == 200


# --- (c) the day a liaison may ask for ----------------------------------------------------------


def _ask(client, url, visit, day: str):
    return client.post(
        url,
        data={
            "answer": "request",
            "request-version": visit.version,
            "request-day": "other",
            "request-other_day": day,
        },
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.one_of(
        st.sampled_from(["2100-01-01", "9999-12-31", "0001-01-01", "2000-02-29"]),
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    )
)  # fmt: skip
def test_no_day_outside_the_visits_month_is_asked_for(client, db_session, visit, day):
    url = link_for(db_session, visit)
    on = date.fromisoformat(day)
    month = visit.visit_on.replace(day=1)
    if on.replace(day=1) == month and on > office_today():
        return  # a day of the visit's month: possible or not by the planning rules
    response = _ask(client, url, visit, day)
    assert response.status_code == 422
    page = text_of(response)
    if 2000 <= on.year <= 2100:
        assert "Pilih hari antara" in page
    else:  # no form takes a day outside the years the app knows (web.forms.DateInput)
        assert "Masukkan tanggal dari tahun 2000 sampai 2100" in page
    assert "Hari yang bisa dipilih" in page  # and the days that can be chosen, beside it
    db_session.expire_all()
    kept = db_session.get(Visit, visit.id)
    assert kept.requested_visit_on is None and kept.status is VisitStatus.PROPOSED


def test_the_date_picker_offers_only_the_visits_month(client, db_session, visit):
    page = client.get(link_for(db_session, visit)).get_data(as_text=True)
    field = re.search(r'<input[^>]*name="request-other_day"[^>]*>', page).group(0)
    first = re.search(r'min="([^"]+)"', field).group(1)
    last = re.search(r'max="([^"]+)"', field).group(1)
    month = visit.visit_on.replace(day=1)
    assert date.fromisoformat(first) >= max(month, office_today() + timedelta(days=1))
    assert date.fromisoformat(last).replace(day=1) == month

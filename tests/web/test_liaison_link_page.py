"""The liaison's page behind /l/<token>, as a liaison without an account uses it: with CSRF
on, rate-limited, and a friendly page for every link that is not (or no longer) good."""

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from outreach.i18n import long_date, office_today
from outreach.models import (
    ClosureKind,
    ClosureSource,
    ConfirmationChannel,
    OfficeClosure,
    Visit,
    VisitStatus,
    utcnow,
)
from outreach.services.visits.changes import Who
from outreach.services.visits.links import issue_link
from tests.conftest import login_with_csrf
from tests.services.visit_helpers import add_visit
from tests.web.visit_fixtures import next_month_weekdays

SECRET = "test-secret-key-not-for-production"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "LIAISON_LINK_LIMIT": "12 per minute"}


@pytest.fixture
def visit(db_session, make_team, make_school):
    school = make_school(name="SMA Negeri 5 Kota Bengkulu", liaison_name="Bu Rina")
    return add_visit(
        db_session, school=school, team=make_team(name="Tim Utara"), on=next_month_weekdays()[1]
    )


def link_for(db_session, visit) -> str:
    token = issue_link(
        db_session, visit, now=utcnow(), today=office_today(), who=Who("test"), secret=SECRET
    )
    db_session.commit()
    return f"/l/{token}"


def tokens(page: str) -> dict[str, str]:
    """Each answer form's CSRF token, by its prefix."""
    return dict(re.findall(r'name="(\w+)-csrf_token" type="hidden" value="([^"]+)"', page))


def test_the_page_opens_without_login_and_confirms(client, db_session, visit):
    url = link_for(db_session, visit)
    response = client.get(url)
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    page = unescape(response.get_data(as_text=True))
    assert "SMA Negeri 5 Kota Bengkulu" in page and long_date(visit.visit_on) in page
    assert "Fotokopi Kartu Keluarga" in page and "Tim Utara" in page
    response = client.post(
        url,
        data={
            "answer": "confirm",
            "confirm-csrf_token": tokens(page)["confirm"],
            "confirm-version": visit.version,
            "confirm-students_expected": "120",
        },
    )
    assert response.status_code == 302
    db_session.expire_all()
    visit = db_session.get(Visit, visit.id)
    assert visit.status is VisitStatus.CONFIRMED
    assert visit.confirmed_via is ConfirmationChannel.LINK and visit.confirmed_by_name == "Bu Rina"
    assert "Tanggal ini sudah dikonfirmasi" in client.get(url).get_data(as_text=True)


def test_an_answer_without_the_csrf_token_is_refused(client, db_session, visit):
    url = link_for(db_session, visit)
    client.get(url)
    response = client.post(url, data={"answer": "confirm", "confirm-version": visit.version})
    assert response.status_code == 400  # the friendly "reload the page and try again"
    assert "Permintaan tidak dapat diproses" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Visit, visit.id).status is VisitStatus.PROPOSED


def test_choosing_a_day_with_room_moves_the_visit_and_opens_the_new_days_page(
    client, db_session, visit
):
    url = link_for(db_session, visit)
    page = unescape(client.get(url).get_data(as_text=True))
    day = next_month_weekdays()[3]
    assert long_date(day) in page
    response = client.post(
        url,
        data={
            "answer": "request",
            "request-csrf_token": tokens(page)["request"],
            "request-version": visit.version,
            "request-day": day.isoformat(),
            "request-reason": "Ada ujian praktik",
        },
    )
    assert response.status_code == 302
    new = db_session.scalar(select(Visit).where(Visit.replaces_id == visit.id))
    assert new.visit_on == day and new.status is VisitStatus.CONFIRMED
    assert response.headers["Location"] != url
    moved_page = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert long_date(day) in moved_page and "Tanggal ini sudah dikonfirmasi" in moved_page
    # the link the liaison had shows the new day, confirmed
    old = unescape(client.get(url).get_data(as_text=True))
    assert "Kunjungan ini sudah dipindahkan" in old
    assert long_date(day) in old and "Tanggal ini sudah dikonfirmasi" in old


def _ask(client, url, visit, day):
    page = client.get(url).get_data(as_text=True)
    return client.post(
        url,
        data={
            "answer": "request",
            "request-csrf_token": tokens(page)["request"],
            "request-version": visit.version,
            "request-day": "other",
            "request-other_day": day.isoformat(),
        },
        follow_redirects=True,
    )


def test_a_day_the_rules_refuse_is_refused_on_the_page_with_the_reason(client, db_session, visit):
    closed = next_month_weekdays()[4]
    db_session.add(
        OfficeClosure(
            closed_on=closed, name="Rapat kerja daerah", kind=ClosureKind.LOCAL,
            source=ClosureSource.USER,
        )
    )  # fmt: skip
    db_session.commit()
    url = link_for(db_session, visit)
    for day, says in (
        (closed, "Kantor tutup pada hari itu: Rapat kerja daerah."),
        (visit.visit_on + timedelta(days=40), "Pilih hari antara"),  # another month
    ):
        response = _ask(client, url, visit, day)
        page = unescape(response.get_data(as_text=True))
        assert response.status_code == 422 and says in page
        # the days offered are only the possible ones: the closed day is not among them
        radios = re.findall(r'<input[^>]*type="radio"[^>]*>', page)
        offered = [re.search(r'value="([^"]+)"', radio).group(1) for radio in radios]
        assert offered and closed.isoformat() not in offered
    db_session.expire_all()
    kept = db_session.get(Visit, visit.id)
    assert kept.requested_visit_on is None and kept.status is VisitStatus.PROPOSED


def test_a_full_day_is_left_as_a_request_for_the_coordinator(
    client, db_session, visit, make_school
):
    full = next_month_weekdays()[5]
    for _ in range(visit.team.school_visits_per_day):
        add_visit(db_session, school=make_school(), team=visit.team, on=full)
    url = link_for(db_session, visit)
    response = _ask(client, url, visit, full)
    assert "Koordinator akan memeriksanya" in unescape(response.get_data(as_text=True))
    db_session.expire_all()
    assert db_session.get(Visit, visit.id).requested_visit_on == full


def test_declining_needs_a_reason(client, db_session, visit):
    url = link_for(db_session, visit)
    page = client.get(url).get_data(as_text=True)
    data = {
        "answer": "decline",
        "decline-csrf_token": tokens(page)["decline"],
        "decline-version": visit.version,
    }
    response = client.post(url, data=data)
    assert response.status_code == 422 and "Tulis alasannya." in response.get_data(as_text=True)
    client.post(url, data={**data, "decline-reason": "Ujian akhir semester"})
    db_session.expire_all()
    assert db_session.get(Visit, visit.id).status is VisitStatus.CANCELLED


@pytest.mark.parametrize("token", ["abc", "x" * 300, "eyJ.broken", "%00", "WzEsImEiXQ"])
def test_a_bad_link_gets_a_friendly_page_not_an_error(client, token):
    response = client.get(f"/l/{token}")
    assert response.status_code == 404
    assert "Tautan ini tidak berfungsi" in response.get_data(as_text=True)


def test_an_old_or_expired_link_says_why(client, db_session, visit):
    old = link_for(db_session, visit)
    new = link_for(db_session, visit)
    response = client.get(old)
    assert (
        response.status_code == 410
        and "Tautan yang lebih baru sudah dikirim" in response.get_data(as_text=True)
    )
    visit.visit_on = office_today() - timedelta(days=1)
    db_session.commit()
    response = client.get(new)
    assert response.status_code == 410 and "sudah kedaluwarsa" in response.get_data(as_text=True)


def test_the_link_page_is_rate_limited(client, db_session, visit):
    url = link_for(db_session, visit)
    codes = [client.get(url).status_code for _ in range(13)]
    assert codes[:12] == [200] * 12 and codes[12] == 429


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self):
        return {"OUTREACH_BASE_URL": "https://jemputbola.bengkulukota.go.id"}

    def test_links_given_out_use_the_public_address(
        self, client, db_session, visit, make_user, login
    ):
        from outreach.models import Role

        login(make_user(Role.COORDINATOR))
        client.post(f"/visits/{visit.id}/link")
        page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
        assert 'value="https://jemputbola.bengkulukota.go.id/l/' in page
        client.post(f"/teams/{visit.team_id}/feed", data={"action": "renew"})
        team_page = client.get(f"/teams/{visit.team_id}").get_data(as_text=True)
        assert 'value="https://jemputbola.bengkulukota.go.id/feeds/team/' in team_page


def test_a_token_naming_another_visit_gets_the_friendly_page(
    client, db_session, visit, make_school, make_team
):
    """Even signed with the app's own key, a token whose nonce is not the named visit's opens
    nothing."""
    from itsdangerous import URLSafeSerializer

    other = add_visit(db_session, school=make_school(), team=make_team(), on=visit.visit_on)
    link_for(db_session, visit)
    link_for(db_session, other)
    forged = URLSafeSerializer(SECRET, salt="jemput-bola/liaison-link/respond").dumps(
        [other.id, visit.link_nonce]
    )
    response = client.get(f"/l/{forged}")
    assert response.status_code == 410
    assert "Tautan yang lebih baru sudah dikirim" in response.get_data(as_text=True)
    assert 'name="answer"' not in response.get_data(as_text=True)


# --- what the page says, and only when it fits ---------------------------------------------------


def text_of(response) -> str:
    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def _close(db_session, *days):
    for day in days:
        db_session.add(
            OfficeClosure(
                closed_on=day, name="Cuti bersama", kind=ClosureKind.LOCAL,
                source=ClosureSource.USER,
            )
        )  # fmt: skip
    db_session.commit()


def test_the_days_one_may_ask_for_are_said_up_front_as_the_rules_allow_them(
    client, db_session, visit
):
    """The range beside "another day" (and the date picker's min and max) runs from the first
    to the last day the rules would take — a working day without a closure — not from the
    month's first and last calendar day."""
    lead = max(1, client.application.config["OUTREACH_LEAD_DAYS"])
    earliest = office_today() + timedelta(days=lead)
    possible = [d for d in next_month_weekdays() if d >= earliest and d != visit.visit_on]
    _close(db_session, possible[0], possible[-1])  # the first and last weekday are holidays
    first, last = possible[1], possible[-2]
    url = link_for(db_session, visit)
    response = client.get(url)
    page = response.get_data(as_text=True)
    hint = f"Hari yang bisa dipilih: antara {long_date(first)} dan {long_date(last)}."
    assert hint in text_of(response)
    field = re.search(r'<input[^>]*name="request-other_day"[^>]*>', page).group(0)
    assert f'min="{first.isoformat()}"' in field and f'max="{last.isoformat()}"' in field
    assert 'aria-describedby="request-other_day-hint"' in field
    # a day outside is refused naming the same range
    refused = _ask(client, url, visit, visit.visit_on + timedelta(days=40))
    error = re.search(r'<div class="invalid-feedback d-block">([^<]+)</div>', unescape(
        refused.get_data(as_text=True)
    )).group(1)  # fmt: skip
    assert error == f"Pilih hari antara {long_date(first)} dan {long_date(last)}."


def test_without_a_team_phone_no_office_call_is_offered_without_a_number(client, db_session, visit):
    assert visit.team.phone is None
    page = text_of(client.get(link_for(db_session, visit)))
    assert "telepon kantor" not in page.lower() and 'href="tel:' not in page
    assert "Balas pesan yang berisi tautan ini." in page


def test_a_team_phone_is_offered_as_a_call(client, db_session, visit):
    visit.team.phone = "+6273621234"
    db_session.commit()
    page = client.get(link_for(db_session, visit)).get_data(as_text=True)
    assert 'href="tel:+6273621234"' in page


def test_a_logged_in_liaison_is_not_told_about_forwarding_a_link(
    client, db_session, visit, make_user
):
    from outreach.models import Role

    url = link_for(db_session, visit)
    assert "jangan teruskan tautannya" in text_of(client.get(url))
    login_with_csrf(client, make_user(Role.LIAISON, school=visit.school))
    own = text_of(client.get(f"/visits/{visit.id}"))
    assert "SMA Negeri 5 Kota Bengkulu" in own and "Mohon disiapkan" in own
    assert "jangan teruskan" not in own
    # no message brought them here: they are pointed to the coordinator instead
    assert "Balas pesan" not in own and "Hubungi koordinator Dukcapil" in own


@pytest.mark.parametrize("how", ["cancelled", "declined", "past"])
def test_a_visit_that_will_not_take_place_asks_nothing_to_be_prepared(
    client, db_session, visit, make_user, how
):
    from outreach.models import Role
    from outreach.services.visits.lifecycle import cancel_visit, decline_month

    url = link_for(db_session, visit)
    assert "Mohon disiapkan" in text_of(client.get(url))
    now, today = utcnow(), office_today()
    if how == "cancelled":
        cancel_visit(
            db_session, visit, reason="Petugas sakit", now=now, today=today, who=Who("test"),
            version=None,
        )  # fmt: skip
    elif how == "declined":
        decline_month(
            db_session, visit, reason="Ujian", now=now, today=today, who=Who("test"),
            version=None,
        )  # fmt: skip
    else:
        visit.visit_on = today - timedelta(days=2)
    db_session.commit()
    if how != "past":  # a past visit's link has expired: the school's own page shows it
        page = text_of(client.get(url))
        assert "Dibatalkan" in page and "Mohon disiapkan" not in page
        assert "Fotokopi Kartu Keluarga" not in page
    login_with_csrf(client, make_user(Role.LIAISON, school=visit.school))
    own = text_of(client.get(f"/visits/{visit.id}"))
    assert "Mohon disiapkan" not in own

"""A visit's life across three people and two browsers: the coordinator sends the school's
liaison a link, the liaison (on a phone, without an account) asks for another day, the
coordinator sees the visit moved, and a field officer records outcomes at 390 px."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from outreach.i18n import long_date, office_today
from outreach.models import HomeOutcome, ResidentStatus, Role, Visit, VisitStatus
from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, open_logged_in
from tests.services.visit_helpers import add_visit
from tests.web.visit_fixtures import next_month_weekdays

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def console_watch(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda m: m.type == "error" and "status of 4" not in m.text and errors.append(m.text),
    )
    return errors


def test_link_sent_other_day_asked_visit_moved_outcome_recorded(
    browser, live_server, db_session, make_user, make_team, make_school, make_resident, screenshot
):
    days = next_month_weekdays()
    team = make_team(name="Tim Perekaman Utara", school_visits_per_day=2, home_visits_per_day=4)
    school = make_school(
        name="SMA Negeri 5 Kota Bengkulu",
        address="Jl. Cendana No. 20",
        liaison_name="Rina Marlina",
        liaison_phone="+6281377712345",
        students_pending=140,
        lat=-3.7956,
        lng=102.2652,
    )
    visit = add_visit(db_session, school=school, team=team, on=days[1])
    # The officer's day today: a school in the morning, then two homes.
    today = office_today()
    add_visit(
        db_session,
        school=make_school(
            name="SMA Negeri 2 Kota Bengkulu", address="Jl. Kapuas", liaison_phone="+6281234500002"
        ),
        team=team,
        on=today,
        status=VisitStatus.CONFIRMED,
    )
    homes = [
        add_visit(
            db_session,
            resident=make_resident(name=name, phone="+6281390001111", lat=-3.80, lng=102.27),
            team=team,
            on=today,
            route_order=n,
        )
        for n, name in enumerate(("Nenek Sulastri", "Kakek Rahman"), start=1)
    ]
    coordinator = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    officer = make_user(Role.OFFICER, username="andi", name="Andi Saputra", team=team)

    office, desk, desk_errors = open_logged_in(browser, live_server, coordinator, DESKTOP, PASSWORD)
    phone_context = browser.new_context(
        viewport=PHONE, locale="id-ID", is_mobile=True, has_touch=True
    )
    liaison = phone_context.new_page()
    liaison_errors = console_watch(liaison)
    try:
        # The coordinator makes the link and sees it ready for WhatsApp.
        desk.goto(f"{live_server}/visits/{visit.id}")
        desk.click("[data-testid=make-link]")
        link = desk.locator("[data-testid=link-field]").input_value()
        assert "/l/" in link
        # WhatsApp opens (in a new tab) with the ready message, and the sending is noted
        sender = desk.locator("form:has([data-testid=whatsapp])")
        token = sender.locator("input[name=link-csrf_token]").input_value()
        sent = desk.request.post(
            f"{live_server}{sender.get_attribute('action')}",
            form={"link-csrf_token": token},
            max_redirects=0,
        )
        assert sent.status == 303
        assert sent.headers["location"].startswith(
            "https://wa.me/6281377712345?text=Halo%20Rina%20Marlina"
        )
        screenshot(desk, "visit-page-desktop")

        # The liaison opens it on a phone, without logging in, and asks for another day.
        liaison.goto(link)
        assert "SMA Negeri 5 Kota Bengkulu" in liaison.inner_text("[data-testid=liaison-page]")
        assert long_date(days[1]) in liaison.inner_text("[data-testid=liaison-date]")
        screenshot(liaison, "liaison-page-phone")
        liaison.click("[data-testid=answer-request] summary")
        liaison.check(f"input[name=request-day][value='{days[3].isoformat()}']")
        liaison.fill("#request-reason", "Tanggal itu ada ujian praktik")
        liaison.fill("#request-students_expected", "96")
        screenshot(liaison, "liaison-request-phone")
        liaison.click("[data-testid=request-day]")
        liaison.wait_for_selector("[data-testid=liaison-confirmed]")
        assert long_date(days[3]) in liaison.inner_text("[data-testid=liaison-date]")
        assert liaison.url != link
        screenshot(liaison, "liaison-moved-phone")

        # The coordinator sees the visit moved, confirmed, and the calendar.
        desk.reload()
        assert long_date(days[3]) in desk.inner_text("[data-testid=moved-notice]")
        desk.click("[data-testid=moved-notice] a")
        assert "Dikonfirmasi" in desk.inner_text("[data-testid=visit-status]")
        assert "Sekolah meminta" not in desk.content()
        desk.goto(f"{live_server}/visits/calendar?month={days[0].strftime('%Y-%m')}")
        cell = desk.locator(f"[data-testid=calendar-grid] [data-day='{days[3].isoformat()}']")
        assert "SMA Negeri 5 Kota Bengkulu" in cell.inner_text()
        screenshot(desk, "calendar-desktop")
        desk.goto(f"{live_server}/visits?month={days[0].strftime('%Y-%m')}")
        screenshot(desk, "visit-list-desktop")
        desk.goto(f"{live_server}/visits/day-sheet?team={team.id}&day={today.isoformat()}")
        screenshot(desk, "day-sheet-desktop")
        desk.emulate_media(media="print")
        screenshot(desk, "day-sheet-print")
        desk.emulate_media(media="screen")

        # The officer records today's outcomes on a phone.
        field, phone, field_errors = open_logged_in(browser, live_server, officer, PHONE, PASSWORD)
        try:
            stops = phone.locator("[data-testid=stop]")
            assert stops.count() == 3
            assert "Nenek Sulastri" in stops.nth(1).inner_text()
            assert (
                phone.locator("[data-testid=stop-phone]")
                .first.get_attribute("href")
                .startswith("tel:+62")
            )
            screenshot(phone, "officer-day-phone")
            stops.nth(1).locator("[data-testid=stop-outcome]").click()
            phone.check("input[name=outcome][value=not_at_home]")
            phone.fill("#notes", "Rumah terkunci, tetangga bilang ke rumah anak")
            screenshot(phone, "officer-outcome-phone")
            phone.click("[data-testid=save-outcome]")
            phone.wait_for_url(live_server + "/")
            assert "kembali masuk antrean" in phone.locator(".alert").first.inner_text()
            stops.nth(0).locator("[data-testid=stop-outcome]").click()
            phone.fill("#recorded", "54")
            phone.fill("#not_recorded", "3")
            phone.fill("#reason", "Tidak membawa KK")
            phone.click("[data-testid=save-outcome]")
            phone.wait_for_url(live_server + "/")
            screenshot(phone, "officer-day-done-phone")
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], "the officer's day scrolls sideways on a phone"
            assert field_errors == []
        finally:
            field.close()
        db_session.expire_all()
        first_home = db_session.get(Visit, homes[0].id)
        assert first_home.home_outcome is HomeOutcome.NOT_AT_HOME
        assert first_home.resident.status is ResidentStatus.WAITING
        moved = db_session.scalar(select(Visit).where(Visit.replaces_id == visit.id))
        assert moved.visit_on == days[3] and moved.students_expected == 96
        assert moved.visit_on - visit.visit_on >= timedelta(days=1)
        assert desk_errors == [] and liaison_errors == []
    finally:
        office.close()
        phone_context.close()

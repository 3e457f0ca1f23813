"""The visit journeys as a coordinator, an officer and a liaison meet them on a desktop and a
phone: a home visit confirmed and moved in a family's words, an outcome recorded, seen and
corrected (and the report following), a month's links sent from one page, the officer's
coming days."""

from datetime import date, timedelta

import pytest

from outreach.i18n import long_date, office_today
from outreach.models import Role, VisitStatus
from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, open_logged_in
from tests.services.visit_helpers import add_visit
from tests.web.visit_fixtures import next_month_weekdays

pytestmark = pytest.mark.e2e

SCHOOL_WORDS = ("sekolah", "siswa", "Sekolah", "Siswa")


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_a_home_visit_is_confirmed_and_moved_in_a_familys_words(
    browser, live_server, db_session, make_user, make_team, make_resident, screenshot
):
    days = next_month_weekdays()
    team = make_team(name="Tim Perekaman Selatan", home_visits_per_day=4)
    resident = make_resident(
        name="Siti Aminah", phone="+6281377700011", is_bedridden=True, needs_companion=True,
        contact_name="Rahmat", contact_relation="anak",
    )  # fmt: skip
    visit = add_visit(db_session, resident=resident, team=team, on=days[2])
    coordinator = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context, page, errors = open_logged_in(
            browser, live_server, coordinator, viewport, PASSWORD
        )
        try:
            page.goto(f"{live_server}/visits/{visit.id}")
            family = page.inner_text("[data-testid=family-card]")
            assert "Siti Aminah" in family and "Rahmat (anak)" in family
            assert "tirah baring" in family and "perlu pendamping" in family
            assert page.get_attribute("[data-testid=call-family]", "href") == "tel:+6281377700011"
            assert page.get_attribute("[data-testid=whatsapp-family]", "href").startswith(
                "https://wa.me/6281377700011?text=Halo%20Rahmat"
            )
            assert page.locator("[data-testid=map-link]").count() >= 1
            main = page.inner_text("main")
            assert not any(word in main for word in SCHOOL_WORDS), main
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            screenshot(page, f"home-visit-{name}")
            assert not errors
        finally:
            context.close()
    context, page, errors = open_logged_in(browser, live_server, coordinator, PHONE, PASSWORD)
    try:
        page.goto(f"{live_server}/visits/{visit.id}")
        page.click("[data-testid=confirm-form] button[type=submit]")
        assert "keluarga setuju" in page.inner_text(".alert-success")
        page.select_option("#move-on", index=1)  # the first is "choose a day"
        page.fill("#move-reason", "Keluarga minta hari lain")
        page.click("[data-testid=move-form] button[type=submit]")
        notice = page.inner_text(".alert-success")
        assert "diusulkan kepada keluarga" in notice and "sekolah" not in notice
        screenshot(page, "home-visit-moved-phone")
        page.goto(f"{live_server}/visits/{visit.id}")
        assert "Dipindahkan" in page.inner_text("[data-testid=visit-status]")
        assert "Dibatalkan" not in page.inner_text("main")
        assert page.locator("[data-testid=visit-moved], [data-testid=moved-notice]").count()
        assert not errors
    finally:
        context.close()


def test_an_outcome_is_recorded_seen_corrected_and_the_report_follows(
    browser, live_server, db_session, make_user, make_team, make_school, screenshot
):
    today = office_today()
    team = make_team(name="Tim Perekaman Utara")
    school = make_school(name="SMA Negeri 5 Kota Bengkulu", students_pending=120)
    visit = add_visit(db_session, school=school, team=team, on=today, status=VisitStatus.CONFIRMED)
    officer = make_user(Role.OFFICER, username="andi", name="Andi Saputra", team=team)
    coordinator = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    context, phone, errors = open_logged_in(browser, live_server, officer, PHONE, PASSWORD)
    try:
        phone.goto(f"{live_server}/visits/{visit.id}/outcome")
        phone.fill("#recorded", "40")
        phone.fill("#not_recorded", "5")
        phone.fill("#reason", "Sakit")
        phone.click("[data-testid=save-outcome]")
        phone.wait_for_url(live_server + "/")  # saved (through the phone's outbox), then home
        phone.goto(f"{live_server}/visits/{visit.id}/outcome")
        seen = phone.inner_text("[data-testid=recorded-outcome]")
        assert "40" in seen and "Sakit" in seen
        # the officer may correct it on the day they recorded it
        phone.click("[data-testid=correct-outcome] summary")
        screenshot(phone, "outcome-seen-phone")
        assert not errors
    finally:
        context.close()
    context, desk, errors = open_logged_in(browser, live_server, coordinator, DESKTOP, PASSWORD)
    try:
        desk.goto(f"{live_server}/visits/{visit.id}")
        desk.click("[data-testid=correct-link]")
        desk.click("[data-testid=correct-outcome] summary")
        desk.fill("#recorded", "60")
        desk.click("[data-testid=save-correction]")
        assert "Tulis alasannya." in desk.inner_text("[data-testid=correct-outcome]")
        desk.fill("#correction", "Salah ketik: 60, bukan 40")
        desk.click("[data-testid=save-correction]")
        history = desk.inner_text("[data-testid=history]")
        assert "Hasil dikoreksi" in history and "40 → 60" in history
        assert "Salah ketik" in history
        screenshot(desk, "outcome-corrected-desktop")
        desk.goto(f"{live_server}/reports?month={today:%Y-%m}")
        assert "60" in desk.inner_text("main")
        assert not errors
    finally:
        context.close()


def test_a_months_links_are_sent_from_one_page_and_the_officer_sees_the_coming_days(
    browser, live_server, db_session, make_user, make_team, make_school, make_resident,
    screenshot,
):  # fmt: skip
    days = next_month_weekdays()
    team = make_team(name="Tim Perekaman Utara", school_visits_per_day=2)
    for n in range(1, 4):
        add_visit(
            db_session,
            school=make_school(name=f"SMA Negeri {n} Kota Bengkulu", liaison_name=f"Bu Guru {n}",
                               liaison_phone=f"+62812345678{n}"),
            team=team,
            on=days[n],
        )  # fmt: skip
    coordinator = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context, page, errors = open_logged_in(
            browser, live_server, coordinator, viewport, PASSWORD
        )
        try:
            page.goto(f"{live_server}/visits/links?month={days[0]:%Y-%m}")
            assert page.locator("[data-testid=link-row]").count() == 3
            if name == "desktop":
                page.click("[data-testid=make-all-links]")
                assert "3 tautan dibuat." in page.inner_text(".alert-success")
            assert page.locator("[data-testid=copy-all]").count() == 1
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            screenshot(page, f"month-links-{name}")
            assert not errors
        finally:
            context.close()

    soon = office_today() + timedelta(days=1)
    while soon.weekday() >= 5:  # the next weekday (no closures are loaded in these tests)
        soon += timedelta(days=1)
    resident = make_resident(name="Darmawati", is_bedridden=True)
    officer = make_user(Role.OFFICER, username="andi", name="Andi Saputra", team=team)
    add_visit(db_session, resident=resident, team=team, on=soon)
    context, phone, errors = open_logged_in(browser, live_server, officer, PHONE, PASSWORD)
    try:
        coming = phone.locator("[data-testid=coming-day]")
        assert coming.count() >= 5
        shown = phone.inner_text(f"[data-testid=coming-day][data-day='{soon.isoformat()}']")
        assert "Darmawati" in shown and "tirah baring" in shown
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(phone, "officer-coming-days-phone")
        phone.goto(f"{live_server}/visits/day-sheet?team={team.id}&day={soon.isoformat()}")
        assert long_date(soon) in phone.inner_text("main") and "Darmawati" in phone.inner_text(
            "main"
        )
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(phone, "day-sheet-phone")
        assert not errors
    finally:
        context.close()


def test_a_liaison_is_refused_a_closed_day_then_moves_and_sees_the_new_day(
    browser, live_server, db_session, make_team, make_school, screenshot
):
    from outreach.models import ClosureKind, ClosureSource, OfficeClosure, utcnow
    from outreach.services.visits.changes import Who
    from outreach.services.visits.links import issue_link

    days = next_month_weekdays()
    team = make_team(name="Tim Perekaman Utara", school_visits_per_day=2)
    team.phone = "+6273621234"
    closed = days[4]
    db_session.add(
        OfficeClosure(closed_on=closed, name="Rapat kerja daerah", kind=ClosureKind.LOCAL,
                      source=ClosureSource.USER)
    )  # fmt: skip
    db_session.commit()
    visit = add_visit(
        db_session, school=make_school(name="SMA Negeri 5 Kota Bengkulu"), team=team, on=days[1]
    )
    token = issue_link(
        db_session, visit, now=utcnow(), today=office_today(), who=Who("test"),
        secret="test-secret-key-not-for-production",
    )  # fmt: skip
    db_session.commit()
    context = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/l/{token}")
        call = page.inner_text("[data-testid=liaison-call]")
        assert "Tim Perekaman Utara" in call
        assert page.get_attribute("[data-testid=liaison-call] a", "href") == "tel:+6273621234"
        page.click("[data-testid=answer-request] summary")
        page.check("input[name=request-day][value=other]")
        page.fill("#request-other_day", closed.isoformat())
        page.click("[data-testid=request-day]")
        assert "Kantor tutup pada hari itu: Rapat kerja daerah." in page.inner_text("main")
        screenshot(page, "liaison-closed-day-refused-phone")
        offered = page.locator("input[name=request-day]:not([value=other])").first
        new_day = offered.get_attribute("value")
        offered.check()
        page.click("[data-testid=request-day]")
        page.wait_for_selector("[data-testid=liaison-confirmed]")
        page.goto(f"{live_server}/l/{token}")  # the link the liaison was sent
        moved = page.inner_text("main")
        assert "sudah dipindahkan" in moved and "sudah dikonfirmasi" in moved
        assert long_date(date.fromisoformat(new_day)) in moved
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "liaison-old-link-new-day-phone")
    finally:
        context.close()

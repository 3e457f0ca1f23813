"""A field officer's day without a signal, on a phone at 390 px in Chromium's offline mode: the
day opened online is kept on the phone; three outcomes (a school, two families) are saved
without a signal and wait; the phone is closed and opened again, still offline, and they are
still there; the signal returns and each is saved exactly once. The same with a session that
ended meanwhile (the officer logs in again, nothing is lost), and with a visit the coordinator
cancelled meanwhile (the officer is told, the outcome is kept for the coordinator)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from outreach.i18n import office_today
from outreach.models import (
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
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.services.visit_helpers import add_visit

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def day(db_session, make_team, make_school, make_resident, make_user):
    """Today's stops of one team: a school, then two families; and its officer."""
    team = make_team(name="Tim Perekaman Utara", school_visits_per_day=2, home_visits_per_day=4)
    today = office_today()
    school = add_visit(
        db_session,
        school=make_school(
            name="SMA Negeri 2 Kota Bengkulu", liaison_phone="+6281234500002", students_pending=80
        ),
        team=team,
        on=today,
        status=VisitStatus.CONFIRMED,
    )
    homes = [
        add_visit(
            db_session,
            resident=make_resident(name=name, phone="+6281390001111"),
            team=team,
            on=today,
            route_order=n,
        )
        for n, name in enumerate(("Nenek Sulastri", "Kakek Rahman"), start=1)
    ]
    officer = make_user(Role.OFFICER, username="andi", name="Andi Saputra", team=team)
    return {"team": team, "school": school, "homes": homes, "officer": officer}


def phone_login(browser, live_server, user):
    context = browser.new_context(
        viewport=PHONE, locale="id-ID", is_mobile=True, has_touch=True, service_workers="allow"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and "net::ERR_INTERNET_DISCONNECTED" not in m.text
            and "Failed to fetch" not in m.text
            and "status of 401" not in m.text
            and errors.append(m.text)
        ),
    )
    log_in(page, live_server, user)
    return context, page, errors


def log_in(page, live_server, user):
    page.goto(live_server + "/login")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(live_server + "/")


def ready_offline(page):
    """Wait until the phone keeps the officer's pages (the worker says how many)."""
    page.wait_for_selector("html[data-offline-ready=yes]", timeout=15_000)
    assert "halaman kunjungan Anda tersimpan" in page.inner_text("[data-testid=outbox-ready]")


def waiting(page) -> int:
    return int(page.get_attribute("[data-testid=outbox-count]", "data-waiting"))


def record_offline(page, live_server, visit, fill):
    """Open a stop's outcome form without a signal, fill it, save it: back on the day's
    page, with the outcome waiting on the phone."""
    page.goto(f"{live_server}/visits/{visit.id}/outcome")
    assert page.locator("[data-testid=outcome-form]").is_visible()
    fill(page)
    page.click("[data-testid=save-outcome]")
    page.wait_for_selector("[data-testid=outbox-queued]")


def school_outcome(page):
    page.fill("#recorded", "54")
    page.fill("#not_recorded", "3")
    page.fill("#reason", "Tidak membawa KK")


def home_recorded(page):
    page.check("input[name=outcome][value=recorded]")


def home_not_at_home(page):
    page.check("input[name=outcome][value=not_at_home]")
    page.fill("#notes", "Rumah terkunci")


def three_offline(page, live_server, day, screenshot=None):
    record_offline(page, live_server, day["school"], school_outcome)
    if screenshot:
        screenshot(page, "offline-one-waiting-phone")
    record_offline(page, live_server, day["homes"][0], home_recorded)
    record_offline(page, live_server, day["homes"][1], home_not_at_home)
    assert waiting(page) == 3


def sent_count(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(SentOutcome))


def test_three_outcomes_saved_offline_wait_then_go_exactly_once(
    browser, live_server, db_session, day, screenshot
):
    context, page, errors = phone_login(browser, live_server, day["officer"])
    try:
        ready_offline(page)
        screenshot(page, "offline-ready-phone")
        context.set_offline(True)
        # A reason missing for students left unrecorded: said at once, nothing waits.
        page.goto(f"{live_server}/visits/{day['school'].id}/outcome")
        page.fill("#recorded", "50")
        page.fill("#not_recorded", "2")
        page.click("[data-testid=save-outcome]")
        page.wait_for_selector("[data-outbox-error]")
        assert "Tulis alasannya" in page.inner_text("[data-testid=outcome-form]")
        screenshot(page, "offline-refused-on-the-phone")
        assert page.evaluate("JBOutbox.all().then(e => e.length)") == 0
        three_offline(page, live_server, day, screenshot)
        assert "Tidak ada sinyal" in page.inner_text("[data-testid=outbox-offline]")
        marks = page.locator("[data-testid=stop] [data-outbox-mark]")
        assert marks.count() == 3
        screenshot(page, "offline-three-waiting-phone")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert sent_count(db_session) == 0

        # The phone is put away; opened again later, still without a signal.
        page.close()
        page = context.new_page()
        page.goto(live_server + "/")
        assert waiting(page) == 3
        entries = page.locator("[data-testid=outbox-entry]")
        assert entries.count() == 3
        assert "SMA Negeri 2 Kota Bengkulu" in entries.nth(0).inner_text()
        screenshot(page, "offline-reopened-phone")

        # The signal returns: the page sends by itself.
        context.set_offline(False)
        page.wait_for_selector("[data-testid=outbox-count][data-waiting='0']", timeout=20_000)
        assert "Terakhir terkirim" in page.inner_text("[data-testid=outbox-last]")
        screenshot(page, "offline-all-sent-phone")
    finally:
        context.close()
    db_session.expire_all()
    school = db_session.get(Visit, day["school"].id)
    assert school.status is VisitStatus.COMPLETED
    assert (school.students_recorded, school.students_not_recorded) == (54, 3)
    assert school.school.students_pending == 26  # 80 less 54, counted once
    first, second = (db_session.get(Visit, home.id) for home in day["homes"])
    assert first.home_outcome is HomeOutcome.RECORDED
    assert first.resident.status is ResidentStatus.RECORDED
    assert second.home_outcome is HomeOutcome.NOT_AT_HOME and second.notes == "Rumah terkunci"
    assert second.resident.status is ResidentStatus.WAITING
    rows = list(db_session.scalars(select(SentOutcome)))
    assert len(rows) == 3 and {row.state for row in rows} == {SentState.RECORDED}
    assert len({row.client_id for row in rows}) == 3
    assert errors == []


def test_a_session_ended_offline_keeps_the_outcomes_until_the_officer_logs_in(
    browser, live_server, db_session, day, screenshot
):
    context, page, errors = phone_login(browser, live_server, day["officer"])
    try:
        ready_offline(page)
        context.set_offline(True)
        three_offline(page, live_server, day)
        # Meanwhile the session ends (idle too long, or ended on the server).
        db_session.execute(
            UserSession.__table__.update().values(ended_at=utcnow(), end_reason=SessionEnd.LOGOUT)
        )
        db_session.commit()

        context.set_offline(False)
        page.wait_for_selector("[data-testid=outbox-login]", timeout=20_000)
        assert waiting(page) == 3
        assert "Masuk lagi" in page.inner_text("[data-testid=outbox-login]")
        screenshot(page, "offline-login-needed-phone")
        assert sent_count(db_session) == 0

        page.click("[data-testid=outbox-login-link]")
        page.wait_for_url(f"{live_server}/login*")
        # Nobody is logged in here: the phone says outcomes wait, never whose or what.
        page.wait_for_selector("[data-testid=outbox-count]")
        assert page.locator("[data-testid=outbox-entry]").count() == 0
        assert "Nenek Sulastri" not in page.inner_text("[data-testid=outbox]")
        screenshot(page, "offline-login-page-phone")
        log_in(page, live_server, day["officer"])
        page.wait_for_selector("[data-testid=outbox-count][data-waiting='0']", timeout=20_000)
        screenshot(page, "offline-sent-after-login-phone")
    finally:
        context.close()
    assert sent_count(db_session) == 3
    db_session.expire_all()
    assert all(
        db_session.get(Visit, v.id).status is VisitStatus.COMPLETED
        for v in (day["school"], *day["homes"])
    )
    assert errors == []


def test_a_visit_cancelled_meanwhile_is_told_and_kept_for_the_coordinator(
    browser, live_server, db_session, day, make_user, screenshot
):
    coordinator = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    context, page, errors = phone_login(browser, live_server, day["officer"])
    try:
        ready_offline(page)
        context.set_offline(True)
        three_offline(page, live_server, day)
        cancelled = db_session.get(Visit, day["homes"][1].id)
        cancel_visit(
            db_session,
            cancelled,
            reason="Keluarga pindah ke Curup",
            now=utcnow(),
            today=office_today(),
            who=Who(coordinator),
            version=None,
        )
        db_session.commit()

        context.set_offline(False)
        page.wait_for_selector("[data-testid=outbox-count][data-waiting='0']", timeout=20_000)
        kept = page.locator("[data-testid=outbox-entry][data-state=kept]")
        assert kept.count() == 1
        assert "Kakek Rahman" in kept.inner_text()
        assert "Koordinator membatalkan kunjungan ini" in kept.inner_text()
        screenshot(page, "offline-kept-phone")
        page.click("[data-testid=outbox-dismiss]")
        page.wait_for_selector("[data-testid=outbox-entry]", state="detached")
    finally:
        context.close()
    db_session.expire_all()
    rows = {row.visit_id: row for row in db_session.scalars(select(SentOutcome))}
    assert len(rows) == 3
    row = rows[cancelled.id]
    assert (row.state, row.problem) == (SentState.KEPT, SentProblem.CANCELLED)
    assert row.values["outcome"] == "not_at_home" and row.values["notes"] == "Rumah terkunci"
    assert db_session.get(Visit, cancelled.id).status is VisitStatus.CANCELLED
    assert errors == []


def kept_caches(page) -> list[str]:
    return [name for name in page.evaluate("caches.keys()") if name == "jb-pages"]


def test_the_pages_kept_expire_and_go_at_logout(browser, live_server, db_session, day):
    context, page, errors = phone_login(browser, live_server, day["officer"])
    try:
        ready_offline(page)
        assert kept_caches(page) == ["jb-pages"]
        # Days later (the refresh's deadline passed): nothing is shown, and it is deleted.
        page.evaluate(
            "JBOutbox.getMeta('pages').then(m => JBOutbox.setMeta('pages', "
            "Object.assign(m, {until: Date.now() - 1})))"
        )
        context.set_offline(True)
        page.goto(f"{live_server}/visits/{day['school'].id}/outcome")
        page.wait_for_selector("[data-testid=offline-page]")
        assert kept_caches(page) == []

        # Online again, the pages are kept anew; logging out deletes them.
        context.set_offline(False)
        page.goto(live_server + "/")
        ready_offline(page)
        page.click(".navbar-toggler")
        page.click("[data-testid=user-menu]")
        page.click("[data-testid=logout]")
        page.wait_for_url(f"{live_server}/login*")
        page.wait_for_timeout(500)  # the login page asks the worker to delete them too
        assert kept_caches(page) == []
        context.set_offline(True)
        page.goto(live_server + "/")
        page.wait_for_selector("[data-testid=offline-page]")
        assert "Andi" not in page.content() and "Nenek Sulastri" not in page.content()
    finally:
        context.close()
    assert errors == []


def test_a_coming_days_form_opens_on_its_day_by_the_phones_calendar(
    browser, live_server, db_session, day, make_resident
):
    today = office_today()
    coming = today + timedelta(days=1)
    while coming.weekday() >= 5:
        coming += timedelta(days=1)
    later = add_visit(
        db_session, resident=make_resident(name="Ibu Marni"), team=day["team"], on=coming
    )
    context, page, errors = phone_login(browser, live_server, day["officer"])
    try:
        ready_offline(page)
        context.set_offline(True)
        page.goto(f"{live_server}/visits/{later.id}/outcome")
        assert "Ibu Marni" in page.inner_text("[data-testid=outcome-title]")
        assert not page.locator("[data-testid=outcome-form]").is_visible()
        # The day comes, still without a signal: the page kept on the phone opens its form.
        context.clock.set_fixed_time(datetime.combine(coming, time(9, 0)))
        page.reload()
        assert page.locator("[data-testid=outcome-form]").is_visible()
    finally:
        context.close()
    assert errors == []

"""A coordinator sets up a team, closes the office for a local holiday, previews next month's
school plan and creates it, then plans home visits — on a desktop and on a phone."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from outreach.i18n import office_today
from outreach.models import OfficeClosure, Role, Visit
from outreach.scheduling.calendar import next_month
from outreach.services.reference import load_closures
from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, open_logged_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_set_up_a_team_close_a_day_and_plan_next_month(
    browser,
    live_server,
    db_session,
    make_user,
    make_school,
    make_resident,
    screenshot,
    viewport,
    label,
):
    today = office_today()
    load_closures(db_session, [today.year, today.year + 1])
    db_session.commit()
    for n in range(1, 7):
        make_school(name=f"SMA NEGERI {n} KOTA BENGKULU", kecamatan_code="17.71.01")
    make_school(name="SMA TUNTAS", students_pending=0)
    for n in range(3):
        make_resident(name=f"Siti Aminah {n}")
    user = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    make_user(Role.OFFICER, username="andi", name="Andi Saputra")
    month = next_month(today)
    context, page, console_errors = open_logged_in(browser, live_server, user, viewport, PASSWORD)
    try:
        # A team for Selebar and Gading Cempaka, starting from the office.
        page.goto(live_server + "/teams")
        page.click("[data-testid=new-team]")
        page.fill("#name", "Tim Perekaman Utara")
        page.fill("#school_visits_per_day", "dua")
        page.click("[data-testid=save-team]")
        assert (
            "Masukkan bilangan bulat 0 atau lebih."
            in page.locator(".invalid-feedback").first.inner_text()
        )
        page.fill("#school_visits_per_day", "2")
        page.fill("#home_visits_per_day", "4")
        page.check("input[name=kecamatan][value='17.71.01']")
        page.check("input[name=kecamatan][value='17.71.02']")
        page.fill("#start", "-3.7928, 102.2655")
        screenshot(page, f"team-form-{label}")
        page.click("[data-testid=save-team]")
        page.wait_for_url(live_server + "/teams/*")
        assert "Tim dibuat: Tim Perekaman Utara." in page.locator(".alert").first.inner_text()
        page.select_option("#officer", label="Andi Saputra (Tim Uji 1)")
        page.click("[data-testid=add-member]")
        assert "Andi Saputra" in page.locator("[data-testid=team-members]").inner_text()
        screenshot(page, f"team-page-{label}")

        # A local closure on the first Monday of next month.
        first_monday = month + timedelta(days=(7 - month.weekday()) % 7)
        page.goto(live_server + f"/closures?year={first_monday.year}")
        page.fill("#first_on", first_monday.isoformat())
        page.fill("#name", "HUT Kota Bengkulu")
        page.click("[data-testid=add-closure]")
        assert "HUT Kota Bengkulu" in page.locator("[data-testid=closure-table]").inner_text()
        screenshot(page, f"closures-{label}")

        # Preview next month, then create it.
        page.goto(live_server + "/plan")
        summary = page.locator("[data-testid=plan-summary]").inner_text()
        assert "6" in summary
        assert "SMA TUNTAS" in page.locator("[data-testid=plan-skipped]").inner_text()
        assert "HUT" not in page.locator("[data-testid=plan-days]").inner_text()
        screenshot(page, f"plan-preview-{label}")
        page.click("[data-testid=create-plan]")
        page.wait_for_url(live_server + "/plan/runs/*")
        assert "6 kunjungan dibuat" in page.locator(".alert").first.inner_text()
        screenshot(page, f"plan-run-{label}")
        db_session.expire_all()
        days = set(db_session.scalars(select(Visit.visit_on)))
        assert len(days) >= 3 and first_monday not in days
        assert all(day.weekday() < 5 for day in days)

        # Home visits for the coming two weeks.
        page.goto(live_server + "/plan")
        page.click("[data-testid=tab-home]")
        page.wait_for_url(live_server + "/plan/home*")
        assert "Siti Aminah 0" in page.locator("[data-testid=home-days]").inner_text()
        screenshot(page, f"plan-home-{label}")
        page.click("[data-testid=create-home-plan]")
        page.wait_for_url(live_server + "/plan/runs/*")
        homes = db_session.scalar(
            select(func.count()).select_from(Visit).where(Visit.kind == "home")
        )
        assert homes == 3
        assert db_session.scalar(select(func.count()).select_from(OfficeClosure)) > 10
        assert console_errors == []
    finally:
        context.close()

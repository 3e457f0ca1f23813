"""A coordinator previews December's plan, is told the semester break is not noted, corrects
its first day, adds it in one step and sees the preview leave those days out — on a desktop and
on a phone-sized screen."""

from datetime import timedelta

import pytest

from outreach.models import Role
from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, open_logged_in
from tests.web.test_school_breaks import coming_december

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_note_the_semester_break_from_the_plan(
    browser, live_server, make_user, make_team, make_school, screenshot, viewport, label
):
    make_team(kecamatan_codes=("17.71.01",), school_visits_per_day=1)
    for _n in range(12):
        make_school()
    month = coming_december()
    user = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    context, page, console_errors = open_logged_in(browser, live_server, user, viewport, PASSWORD)
    try:
        page.goto(f"{live_server}/plan?month={month:%Y-%m}")
        warning = page.locator("[data-testid=break-missing]")
        assert "Libur semester belum dicatat" in warning.inner_text()
        assert f"Libur semester ganjil {month.year}/{month.year + 1}" in warning.inner_text()
        screenshot(page, f"plan-break-warning-{label}")

        # The last day before the first: refused, the form shown again with the message.
        page.fill("#last_on", page.input_value("#first_on"))
        page.fill("#first_on", (month + timedelta(days=30)).isoformat())
        page.click("[data-testid=add-break]")
        page.wait_for_load_state()
        assert (
            "Hari terakhir tidak boleh sebelum hari pertama."
            in page.locator(".invalid-feedback").first.inner_text()
        )

        page.fill("#first_on", f"{month.year}-12-19")
        page.fill("#last_on", f"{month.year + 1}-01-02")
        page.click("[data-testid=add-break]")
        page.wait_for_url(f"{live_server}/plan?month={month:%Y-%m}")
        assert "dicatat" in page.locator(".alert-success").first.inner_text()
        assert page.locator("[data-testid=break-missing]").count() == 0
        noted = page.locator("[data-testid=break-noted]").inner_text()
        assert f"19 Desember {month.year}" in noted and f"2 Januari {month.year + 1}" in noted
        days = page.locator("[data-testid=plan-days]").inner_text()
        for day in range(19, 32):
            assert f", {day} Desember {month.year}" not in days
        screenshot(page, f"plan-break-noted-{label}")
        assert console_errors == []
    finally:
        context.close()

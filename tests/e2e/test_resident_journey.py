"""A coordinator registers a bedridden elderly resident on a phone-sized screen (390 px): the
NIK fills birth date, sex and category; the request opens at the top of the queue."""

import pytest

from outreach.models import Role
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE, open_logged_in

pytestmark = pytest.mark.e2e


def test_register_a_bedridden_elderly_resident_on_a_phone(
    browser, live_server, make_user, make_resident, screenshot
):
    make_resident(name="Warga Lain")  # already in the queue, not bedridden
    user = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    context, page, console_errors = open_logged_in(browser, live_server, user, PHONE, PASSWORD)
    try:
        page.goto(live_server + "/residents")
        page.click("[data-testid=new-resident]")
        page.wait_for_url(live_server + "/residents/new")
        page.fill("#nik", "1771 0652 0338 0007")  # a woman born 12 March 1938, Ratu Agung
        page.locator("#nik-info").get_by_text("Lahir").wait_for()
        hint = page.locator("#nik-info").inner_text()
        assert "12 Maret 1938" in hint and "88 tahun" in hint and "perempuan" in hint
        assert page.input_value("#birth_on") == "1938-03-12"
        assert page.input_value("#sex") == "f"
        assert page.input_value("#category") == "lansia"  # suggested from 60
        page.fill("#name", "Nurhayati Idris")
        page.check("#is_bedridden")
        page.check("#needs_companion")
        page.fill("#address", "Jl. Merapi No. 12, rumah pagar hijau")
        page.fill("#rt", "12")
        page.fill("#rw", "3")
        page.select_option("#kecamatan", "17.71.06")
        page.select_option("#kelurahan", "17.71.06.1001")  # Kebun Tebeng
        page.fill("#phone", "0813 6700 2211")
        page.fill("#contact_name", "Rahmat Idris")
        page.fill("#contact_relation", "anak")
        page.select_option("#requested_via", "rt_rw")
        screenshot(page, "resident-form-phone")
        page.click("[data-testid=save-resident]")
        page.wait_for_url(live_server + "/residents/*")

        assert page.locator("[data-testid=resident-name]").inner_text() == "Nurhayati Idris"
        assert page.locator("[data-testid=nik]").inner_text() == "177106**********"
        badges = page.locator(".page-header").inner_text()
        assert "tirah baring" in badges and "Lansia" in badges and "Menunggu" in badges
        screenshot(page, "resident-page-phone")
        page.click("[data-testid=reveal-nik]")
        page.wait_for_load_state()
        assert page.locator("[data-testid=nik]").inner_text() == "1771065203380007"

        page.goto(live_server + "/residents")
        first = page.locator("tbody tr").first.inner_text()
        assert "Nurhayati Idris" in first and "tirah baring" in first
        assert "1771065203380007" not in page.content()
        screenshot(page, "resident-queue-phone")
        assert console_errors == []
    finally:
        context.close()

"""A coordinator registers a school with a blackout period and finds it again by search — on a
desktop and on a phone-sized screen, with the kelurahan list following the kecamatan."""

import pytest

from outreach.models import Role
from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, open_logged_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_add_a_school_with_a_blackout_and_find_it(
    browser, live_server, make_user, make_school, screenshot, viewport, label
):
    make_school(name="SMA NEGERI 5 KOTA BENGKULU", npsn="10702412")
    user = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    context, page, console_errors = open_logged_in(browser, live_server, user, viewport, PASSWORD)
    try:
        page.goto(live_server + "/schools")
        page.click("[data-testid=new-school]")
        page.wait_for_url(live_server + "/schools/new")
        page.fill("#npsn", "1070249")  # one digit short
        page.fill("#name", "SMAS HARAPAN BANGSA")
        page.select_option("#level", "sma")
        page.select_option("#status", "swasta")
        page.fill("#address", "Jl. Sepakat No. 7")
        page.select_option("#kecamatan", "17.71.06")  # Ratu Agung
        # The kelurahan list now offers only Ratu Agung's kelurahan.
        assert (
            page.locator('#kelurahan optgroup[label="Selebar"]').get_attribute("hidden") is not None
        )
        assert (
            page.locator('#kelurahan optgroup[label="Ratu Agung"]').get_attribute("hidden") is None
        )
        page.select_option("#kelurahan", "17.71.06.1006")  # Sawah Lebar
        page.fill("#liaison_name", "Hendra Wijaya, S.Pd.")
        page.fill("#liaison_phone", "0812 7300 9911")
        page.fill("#students_pending", "85")
        page.check("input[name=preferred_weekdays][value='2']")
        page.click("[data-testid=save-school]")
        assert (
            "NPSN terdiri dari tepat 8 angka."
            in page.locator(".invalid-feedback").first.inner_text()
        )
        screenshot(page, f"school-form-error-{label}")

        page.fill("#npsn", "10702499")
        page.click("[data-testid=save-school]")
        page.wait_for_url(live_server + "/schools/*")
        assert page.locator("[data-testid=school-name]").inner_text() == "SMAS HARAPAN BANGSA"
        assert "Sekolah SMAS HARAPAN BANGSA terdaftar." in page.locator(".alert").first.inner_text()
        assert page.locator("[data-testid=preferred-days]").inner_text() == "Selasa"

        page.click("[data-testid=add-blackout]")
        page.locator("#blackout-form.show").wait_for()
        page.fill("#first_on", "2026-12-07")
        page.fill("#last_on", "2026-12-11")
        page.fill("#reason", "Ujian akhir semester ganjil")
        page.click("[data-testid=save-blackout]")
        page.wait_for_load_state()
        periods = page.locator("[data-testid=blackout-list]").inner_text()
        assert "Senin, 7 Desember 2026 – Jumat, 11 Desember 2026" in periods
        assert "Ujian akhir semester ganjil" in periods
        screenshot(page, f"school-page-{label}")

        page.goto(live_server + "/schools")
        page.fill("[data-testid=school-search]", "harapan")
        page.click("[data-testid=school-search-submit]")
        page.wait_for_url("**/schools?*q=harapan*")
        assert "Menampilkan 1–1 dari 1" in page.locator("[data-testid=result-count]").inner_text()
        screenshot(page, f"school-search-{label}")
        page.click("text=SMAS HARAPAN BANGSA")
        page.wait_for_url(live_server + "/schools/*")
        assert (
            "Ujian akhir semester ganjil"
            in page.locator("[data-testid=blackout-list]").inner_text()
        )
        assert console_errors == []
    finally:
        context.close()


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_at_national_scale_the_kelurahan_follow_the_kecamatan_code_typed(
    browser, live_server, make_user, screenshot, monkeypatch, viewport, label
):
    """With more kecamatan and kelurahan than a page lists (a province, the country), the
    kecamatan is typed as its code and the kelurahan select fetches that kecamatan's."""
    from outreach.web import choices

    monkeypatch.setattr(choices, "KECAMATAN_LISTED", 0)
    monkeypatch.setattr(choices, "KELURAHAN_LISTED", 0)
    user = make_user(Role.COORDINATOR, username="rahmat", name="Rahmat Hidayat")
    context, page, console_errors = open_logged_in(browser, live_server, user, viewport, PASSWORD)
    try:
        page.goto(live_server + "/schools/new")
        assert page.locator("#kelurahan option").count() == 1  # only "— unknown —" yet
        page.fill("#npsn", "10799123")
        page.fill("#name", "SMAS NUSANTARA")
        page.select_option("#level", "sma")
        page.fill("#kecamatan", "17.71.06")  # Ratu Agung, by its code
        page.locator('#kelurahan option[value="17.71.06.1006"]').wait_for(state="attached")
        codes = page.locator("#kelurahan option").evaluate_all("os => os.map(o => o.value)")
        assert codes[0] == "" and all(code.startswith("17.71.06.") for code in codes[1:])
        page.select_option("#kelurahan", "17.71.06.1006")  # Sawah Lebar
        screenshot(page, f"school-form-national-{label}")
        page.fill("#kecamatan", "17.71.01")  # changed its mind: Selebar's kelurahan now
        page.locator('#kelurahan option[value="17.71.01.1001"]').wait_for(state="attached")
        assert page.locator("#kelurahan").input_value() == ""
        page.select_option("#kelurahan", "17.71.01.1001")
        page.click("[data-testid=save-school]")
        page.wait_for_url(live_server + "/schools/*")
        assert "SMAS NUSANTARA" in page.locator("[data-testid=school-name]").inner_text()
        assert console_errors == []
    finally:
        context.close()

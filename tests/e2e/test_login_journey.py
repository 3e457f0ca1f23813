"""A coordinator logs in, sees the home page, switches language and logs out — on a desktop
and on a phone-sized screen."""

import pytest

from outreach.models import Role
from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_log_in_switch_language_and_log_out(
    browser, live_server, make_user, runner, screenshot, viewport, label
):
    runner.invoke(args=["outreach", "init"])
    user = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    context = browser.new_context(viewport=viewport, locale="id-ID")
    page = context.new_page()
    console_errors = []  # a CSP violation or a broken script shows up here
    page.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )
    try:
        page.goto(live_server + "/")
        assert page.url.startswith(live_server + "/login")
        assert page.locator("h1").inner_text() == "Masuk"
        screenshot(page, f"login-{label}")

        page.fill("#username", "yulia")
        page.fill("#password", "salah")
        page.click("[data-testid=login-submit]")
        assert page.locator(".invalid-feedback").inner_text() == (
            "Nama pengguna atau kata sandi salah."
        )

        page.fill("#username", user.username)
        page.fill("#password", PASSWORD)
        page.click("[data-testid=login-submit]")
        page.wait_for_url(live_server + "/")
        assert "Selamat datang, Yulia Safitri" in page.locator("h1").inner_text()
        assert page.locator("[data-testid=stat-schools]").is_visible()
        screenshot(page, f"home-coordinator-{label}")

        menu = page.locator(".navbar-toggler")
        if menu.is_visible():  # phone: the navigation folds into the menu button
            menu.click()
            page.locator("#mainNav.show").wait_for()
            screenshot(page, f"home-coordinator-menu-{label}")
        page.click("[data-testid=user-menu]")
        page.click("[data-testid=lang-en]")
        page.wait_for_load_state()
        assert "Good day, Yulia Safitri" in page.locator("h1").inner_text()
        assert page.locator("html").get_attribute("lang") == "en"
        screenshot(page, f"home-coordinator-english-{label}")

        if menu.is_visible():
            menu.click()
            page.locator("#mainNav.show").wait_for()
        page.click("[data-testid=user-menu]")
        page.click("[data-testid=logout]")
        page.wait_for_url(live_server + "/login")
        assert "You have logged out." in page.locator(".alert").inner_text()
        page.goto(live_server + "/")
        assert page.url.startswith(live_server + "/login")
        assert console_errors == []
    finally:
        context.close()

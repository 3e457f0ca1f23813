"""A NIK typed into a search box never leaves the browser in a URL: in the queue's name search
it opens the request through the posted "find by NIK"; in the other searches it stays in the
page with the message saying where a NIK is found."""

import re
from datetime import date
from urllib.parse import unquote_plus

import pytest

from outreach.domain.nik import build_nik
from outreach.models import Role
from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, open_logged_in

pytestmark = pytest.mark.e2e

NIK = build_nik("17.71.01", "f", date(1948, 3, 12), 7391)
TYPED = "1771 0152 0348 7391"


def test_a_nik_typed_into_a_search_is_never_put_in_a_url(
    browser, live_server, make_user, make_resident
):
    resident = make_resident(nik=NIK, name="Siti Aminah")
    context, page, console_errors = open_logged_in(
        browser, live_server, make_user(Role.COORDINATOR), DESKTOP, PASSWORD
    )
    asked: list[str] = []
    page.on("request", lambda request: asked.append(unquote_plus(request.url)))
    try:
        page.goto(live_server + "/residents")
        page.fill("[data-testid=resident-search]", TYPED)
        page.click("[data-testid=resident-search-submit]")
        page.wait_for_url(f"{live_server}/residents/{resident.id}")
        assert page.locator("[data-testid=resident-name]").inner_text() == "Siti Aminah"

        for url, box in (("/visits", "#f-q"), ("/schools", "[data-testid=school-search]")):
            page.goto(live_server + url)
            page.fill(box, f"cari {TYPED}")
            page.press(box, "Enter")
            page.get_by_text("NIK tidak dicari di sini").wait_for()
            assert page.url == live_server + url and page.input_value(box) == ""
        assert asked and not [u for u in asked if NIK in re.sub(r"[\s.\-+]", "", u)]
        assert console_errors == []
    finally:
        context.close()

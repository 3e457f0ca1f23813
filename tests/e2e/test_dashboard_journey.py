"""A coordinator reads the dashboard on the demo data, enters the latest coverage figure, opens
the month's report, prints it and downloads it — on a desktop and on a phone."""

import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from outreach.demo.data import DEMO_PASSWORD
from outreach.i18n import office_today
from outreach.models import User
from tests.e2e.conftest import DESKTOP, PHONE, open_logged_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(runner, db_session):
    result = runner.invoke(args=["outreach", "demo-data"])
    assert result.exit_code == 0, result.output
    return db_session.scalar(select(User).where(User.username == "koordinator"))


def test_the_dashboard_on_a_desktop(browser, live_server, demo, screenshot, tmp_path):
    context, page, errors = open_logged_in(browser, live_server, demo, DESKTOP, DEMO_PASSWORD)
    try:
        card = page.locator("[data-testid=coverage-card]")
        assert re.fullmatch(
            r"99,\d\d %", card.locator("[data-testid=coverage-percent]").inner_text()
        )
        assert "Di atas target 98,07 %" in card.inner_text()
        assert page.locator("[data-testid=coverage-chart-wide]").is_visible()
        assert not page.locator("[data-testid=coverage-chart-narrow]").is_visible()
        assert page.locator("[data-testid=recordings-chart-wide] rect").count() == 12
        page.locator("summary", has_text="Angkanya dalam tabel").first.click()
        assert "279.871" in page.locator("[data-testid=coverage-table]").inner_text()
        screenshot(page, "dashboard-desktop")

        # The latest figure, with a slip first: the form says what is wrong, nothing is saved.
        page.click("[data-testid=coverage-percent]")
        page.click("[data-testid=add-figure]")
        today = office_today()
        page.fill("#as_of", today.isoformat())
        page.fill("#wajib_ktp", "290.000")
        page.fill("#recorded", "2.890.000")
        page.click("[data-testid=save-figure]")
        assert "lebih dari dua kali wajib KTP" in page.locator(".invalid-feedback").inner_text()
        page.fill("#recorded", "280.000")
        page.fill("#source", "Rapat evaluasi Dukcapil")
        page.click("[data-testid=save-figure]")
        assert "disimpan" in page.locator(".alert-success").inner_text()
        page.goto(live_server + "/")
        card = page.locator("[data-testid=coverage-card]")
        assert card.locator("[data-testid=coverage-percent]").inner_text() == "96,55 %"
        assert "Di bawah target 98,07 %" in card.inner_text()
        assert card.locator("[data-testid=needed-for-target]").inner_text() == "4.403"
        screenshot(page, "dashboard-below-target-desktop")

        # The month's report: on screen, printed on A4 landscape, downloaded as XLSX.
        page.click("#content a:has-text('Laporan bulanan')")  # the dashboard's button
        assert page.locator("[data-testid=report-kecamatan]").is_visible()
        screenshot(page, "report-desktop")
        page.emulate_media(media="print")
        screenshot(page, "report-print")
        pdf = tmp_path / "laporan.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True)
        boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf.read_bytes())
        assert boxes and all(float(w) > float(h) for w, h in boxes)  # landscape
        assert abs(float(boxes[0][0]) - 841.9) < 2  # A4: 297 mm wide
        page.emulate_media(media="screen")
        with page.expect_download() as download:
            page.click("[data-testid=report-xlsx]")
        assert download.value.suggested_filename.endswith(".xlsx")
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        workbook = load_workbook(saved)
        assert workbook.sheetnames == ["Per kecamatan", "Per tim"]
        assert errors == []
    finally:
        context.close()


def test_the_dashboard_on_a_phone(browser, live_server, demo, screenshot):
    context, page, errors = open_logged_in(browser, live_server, demo, PHONE, DEMO_PASSWORD)
    try:
        assert page.locator("[data-testid=coverage-chart-narrow]").is_visible()
        assert not page.locator("[data-testid=coverage-chart-wide]").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "dashboard-phone")
        page.goto(live_server + "/reports")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "report-phone")
        page.goto(live_server + "/coverage")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "coverage-phone")
        assert errors == []
    finally:
        context.close()

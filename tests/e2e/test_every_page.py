"""Every page each role can reach fits every width, and says nothing in a machine's words.

On the demo data (so the pages are full), each role follows its navigation and then the first
link of each kind on every page it finds, three steps deep: the visit list leads to a visit, the
visit to its outcome form. Each page is laid out at every width from a small phone to a wide
screen and must not be wider than the window (a table too wide scrolls in its own box); its
text must not show a setting's name, a package's name, a time with seconds, a bare ISO date
or bare coordinates.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from outreach.i18n import office_today
from outreach.models import User, Visit, VisitKind, VisitStatus, utcnow
from outreach.services.visits.changes import Who
from outreach.services.visits.links import issue_link

WIDTHS = (320, 390, 768, 1024, 1280, 1366, 1920)
DEMO_PASSWORD = "jemputbola2026"  # noqa: S105  (the demo accounts', printed by demo-data)
# Each role in Indonesian; the coordinator's pages also in English, which follows the glossary too.
ROLES = ("admin", "koordinator", "petugas1", "operator.sman3", "koordinator:en")

# Pages a crawl must not open: they change something, download a file or leave the app.
SKIPPED = re.compile(
    r"^/(logout|language)|/(export|download|template|feed|sheet\.csv)|\.(csv|xlsx|ics)$"
)
SETTING_NAME = re.compile(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b")
PACKAGES = re.compile(
    r"\b(paket|package) \w+|\b(apscheduler|sqlalchemy|flask|openpyxl|werkzeug|jinja2?|gunicorn)\b",
    re.I,
)
SECONDS = re.compile(r"\b\d{1,2}[:.]\d{2}[:.]\d{2}\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
COORDINATES = re.compile(r"-?\d{1,3}\.\d{4,},\s*-?\d{1,3}\.\d{4,}")  # groups have 3
WIDER_THAN_WINDOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .filter(e => !e.closest('.table-responsive, .nav-scroll'))
    .slice(-3)
    .map(e => e.tagName.toLowerCase() + '.' + String(e.className).split(' ').join('.'));
  return document.documentElement.scrollWidth + ' px: ' + wide.join(' | ');
}"""


def shape(path: str) -> str:
    """A page's kind: its path with every number and token replaced, without the query."""
    parts = urlsplit(path).path.rstrip("/").split("/")
    return "/".join(re.sub(r"^(\d+|[A-Za-z0-9_-]{20,})$", "*", part) for part in parts) or "/"


def crawl(page, base: str, start: list[str], depth: int = 3) -> list[str]:
    """The pages reachable from ``start`` through in-app links, one page per kind."""
    seen_shapes: set[str] = set()
    found: list[str] = []
    frontier = list(start)
    for _ in range(depth + 1):
        following: list[str] = []
        for path in frontier:
            kind = shape(path)
            if kind in seen_shapes or SKIPPED.search(path):
                continue
            seen_shapes.add(kind)
            response = page.goto(base + path)
            assert response is not None and response.status < 400, (
                path,
                response and response.status,
            )
            if "text/html" not in (response.headers.get("content-type") or ""):
                continue
            found.append(path)
            links = page.eval_on_selector_all(
                "#content a[href^='/']:not([download]), nav a[href^='/']",
                "els => els.map(e => e.getAttribute('href'))",
            )
            following.extend(link for link in links if shape(link) not in seen_shapes)
        frontier = following
    return found


def faults_of(page, base: str, path: str) -> list[str]:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + path)
    faults = []
    text = page.inner_text("body")
    for name, pattern in (
        ("a setting's name", SETTING_NAME),
        ("a package's name", PACKAGES),
        ("a time with seconds", SECONDS),
        ("a date not in words", ISO_DATE),
        ("bare coordinates", COORDINATES),
    ):
        if match := pattern.search(text):
            faults.append(
                f"{path}: {name}: {text[max(0, match.start() - 40) : match.end() + 20]!r}"
            )
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if wide := page.evaluate(WIDER_THAN_WINDOW):
            faults.append(f"{path} at {width} px is {wide}")
    return faults


@pytest.fixture
def demo(runner, db_session):
    result = runner.invoke(args=["outreach", "demo-data"])
    assert result.exit_code == 0, result.output
    return db_session


def log_in(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(base + "/")
    return context, page


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_a_role_fits_every_width_and_speaks_to_people(
    browser, live_server, demo, username, screenshot
):
    username, _, language = username.partition(":")
    context, page = log_in(browser, live_server, username)
    if language:
        page.click("[data-testid=user-menu]")
        page.click(f"[data-testid=lang-{language}]")
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == language
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server + "/")
        screenshot(page, f"home-{username.split('.')[0]}{language and '-' + language}-{width}")
    pages = crawl(page, live_server, ["/"])
    assert len(pages) >= (10 if username in ("admin", "koordinator") else 2), pages
    faults = [fault for path in pages for fault in faults_of(page, live_server, path)]
    context.close()
    assert faults == [], "\n".join(faults)


def test_the_pages_without_an_account_fit_every_width(browser, live_server, demo, app, screenshot):
    visit = demo.scalar(
        select(Visit)
        .where(Visit.kind == VisitKind.SCHOOL, Visit.status == VisitStatus.PROPOSED)
        .order_by(Visit.visit_on, Visit.id)
        .limit(1)
    )
    coordinator = demo.scalar(select(User).where(User.username == "koordinator"))
    token = issue_link(
        demo,
        visit,
        now=utcnow(),
        today=office_today(),
        who=Who(coordinator),
        secret=app.secret_key,
    )
    demo.commit()
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    pages = crawl(page, live_server, ["/login", f"/l/{token}"], depth=1)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/l/{token}")
        screenshot(page, f"home-liaison-link-{width}")
    faults = [fault for path in pages for fault in faults_of(page, live_server, path)]
    context.close()
    assert f"/l/{token}" in pages
    assert faults == [], "\n".join(faults)

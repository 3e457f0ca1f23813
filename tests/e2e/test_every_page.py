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


def crawl(page, base: str, start: list[str], depth: int = 3) -> tuple[list[str], list[str]]:
    """The pages reachable from ``start`` through in-app links, one page per kind, each checked
    as it is loaded: (the pages, their faults)."""
    seen_shapes: set[str] = set()
    found: list[str] = []
    faults: list[str] = []
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
            faults.extend(faults_of(page, path))
        frontier = following
    return found, faults


def faults_of(page, path: str) -> list[str]:
    """What is wrong with the loaded page: words a person should not read, then its width at
    each of WIDTHS (the window resized, as a phone turned or a window dragged would)."""
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
    page.set_viewport_size({"width": 1280, "height": 900})
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


def walk_as(browser, base: str, role: str, screenshot) -> tuple[list[str], list[str]]:
    """Log in as ``role`` ("username" or "username:language"), keep its home at 390 and
    1280 px, and crawl from there."""
    username, _, language = role.partition(":")
    context, page = log_in(browser, base, username)
    if language:
        page.click("[data-testid=user-menu]")
        page.click(f"[data-testid=lang-{language}]")
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == language
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + "/")
        screenshot(page, f"home-{username.split('.')[0]}{language and '-' + language}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    pages, faults = crawl(page, base, ["/"])
    context.close()
    return pages, faults


def test_every_page_of_every_role_fits_every_width_and_speaks_to_people(
    browser, live_server, demo, app, screenshot
):
    """One demo data set, every role (the demo takes seconds to build), then the pages a
    school's liaison opens without an account: the login and the link they were sent."""
    faults: list[str] = []
    for role in ROLES:
        pages, found = walk_as(browser, live_server, role, screenshot)
        assert len(pages) >= (25 if role in ("admin", "koordinator") else 3), (role, pages)
        faults.extend(f"{role} {fault}" for fault in found)

    visit = demo.scalar(
        select(Visit)
        .where(Visit.kind == VisitKind.SCHOOL, Visit.status == VisitStatus.PROPOSED)
        .order_by(Visit.visit_on, Visit.id)
        .limit(1)
    )
    coordinator = demo.scalar(select(User).where(User.username == "koordinator"))
    token = issue_link(
        demo, visit, now=utcnow(), today=office_today(), who=Who(coordinator), secret=app.secret_key
    )
    demo.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/l/{token}")
        screenshot(page, f"home-liaison-link-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    pages, found = crawl(page, live_server, ["/login", f"/l/{token}"], depth=1)
    context.close()
    assert f"/l/{token}" in pages
    faults.extend(f"without an account {fault}" for fault in found)
    assert faults == [], "\n".join(faults)

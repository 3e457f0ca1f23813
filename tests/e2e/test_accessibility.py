"""Accessibility: axe-core (through axe-playwright-python, which bundles axe-core 4.12.1) finds
no serious or critical violation on the main page of every role and on every form, at 1280 px
and at 390 px; and what axe cannot judge, by hand: focus is seen on every control, and what the
officer and the liaison tap on a phone is 44 × 44 px at least.

PAGES is the one list of what axe checks: a new page or form gets a line there. Each line says
who opens it, its address (with the ids of the world below) and, for a form, the submit button
to press with the form left empty, so the form is checked again as it is shown refused, with its
messages; the controls to press first (a menu, a folded panel, a box to tick), and the part of
the page checked when not all of it (the navigation, for its menus: folded into one on a
phone). Closed <details> are opened first: axe skips what is hidden, and the liaison's and the
outcome's forms live in them.

Every violation found is written, with its rule, impact, element and page, to
test-artifacts/axe-<width>.json; the moderate and minor ones are kept there without failing.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from outreach.domain.nik import build_nik
from outreach.i18n import office_today
from outreach.models import (
    HomeOutcome,
    ImportUpload,
    SentOutcome,
    SentProblem,
    SentState,
    Visit,
    VisitKind,
    VisitStatus,
    utcnow,
)
from tests.conftest import ARTIFACTS, PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, open_logged_in
from tests.school_files import LISTING_HEADINGS, csv_file, listing_rows
from tests.services.visit_helpers import add_visit
from tests.web.world import world  # noqa: F401 - the fixture: a record of every kind

pytestmark = pytest.mark.e2e

FAILING_IMPACTS = ("serious", "critical")


@dataclass(frozen=True)
class Page:
    who: str  # "anonymous" or a user of the world: admin, coordinator, officer, liaison
    path: str  # formatted with the world's ids
    submit: str | None = None  # a form's submit button, pressed with the form as it is
    status: int = 200
    press: tuple[str, ...] = ()  # clicked first, each where it shows: a menu, a folded panel
    only: str | None = None  # the part of the page checked, when not all of it


# The navigation's menus, opened: folded into one menu on a phone, where the toggler shows.
NAVIGATION = ".app-navbar"
MENU = ".navbar-toggler"
USER_MENU = (MENU, "[data-testid=user-menu]")
FIRST_MENU = (MENU, "[data-testid=main-nav] .dropdown-toggle >> nth=0")
SECOND_MENU = (MENU, "[data-testid=main-nav] .dropdown-toggle >> nth=1")


PAGES: tuple[Page, ...] = (
    # Anyone: the login page and the school liaison's link (no account), a dead link.
    Page("anonymous", "/login", submit="[data-testid=login-submit]"),
    Page("anonymous", "/l/{link}", submit="[data-testid=request-day]"),
    Page("anonymous", "/l/{link}", submit="[data-testid=decline-month]"),
    Page("anonymous", "/l/not-a-link", status=404),
    Page("anonymous", "/field/offline"),  # no signal, a page the phone does not keep
    # The admin.
    Page("admin", "/"),
    Page("admin", "/", press=USER_MENU, only=NAVIGATION),
    Page("admin", "/admin/users"),
    Page("admin", "/admin/users/new", submit="main form [type=submit]"),
    Page("admin", "/admin/users/{user_id}"),
    Page("admin", "/admin/jobs"),
    Page("admin", "/admin/audit"),
    Page("admin", "/account/password", submit="main form [type=submit]"),
    # The coordinator: the office's pages and every form.
    Page("coordinator", "/"),
    Page("coordinator", "/", press=FIRST_MENU, only=NAVIGATION),
    Page("coordinator", "/", press=SECOND_MENU, only=NAVIGATION),
    Page("coordinator", "/", press=USER_MENU, only=NAVIGATION),
    Page("coordinator", "/schools"),
    Page("coordinator", "/schools/new", submit="main form[method=post] [type=submit]"),
    Page("coordinator", "/schools/{school_id}"),
    Page("coordinator", "/schools/{school_id}/edit"),
    Page("coordinator", "/schools/blackouts"),
    Page("coordinator", "/schools/import", submit="main form[method=post] [type=submit]"),
    Page("coordinator", "/schools/import/{schools_upload}"),
    Page("coordinator", "/residents", submit="[data-testid=find-nik] [type=submit]"),
    Page("coordinator", "/residents/new", submit="main form[method=post] [type=submit]"),
    Page("coordinator", "/residents/{resident_id}"),
    Page("coordinator", "/residents/{resident_id}/edit"),
    Page("coordinator", "/residents/import"),
    Page("coordinator", "/residents/import/{residents_upload}"),
    Page("coordinator", "/teams"),
    Page("coordinator", "/teams/new", submit="main form[method=post] [type=submit]"),
    Page("coordinator", "/teams/{team_id}"),
    Page("coordinator", "/teams/{team_id}/edit"),
    Page("coordinator", "/closures"),
    Page("coordinator", "/closures/{closure_id}/edit"),
    Page("coordinator", "/coverage"),
    Page("coordinator", "/coverage/new", submit="main form[method=post] [type=submit]"),
    Page("coordinator", "/coverage/{snapshot_id}/edit"),
    Page("coordinator", "/coverage/import"),
    Page("coordinator", "/coverage/import/{coverage_upload}"),
    Page("coordinator", "/plan"),
    Page("coordinator", "/plan/home"),
    Page("coordinator", "/plan/runs/{run_id}"),
    # The visit list with its filters unfolded (on a phone) and a visit ticked: the bulk bar.
    Page(
        "coordinator",
        "/visits",
        press=("[data-testid=filter-toggle]", "[name=ids] >> nth=0"),
        submit="[data-testid=bulk-submit]",
    ),
    Page("coordinator", "/visits/calendar"),
    Page("coordinator", "/visits/links"),
    # A proposed school visit: confirm, move, give to another team, cancel, the link.
    Page("coordinator", "/visits/{visit_id}", submit="[data-testid=move-form] [type=submit]"),
    Page("coordinator", "/visits/{home_visit_id}"),  # a home visit: the family's card
    Page("coordinator", "/visits/{missed_id}"),  # a missed visit: its follow-up
    Page("coordinator", "/visits/{completed_id}/outcome"),  # a recorded outcome: correct it
    Page("coordinator", "/visits/day-sheet?team={team_id}&day={today}"),
    Page("coordinator", "/reports"),
    Page("coordinator", "/field/kept"),  # outcomes sent from phones the visit could not take
    Page("coordinator", "/account/password"),
    # The officer on the day: the stops, a school's and a home's outcome forms, the sheet.
    Page("officer", "/"),
    Page("officer", "/", press=USER_MENU, only=NAVIGATION),
    Page("officer", "/visits/{today_school_id}"),
    Page("officer", "/visits/{today_school_id}/outcome", submit="[data-testid=save-outcome]"),
    Page("officer", "/visits/{today_home_id}/outcome", submit="[data-testid=save-outcome]"),
    Page("officer", "/visits/day-sheet?team={team_id}&day={today}"),
    Page("officer", "/account/password"),
    # The school liaison with an account.
    Page("liaison", "/"),
    Page("liaison", "/", press=USER_MENU, only=NAVIGATION),
)


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def places(world, db_session, make_school, make_resident):  # noqa: F811 - the fixture above
    """The world's ids, and the officer's day today: a school and a home to record, a missed
    visit to follow up, a recorded one to correct and a school on the next working day."""
    users = world["users"]
    team = users["officer_a"].team
    today = office_today()
    school = make_school(name="SMA Negeri 5 Kota Bengkulu", liaison_phone="+6281377712345")
    today_school = add_visit(
        db_session, school=school, team=team, on=today, status=VisitStatus.CONFIRMED
    )
    home = make_resident(phone="+6281377700011", is_bedridden=True, needs_companion=True)
    today_home = add_visit(
        db_session, resident=home, team=team, on=today, status=VisitStatus.CONFIRMED
    )
    tomorrow = next(today + timedelta(days=n) for n in range(1, 4) if (today.weekday() + n) % 7 < 5)
    add_visit(db_session, school=make_school(), team=team, on=tomorrow)  # the coming days
    earlier = today - timedelta(days=7)
    missed = add_visit(
        db_session, school=make_school(), team=team, on=earlier, status=VisitStatus.MISSED
    )
    completed = add_visit(
        db_session,
        resident=make_resident(),
        team=team,
        on=today,
        status=VisitStatus.COMPLETED,
        home_outcome=HomeOutcome.RECORDED,
        completed_at=utcnow(),
        completed_by_id=users["officer_a"].id,
    )
    # An outcome an officer sent after the visit was recorded: kept for the coordinator.
    db_session.add(
        SentOutcome(
            client_id=str(uuid.uuid4()),
            visit_id=completed.id,
            user_id=users["officer_a"].id,
            kind=VisitKind.HOME,
            state=SentState.KEPT,
            problem=SentProblem.RECORDED_ALREADY,
            values={"outcome": "not_at_home", "notes": "Rumah terkunci"},
            received_at=utcnow(),
        )
    )
    # The uploads are files that can be imported (the world's "a,b" is refused with 422).
    nik = build_nik("17.71.01", "f", date(1950, 5, 1), 990)
    contents = {
        "schools": csv_file(LISTING_HEADINGS, listing_rows()[:5]),
        "residents": csv_file(
            ["nik", "nama", "kategori", "alamat", "kelurahan"],
            [[nik, "Warga Impor", "lansia", "Jl. Merpati No. 9", "17.71.01.1001"]],
        ),
        "coverage": csv_file(
            ["tanggal", "kecamatan", "wajib ktp", "terekam"], [["2026-05-31", "", "1000", "900"]]
        ),
    }
    for kind, content in contents.items():
        token = world["tokens"][kind]
        db_session.scalar(select(ImportUpload).where(ImportUpload.token == token)).content = content
    db_session.commit()
    ids = {
        **world["args"],
        "link": world["link"],
        "home_visit_id": db_session.scalar(
            select(Visit.id).where(Visit.resident_id == world["args"]["resident_id"])
        ),
        "schools_upload": world["tokens"]["schools"],
        "residents_upload": world["tokens"]["residents"],
        "coverage_upload": world["tokens"]["coverage"],
        "today": today.isoformat(),
        "today_school_id": today_school.id,
        "today_home_id": today_home.id,
        "missed_id": missed.id,
        "completed_id": completed.id,
    }
    people = {
        "admin": users["admin"],
        "coordinator": users["coordinator"],
        "officer": users["officer_a"],
        "liaison": users["liaison_x"],
    }
    return ids, people


def violations(results: dict, where: str) -> list[dict]:
    """The violations of one axe run, one line per element."""
    found = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            found.append(
                {
                    "page": where,
                    "rule": violation["id"],
                    "impact": violation["impact"],
                    "target": " ".join(str(part) for part in node["target"]),
                    "html": node["html"][:160],
                    "help": violation["help"],
                }
            )
    return found


# A field shown invalid says so (aria-invalid) and names its message (aria-describedby); a list
# of choices refused (a choice-list fieldset with a message) names its message.
ERRORS_UNSAID = """() => {
  const said = (field) => (field.getAttribute("aria-describedby") || "").split(" ")
    .map((id) => document.getElementById(id)).some((el) => el && el.innerText.trim());
  const fields = Array.from(document.querySelectorAll(".is-invalid"))
    .filter((field) => field.getAttribute("aria-invalid") !== "true" || !said(field));
  const groups = Array.from(document.querySelectorAll("fieldset.choice-list"))
    .filter((group) => group.querySelector(".invalid-feedback") && !said(group));
  return [...fields, ...groups].map((field) => field.outerHTML.slice(0, 120));
}"""
OPEN_DETAILS = "document.querySelectorAll('details').forEach(d => { d.open = true; })"


def walk(browser, live_server, places, pages, viewport):
    """Opens each page in turn as its visitor (one browser context each), its closed
    <details> opened and its controls pressed: yields (page, where, tab)."""
    ids, people = places
    for who in dict.fromkeys(page.who for page in pages):
        if who == "anonymous":
            context = browser.new_context(viewport=viewport, locale="id-ID")
            tab = context.new_page()
        else:
            context, tab, _errors = open_logged_in(
                browser, live_server, people[who], viewport, PASSWORD
            )
        try:
            for page in (p for p in pages if p.who == who):
                path = page.path.format(**ids)
                where = f"{who} {path} ({viewport['width']} px)"
                response = tab.goto(live_server + path)
                assert response.status == page.status, f"{where}: {response.status}"
                tab.evaluate(OPEN_DETAILS)
                for control in page.press:
                    if tab.locator(control).is_visible():
                        tab.click(control)
                        tab.wait_for_timeout(400)  # a menu's or a panel's opening animation
                if page.press:
                    where += ", after " + " ".join(page.press)
                yield page, where, tab
        finally:
            context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_serious_violation_on_any_page_or_form(browser, live_server, places, viewport):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: list[dict] = []
    unsaid, refused = [], 0
    for page, where, tab in walk(browser, live_server, places, PAGES, viewport):
        found += violations(axe.run(tab, context=page.only).response, where)
        if page.submit:
            button = tab.locator(page.submit).first
            if button.evaluate("b => !!b.closest('[data-outcome-form]')"):
                button.click()  # sent through the phone's outbox: refused on the same page
                tab.wait_for_selector("[data-outbox-error]")
            else:
                with tab.expect_navigation():
                    button.click()
            tab.evaluate(OPEN_DETAILS)
            found += violations(axe.run(tab).response, where + ", refused")
            unsaid += [f"{where}: {field}" for field in tab.evaluate(ERRORS_UNSAID)]
            refused += tab.locator("[aria-invalid=true]").count()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{viewport['width']}.json").write_text(json.dumps(found, indent=1))
    failing = [f for f in found if f["impact"] in FAILING_IMPACTS]
    report = "\n".join(
        f"{f['page']}: {f['rule']} ({f['impact']}) at {f['target']}: {f['html']}" for f in failing
    )
    assert not failing, f"{len(failing)} serious or critical axe violations:\n{report}"
    assert refused > 10, refused
    assert not unsaid, "fields shown invalid without saying why to a screen reader:\n" + "\n".join(
        unsaid
    )


# What a thumb taps on the officer's and the liaison's pages and in their menu, 44 × 44 px at
# least on a phone. A link inside a sentence is the sentence's; a radio or checkbox is tapped by
# its label.
TAP_PAGES = (
    Page("officer", "/", press=USER_MENU, only=NAVIGATION),
    Page("officer", "/visits/{today_school_id}"),
    Page("officer", "/visits/{today_school_id}/outcome"),
    Page("officer", "/visits/{today_home_id}/outcome"),
    Page("officer", "/visits/day-sheet?team={team_id}&day={today}"),
    Page("anonymous", "/l/{link}"),
    Page("liaison", "/", press=USER_MENU, only=NAVIGATION),
)
SMALL_TARGETS = """() => {
  const small = [];
  const controls = [".app-navbar", "main"].flatMap((area) => Array.from(document.querySelectorAll(
    ["a", "button", "input:not([type=hidden])", "select", "textarea", "summary"]
      .map((tag) => `${area} ${tag}`).join(", "))));
  for (const control of controls) {
    const inSentence = control.tagName === "A" && !control.classList.contains("btn");
    if (inSentence && control.closest("p")) continue;
    let target = control;
    if (control.type === "radio" || control.type === "checkbox") {
      target = control.closest("label") || document.querySelector(`label[for="${control.id}"]`);
    }
    const box = target.getBoundingClientRect();
    if (!box.width || !box.height) continue;  // not shown
    if (box.width < 44 || box.height < 44) {
      const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
      small.push(`${size} ${target.outerHTML.slice(0, 120)}`);
    }
  }
  return small;
}"""


def test_what_the_officer_and_the_liaison_tap_is_large_on_a_phone(
    browser, live_server, places, screenshot
):
    small = []
    for number, (_page, where, tab) in enumerate(
        walk(browser, live_server, places, TAP_PAGES, PHONE), start=1
    ):
        small += [f"{where}: {found}" for found in tab.evaluate(SMALL_TARGETS)]
        screenshot(tab, f"a11y-phone-{number}")
    assert not small, "\n".join(small)


# Focus is seen: each control reached with Tab draws a solid ring of 2 px or more.
FOCUS_PAGES = (
    Page("anonymous", "/login"),
    Page("anonymous", "/l/{link}"),
    Page("coordinator", "/"),
    Page("coordinator", "/schools/new"),
    Page("coordinator", "/visits/{visit_id}"),
    Page("officer", "/"),
    Page("officer", "/visits/{today_home_id}/outcome"),
)
FOCUS_RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  return {ring, html: el.outerHTML.slice(0, 120)};
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_focus_is_seen_on_every_control(browser, live_server, places, viewport):
    unseen, reached = [], 0
    for _page, where, tab in walk(browser, live_server, places, FOCUS_PAGES, viewport):
        seen = set()
        for _ in range(80):
            tab.keyboard.press("Tab")
            focused = tab.evaluate(FOCUS_RING)
            if focused is None or focused["html"] in seen:
                break
            seen.add(focused["html"])
            reached += 1
            if not focused["ring"]:
                unseen.append(f"{where}: {focused['html']}")
    assert reached > 50, reached
    assert not unseen, "\n".join(unseen)


# Colour is never the only signal: a status dot stands beside its status in words, a calendar
# chip carries its status's icon (its words are there for a screen reader), today says so.
COLOUR_PAGES = (
    Page("coordinator", "/"),
    Page("coordinator", "/schools/{school_id}"),
    Page("coordinator", "/residents/{resident_id}"),
    Page("coordinator", "/visits/calendar"),
)
COLOUR_ALONE = """() => {
  const alone = [];
  for (const dot of document.querySelectorAll(".status-dot")) {
    if (!dot.parentElement.innerText.trim()) alone.push(dot.parentElement.outerHTML.slice(0, 120));
  }
  for (const chip of document.querySelectorAll("a.cal-chip:not(.home)")) {
    const icon = chip.querySelector("i.bi");
    if (!icon || !chip.querySelector(".visually-hidden")) alone.push(chip.outerHTML.slice(0, 120));
  }
  for (const today of document.querySelectorAll(".cal-cell.today, .cal-list .text-primary")) {
    const shown = today.offsetParent !== null;
    if (shown && !today.innerText.includes("Hari ini")) alone.push(today.outerHTML.slice(0, 120));
  }
  return alone;
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_colour_is_never_the_only_signal(browser, live_server, places, viewport):
    alone, chips = [], 0
    for _page, where, tab in walk(browser, live_server, places, COLOUR_PAGES, viewport):
        alone += [f"{where}: {found}" for found in tab.evaluate(COLOUR_ALONE)]
        chips += tab.locator("a.cal-chip:not(.home)").count()
    assert chips >= 2, chips
    assert not alone, "\n".join(alone)

"""The pages a refused or rate-limited request asked for, by name: a path the log keeps
("/schools/5/edit") is matched against the app's routes and read as the page people know
("Edit school · SMA Negeri 3"); the path itself is shown only where no route or record names it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

# Every page and action of the app by its endpoint; where its address names a record, the
# record's name follows the label ("Edit school · SMA Negeri 3"). An endpoint whose address
# takes one of a few words (schools.set_active's deactivate|reactivate) may be named per word.
PAGE_LABELS = {
    "admin.audit_log": _l("Audit log"),
    "admin.jobs": _l("Scheduled jobs"),
    "admin.user_edit": _l("Edit account"),
    "admin.user_new": _l("New account"),
    "admin.user_password": _l("Set the password of account"),
    "admin.users": _l("Accounts"),
    "auth.change_password": _l("Change password"),
    "auth.language": _l("Choose the language"),
    "auth.login": _l("Log in"),
    "auth.logout": _l("Log out"),
    "bootstrap.static": _l("The app's own files"),
    "closures.add": _l("Add a closure"),
    "closures.delete": _l("Remove closure"),
    "closures.edit": _l("Edit closure"),
    "closures.index": _l("Office closures"),
    "closures.reload": _l("Reload the national holidays"),
    "coverage.delete": _l("Remove coverage figure"),
    "coverage.edit": _l("Correct coverage figure"),
    "coverage.import_discard": _l("Discard an import of coverage figures"),
    "coverage.import_preview": _l("Check an import of coverage figures"),
    "coverage.import_template": _l("Template for coverage figures"),
    "coverage.import_upload": _l("Import coverage figures"),
    "coverage.index": _l("Coverage figures"),
    "coverage.new": _l("New coverage figure"),
    "feeds.school_feed": _l("A school's calendar feed"),
    "feeds.team_feed": _l("A team's calendar feed"),
    "liaison.respond": _l("A liaison's link"),
    "field.kept_list": _l("Outcomes not saved"),
    "field.offline": _l("No signal"),
    "field.pages": _l("Pages kept on the phone"),
    "field.receive": _l("Outcome sent from a phone"),
    "field.resolve": _l("Kept outcome dealt with"),
    "field.service_worker": _l("Work without a signal"),
    "field.token": _l("Sending from the phone"),
    "main.healthz": _l("Server check"),
    "main.home": _l("Home"),
    "main.kelurahan_options": _l("List of kelurahan"),
    "plan.add_break": _l("Add the school break"),
    "plan.create": _l("Run the monthly plan"),
    "plan.create_home": _l("Run the home-visit plan"),
    "plan.home": _l("Plan home visits"),
    "plan.index": _l("Plan"),
    "plan.run": _l("Plan run"),
    "reports.export": _l("Download the monthly report"),
    "reports.index": _l("Monthly report"),
    "residents.detail": _l("Request"),
    "residents.edit": _l("Edit request"),
    "residents.export": _l("Download the queue"),
    "residents.find": _l("Find by NIK"),
    "residents.import_discard": _l("Discard an import of requests"),
    "residents.import_preview": _l("Check an import of requests"),
    "residents.import_template": _l("Template for requests"),
    "residents.import_upload": _l("Import requests"),
    "residents.index": _l("Home-visit queue"),
    "residents.new": _l("New request"),
    "residents.nik_info": _l("NIK check on the request form"),
    "residents.reveal_nik": _l("Show the full NIK of request"),
    "residents.set_status": _l("Change the status of request"),
    "schools.add_school_blackout": _l("Add a blackout period for school"),
    "schools.all_blackouts": _l("Blackout periods"),
    "schools.detail": _l("School"),
    "schools.edit": _l("Edit school"),
    "schools.feed": _l("Calendar link of school"),
    "schools.import_discard": _l("Discard an import of schools"),
    "schools.import_preview": _l("Check an import of schools"),
    "schools.import_template": _l("Template for schools"),
    "schools.import_upload": _l("Import schools"),
    "schools.index": _l("Schools"),
    "schools.liaison_account": _l("Login for the liaison of school"),
    "schools.new": _l("New school"),
    "schools.remove_blackout": _l("Remove blackout period"),
    "schools.set_active": _l("Deactivate or reactivate school"),
    "schools.set_active:deactivate": _l("Deactivate school"),
    "schools.set_active:reactivate": _l("Reactivate school"),
    "static": _l("The app's own files"),
    "teams.add_member_view": _l("Add an officer to team"),
    "teams.detail": _l("Team"),
    "teams.edit": _l("Edit team"),
    "teams.feed": _l("Calendar link of team"),
    "teams.index": _l("Teams"),
    "teams.new": _l("New team"),
    "visits.calendar": _l("Calendar"),
    "visits.cancel": _l("Cancel the visit"),
    "visits.confirm": _l("Confirm the visit"),
    "visits.day_sheet": _l("Day sheet"),
    "visits.day_sheet_discard": _l("Discard an upload of a day sheet"),
    "visits.day_sheet_file": _l("Download the day sheet to fill in"),
    "visits.day_sheet_preview": _l("Check an upload of a day sheet"),
    "visits.day_sheet_upload": _l("Upload a filled day sheet"),
    "visits.detail": _l("Visit"),
    "visits.export": _l("Download the visits"),
    "visits.follow_up": _l("Plan the follow-up"),
    "visits.index": _l("Visits"),
    "visits.links": _l("Links for the schools"),
    "visits.mail_link": _l("E-mail the liaison link"),
    "visits.missed": _l("Mark the visit as missed"),
    "visits.move": _l("Move to another day"),
    "visits.new_link": _l("Make the liaison link"),
    "visits.outcome": _l("Record the outcome"),
    "visits.reassign": _l("Give to another team"),
    "visits.respond": _l("Answer for the school"),
    "visits.whatsapp_link": _l("Send the liaison link via WhatsApp"),
}

# The address's parts that name a record, by the kind the audit log names it with.
RECORD_ARGS = {
    "school_id": "School",
    "resident_id": "Resident",
    "visit_id": "Visit",
    "team_id": "Team",
    "user_id": "User",
    "closure_id": "OfficeClosure",
    "snapshot_id": "CoverageSnapshot",
    "blackout_id": "SchoolBlackout",
    "run_id": "PlanRun",
}


@dataclass(frozen=True)
class Page:
    """A page a request asked for: its endpoint (None when no route matches) and the record its
    address names, as (kind, id) the way the log names records."""

    endpoint: str | None
    record: tuple[str, str] | None
    words: tuple[str, ...]  # the address's word parts (deactivate, csv …)


def page_of(path: str, method: str | None = None, route: str | None = None) -> Page:
    """The route ``path`` leads to (``route``, the endpoint the log kept, when the path no
    longer matches one)."""
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, args = adapter.match(path, method=method or "GET")
    except RequestRedirect:  # a path missing its slash: named as the page it leads to
        return Page(route, None, ())
    except HTTPException:  # no such page, or not with this method
        try:
            endpoint, args = adapter.match(path)
        except (HTTPException, RequestRedirect):
            return Page(route if route in PAGE_LABELS else None, None, ())
    record = next(
        ((kind, str(args[name])) for name, kind in RECORD_ARGS.items() if name in args), None
    )
    words = tuple(value for value in args.values() if isinstance(value, str))
    return Page(endpoint, record, words)


def page_label(page: Page) -> str | None:
    """The page's name without its record, None for a path that names no page."""
    if page.endpoint is None:
        return None
    for word in page.words:
        label = PAGE_LABELS.get(f"{page.endpoint}:{word}")
        if label is not None:
            return str(label)
    label = PAGE_LABELS.get(page.endpoint)
    return str(label) if label is not None else None


def page_name(page: Page, record_name: str | None) -> str | None:
    """The page as people know it: its name, and the name of the record it is about
    (``record_name``; None when that record does not exist)."""
    label = page_label(page)
    if label is None:
        return None
    if page.record is None:
        return label
    if record_name:
        return f"{label} · {record_name}"
    missing = _("(record not found)")
    return f"{label} {missing}"

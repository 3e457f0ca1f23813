"""The audit log's events as people read them: who (by name and username), what (in words), on
which record (by its name, linked), the details before → after in words (audit_values). No
stored key, code, id or path reaches the page where words can say it — an account by its name,
a record by its name, a page by its name (audit_pages) —, and nothing that could be a NIK
(``domain.nik.redact_niks`` on every text, besides what the log already redacts when it
writes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from outreach import labels
from outreach.domain.nik import redact_niks
from outreach.i18n import long_date, month_name, number, office_datetime
from outreach.models import AuditEvent
from outreach.services.audit_log import ANONYMOUS_ACTOR
from outreach.web.admin import audit_pages
from outreach.web.admin.audit_values import (
    DETAIL_LABELS,
    NOT_LOGGED_IN,
    REGION_FIELDS,
    Known,
    empty,
    instant_of,
    is_change,
    label,
    same_set,
    words,
)

__all__ = ["NOT_LOGGED_IN", "RECORD_KIND_LABELS", "Known", "lines", "mentioned", "record_link"]

RECORD_KIND_LABELS = {
    "School": _l("School"),
    "Resident": _l("Resident"),
    "Visit": _l("Visit"),
    "Team": _l("Team"),
    "User": _l("Account"),
    "OfficeClosure": _l("Office closure"),
    "SchoolBlackout": _l("Blackout period"),
    "CoverageSnapshot": _l("Coverage figure"),
    "PlanRun": _l("Plan run"),
}

# Bookkeeping a person does not need: grouped refusals are told in their own words, and the
# audit page's own paging (before/after: where a page of the log began) names no filter.
HIDDEN_DETAILS = labels.HIDDEN_HISTORY_FIELDS | {"method", "route", "count", "last_at", "visit"}
_HIDDEN_OF = {"audit.view": frozenset({"before", "after"})}
_PATH_FIELDS = frozenset({"path", "last_path"})
_REFUSALS = frozenset({"auth.forbidden", "auth.rate_limited"})


class Detail(NamedTuple):
    """One detail of an event: "label: text", and in small print what words could not say
    (the path of a page no route names). A detail without a label is a sentence of its own."""

    label: str
    text: str
    note: str = ""


@dataclass(frozen=True)
class RecordLink:
    kind: str
    name: str  # "" when the record no longer exists
    url: str | None
    filter_url: str


@dataclass(frozen=True)
class Line:
    """One event as the page shows it."""

    event: AuditEvent
    when: str
    actor: str
    actor_url: str  # the page with only this actor's events
    action: str
    record: RecordLink | None
    details: list[Detail]
    repeated: str  # "12 times, the last on …" for a grouped event; else ""
    address: str


def actor_name(event: AuditEvent) -> str:
    """An account as "Name (username)" — the name is the account's current one, the username
    never changes —, a system actor in words, anyone else as not logged in."""
    if event.user_id is not None and event.user is not None:
        return f"{event.user.name} ({event.user.username})"
    if event.actor in labels.SYSTEM_ACTOR_LABELS:
        return str(labels.SYSTEM_ACTOR_LABELS[event.actor])
    return str(NOT_LOGGED_IN)


def actor_filter(event: AuditEvent) -> str:
    """The "who" filter's value that selects this event's actor."""
    if event.user_id is not None:
        return str(event.user_id)
    if event.actor in labels.SYSTEM_ACTOR_LABELS:
        return event.actor
    return ANONYMOUS_ACTOR


# --- what the events mention, to be looked up once for the page -------------------------------


def _changes(event: AuditEvent) -> dict:
    return event.changes if isinstance(event.changes, dict) else {}


def mentioned(events: list[AuditEvent]) -> set[tuple[str, str]]:
    """The records the events' details name, as (kind, id): the account and the record an
    audit page view filtered by, the record a refused page's address names."""
    found: set[tuple[str, str]] = set()
    for event in events:
        changes = _changes(event)
        if event.action == "audit.view":
            if isinstance(changes.get("user_id"), int):
                found.add(("User", str(changes["user_id"])))
            if isinstance(changes.get("entity_id"), int) and changes.get("entity_type"):
                found.add((str(changes["entity_type"]), str(changes["entity_id"])))
        elif event.action in _REFUSALS:
            for name in _PATH_FIELDS:
                record = _page(event, name).record if isinstance(changes.get(name), str) else None
                if record is not None:
                    found.add(record)
    return found


def region_codes(events: list[AuditEvent]) -> set[str]:
    """The region codes the events' details name (kecamatan and kelurahan fields, also inside
    an export's filters)."""
    codes: set[str] = set()

    def collect(name: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                collect(key, item)
        elif name in REGION_FIELDS and isinstance(value, str):
            codes.add(value)
        elif name in REGION_FIELDS and isinstance(value, list):
            for item in value:
                collect(name, item)

    for event in events:
        for name, value in _changes(event).items():
            collect(name, value)
    return codes


def npsns(events: list[AuditEvent]) -> set[str]:
    """The NPSNs the events' details name (an account's or a blackout period's school)."""
    found: set[str] = set()
    for event in events:
        value = _changes(event).get("school")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                found.add(item)
    return found


# --- the lines ----------------------------------------------------------------------------------


def lines(events: list[AuditEvent], known: Known, link) -> list[Line]:
    """The page's lines; ``link(**filters)`` is the page's own URL with other filters."""
    return [_line(event, known, link) for event in events]


def _line(event: AuditEvent, known: Known, link) -> Line:
    changes = _changes(event)
    hidden = HIDDEN_DETAILS | _HIDDEN_OF.get(event.action, frozenset())
    details = [
        _detail(event, name, value, known)
        for name, value in changes.items()
        # a record's fields as created: only those filled in; a change always, "—" included
        if name not in hidden
        and (is_change(name, value) or not empty(value))
        and not same_set(name, value)
    ]
    if event.action == "auth.login_failed" and event.actor not in (None, ANONYMOUS_ACTOR):
        details.insert(0, Detail(str(DETAIL_LABELS["username"]), redact_niks(event.actor or "")))
    return Line(
        event=event,
        when=office_datetime(event.at),
        actor=redact_niks(actor_name(event)),
        actor_url=link(who=actor_filter(event)),
        action=str(labels.audit_action_label(event.action)),
        record=record_link(event.entity_type, event.entity_id, known.records, link),
        details=details,
        repeated=_repeated(changes),
        address=event.remote_addr or "—",
    )


def _detail(event: AuditEvent, name: str, value: Any, known: Known) -> Detail:
    if name == "nik" and is_change(name, value):  # that it changed, never from what to what
        return Detail("", str(labels.NIK_CHANGED))
    if event.action == "audit.view":
        return Detail(label(event, name), redact_niks(_filter_words(event, name, value, known)))
    if event.action in _REFUSALS and name in _PATH_FIELDS and isinstance(value, str):
        return _page_detail(event, name, value, known)
    if is_change(name, value):
        before, after = (redact_niks(words(event, name, item, known)) for item in value)
        return Detail(label(event, name), f"{before} → {after}")
    return Detail(label(event, name), redact_niks(words(event, name, value, known)))


def _filter_words(event: AuditEvent, name: str, value: Any, known: Known) -> str:
    """One filter of an audit page view: the account, the action, the kind of record and the
    record by their names, days in words."""
    if name == "user_id":
        user = known.records.get(("User", str(value)))
        return f"{user.name} ({user.username})" if user is not None else _("(no longer exists)")
    if name == "actor":
        if value in labels.SYSTEM_ACTOR_LABELS:
            return str(labels.SYSTEM_ACTOR_LABELS[value])
        return str(NOT_LOGGED_IN)
    if name == "action":
        return str(labels.audit_action_label(str(value)))
    if name == "entity_type":
        return str(RECORD_KIND_LABELS.get(str(value), _("Any")))
    if name == "entity_id":
        kind = str(_changes(event).get("entity_type"))
        record = known.records.get((kind, str(value)))
        if record is None or kind not in RECORD_KIND_LABELS:
            return _("(no longer exists)")
        return _named(kind, record)[0]
    return words(event, name, value, known)


def _page(event: AuditEvent, name: str) -> audit_pages.Page:
    changes = _changes(event)
    return audit_pages.page_of(changes[name], changes.get("method"), changes.get("route"))


def _page_detail(event: AuditEvent, name: str, path: str, known: Known) -> Detail:
    """A page a refused request asked for, by its name; its path in small print only where no
    route names it, or the record its address names was not found."""
    page = _page(event, name)
    record = known.records.get(page.record) if page.record is not None else None
    title = audit_pages.page_name(page, _named(page.record[0], record)[0] if record else None)
    if title is None:
        return Detail(label(event, name), _("not a page of the app"), redact_niks(path))
    note = redact_niks(path) if page.record is not None and record is None else ""
    return Detail(label(event, name), redact_niks(title), note)


def _repeated(changes: dict) -> str:
    count = changes.get("count")
    if not isinstance(count, int) or count < 2:
        return ""
    last = instant_of(changes.get("last_at"))
    if last is None:
        return _("%(num)s times", num=number(count))
    return _("%(num)s times, the last on %(when)s", num=number(count), when=office_datetime(last))


# --- the record an event is about -------------------------------------------------------------


def record_link(kind: str | None, entity_id: str | None, records: dict, link) -> RecordLink | None:
    """The record (type, id as the log stores them) by its name and page, None when the log
    names none; ``records`` holds those that still exist (services.audit_log.records_of)."""
    if kind is None or kind not in RECORD_KIND_LABELS or not (entity_id or "").isdigit():
        return None
    record = records.get((kind, entity_id))
    name, url = _named(kind, record) if record is not None else ("", None)
    return RecordLink(
        kind=str(RECORD_KIND_LABELS[kind]),
        name=redact_niks(name),
        url=url,
        filter_url=link(record=kind, record_id=entity_id),
    )


def _named(kind: str, record) -> tuple[str, str | None]:  # noqa: C901
    """A record's name as people know it, and its page (None where it has none of its own)."""
    if kind == "School":
        return record.name, url_for("schools.detail", school_id=record.id)
    if kind == "Resident":
        return record.name, url_for("residents.detail", resident_id=record.id)
    if kind == "Visit":
        name = f"{record.subject_name}, {long_date(record.visit_on)}"
        return name, url_for("visits.detail", visit_id=record.id)
    if kind == "Team":
        return record.name, url_for("teams.detail", team_id=record.id)
    if kind == "User":
        return f"{record.name} ({record.username})", url_for("admin.user_edit", user_id=record.id)
    if kind == "OfficeClosure":
        return f"{record.name}, {long_date(record.closed_on)}", url_for("closures.index")
    if kind == "SchoolBlackout":
        whose = record.school.name if record.school else _("All schools")
        return f"{whose}: {long_date(record.first_on)} – {long_date(record.last_on)}", None
    if kind == "CoverageSnapshot":
        area = record.kecamatan.name if record.kecamatan else _("Whole city")
        return f"{area}, {long_date(record.as_of)}", url_for("coverage.index")
    if kind == "PlanRun":
        on = record.month or record.start_on
        name = month_name(on) if record.month else (long_date(on) if on else "")
        return name, url_for("plan.run", run_id=record.id)
    return "", None

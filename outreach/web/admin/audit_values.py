"""The details the audit log keeps, as people read them: each detail's label, and each value in
words — enums by their labels, regions and schools by their names, dates and months in words,
phone numbers as they are dialled, files and filters as the pages name them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from outreach import labels
from outreach.domain.phone import display_phone
from outreach.i18n import long_date, month_name, number, office_datetime, weekday_name
from outreach.models import (
    AuditEvent,
    ClosureKind,
    DisabilityKind,
    HomeOutcome,
    RequestChannel,
    ResidentCategory,
    ResidentStatus,
    Role,
    SchoolLevel,
    SchoolStatus,
    Sex,
    VisitStatus,
    weekday_bit,
)
from outreach.web.params import parse_instant as instant_of  # the one ISO instant parser


@dataclass(frozen=True)
class Known:
    """What the page looked up to name what its events mention: records by (kind, id) as the
    log names them (services.audit_log.records_of), regions by code, schools' names by NPSN."""

    records: dict[tuple[str, str], Any] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    schools: dict[str, str] = field(default_factory=dict)


# Details events carry besides a record's own fields.
DETAIL_LABELS = {
    "status": _l("Status"),
    "path": _l("Page"),
    "last_path": _l("Last page"),
    "username": _l("Username"),
    "role": _l("Role"),
    "team": _l("Team"),
    "school": _l("School"),
    "email": _l("E-mail"),
    "is_active": _l("Active"),
    "rows": _l("Rows"),
    "format": _l("File type"),
    "month": _l("Month"),
    "filters": _l("Filters"),
    "source": _l("File"),
    "new": _l("New"),
    "changed": _l("Changed"),
    "unchanged": _l("Unchanged"),
    "saved": _l("Outcomes saved"),
    "not_filled": _l("Rows not filled in"),
    "created": _l("Visits planned"),
    "skipped": _l("Skipped"),
    "unplaced": _l("Not placed"),
    "waiting": _l("Still waiting"),
    "year": _l("Year"),
    "added": _l("Added"),
    "removed": _l("Removed"),
    "absorbed": _l("Periods merged"),
    "closed_on": _l("Day"),
    "kind": _l("Kind"),
    "as_of": _l("As of"),
    "kecamatan": _l("Kecamatan"),
    "wajib_ktp": _l("Wajib KTP"),
    "recorded": _l("Recorded"),
    "school_visits_per_day": _l("School visits per day"),
    "home_visits_per_day": _l("Home visits per day"),
    "start": _l("Starting point"),
    "phone": _l("Phone"),
    "template": _l("Template"),
    "start_on": _l("First day"),
    "days": _l("Days"),
    "q": _l("Search"),
    "waited_days": _l("Waiting at least (days)"),
    "category": _l("Category"),
    "kelurahan": _l("Kelurahan"),
    # the audit page's own filters (audit.view)
    "user_id": _l("Who"),
    "actor": _l("Who"),
    "action": _l("What"),
    "entity_type": _l("Kind of record"),
    "entity_id": _l("Record"),
    "first_on": _l("From"),
    "last_on": _l("To"),
    "member": _l("Officer"),
    "via": _l("Where"),
}
# Where a typed NIK matched a request (resident.find_nik).
VIA_LABELS = {
    "find": _l("The NIK search on the residents' list"),
    "form": _l("A NIK typed into a request's form"),
    "import": _l("The preview of an import"),
}
ANSWER_LABELS = {
    403: _l("Not allowed"),
    404: _l("Not found"),
    429: _l("Too many requests"),
}
FORMAT_LABELS = {"csv": _l("CSV"), "xlsx": _l("Excel (XLSX)")}
# The filled import templates (web.importing.ImportKind.kind).
TEMPLATE_LABELS = {
    "schools": _l("Schools"),
    "residents": _l("Home-visit requests"),
    "coverage": _l("Coverage figures"),
}
# The queue's status filter (services.residents.queue.ResidentFilters.status) beyond a status.
QUEUE_STATUS_LABELS = {"open": _l("Open"), "all": _l("All")}
NOT_LOGGED_IN = _l("Not logged in")

_ENUM_LABELS: dict[str, tuple[type, dict]] = {
    "role": (Role, labels.ROLE_LABELS),
    "level": (SchoolLevel, labels.SCHOOL_LEVEL_LABELS),
    "category": (ResidentCategory, labels.CATEGORY_LABELS),
    "sex": (Sex, labels.SEX_LABELS),
    "disability": (DisabilityKind, labels.DISABILITY_LABELS),
    "requested_via": (RequestChannel, labels.CHANNEL_LABELS),
    "kind": (ClosureKind, labels.CLOSURE_KIND_LABELS),
    "home_outcome": (HomeOutcome, labels.HOME_OUTCOME_LABELS),
}
_STATUS_LABELS: dict[str, tuple[type, dict]] = {
    "Visit": (VisitStatus, labels.VISIT_STATUS_LABELS),
    "Resident": (ResidentStatus, labels.RESIDENT_STATUS_LABELS),
    "School": (SchoolStatus, labels.SCHOOL_STATUS_LABELS),
}
_PLAN_RUN_LABELS = {"start": _l("First day"), "days": _l("Number of days")}
_FIELD_LABELS = {
    "PlanRun": _PLAN_RUN_LABELS,
    "CoverageSnapshot": {"source": _l("Source")},
    "Visit": labels.VISIT_FIELD_LABELS,
    "School": labels.SCHOOL_FIELD_LABELS,
    "SchoolBlackout": labels.SCHOOL_FIELD_LABELS,
    "Resident": labels.RESIDENT_FIELD_LABELS,
}
REGION_FIELDS = frozenset({"kecamatan_code", "kelurahan_code", "kecamatan", "kelurahan"})
_PHONE_FIELDS = frozenset({"liaison_phone", "phone", "to"})
_LIST_FIELDS = frozenset({"kecamatan"})  # a list is the value itself, not [before, after]


def detail_label(event: AuditEvent, name: str) -> str | None:
    """A detail's label: the event's record's field, else one of the details events carry;
    None for a detail no table names."""
    found = _FIELD_LABELS.get(event.entity_type or "", {}).get(name) or DETAIL_LABELS.get(name)
    if found is None:
        found = (
            labels.SCHOOL_FIELD_LABELS.get(name)
            or labels.RESIDENT_FIELD_LABELS.get(name)
            or labels.VISIT_FIELD_LABELS.get(name)
        )
    return str(found) if found is not None else None


def label(event: AuditEvent, name: str) -> str:
    """A detail's label; one no table names reads as its name in words, never as a key."""
    return detail_label(event, name) or name.replace("_", " ").capitalize()


def empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def is_change(name: str, value: Any) -> bool:
    """The log's [before, after] pair (a list of two), not a value that is a list itself."""
    if not isinstance(value, list) or len(value) != 2:
        return False
    return name not in _LIST_FIELDS or all(isinstance(item, list | None) for item in value)


def same_set(name: str, value: Any) -> bool:
    """A set (a team's kecamatan) logged as changed from itself in another order: no change.
    (Before the kecamatan were kept in code order, renaming a team logged its list anew.)"""
    if name not in _LIST_FIELDS or not is_change(name, value):
        return False
    before, after = value
    return set(before or ()) == set(after or ())


def words(event: AuditEvent, name: str, value: Any, known: Known) -> str:  # noqa: C901
    """A detail's value in words ("—" for nothing)."""
    if empty(value):
        return "—"
    if name == "nik":  # the log keeps that a NIK was given or changed, never the NIK
        return _("not shown")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return (
            "; ".join(
                f"{label(event, key)}: {words(event, key, item, known)}"
                for key, item in value.items()
                if item not in (None, "", 0, [])
            )
            or "—"
        )
    if isinstance(value, list):
        items = sorted(value, key=str) if name in _LIST_FIELDS else value  # a set: code order
        return ", ".join(words(event, name, item, known) for item in items)
    if isinstance(value, str):
        found = _named_value(event, name, value, known)
        if found is not None:
            return found
    if name == "status" and event.action in ("auth.forbidden", "auth.rate_limited"):
        return str(ANSWER_LABELS.get(value, value))
    if event.entity_type == "Visit" and name in labels.VISIT_FIELD_LABELS:
        return labels.visit_change(name, value)
    if name == "status" and event.entity_type in _STATUS_LABELS:
        return _enum(*_STATUS_LABELS[event.entity_type], value)
    if name in _ENUM_LABELS:
        return _enum(*_ENUM_LABELS[name], value)
    if name in _PHONE_FIELDS and isinstance(value, str) and value.startswith("+62"):
        return display_phone(value)
    if name == "preferred_weekdays" and isinstance(value, int):
        days = [weekday_name(day) for day in range(1, 8) if value & weekday_bit(day)]
        return ", ".join(days) or "—"
    if isinstance(value, int):
        return str(value) if name == "year" else number(value)
    if isinstance(value, float):
        return f"{value:.5f}"
    if isinstance(value, str):
        return date_words(name, value) or value
    return str(value)


def _named_value(event: AuditEvent, name: str, value: str, known: Known) -> str | None:
    """A stored key or code that has a name: a region, a school by its NPSN, a file type, a
    template, where a NIK matched, the queue's status filter; None for any other value."""
    if name in REGION_FIELDS:
        return known.regions.get(value, value)
    if name == "school":  # accounts and blackout periods keep the school's NPSN
        return known.schools.get(value, value)
    if name == "via":
        return str(VIA_LABELS.get(value, value))
    if name == "format" and value in FORMAT_LABELS:
        return str(FORMAT_LABELS[value])
    if name == "template" and value in TEMPLATE_LABELS:
        return str(TEMPLATE_LABELS[value])
    if name == "status" and event.action == "resident.export":
        if value in QUEUE_STATUS_LABELS:
            return str(QUEUE_STATUS_LABELS[value])
        return _enum(ResidentStatus, labels.RESIDENT_STATUS_LABELS, value)
    return None


def _enum(enum: type, names: dict, value: Any) -> str:
    try:
        return str(names[enum(value)])
    except (ValueError, KeyError):
        return str(value)


def date_words(name: str, value: str) -> str | None:
    """A stored ISO day, month or instant in words, else None."""
    if len(value) == 7 and name == "month":
        try:
            return month_name(date.fromisoformat(value + "-01"))
        except ValueError:
            return None
    if len(value) == 10 and (name.endswith("_on") or name in ("as_of", "month", "start")):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None
        return month_name(day) if name == "month" else long_date(day)
    instant = instant_of(value) if name.endswith("_at") else None
    return office_datetime(instant) if instant is not None else None

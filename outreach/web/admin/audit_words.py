"""The audit log's events as people read them: who (by name and username), what (in words), on
which record (by its name, linked), the details before → after in words. No stored key, code or
raw value reaches the page, and nothing that could be a NIK (``domain.nik.redact_niks`` on every
text, besides what the log already redacts when it writes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from outreach import labels
from outreach.domain.nik import redact_niks
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
from outreach.services.audit_log import ANONYMOUS_ACTOR

NOT_LOGGED_IN = _l("Not logged in")

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
    "created": _l("Visits planned"),
    "skipped": _l("Skipped"),
    "unplaced": _l("Not placed"),
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
    "user": _l("Who"),
    "action": _l("What"),
    "entity_type": _l("Record"),
    "entity_id": _l("Record no."),
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
# Bookkeeping a person does not need: grouped refusals are told in their own words.
HIDDEN_DETAILS = labels.HIDDEN_HISTORY_FIELDS | {"method", "route", "count", "last_at", "visit"}

ANSWER_LABELS = {
    403: _l("Not allowed"),
    404: _l("Not found"),
    429: _l("Too many requests"),
}

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
_REGION_FIELDS = frozenset({"kecamatan_code", "kelurahan_code", "kecamatan", "kelurahan"})
_PHONE_FIELDS = frozenset({"liaison_phone", "phone", "to"})
_LIST_FIELDS = frozenset({"kecamatan"})  # a list is the value itself, not [before, after]


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
    details: list[tuple[str, str]]
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


def lines(events: list[AuditEvent], records: dict, regions: dict[str, str], link) -> list[Line]:
    """The page's lines; ``link(**filters)`` is the page's own URL with other filters."""
    return [_line(event, records, regions, link) for event in events]


def _line(event: AuditEvent, records: dict, regions: dict[str, str], link) -> Line:
    changes = event.changes if isinstance(event.changes, dict) else {}
    details = [
        (_label(event, name), _change(event, name, value, regions))
        for name, value in changes.items()
        # a record's fields as created: only those filled in; a change always, "—" included
        if name not in HIDDEN_DETAILS and (_is_change(name, value) or not _empty(value))
    ]
    if event.action == "auth.login_failed" and event.actor not in (None, ANONYMOUS_ACTOR):
        details.insert(0, (str(DETAIL_LABELS["username"]), redact_niks(event.actor or "")))
    return Line(
        event=event,
        when=office_datetime(event.at),
        actor=redact_niks(actor_name(event)),
        actor_url=link(who=actor_filter(event)),
        action=str(labels.audit_action_label(event.action)),
        record=record_link(event.entity_type, event.entity_id, records, link),
        details=details,
        repeated=_repeated(changes),
        address=event.remote_addr or "—",
    )


def _repeated(changes: dict) -> str:
    count = changes.get("count")
    if not isinstance(count, int) or count < 2:
        return ""
    last = _instant(changes.get("last_at"))
    if last is None:
        return _("%(num)s times", num=number(count))
    return _("%(num)s times, the last on %(when)s", num=number(count), when=office_datetime(last))


def _label(event: AuditEvent, name: str) -> str:
    by_kind = {
        "Visit": labels.VISIT_FIELD_LABELS,
        "School": labels.SCHOOL_FIELD_LABELS,
        "SchoolBlackout": labels.SCHOOL_FIELD_LABELS,
        "Resident": labels.RESIDENT_FIELD_LABELS,
    }.get(event.entity_type or "", {})
    found = by_kind.get(name) or DETAIL_LABELS.get(name)
    if found is None:
        found = (
            labels.SCHOOL_FIELD_LABELS.get(name)
            or labels.RESIDENT_FIELD_LABELS.get(name)
            or labels.VISIT_FIELD_LABELS.get(name)
        )
    return str(found) if found is not None else name.replace("_", " ").capitalize()


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _is_change(name: str, value: Any) -> bool:
    """The log's [before, after] pair (a list of two), not a value that is a list itself."""
    if not isinstance(value, list) or len(value) != 2:
        return False
    return name not in _LIST_FIELDS or all(isinstance(item, list | None) for item in value)


def _change(event: AuditEvent, name: str, value: Any, regions: dict[str, str]) -> str:
    if _is_change(name, value):
        before, after = (_value(event, name, item, regions) for item in value)
        return f"{before} → {after}"
    return _value(event, name, value, regions)


def _value(event: AuditEvent, name: str, value: Any, regions: dict[str, str]) -> str:
    return redact_niks(_words(event, name, value, regions))


def _words(event: AuditEvent, name: str, value: Any, regions: dict[str, str]) -> str:  # noqa: C901
    if _empty(value):
        return "—"
    if name == "nik":  # the log keeps that a NIK was given or changed, never the NIK
        return _("not shown")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return (
            "; ".join(
                f"{_label(event, key)}: {_words(event, key, item, regions)}"
                for key, item in value.items()
                if item not in (None, "", 0, [])
            )
            or "—"
        )
    if isinstance(value, list):
        return ", ".join(_words(event, name, item, regions) for item in value)
    if name == "via" and isinstance(value, str):
        return str(VIA_LABELS.get(value, value))
    if name == "status" and event.action in ("auth.forbidden", "auth.rate_limited"):
        return str(ANSWER_LABELS.get(value, value))
    if event.entity_type == "Visit" and name in labels.VISIT_FIELD_LABELS:
        return labels.visit_change(name, value)
    if name == "status" and event.entity_type in _STATUS_LABELS:
        return _enum(*_STATUS_LABELS[event.entity_type], value)
    if name in _ENUM_LABELS:
        return _enum(*_ENUM_LABELS[name], value)
    if name in _REGION_FIELDS and isinstance(value, str):
        return regions.get(value, value)
    if name in _PHONE_FIELDS and isinstance(value, str) and value.startswith("+62"):
        return display_phone(value)
    if name == "preferred_weekdays" and isinstance(value, int):
        days = [weekday_name(day) for day in range(1, 8) if value & weekday_bit(day)]
        return ", ".join(days) or "—"
    if isinstance(value, int):
        return str(value) if name in ("year", "entity_id", "user_id") else number(value)
    if isinstance(value, float):
        return f"{value:.5f}"
    if isinstance(value, str):
        return _date_words(name, value) or value
    return str(value)


def _enum(enum: type, names: dict, value: Any) -> str:
    try:
        return str(names[enum(value)])
    except (ValueError, KeyError):
        return str(value)


def _date_words(name: str, value: str) -> str | None:
    """A stored ISO day, month or instant in words, else None."""
    if len(value) == 7 and name == "month":
        try:
            return month_name(date.fromisoformat(value + "-01"))
        except ValueError:
            return None
    if len(value) == 10 and (name.endswith("_on") or name in ("as_of", "month")):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None
        return month_name(day) if name == "month" else long_date(day)
    instant = _instant(value) if name.endswith("_at") else None
    return office_datetime(instant) if instant is not None else None


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        return None
    return instant if instant.tzinfo is not None else None


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

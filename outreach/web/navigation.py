"""The main navigation: one table of entries, each shown to the roles its predicate admits.

An entry appears only once its endpoint exists, so each area's blueprint lights up its own
entry when it is registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from outreach import permissions


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: str
    icon: str
    allowed: Callable[..., bool]


def _anyone(user) -> bool:
    return bool(user.is_authenticated)


NAV_ENTRIES = (
    NavEntry("main.home", _l("Home"), "house", _anyone),
    NavEntry("visits.calendar", _l("Calendar"), "calendar3", permissions.can_coordinate),
    NavEntry("visits.index", _l("Visits"), "list-check", permissions.can_coordinate),
    NavEntry("plan.index", _l("Plan"), "diagram-3", permissions.can_coordinate),
    NavEntry("schools.index", _l("Schools"), "building", permissions.can_coordinate),
    NavEntry("residents.index", _l("Residents"), "people", permissions.can_coordinate),
    NavEntry("teams.index", _l("Teams"), "person-badge", permissions.can_coordinate),
    NavEntry("coverage.index", _l("Coverage"), "graph-up", permissions.can_coordinate),
    NavEntry("reports.index", _l("Reports"), "bar-chart", permissions.can_coordinate),
    NavEntry("admin.users", _l("Users"), "person-gear", permissions.can_manage_users),
)


def nav_entries() -> list[dict]:
    """The entries the current user may see, with which one is active."""
    if not current_user.is_authenticated:
        return []
    endpoints = current_app.view_functions
    shown = [e for e in NAV_ENTRIES if e.endpoint in endpoints and e.allowed(current_user)]
    return [
        {
            "endpoint": entry.endpoint,
            "label": entry.label,
            "icon": entry.icon,
            "active": entry is _active_entry(shown, request.endpoint or ""),
        }
        for entry in shown
    ]


def _active_entry(entries: list[NavEntry], endpoint: str) -> NavEntry | None:
    """The entry of the page itself, else its area's list (one area may have several entries,
    such as the visit calendar and the visit list: a visit's page belongs to the list)."""
    area = endpoint.split(".")[0]
    exact = [entry for entry in entries if entry.endpoint == endpoint]
    same_area = sorted(
        (entry for entry in entries if entry.endpoint.split(".")[0] == area),
        key=lambda entry: not entry.endpoint.endswith(".index"),
    )
    found = exact or same_area
    return found[0] if found else None

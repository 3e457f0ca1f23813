"""The main navigation: one table of entries, each shown to the roles its predicate admits.

The daily work sits in the bar itself; what a coordinator opens less often is grouped in two
menus (figures, and the office's settings), so the bar fits from 1200 px and folds into one
menu below. An entry appears only once its endpoint exists, so each area's blueprint lights
up its own entry when it is registered; a menu with no entry for the user is not drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class NavMenu:
    label: str
    icon: str
    entries: tuple[NavEntry, ...] = field(default=())


def _anyone(user) -> bool:
    return bool(user.is_authenticated)


_COORDINATORS = permissions.can_coordinate
_ADMINS = permissions.can_manage_users


NAV_ITEMS: tuple[NavEntry | NavMenu, ...] = (
    NavEntry("main.home", _l("Home"), "house", _anyone),
    NavEntry("visits.calendar", _l("Calendar"), "calendar3", _COORDINATORS),
    NavEntry("visits.index", _l("Visits"), "list-check", _COORDINATORS),
    NavEntry("plan.index", _l("Plan"), "diagram-3", _COORDINATORS),
    NavEntry("schools.index", _l("Schools"), "building", _COORDINATORS),
    NavEntry("residents.index", _l("Residents"), "people", _COORDINATORS),
    NavMenu(
        _l("Reports"),
        "bar-chart",
        (
            NavEntry("coverage.index", _l("Coverage"), "graph-up", _COORDINATORS),
            NavEntry("reports.index", _l("Monthly report"), "bar-chart", _COORDINATORS),
        ),
    ),
    NavMenu(
        _l("Settings"),
        "gear",
        (
            NavEntry("teams.index", _l("Teams"), "person-badge", _COORDINATORS),
            NavEntry("closures.index", _l("Office closures"), "calendar-x", _COORDINATORS),
            NavEntry("admin.users", _l("Users"), "person-gear", _ADMINS),
            NavEntry("admin.jobs", _l("Scheduled jobs"), "clock-history", _ADMINS),
            NavEntry("admin.audit_log", _l("Audit log"), "journal-text", _ADMINS),
        ),
    ),
)
NAV_ENTRIES: tuple[NavEntry, ...] = tuple(
    entry
    for item in NAV_ITEMS
    for entry in (item.entries if isinstance(item, NavMenu) else (item,))
)


def nav_entries() -> list[dict]:
    """The bar's items the current user may see, in order: an entry is a dict with its
    endpoint, label, icon and whether it is the page's own; a menu has ``entries`` instead of
    an endpoint, and is active when one of its entries is."""
    if not current_user.is_authenticated:
        return []
    endpoints = current_app.view_functions

    visible = [e for e in NAV_ENTRIES if e.endpoint in endpoints and e.allowed(current_user)]
    active = _active_entry(visible, request.endpoint or "")

    def shown(entry: NavEntry) -> bool:
        return entry in visible

    def drawn(entry: NavEntry) -> dict:
        return {
            "endpoint": entry.endpoint,
            "label": entry.label,
            "icon": entry.icon,
            "active": entry is active,
        }

    items: list[dict] = []
    for item in NAV_ITEMS:
        if isinstance(item, NavMenu):
            entries = [drawn(entry) for entry in item.entries if shown(entry)]
            if entries:
                items.append(
                    {
                        "label": item.label,
                        "icon": item.icon,
                        "entries": entries,
                        "active": any(entry["active"] for entry in entries),
                    }
                )
        elif shown(item):
            items.append(drawn(item))
    return items


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

"""Who may do what: plain predicates over a user (and a record), checked by every view."""

from __future__ import annotations

from outreach.models import Role, User


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_manage_users(user: User) -> bool:
    return _active(user) and user.role is Role.ADMIN


def can_coordinate(user: User) -> bool:
    """Register schools and residents, plan, watch progress: coordinators and admins."""
    return _active(user) and user.role in (Role.ADMIN, Role.COORDINATOR)


def is_field_officer(user: User) -> bool:
    return _active(user) and user.role is Role.OFFICER


def is_school_liaison(user: User) -> bool:
    return _active(user) and user.role is Role.LIAISON

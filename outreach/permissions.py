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


def can_see_team_day(user: User, team_id: int | None) -> bool:
    """A team's day sheet: coordinators, and officers of that team."""
    if can_coordinate(user):
        return True
    return is_field_officer(user) and team_id is not None and user.team_id == team_id


def can_see_school(user: User, school_id: int | None) -> bool:
    """A school's own page: coordinators, and the liaison bound to that school."""
    if can_coordinate(user):
        return True
    return is_school_liaison(user) and school_id is not None and user.school_id == school_id

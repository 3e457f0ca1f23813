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


def can_see_visit(user: User, visit) -> bool:
    """Coordinators see every visit, an officer their team's, a liaison their school's."""
    if can_coordinate(user):
        return True
    if is_field_officer(user):
        return user.team_id is not None and visit.team_id == user.team_id
    if is_school_liaison(user):
        return user.school_id is not None and visit.school_id == user.school_id
    return False


def can_record_outcome(user: User, visit) -> bool:
    """The visit's own team records what happened; coordinators may enter it for them."""
    if can_coordinate(user):
        return True
    return is_field_officer(user) and user.team_id is not None and visit.team_id == user.team_id


def can_correct_outcome(user: User, visit, *, today, recorded_on) -> bool:
    """A coordinator corrects a recorded outcome any time; the visit's own officer on the day
    they recorded it (``recorded_on``, the office's date of the outcome), while it is fresh."""
    if can_coordinate(user):
        return True
    return can_record_outcome(user, visit) and recorded_on == today


def can_respond_for_school(user: User, visit) -> bool:
    """A liaison confirms, moves or declines their own school's visits."""
    return (
        is_school_liaison(user) and user.school_id is not None and visit.school_id == user.school_id
    )


def can_see_team_day(user: User, team_id: int) -> bool:
    if can_coordinate(user):
        return True
    return is_field_officer(user) and user.team_id == team_id

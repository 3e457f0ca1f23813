"""The one way a visit changes: check the version the user saw, apply, raise the iCalendar
SEQUENCE when what a calendar shows changes, and write the audit event (who, when, from → to,
why). Every transition of the lifecycle goes through :func:`save`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from outreach.errors import Conflict, DomainError
from outreach.models import AuditEvent, ConfirmationChannel, User, Visit
from outreach.services.audit import record_event

REASON_MAX = 500
# Fields a subscribed calendar shows: changing one raises the visit's SEQUENCE.
CALENDAR_FIELDS = frozenset({"status", "visit_on", "start_time", "team_id"})


@dataclass(frozen=True)
class Who:
    """Who acts, and through what: an account, or a liaison's link (actor "liaison-link")."""

    actor: User | str
    channel: ConfirmationChannel = ConfirmationChannel.COORDINATOR
    name: str | None = None  # a link has no user: the liaison's name as the school gives it

    @property
    def user(self) -> User | None:
        return self.actor if isinstance(self.actor, User) else None

    @property
    def display_name(self) -> str | None:
        user = self.user
        return user.name if user is not None else self.name


class StaleVisit(Conflict):
    """Someone else changed the visit after this user loaded it: nothing was saved."""

    def __init__(self):
        super().__init__(
            _l(
                "Someone else changed this visit a moment ago, so your change was not saved. "
                "Its current state is shown: check it and try again."
            )
        )


class ClosedVisit(Conflict):
    def __init__(self):
        super().__init__(
            _l("This visit is closed (completed, cancelled or missed): it cannot be changed.")
        )


def expect_version(visit: Visit, version: int | None) -> None:
    """Refuse a change made on an older version of the visit than the one stored."""
    if version is not None and visit.version != version:
        raise StaleVisit()


def expect_open(visit: Visit) -> None:
    if not visit.is_open:
        raise ClosedVisit()


def clean_reason(text: str | None, *, required: bool, field: str = "reason") -> str | None:
    """One line of text, trimmed; refuses an empty one when ``required`` and a long one."""
    reason = " ".join((text or "").split())
    if required and not reason:
        raise DomainError(_l("Say why."), field=field)
    if len(reason) > REASON_MAX:
        raise DomainError(_l("At most %(n)d characters.", n=REASON_MAX), field=field)
    return reason or None


def save(
    session: Session,
    visit: Visit,
    changes: dict[str, Any],
    *,
    now: datetime,
    who: Who,
    action: str,
    note: dict | None = None,
) -> AuditEvent:
    """Apply ``changes`` to the visit, flush (a concurrent change becomes StaleVisit) and audit
    the fields that changed as [before, after], with ``note`` (reason, links) beside them."""
    before = {name: getattr(visit, name) for name in changes}
    for name, value in changes.items():
        setattr(visit, name, value)
    changed = {
        name: [before[name], value] for name, value in changes.items() if before[name] != value
    }
    if CALENDAR_FIELDS & changed.keys():
        visit.sequence += 1
    visit.updated_at = now
    try:
        session.flush()
    except StaleDataError as error:
        raise StaleVisit() from error
    return record_event(
        session,
        now=now,
        actor=who.actor,
        action=action,
        entity=visit,
        changes={**changed, **(note or {})},
    )


def not_before(visit: Visit, today: date) -> None:
    """Outcomes are recorded on or after the visit's day."""
    if visit.visit_on > today:
        raise DomainError(_l("The visit's day has not come yet: record the outcome on the day."))

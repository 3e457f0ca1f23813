"""The one way a visit changes: check that the lifecycle allows the action today and that the
user saw the current version, apply, raise the iCalendar SEQUENCE when what a calendar shows
changes, and write the audit event (who, when, from → to, why). Every transition goes through
:func:`save`; only the sweeps stamp their own columns without it (and without the version)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from outreach.domain.text import clean_line
from outreach.errors import Conflict, DomainError
from outreach.models import AuditEvent, ConfirmationChannel, User, Visit
from outreach.scheduling.lifecycle import Action, Refusal, VisitState, allowed_actions, refusal
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


# Why a day refuses an action, as the person trying it is told.
_DAY_PASSED = _l("The visit's day has passed: record its outcome, or mark it missed.")
_NOT_YET = {
    Action.MARK_MISSED: _l("The visit's day has not come yet: cancel or move it instead."),
    Action.RECORD_OUTCOME: _l("The visit's day has not come yet: record the outcome on the day."),
}


def state_of(visit: Visit) -> VisitState:
    return VisitState(visit.kind.value, visit.status.value, visit.visit_on)


def allowed(visit: Visit, today: date) -> frozenset[Action]:
    """The actions the visit allows today (what its page offers)."""
    return allowed_actions(state_of(visit), today)


def expect_allowed(visit: Visit, action: Action, today: date) -> None:
    """Refuse an action the lifecycle does not allow, saying why."""
    why = refusal(state_of(visit), action, today)
    if why is None:
        return
    if why is Refusal.CLOSED:
        raise ClosedVisit()
    if why is Refusal.OTHER_KIND:
        raise DomainError(_l("This form is for another kind of visit."))
    if why is Refusal.DAY_PASSED:
        raise DomainError(_DAY_PASSED)
    raise DomainError(_NOT_YET[action])


def clean_reason(text: str | None, *, required: bool, field: str = "reason") -> str | None:
    """One line of text, trimmed; refuses an empty one when ``required`` and a long one."""
    reason = clean_line(text)
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
    unlogged: dict[str, Any] | None = None,
) -> AuditEvent:
    """Apply ``changes`` to the visit, flush (a concurrent change becomes StaleVisit) and audit
    the fields that changed as [before, after], with ``note`` (reason, links) beside them.
    ``unlogged`` changes are applied but kept out of the audit log (a link's secret part)."""
    before = {name: getattr(visit, name) for name in changes}
    for name, value in {**changes, **(unlogged or {})}.items():
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

"""The one way a visit changes: check that the lifecycle allows the action today and that the
user saw the current version, apply, raise the iCalendar SEQUENCE when what a calendar shows
changes, and write the audit event (who, when, from → to, why). Every transition goes through
:func:`save`.

Bookkeeping columns that no form edits — the sweeps' flags, the reminder sent, the liaison's
link — are written by :func:`stamp` instead: one UPDATE that leaves the version (and
``updated_at``) alone, so a page opened before a sweep or a new link still saves after it. The
home-visit planner's new stop numbers go in bulk through :func:`reorder_routes`. Nothing else
writes to a visit (new visits are inserted by the planners and by a move)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from outreach.domain.text import clean_line
from outreach.errors import Conflict, DomainError
from outreach.models import AuditEvent, ConfirmationChannel, User, Visit
from outreach.scheduling.lifecycle import Action, Refusal, VisitState, allowed_actions, refusal
from outreach.services import versions
from outreach.services.audit import record_event

REASON_MAX = 500
# Fields a subscribed calendar shows: changing one raises the visit's SEQUENCE.
CALENDAR_FIELDS = frozenset({"status", "visit_on", "start_time", "team_id"})
# Bookkeeping columns, written by stamp() without raising the version.
STAMPS = frozenset(
    {
        "unconfirmed_flagged_at",
        "reminder_sent_at",
        "outcome_due_at",
        "link_nonce",
        "link_issued_at",
        "link_sent_at",
    }
)


@dataclass(frozen=True)
class Who:
    """Who acts, and through what: an account, or a liaison's link (actor LINK_ACTOR)."""

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


class StaleVisit(versions.Stale):
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
    versions.expect_version(visit, version, StaleVisit)


# Why a day refuses an action, as the person trying it is told.
_DAY_PASSED = _l("The visit's day has passed: record its outcome, or mark it missed.")
_NOT_YET = {
    Action.MARK_MISSED: _l("The visit's day has not come yet: cancel or move it instead."),
    Action.RECORD_OUTCOME: _l("The visit's day has not come yet: record the outcome on the day."),
    Action.CORRECT_OUTCOME: _l("The visit's day has not come yet: there is no outcome to correct."),
    Action.FOLLOW_UP: _l("The visit's day has not come yet: move it instead."),
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
    rule: Action,
    today: date,
    now: datetime,
    who: Who,
    action: str,
    note: dict | None = None,
) -> AuditEvent | None:
    """Apply ``changes`` to the visit — refused unless the lifecycle allows ``rule`` today —,
    flush (a concurrent change becomes StaleVisit) and audit the fields that changed as
    [before, after] under ``action``, with ``note`` (reason, links) beside them; when nothing
    changes and there is no note, nothing is written (None). Callers check
    the version the user saw (``expect_version``) and may check ``rule`` earlier, so that its
    refusal comes before their other checks."""
    expect_allowed(visit, rule, today)
    before = {name: getattr(visit, name) for name in changes}
    for name, value in changes.items():
        setattr(visit, name, value)
    changed = {
        name: [before[name], value] for name, value in changes.items() if before[name] != value
    }
    if not changed and not note:
        return None  # nothing to save, nothing to tell the history
    if CALENDAR_FIELDS & changed.keys():
        visit.sequence += 1
    visit.updated_at = now
    versions.flush(session, StaleVisit)
    return record_event(
        session,
        now=now,
        actor=who.actor,
        action=action,
        entity=visit,
        changes={**changed, **(note or {})},
    )


def stamp(session: Session, which: list[int] | ColumnElement[bool], **columns: Any) -> int:
    """Set bookkeeping columns (STAMPS only) on the visits ``which`` names — their ids, or a
    condition — in one UPDATE that raises neither the version nor ``updated_at``. Visits named
    by id that the session holds get the values too, as if loaded so (nothing left to flush).
    Returns how many visits were stamped."""
    unknown = columns.keys() - STAMPS
    if unknown:
        raise ValueError(f"not bookkeeping columns: {sorted(unknown)}")
    ids = set(which) if isinstance(which, list) else None
    if ids is not None and not ids:
        return 0
    result = session.execute(
        update(Visit)
        .where(Visit.id.in_(ids) if ids is not None else which)
        .values(**columns, updated_at=Visit.updated_at),
        execution_options={"synchronize_session": False},
    )
    for held in list(session.identity_map.values()) if ids is not None else ():
        if isinstance(held, Visit) and held.id in ids:
            for name, value in columns.items():
                set_committed_value(held, name, value)
    return result.rowcount or 0


def reorder_routes(session: Session, orders: dict[int, int], *, now: datetime) -> None:
    """The home-visit planner's new stop numbers ({visit id: stop}), in one executemany. A stop
    number is what an officer's day shows, so the version is raised (a form open on one of the
    visits notices); the plan run records the change, not each visit."""
    if not orders:
        return
    table = Visit.__table__
    session.execute(
        update(table)
        .where(table.c.id == bindparam("visit_id"))
        .values(route_order=bindparam("stop"), version=table.c.version + 1, updated_at=now),
        [{"visit_id": visit_id, "stop": stop} for visit_id, stop in orders.items()],
    )

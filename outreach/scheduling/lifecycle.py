"""A visit's life, written once: which actions a visit allows on a given day, and why one is
refused. The services enforce it (``services.visits.changes.expect_allowed``), the pages show
only what it allows; neither restates it.

    proposed ──confirm──▶ confirmed ──record outcome──▶ completed
        │                     │
        └── move (the old visit closes as moved, its successor is proposed or confirmed),
            reassign, cancel, decline the month (school), mark missed (from the day on)

A missed visit can still get its outcome (the team went after all); a recorded outcome can be
corrected (who may, and until when, is ``permissions.can_correct_outcome``). Pure: no Flask, no
database; a visit is described by its kind, status and day.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

PROPOSED, CONFIRMED, COMPLETED, CANCELLED, MISSED, MOVED = (
    "proposed",
    "confirmed",
    "completed",
    "cancelled",
    "missed",
    "moved",
)
OPEN = frozenset({PROPOSED, CONFIRMED})
SCHOOL, HOME = "school", "home"


class Action(enum.StrEnum):
    CONFIRM = "confirm"  # proposed → confirmed: the school (or the family) agreed
    UPDATE_CONFIRMATION = "update_confirmation"  # a confirmed visit's expected count and time
    REQUEST_OTHER_DAY = "request_other_day"  # the liaison asks for another day
    DECLINE = "decline"  # the liaison declines the month
    SEND_LINK = "send_link"  # make, renew or mail the liaison's link
    MOVE = "move"
    REASSIGN = "reassign"
    CANCEL = "cancel"
    MARK_MISSED = "mark_missed"
    RECORD_OUTCOME = "record_outcome"
    CORRECT_OUTCOME = "correct_outcome"  # a recorded outcome put right, with the reason
    FOLLOW_UP = "follow_up"  # a new visit for the same school or resident, after this one


class Refusal(enum.Enum):
    CLOSED = "closed"  # the visit is completed, cancelled, moved or missed
    DAY_PASSED = "day_passed"  # the visit's day is over for this action
    DAY_NOT_COME = "day_not_come"  # the action waits for the visit's day
    OTHER_KIND = "other_kind"  # the action belongs to the other kind of visit


class Day(enum.Enum):
    BEFORE = "before"  # today is before the visit's day
    ON = "on"
    AFTER = "after"


@dataclass(frozen=True)
class Rule:
    statuses: frozenset[str]
    days: frozenset[Day]
    kinds: frozenset[str] = frozenset({SCHOOL, HOME})


_UPCOMING = frozenset({Day.BEFORE, Day.ON})
_FROM_THE_DAY = frozenset({Day.ON, Day.AFTER})
_ANY_DAY = frozenset(Day)

RULES: dict[Action, Rule] = {
    Action.CONFIRM: Rule(frozenset({PROPOSED}), _UPCOMING),
    Action.UPDATE_CONFIRMATION: Rule(frozenset({CONFIRMED}), _UPCOMING),
    Action.REQUEST_OTHER_DAY: Rule(OPEN, _UPCOMING, frozenset({SCHOOL})),
    Action.DECLINE: Rule(OPEN, _UPCOMING, frozenset({SCHOOL})),
    Action.SEND_LINK: Rule(OPEN, _UPCOMING, frozenset({SCHOOL})),
    Action.MOVE: Rule(OPEN, _ANY_DAY),
    Action.REASSIGN: Rule(OPEN, _ANY_DAY),
    Action.CANCEL: Rule(OPEN, _ANY_DAY),
    Action.MARK_MISSED: Rule(OPEN, _FROM_THE_DAY),
    Action.RECORD_OUTCOME: Rule(frozenset({PROPOSED, CONFIRMED, MISSED}), _FROM_THE_DAY),
    Action.CORRECT_OUTCOME: Rule(frozenset({COMPLETED}), _FROM_THE_DAY),
    Action.FOLLOW_UP: Rule(frozenset({COMPLETED, MISSED}), _FROM_THE_DAY),
}


@dataclass(frozen=True)
class VisitState:
    kind: str  # "school" | "home"
    status: str  # a visit status value
    visit_on: date


def day_of(state: VisitState, today: date) -> Day:
    if today < state.visit_on:
        return Day.BEFORE
    return Day.ON if today == state.visit_on else Day.AFTER


def refusal(state: VisitState, action: Action, today: date) -> Refusal | None:
    """Why ``action`` is not allowed on the visit today, or None when it is. The kind is
    judged first, then the status, then the day."""
    rule = RULES[action]
    if state.kind not in rule.kinds:
        return Refusal.OTHER_KIND
    if state.status not in rule.statuses:
        return Refusal.CLOSED
    day = day_of(state, today)
    if day not in rule.days:
        return Refusal.DAY_NOT_COME if day is Day.BEFORE else Refusal.DAY_PASSED
    return None


def allowed_actions(state: VisitState, today: date) -> frozenset[Action]:
    """Every action the visit allows today."""
    return frozenset(action for action in Action if refusal(state, action, today) is None)

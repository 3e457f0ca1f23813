"""A visit's allowed actions, for every kind, status and day: the one place the rules live."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreach.scheduling.lifecycle import (
    Action,
    Refusal,
    VisitState,
    allowed_actions,
    refusal,
)

DAY = date(2026, 12, 7)
LATE = {"move", "reassign", "cancel", "mark_missed", "record_outcome"}  # open, day come or gone
STATUSES = ("proposed", "confirmed", "completed", "cancelled", "missed", "moved")
BEFORE, ON, AFTER = DAY - timedelta(days=1), DAY, DAY + timedelta(days=1)


def actions(kind: str, status: str, today: date) -> set[str]:
    return {str(action) for action in allowed_actions(VisitState(kind, status, DAY), today)}


@pytest.mark.parametrize(
    ("kind", "status", "today", "expected"),
    [
        ("school", "proposed", BEFORE,
         {"confirm", "request_other_day", "decline", "send_link", "move", "reassign", "cancel"}),
        ("school", "proposed", ON,
         {"confirm", "request_other_day", "decline", "send_link", "move", "reassign", "cancel",
          "mark_missed", "record_outcome"}),
        ("school", "proposed", AFTER, LATE),
        ("school", "confirmed", BEFORE,
         {"update_confirmation", "request_other_day", "decline", "send_link", "move", "reassign",
          "cancel"}),
        ("school", "confirmed", AFTER, LATE),
        ("home", "proposed", BEFORE, {"confirm", "move", "reassign", "cancel"}),
        ("home", "confirmed", ON,
         {"update_confirmation", "move", "reassign", "cancel", "mark_missed", "record_outcome"}),
        ("school", "missed", AFTER, {"record_outcome", "follow_up"}),
        ("home", "missed", BEFORE, set()),
        ("school", "completed", ON, {"correct_outcome", "follow_up"}),
        ("home", "completed", AFTER, {"correct_outcome", "follow_up"}),
        ("home", "cancelled", AFTER, set()),
        ("school", "moved", BEFORE, set()),
        ("home", "moved", AFTER, set()),
    ],
)  # fmt: skip
def test_each_state_allows_exactly_its_actions(kind, status, today, expected):
    assert actions(kind, status, today) == expected


@pytest.mark.parametrize(
    ("state", "action", "today", "why"),
    [
        (VisitState("school", "completed", DAY), Action.CANCEL, BEFORE, Refusal.CLOSED),
        (VisitState("school", "proposed", DAY), Action.CONFIRM, AFTER, Refusal.DAY_PASSED),
        (VisitState("home", "proposed", DAY), Action.MARK_MISSED, BEFORE, Refusal.DAY_NOT_COME),
        (VisitState("home", "confirmed", DAY), Action.RECORD_OUTCOME, BEFORE, Refusal.DAY_NOT_COME),
        (VisitState("home", "proposed", DAY), Action.SEND_LINK, BEFORE, Refusal.OTHER_KIND),
        (VisitState("school", "confirmed", DAY), Action.CONFIRM, BEFORE, Refusal.CLOSED),
    ],
)
def test_a_refusal_says_why(state, action, today, why):
    assert refusal(state, action, today) is why


@given(
    kind=st.sampled_from(("school", "home")),
    status=st.sampled_from(STATUSES),
    offset=st.integers(min_value=-400, max_value=400),
)
def test_the_rules_hold_for_every_state_and_day(kind, status, offset):
    today = DAY + timedelta(days=offset)
    allowed = allowed_actions(VisitState(kind, status, DAY), today)
    if status in ("cancelled", "moved"):
        assert not allowed  # closed for good
    if status == "completed":
        assert allowed <= {Action.CORRECT_OUTCOME, Action.FOLLOW_UP}  # put right, or go again
    if status == "missed":
        # the team may have gone after all, or goes again
        assert allowed <= {Action.RECORD_OUTCOME, Action.FOLLOW_UP}
    if today < DAY:
        assert not allowed & {Action.MARK_MISSED, Action.RECORD_OUTCOME}
    if today > DAY:
        assert not allowed & {Action.CONFIRM, Action.REQUEST_OTHER_DAY, Action.SEND_LINK}
    if kind == "home":
        assert not allowed & {Action.REQUEST_OTHER_DAY, Action.DECLINE, Action.SEND_LINK}
    # confirming and updating a confirmation never go together
    assert not {Action.CONFIRM, Action.UPDATE_CONFIRMATION} <= allowed


def test_every_action_that_waits_for_the_day_has_its_message():
    from outreach.scheduling.lifecycle import RULES, Day
    from outreach.services.visits.changes import _NOT_YET

    waiting = {action for action, rule in RULES.items() if Day.BEFORE not in rule.days}
    assert waiting == set(_NOT_YET)

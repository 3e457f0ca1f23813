"""A visit's page offers exactly what the lifecycle allows today, for every state: the forms
and buttons come from ``visit_actions``, never from the template's own reading of the status."""

from datetime import timedelta

import pytest

from outreach.i18n import office_today
from outreach.models import Role, VisitStatus
from tests.services.visit_helpers import add_visit

# What each action puts on the coordinator's visit page.
MARKS = {
    "confirm": 'data-testid="confirm-form"',
    "move": "Pindahkan ke hari lain",  # the card, with its days or why there are none
    "reassign": "Serahkan ke tim lain",
    "cancel": 'data-testid="cancel-form"',
    "mark_missed": 'action="/visits/{id}/missed"',
    "record_outcome": 'data-testid="record-outcome"',
    "send_link": 'data-testid="link-card"',
    "correct_outcome": 'data-testid="correct-link"',
    "follow_up": 'data-testid="follow-up-card"',
}
CLOSED = "tidak ada lagi yang dapat dilakukan"


@pytest.fixture
def coordinator(make_user, login):
    user = make_user(Role.COORDINATOR)
    login(user)
    return user


@pytest.mark.parametrize(
    ("status", "days", "offered"),
    [
        (VisitStatus.PROPOSED, 3, {"confirm", "move", "reassign", "cancel", "send_link"}),
        (VisitStatus.CONFIRMED, 3, {"move", "reassign", "cancel", "send_link"}),
        (VisitStatus.CONFIRMED, 0,
         {"move", "reassign", "cancel", "send_link", "mark_missed", "record_outcome"}),
        (VisitStatus.PROPOSED, -2, {"move", "reassign", "cancel", "mark_missed", "record_outcome"}),
        (VisitStatus.MISSED, -2, {"record_outcome", "follow_up"}),
        (VisitStatus.COMPLETED, -2, {"correct_outcome", "follow_up"}),
        (VisitStatus.CANCELLED, 3, set()),
        (VisitStatus.MOVED, 3, set()),
    ],
)  # fmt: skip
def test_the_page_offers_what_the_lifecycle_allows(
    client, db_session, coordinator, make_team, make_school, status, days, offered
):
    visit = add_visit(
        db_session,
        school=make_school(),
        team=make_team(),
        on=office_today() + timedelta(days=days),
        status=status,
    )
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    shown = {action for action, mark in MARKS.items() if mark.format(id=visit.id) in page}
    assert shown == offered
    assert (CLOSED in page) is (not offered)  # a missed visit still takes its outcome

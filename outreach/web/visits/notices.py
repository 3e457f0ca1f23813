"""What a visit's page says of where the visit stands, by who reads it: the liaison on their
answer page, the officer on the outcome form. Templates show the notice; the words for each
state are chosen here, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from outreach.extensions import db
from outreach.i18n import long_date
from outreach.models import Visit, VisitStatus
from outreach.scheduling.lifecycle import Action, Refusal, refusal
from outreach.services.visits.changes import state_of
from outreach.services.visits.queries import declined_by_school, successor_of


@dataclass(frozen=True)
class Notice:
    tone: str  # a Bootstrap alert colour
    text: str
    testid: str | None = None
    icon: str | None = None


def _with_reason(text: str, visit: Visit) -> str:
    return f"{text} {visit.cancel_reason}" if visit.cancel_reason else text


def _moved(visit: Visit, confirmed: str, proposed: str) -> Notice:
    """A moved visit's notice: where it went, and whether the new day is confirmed."""
    successor = successor_of(db.session, visit)
    if successor is None:  # cannot happen: a move makes its successor
        return Notice("secondary", _("This visit was moved to another day."), "visit-moved")
    text = confirmed if successor.status is VisitStatus.CONFIRMED else proposed
    return Notice(
        "info", text % {"date": long_date(successor.visit_on)}, "visit-moved", "bi-arrow-right"
    )


def liaison_notice(visit: Visit) -> Notice | None:
    """The answer page's notice: none while the school's answer is awaited."""
    if visit.status is VisitStatus.MOVED:
        return _moved(
            visit,
            _("This visit was moved to %(date)s, which is confirmed. Thank you!"),
            _("This visit was moved to %(date)s. The office will ask you to confirm it."),
        )
    if visit.status is VisitStatus.CONFIRMED:
        return Notice(
            "success",
            _(
                "This day is confirmed. Thank you! The team will come on %(date)s.",
                date=long_date(visit.visit_on),
            ),
            "liaison-confirmed",
            "bi-check-circle",
        )
    if visit.status is VisitStatus.COMPLETED:
        return Notice("success", _("The visit has taken place. Thank you for your help."))
    if visit.status is VisitStatus.CANCELLED:
        return _cancelled_for_liaison(visit)
    if visit.status is VisitStatus.MISSED:
        return Notice(
            "secondary", _("This visit did not take place. The office will propose a new day.")
        )
    return None


def no_longer_visited(visit: Visit, today: date) -> str:
    """What a deactivated school's link says: the school is no longer visited, so its visit
    to come is cancelled (its deactivation cancelled it), or the link simply ends."""
    school = visit.school.name
    if visit.status is VisitStatus.CANCELLED and visit.visit_on >= today:
        return _(
            "The Dukcapil team no longer visits %(school)s for e-KTP recording, so the visit of "
            "%(date)s is cancelled: the team will not come.",
            school=school,
            date=long_date(visit.visit_on),
        )
    return _(
        "The Dukcapil team no longer visits %(school)s for e-KTP recording, so this link no "
        "longer works.",
        school=school,
    )


def asks_to_prepare(visit: Visit, today: date) -> bool:
    """Whether the school's page asks it to prepare for the team: only for a visit still to
    take place (open, its day not passed) — not one cancelled, declined, moved away, missed,
    completed or gone by."""
    return visit.is_open and visit.visit_on >= today


def _cancelled_for_liaison(visit: Visit) -> Notice:
    """A cancelled visit, as the school reads it: its own decline with its own words; the
    office's cancellation without the office's reason, which was written for the office (it
    may name an officer's illness or another school) and the link may have been forwarded."""
    if declined_by_school(db.session, visit):
        text = _("The school declined this month. The office will propose a day next month.")
        if visit.cancel_reason:
            text = f"{text} {_('Reason given: %(reason)s', reason=visit.cancel_reason)}"
    else:
        text = _(
            "This visit is cancelled by the office. The team will not come on %(date)s; the "
            "office will contact you about a new day.",
            date=long_date(visit.visit_on),
        )
    return Notice("secondary", text, "liaison-cancelled")


def outcome_notice(visit: Visit, today: date) -> Notice | None:
    """Why the outcome form is not shown, as the lifecycle refuses it (None when it is; a
    recorded outcome is shown itself, not told)."""
    why = refusal(state_of(visit), Action.RECORD_OUTCOME, today)
    if why is Refusal.DAY_NOT_COME:
        return Notice(
            "info",
            _(
                "The visit is on %(date)s: record its outcome on the day.",
                date=long_date(visit.visit_on),
            ),
        )
    if visit.status is VisitStatus.CANCELLED:
        return Notice("secondary", _with_reason(_("This visit was cancelled."), visit))
    if visit.status is VisitStatus.MOVED:
        return _moved(
            visit,
            _("This visit was moved to %(date)s (confirmed): record the outcome there."),
            _("This visit was moved to %(date)s: record the outcome there."),
        )
    return None

"""The visits a bulk action was refused for because someone else changed them since the list
was opened, each as it is now: named, dated, linked, and why the list no longer shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from outreach.extensions import db
from outreach.i18n import long_date
from outreach.labels import VISIT_STATUS_LABELS
from outreach.models import Team, Visit, VisitStatus
from outreach.services.visits import queries
from outreach.services.visits.queries import VisitFilters


@dataclass(frozen=True)
class ChangedVisit:
    """A selected visit changed since: ``now`` is the visit as it is now — itself, or the visit
    that replaced it when it was moved; ``state`` says how it stands, ``unlisted`` why the list
    no longer shows it ("" when it does)."""

    selected: Visit
    now: Visit
    state: str
    unlisted: str

    @property
    def name(self) -> str:
        """ "SMA Negeri 5, Senin, 7 Desember 2026": the visit by its school or family and day."""
        return f"{self.now.subject_name}, {long_date(self.now.visit_on)}"


def changed_visits(
    visits: list[Visit], filters: VisitFilters, *, today: date
) -> list[ChangedVisit]:
    """``visits`` (changed since the list showed them) as they are now, in the list's words."""
    successors = queries.successors_of(db.session, visits)
    now = {visit.id: successors.get(visit.id, visit) for visit in visits}
    unlisted = queries.unlisted(db.session, filters, list(now.values()), today=today)
    return [
        ChangedVisit(
            selected=visit,
            now=now[visit.id],
            state=_state(visit, now[visit.id]),
            unlisted=_unlisted(now[visit.id], unlisted.get(now[visit.id].id), filters),
        )
        for visit in visits
    ]


def _status(visit: Visit) -> str:
    return str(VISIT_STATUS_LABELS[visit.status]).lower()


def _state(selected: Visit, now: Visit) -> str:
    state = _("now %(status)s (%(team)s)", status=_status(now), team=now.team.name)
    if now is not selected:
        return _("moved from %(day)s", day=long_date(selected.visit_on)) + "; " + state
    return state


def _unlisted(visit: Visit, why: str | None, filters: VisitFilters) -> str:
    """Why the list no longer shows the visit, in the words of its filters."""
    if why is None:
        return ""
    if why == queries.UNLISTED_STATUS and filters.status:
        shown = str(VISIT_STATUS_LABELS[VisitStatus(filters.status)]).lower()
        return _(
            "no longer shown in this list because it shows only %(status)s visits", status=shown
        )
    if why == queries.UNLISTED_STATUS:
        return _("no longer shown in this list because it is now %(status)s", status=_status(visit))
    if why == queries.UNLISTED_DAY:
        return _("no longer shown in this list because its day is now outside it")
    team = db.session.get(Team, filters.team_id) if filters.team_id else None
    if why == queries.UNLISTED_TEAM and team is not None:
        return _(
            "no longer shown in this list because it shows only the visits of %(team)s",
            team=team.name,
        )
    return _("no longer shown in this list because it no longer matches its filters")

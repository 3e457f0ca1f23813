"""What the visit views share: loading a visit the user may see (404 otherwise, so that a
visit's existence does not leak), the planner settings, who acts, and the day choices."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app
from flask_login import current_user
from wtforms import SelectChoice

from outreach.extensions import db
from outreach.i18n import long_date
from outreach.models import ConfirmationChannel, Role, Visit
from outreach.services.planning.inputs import PlanSettings
from outreach.services.visits.changes import Who
from outreach.services.visits.queries import load_visit
from outreach.web.access import refuse


def visit_or_404(visit_id: int, allowed: Callable[..., bool]) -> Visit:
    """The visit, when ``allowed(current_user, visit)``; 404 for a missing or a foreign one."""
    visit = load_visit(db.session, visit_id)
    if visit is None:
        abort(404)
    if not allowed(current_user, visit):
        refuse(404)  # as if missing, but audited
    return visit


def plan_settings() -> PlanSettings:
    return PlanSettings.from_config(current_app.config)


def acting_user() -> Who:
    channel = (
        ConfirmationChannel.ACCOUNT
        if current_user.role is Role.LIAISON
        else ConfirmationChannel.COORDINATOR
    )
    return Who(current_user._get_current_object(), channel)


def day_choices(options, *, with_team: dict[int, str] | None = None) -> list[SelectChoice]:
    """Move options as choices: "Senin, 7 Desember 2026" (· team name)."""
    choices = []
    for option in options:
        label = long_date(option.on)
        if with_team is not None:
            label = f"{label} · {with_team.get(option.team_id, '')}"
        choices.append(SelectChoice(option.on.isoformat(), label))
    return choices

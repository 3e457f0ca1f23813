"""A visit's page: what it is, its history (moves included), and the actions its state
allows — for coordinators; a liaison gets their answer page, an officer the outcome form."""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from outreach import permissions
from outreach.domain.nik import age_on
from outreach.errors import DomainError
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import Team, Visit, VisitKind, utcnow
from outreach.scheduling.lifecycle import Action
from outreach.services.mail import mail_configured
from outreach.services.residents.queue import list_resident_visits
from outreach.services.visits.changes import allowed
from outreach.services.visits.lifecycle import cancel_visit, confirm_visit, mark_missed
from outreach.services.visits.links import (
    family_whatsapp_url,
    whatsapp_url,
)
from outreach.services.visits.moves import (
    follow_up_of,
    follow_up_options,
    follow_up_visit,
    move_visit,
    options_for,
    reassign_visit,
    teams_for_day,
)
from outreach.services.visits.queries import successor_of, visit_history
from outreach.services.visits.sent import kept_outcomes
from outreach.web.access import require
from outreach.web.field.kept import kept_context
from outreach.web.forms import ConfirmForm, attempt
from outreach.web.params import parse_id
from outreach.web.visits import bp
from outreach.web.visits.common import (
    acting_user,
    day_choices,
    plan_settings,
    visit_or_404,
)
from outreach.web.visits.forms import (
    CancelForm,
    ConfirmVisitForm,
    FollowUpForm,
    MoveForm,
    ReassignForm,
)
from outreach.web.visits.links import liaison_link
from outreach.web.visits.respond import render_respond


def _coordinated(visit_id: int) -> Visit:
    visit = visit_or_404(visit_id, permissions.can_see_visit)
    require(permissions.can_coordinate)
    return visit


def _with_placeholder(choices: list, blank: str | None = None) -> list:
    """A list that starts unchosen — a day by default, or ``blank`` — so that one careless
    click moves no visit to the first day nor gives it to the first team; empty when there
    is nothing to choose."""
    return [SelectChoice("", blank or _("— choose a day —")), *choices] if choices else []


def _forms(visit: Visit, today: date, given: dict) -> dict:
    """The action forms for the visit's state; ``given`` ones (with errors) are kept."""
    version = str(visit.version)
    forms = {
        "confirm": ConfirmVisitForm(prefix="confirm", formdata=None, version=version),
        "move": MoveForm(prefix="move", formdata=None, version=version),
        "cancel": CancelForm(prefix="cancel", formdata=None, version=version),
        "missed": CancelForm(prefix="missed", formdata=None, version=version),
        "reassign": ReassignForm(prefix="reassign", formdata=None, version=version),
        "link": ConfirmForm(prefix="link", formdata=None),
        "follow_up": FollowUpForm(prefix="follow_up", formdata=None, version=version),
    }
    forms.update(given)
    if Action.FOLLOW_UP in allowed(visit, today):
        teams = dict(db.session.execute(select(Team.id, Team.name)).all())
        forms["follow_up"].on.choices = _with_placeholder(
            day_choices(
                follow_up_options(db.session, visit, today=today, settings=plan_settings()),
                with_team=teams,
            )
        )
    if Action.MOVE in allowed(visit, today):
        settings = plan_settings()
        teams = dict(db.session.execute(select(Team.id, Team.name)).all())
        forms["move"].on.choices = _with_placeholder(
            day_choices(
                options_for(db.session, visit, today=today, settings=settings), with_team=teams
            )
        )
        if visit.requested_visit_on and not forms["move"].on.data:
            forms["move"].on.data = visit.requested_visit_on.isoformat()
        forms["move"].requested_possible = visit.requested_visit_on is not None and any(
            choice.value == visit.requested_visit_on.isoformat()
            for choice in forms["move"].on.choices
        )
        forms["reassign"].team.choices = _with_placeholder(
            [
                SelectChoice(str(team.id), team.name)
                for team in teams_for_day(db.session, visit, settings=settings)
            ],
            _("— choose a team —"),
        )
    return forms


def _family(visit: Visit, today: date) -> dict:
    """What a home visit's page shows of the resident and the family."""
    resident = visit.resident
    if resident is None:
        return {}
    return {
        "age": age_on(resident.birth_on, today) if resident.birth_on else None,
        "resident_visits": list_resident_visits(db.session, resident),
        "family_whatsapp": family_whatsapp_url(visit),
    }


def render_detail(visit: Visit, status: int = 200, **given):
    today = office_today()
    link = liaison_link(visit) if visit.kind is VisitKind.SCHOOL else None
    history = visit_history(db.session, visit)
    return render_template(
        "visits/detail.html",
        visit=visit,
        today=today,
        forms=_forms(visit, today, given),
        history=history,
        chain_days={str(v.id): v.visit_on for v in history.chain},
        successor=successor_of(db.session, visit),
        follow_up=follow_up_of(db.session, visit),
        link=link,
        whatsapp=whatsapp_url(visit, link) if link else None,
        can_mail=mail_configured(current_app.config),
        **kept_context(
            kept_outcomes(db.session, visit_ids=[v.id for v in history.chain], with_resolved=True)
        ),
        **_family(visit, today),
    ), status


@bp.route("/<int:visit_id>")
def detail(visit_id: int):
    visit = visit_or_404(visit_id, permissions.can_see_visit)
    if permissions.can_respond_for_school(current_user, visit):
        return render_respond(visit, acting_user())
    if not permissions.can_coordinate(current_user):
        return redirect(url_for("visits.outcome", visit_id=visit.id))
    return render_detail(visit)


# What each action tells the coordinator, by the kind of visit: a home visit speaks of the family.
DONE = {
    ("confirm", VisitKind.SCHOOL): _l("Visit confirmed: the school agreed to the day."),
    ("confirm", VisitKind.HOME): _l("Visit confirmed: the family agreed to the day."),
    ("move", VisitKind.SCHOOL): _l(
        "Visit moved: the new day is proposed to the school. Send it the new link."
    ),
    ("move", VisitKind.HOME): _l(
        "Visit moved: the new day is proposed to the family. Call them to agree it."
    ),
    ("cancel", VisitKind.SCHOOL): _l("Visit cancelled."),
    ("cancel", VisitKind.HOME): _l(
        "Visit cancelled: the resident waits in the home-visit queue again."
    ),
    ("missed", VisitKind.SCHOOL): _l("Visit marked as missed."),
    ("missed", VisitKind.HOME): _l(
        "Visit marked as missed: the resident waits in the home-visit queue again."
    ),
    ("follow_up", VisitKind.SCHOOL): _l(
        "Follow-up planned: the new day is proposed to the school. Send it the link."
    ),
    ("follow_up", VisitKind.HOME): _l(
        "Follow-up planned: the new day is proposed to the family. Call them to agree it."
    ),
    ("reassign", VisitKind.SCHOOL): _l("Visit given to another team."),
    ("reassign", VisitKind.HOME): _l(
        "Visit given to another team: it is their last stop that day."
    ),
}


def _act(visit: Visit, name: str, form, call, field: str):
    """Validate the action's form, run the service, commit and redirect; else show again."""
    if form.validate_on_submit():
        outcome = attempt(form, lambda: call(form), field)
        if outcome.ok:
            db.session.commit()
            flash(str(DONE[name, visit.kind]), "success")
            target = outcome.result if isinstance(outcome.result, Visit) else visit
            return redirect(url_for("visits.detail", visit_id=target.id))
        if outcome.stale:
            return redirect(url_for("visits.detail", visit_id=visit.id))
    db.session.expire_all()
    return render_detail(db.session.get(Visit, visit.id), 422, **{name: form})


@bp.route("/<int:visit_id>/confirm", methods=["POST"])
def confirm(visit_id: int):
    visit = _coordinated(visit_id)
    form = ConfirmVisitForm(prefix="confirm")
    return _act(
        visit,
        "confirm",
        form,
        lambda f: confirm_visit(
            db.session,
            visit,
            now=utcnow(),
            today=office_today(),
            who=acting_user(),
            version=f.seen_version,
            students_expected=f.students_expected.data,
            start_time=f.start_time.data,
        ),
        "students_expected",
    )


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(_("Choose a day."), field="on") from None


@bp.route("/<int:visit_id>/move", methods=["POST"])
def move(visit_id: int):
    visit = _coordinated(visit_id)
    form = MoveForm(prefix="move")
    form.on.choices = [SelectChoice(request.form.get("move-on", ""), "")]  # checked by the service
    return _act(
        visit,
        "move",
        form,
        lambda f: move_visit(
            db.session,
            visit,
            on=_day(f.on.data),
            now=utcnow(),
            today=office_today(),
            who=acting_user(),
            settings=plan_settings(),
            version=f.seen_version,
            reason=f.reason.data,
            start_time=f.start_time.data,
        ),
        "on",
    )


@bp.route("/<int:visit_id>/cancel", methods=["POST"])
def cancel(visit_id: int):
    visit = _coordinated(visit_id)
    return _act(
        visit,
        "cancel",
        CancelForm(prefix="cancel"),
        lambda f: cancel_visit(
            db.session,
            visit,
            reason=f.reason.data,
            now=utcnow(),
            today=office_today(),
            who=acting_user(),
            version=f.seen_version,
        ),
        "reason",
    )


@bp.route("/<int:visit_id>/missed", methods=["POST"])
def missed(visit_id: int):
    visit = _coordinated(visit_id)
    return _act(
        visit,
        "missed",
        CancelForm(prefix="missed"),
        lambda f: mark_missed(
            db.session,
            visit,
            reason=f.reason.data,
            now=utcnow(),
            today=office_today(),
            who=acting_user(),
            version=f.seen_version,
        ),
        "reason",
    )


@bp.route("/<int:visit_id>/reassign", methods=["POST"])
def reassign(visit_id: int):
    visit = _coordinated(visit_id)
    form = ReassignForm(prefix="reassign")
    form.team.choices = [SelectChoice(request.form.get("reassign-team", ""), "")]
    return _act(
        visit,
        "reassign",
        form,
        lambda f: reassign_visit(
            db.session,
            visit,
            team_id=parse_id(f.team.data) or -1,
            now=utcnow(),
            today=office_today(),
            who=acting_user(),
            settings=plan_settings(),
            version=f.seen_version,
        ),
        "team",
    )


@bp.route("/<int:visit_id>/follow-up", methods=["POST"])
def follow_up(visit_id: int):
    """A new visit for the same school or resident after a missed or past one."""
    visit = _coordinated(visit_id)
    form = FollowUpForm(prefix="follow_up")
    form.on.choices = [SelectChoice(request.form.get("follow_up-on", ""), "")]  # the service checks
    return _act(
        visit,
        "follow_up",
        form,
        lambda f: follow_up_visit(
            db.session,
            visit,
            on=_day(f.on.data),
            now=utcnow(),
            today=office_today(),
            who=acting_user(),
            settings=plan_settings(),
            reason=f.reason.data,
        ),
        "on",
    )

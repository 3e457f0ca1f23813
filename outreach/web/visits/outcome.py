"""The field officer's one-screen outcome form, on a phone, at the door or the school gate."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from outreach import permissions
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.labels import HOME_OUTCOME_LABELS
from outreach.models import HomeOutcome, ResidentStatus, Visit, VisitKind, utcnow
from outreach.services.visits.outcomes import (
    SchoolOutcome,
    record_home_outcome,
    record_school_outcome,
)
from outreach.web.forms import attempt
from outreach.web.visits import bp
from outreach.web.visits.common import acting_user, visit_or_404
from outreach.web.visits.forms import HomeOutcomeForm, SchoolOutcomeForm


def _form(visit: Visit, posted: bool):
    cls = SchoolOutcomeForm if visit.kind is VisitKind.SCHOOL else HomeOutcomeForm
    form = cls() if posted else cls(formdata=None, version=str(visit.version))
    if visit.kind is VisitKind.HOME:
        form.outcome.choices = [
            SelectChoice(outcome.value, HOME_OUTCOME_LABELS[outcome]) for outcome in HomeOutcome
        ]
    return form


def _after(visit: Visit) -> str:
    """Back to the day's stops for an officer, to the visit's page for a coordinator."""
    if permissions.can_coordinate(current_user):
        return url_for("visits.detail", visit_id=visit.id)
    return url_for("main.home")


@bp.route("/<int:visit_id>/outcome", methods=["GET", "POST"])
def outcome(visit_id: int):
    visit = visit_or_404(visit_id, permissions.can_record_outcome)
    posted = request.method == "POST"
    form = _form(visit, posted)
    if posted and form.validate_on_submit():
        done = attempt(form, lambda: _record(visit, form), "notes")
        if done.ok:
            db.session.commit()
            flash(_done_message(visit, done.result), "success")
            return redirect(_after(visit))
        if done.stale:
            return redirect(url_for("visits.outcome", visit_id=visit.id))
        db.session.expire_all()
        visit = db.session.get(Visit, visit.id)
    return render_template(
        "visits/outcome.html", visit=visit, form=form, today=office_today(), back=_after(visit)
    ), (422 if form.errors else 200)


def _record(visit: Visit, form):
    now, today, who = utcnow(), office_today(), acting_user()
    if visit.kind is VisitKind.SCHOOL:
        return record_school_outcome(
            db.session,
            visit,
            SchoolOutcome(
                recorded=form.recorded.data,
                not_recorded=form.not_recorded.data or 0,
                reason=form.reason.data,
                notes=form.notes.data,
            ),
            now=now,
            today=today,
            who=who,
            version=form.seen_version,
        )
    return record_home_outcome(
        db.session,
        visit,
        HomeOutcome(form.outcome.data),
        notes=form.notes.data,
        now=now,
        today=today,
        who=who,
        version=form.seen_version,
    )


def _done_message(visit: Visit, result) -> str:
    if result is ResidentStatus.WAITING:  # a home visit whose resident waits again
        return _(
            "Outcome saved. %(name)s is back in the queue for another visit.",
            name=visit.subject_name,
        )
    return _("Outcome saved for %(name)s.", name=visit.subject_name)

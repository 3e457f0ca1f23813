"""The field officer's one-screen outcome form, on a phone, at the door or the school gate;
once recorded, what was recorded, and its correction (a coordinator any time, the officer on
the day they recorded it)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from outreach import permissions
from outreach.extensions import db
from outreach.i18n import office_date, office_today
from outreach.labels import DISABILITY_LABELS, DISABILITY_NOT_KNOWN, HOME_OUTCOME_LABELS
from outreach.models import DisabilityKind, HomeOutcome, ResidentStatus, Visit, VisitKind, utcnow
from outreach.scheduling.lifecycle import Action, Refusal, refusal
from outreach.services.visits.changes import allowed, state_of
from outreach.services.visits.outcomes import (
    SchoolOutcome,
    correct_home_outcome,
    correct_school_outcome,
    record_home_outcome,
    record_school_outcome,
)
from outreach.services.visits.sent import FIELDS
from outreach.web.choices import enum_choices
from outreach.web.forms import attempt
from outreach.web.visits import bp
from outreach.web.visits.common import acting_user, visit_or_404
from outreach.web.visits.forms import (
    CorrectHomeOutcomeForm,
    CorrectSchoolOutcomeForm,
    HomeOutcomeForm,
    SchoolOutcomeForm,
)

FORMS = {
    (VisitKind.SCHOOL, False): SchoolOutcomeForm,
    (VisitKind.HOME, False): HomeOutcomeForm,
    (VisitKind.SCHOOL, True): CorrectSchoolOutcomeForm,
    (VisitKind.HOME, True): CorrectHomeOutcomeForm,
}


def may_correct(visit: Visit, today: date) -> bool:
    """Whether the current user may correct the visit's recorded outcome today."""
    return Action.CORRECT_OUTCOME in allowed(visit, today) and permissions.can_correct_outcome(
        current_user,
        visit,
        today=today,
        recorded_on=office_date(visit.completed_at) if visit.completed_at else None,
    )


def _form(visit: Visit, posted: bool, correcting: bool):
    cls = FORMS[visit.kind, correcting]
    if posted:
        form = cls()
    elif correcting:  # what was recorded, ready to put right
        form = cls(formdata=None, version=str(visit.version), **_recorded(visit))
    else:
        form = cls(formdata=None, version=str(visit.version))
    return _fitted(form, visit, correcting)


def read_outcome(visit: Visit, data: Mapping[str, str]) -> tuple[dict | None, dict]:
    """The outcome form's checks on an outcome that came another way — a phone's queue, a row
    of a team-day sheet: its values by field, or the form's messages by field."""
    form = FORMS[visit.kind, False](formdata=MultiDict(data), meta={"csrf": False})
    _fitted(form, visit, correcting=False)
    if not form.validate():
        return None, form.errors
    return {name: form[name].data for name in FIELDS[visit.kind] if name in form}, {}


def _fitted(form, visit: Visit, correcting: bool):
    """The form as this visit asks it: the home outcomes' labels, and the kind of disability
    only where it is not known yet."""
    if visit.kind is VisitKind.HOME:
        form.outcome.choices = [
            SelectChoice(outcome.value, HOME_OUTCOME_LABELS[outcome]) for outcome in HomeOutcome
        ]
    if not correcting and visit.kind is VisitKind.HOME:
        # The kind of disability not known yet is asked here, where the officer sees it at the
        # door (the resident's page is the office's).
        if visit.resident.disability_not_known:
            form.disability.choices = enum_choices(DISABILITY_LABELS, DISABILITY_NOT_KNOWN)
        else:
            del form.disability
    return form


def _recorded(visit: Visit) -> dict:
    if visit.kind is VisitKind.SCHOOL:
        return {
            "recorded": visit.students_recorded,
            "not_recorded": visit.students_not_recorded,
            "reason": visit.not_recorded_reason,
            "notes": visit.notes,
        }
    return {
        "outcome": visit.home_outcome.value if visit.home_outcome else None,
        "notes": visit.notes,
    }


def after_outcome(visit: Visit) -> str:
    """Back to the day's stops for an officer, to the visit's page for a coordinator."""
    if permissions.can_coordinate(current_user):
        return url_for("visits.detail", visit_id=visit.id)
    return url_for("main.home")


@bp.route("/<int:visit_id>/outcome", methods=["GET", "POST"])
def outcome(visit_id: int):
    visit = visit_or_404(visit_id, permissions.can_record_outcome)
    today = office_today()
    correcting = visit.has_outcome
    can_correct = correcting and may_correct(visit, today)
    posted = request.method == "POST"
    form = _form(visit, posted, correcting)
    if posted:
        if correcting and not can_correct:
            flash(_("The outcome can no longer be corrected here: ask the coordinator."), "warning")
            return redirect(url_for("visits.outcome", visit_id=visit.id))
        if form.validate_on_submit():
            done = attempt(
                form,
                lambda: _save(visit, form, correcting),
                "correction" if correcting else "notes",
            )
            if done.ok:
                db.session.commit()
                flash(done_message(visit, done.result, correcting), "success")
                return redirect(after_outcome(visit))
            if done.stale:
                return redirect(url_for("visits.outcome", visit_id=visit.id))
            db.session.expire_all()
            visit = db.session.get(Visit, visit.id)
    return render_template(
        "visits/outcome.html",
        visit=visit,
        form=form,
        today=today,
        back=after_outcome(visit),
        can_correct=can_correct,
        opens_on=_opens_on(visit, today),
    ), (422 if form.errors else 200)


def _opens_on(visit: Visit, today: date) -> date | None:
    """The day a coming visit's form opens, for an officer whose phone keeps the page for
    that day (None otherwise: the page says only when it opens)."""
    day_not_come = refusal(state_of(visit), Action.RECORD_OUTCOME, today) is Refusal.DAY_NOT_COME
    return visit.visit_on if day_not_come and permissions.is_field_officer(current_user) else None


def _school_outcome(form) -> SchoolOutcome:
    return SchoolOutcome(
        recorded=form.recorded.data,
        not_recorded=form.not_recorded.data or 0,
        reason=form.reason.data,
        notes=form.notes.data,
    )


def _save(visit: Visit, form, correcting: bool):
    """Record the outcome, or correct the one recorded (with the form's reason)."""
    kwargs = dict(now=utcnow(), today=office_today(), who=acting_user(), version=form.seen_version)
    if correcting:
        kwargs["reason"] = form.correction.data
    if visit.kind is VisitKind.SCHOOL:
        save = correct_school_outcome if correcting else record_school_outcome
        return save(db.session, visit, _school_outcome(form), **kwargs)
    outcome = HomeOutcome(form.outcome.data)
    if correcting:
        return correct_home_outcome(db.session, visit, outcome, notes=form.notes.data, **kwargs)
    kind = form.disability.data if "disability" in form else None
    kwargs["disability"] = DisabilityKind(kind) if kind else None
    return record_home_outcome(db.session, visit, outcome, notes=form.notes.data, **kwargs)


def done_message(visit: Visit, result, corrected: bool) -> str:
    if result is ResidentStatus.WAITING:  # a home visit whose resident waits again
        return _(
            "Outcome saved. %(name)s is back in the queue for another visit.",
            name=visit.subject_name,
        )
    if corrected:
        return _("Outcome corrected for %(name)s.", name=visit.subject_name)
    return _("Outcome saved for %(name)s.", name=visit.subject_name)

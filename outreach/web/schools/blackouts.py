"""Blackout periods: per school (on the school's page) and for all schools at once."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from outreach.extensions import db
from outreach.i18n import date_range, office_today
from outreach.models import SchoolBlackout, utcnow
from outreach.services.schools.blackouts import add_blackout, delete_blackout, list_blackouts
from outreach.services.visits.queries import count_open_visits
from outreach.web.forms import ConfirmForm, attempt
from outreach.web.schools import bp
from outreach.web.schools.forms import BlackoutForm
from outreach.web.schools.views import load_school, render_school_page


def _add(form: BlackoutForm, school):
    """Add the posted period; the flash says whether it was merged. None when refused."""
    done = attempt(
        form,
        lambda: add_blackout(
            db.session,
            now=utcnow(),
            actor=current_user,
            school=school,
            first_on=form.first_on.data,
            last_on=form.last_on.data,
            reason=form.reason.data,
        ),
        "first_on",
    )
    if not done.ok:
        return None
    db.session.commit()
    result = done.result
    period = date_range(result.blackout.first_on, result.blackout.last_on)
    if result.merged:
        flash(
            _(
                "Merged with the period that has the same reason: now %(period)s (%(reason)s).",
                period=period,
                reason=result.blackout.reason,
            ),
            "info",
        )
    else:
        flash(_("Blackout period %(period)s added.", period=period), "success")
    warn_of_visits_in(result.blackout, school)
    return result


def warn_of_visits_in(blackout: SchoolBlackout, school) -> None:
    """Flash how many planned visits fall in a period just added, if any."""
    clashing = count_open_visits(
        db.session,
        blackout.first_on,
        blackout.last_on,
        school_id=school.id if school else None,
        schools_only=school is None,
    )
    if clashing:
        flash(
            ngettext(
                "%(num)d planned visit falls in this period: move it to another day.",
                "%(num)d planned visits fall in this period: move them to other days.",
                clashing,
            ),
            "warning",
        )


@bp.route("/<int:school_id>/blackouts", methods=["POST"])
def add_school_blackout(school_id: int):
    school = load_school(school_id)
    form = BlackoutForm()
    if form.validate_on_submit() and _add(form, school):
        return redirect(url_for("schools.detail", school_id=school.id, _anchor="blackouts"))
    return render_school_page(school, blackout_form=form, status=422)


@bp.route("/blackouts", methods=["GET", "POST"])
def all_blackouts():
    """Periods when no school is visited (exam weeks, breaks), and every school's own ones."""
    form = BlackoutForm()
    if form.validate_on_submit() and _add(form, None):
        return redirect(url_for("schools.all_blackouts"))
    show_past = request.args.get("past") == "1"
    ending_from = None if show_past else office_today()
    periods = list_blackouts(db.session, ending_from=ending_from)
    return render_template(
        "schools/blackouts.html",
        form=form,
        all_school=[b for b in periods if b.school_id is None],
        per_school=[b for b in periods if b.school_id is not None],
        show_past=show_past,
        confirm_form=ConfirmForm(),
    ), (422 if form.errors else 200)


@bp.route("/blackouts/<int:blackout_id>/delete", methods=["POST"])
def remove_blackout(blackout_id: int):
    blackout = db.get_or_404(SchoolBlackout, blackout_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    school_id = blackout.school_id
    period = date_range(blackout.first_on, blackout.last_on)
    delete_blackout(db.session, blackout, now=utcnow(), actor=current_user)
    db.session.commit()
    flash(_("Blackout period %(period)s removed.", period=period), "success")
    if school_id is None:
        return redirect(url_for("schools.all_blackouts"))
    return redirect(url_for("schools.detail", school_id=school_id, _anchor="blackouts"))

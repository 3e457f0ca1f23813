"""The coordinator's list of outcomes sent from phones that the visit could no longer take
(moved, cancelled, recorded already, given to another team): what the officer entered, why it
was not saved, and a way to say it has been dealt with."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from outreach import permissions
from outreach.errors import DomainError
from outreach.extensions import db
from outreach.labels import DISABILITY_LABELS, HOME_OUTCOME_LABELS, SENT_PROBLEM_LABELS
from outreach.models import DisabilityKind, HomeOutcome, SentOutcome, VisitKind, utcnow
from outreach.services.visits.changes import REASON_MAX
from outreach.services.visits.sent import kept_outcomes, resolve_kept
from outreach.web.access import require
from outreach.web.field import bp
from outreach.web.forms import Form
from outreach.web.params import arg_id
from outreach.web.visits.common import acting_user


class ResolveForm(Form):
    note = TextAreaField(
        _l("What was done (optional)"),
        validators=[Optional(), Length(max=REASON_MAX, message=_l("At most %(max)d characters."))],
        render_kw={"rows": 1, "maxlength": REASON_MAX},
    )


def sent_summary(row: SentOutcome) -> list[str]:
    """What the officer entered, in words: one line a field."""
    values = row.values or {}
    lines = []
    if row.kind is VisitKind.SCHOOL:
        lines.append(_("%(n)s students recorded", n=values.get("recorded", 0)))
        if values.get("not_recorded"):
            lines.append(
                _("%(n)s not recorded: %(why)s", n=values["not_recorded"], why=values.get("reason"))
            )
    else:
        outcome = values.get("outcome")
        if outcome in {o.value for o in HomeOutcome}:
            lines.append(str(HOME_OUTCOME_LABELS[HomeOutcome(outcome)]))
        kind = values.get("disability")
        if kind in {k.value for k in DisabilityKind}:
            lines.append(
                _("Kind of disability: %(kind)s", kind=DISABILITY_LABELS[DisabilityKind(kind)])
            )
    if values.get("notes"):
        lines.append(_("Notes: %(notes)s", notes=values["notes"]))
    return lines


def kept_context(rows: list[SentOutcome]) -> dict:
    """What the list and a visit's page show of kept outcomes."""
    return {
        "kept": rows,
        "sent_summary": sent_summary,
        "problem_label": lambda row: SENT_PROBLEM_LABELS.get(row.problem, ""),
        "resolve_form": ResolveForm(formdata=None),
    }


@bp.route("/field/kept")
def kept_list():
    require(permissions.can_coordinate)
    return render_template("field/kept.html", **kept_context(kept_outcomes(db.session)))


@bp.route("/field/kept/<int:row_id>/resolve", methods=["POST"])
def resolve(row_id: int):
    require(permissions.can_coordinate)
    row = db.session.get(SentOutcome, row_id)
    if row is None:
        return redirect(url_for("field.kept_list"))
    form = ResolveForm()
    from_visit = arg_id("from_visit")  # the visit page it was dealt with on (a coordinator's)
    back = (
        url_for("visits.detail", visit_id=from_visit) if from_visit else url_for("field.kept_list")
    )
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "danger")
        return redirect(back)
    try:
        resolve_kept(db.session, row, note=form.note.data, now=utcnow(), who=acting_user())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "warning")
        return redirect(back)
    db.session.commit()
    flash(_("Marked as dealt with."), "success")
    return redirect(back)

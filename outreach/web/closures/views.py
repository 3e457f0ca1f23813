"""The closures of a year; adding, changing and removing local closures; reloading a year."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from outreach.extensions import db
from outreach.i18n import long_date, office_today
from outreach.models import ClosureKind, ClosureSource, OfficeClosure, utcnow
from outreach.services.closures import (
    add_local_closures,
    delete_local_closure,
    list_closures,
    reload_year,
    update_local_closure,
)
from outreach.services.visits.queries import count_open_visits
from outreach.web.closures import bp
from outreach.web.closures.forms import ClosureForm, EditClosureForm, ReloadForm
from outreach.web.forms import ConfirmForm, attempt
from outreach.web.params import YEARS, arg_number, bad_request, parse_number


def _year() -> int:
    """?year=YYYY (from YEARS), this year when absent; any other year is a 400 saying so."""
    if not request.args.get("year"):
        return office_today().year
    year = arg_number("year", low=YEARS[0], high=YEARS[1])
    if year is None:
        bad_request(
            _(
                "Give the year as four digits, from %(first)d to %(last)d.",
                first=YEARS[0],
                last=YEARS[1],
            )
        )
    return year


def load_local_closure(closure_id: int) -> OfficeClosure:
    """A closure a coordinator added, or 404 (national ones are changed by reloading)."""
    closure = db.get_or_404(OfficeClosure, closure_id)
    if closure.source is not ClosureSource.USER:
        abort(404)
    return closure


def _render_year(year: int, form: ClosureForm | None = None, status: int = 200):
    closures = list_closures(db.session, year)
    counts = {kind.value: sum(1 for c in closures if c.kind is kind) for kind in ClosureKind}
    return render_template(
        "closures/index.html",
        year=year,
        years=YEARS,  # no link to a year the page would refuse
        closures=closures,
        counts=counts,
        form=form or ClosureForm(formdata=None),
        reload_form=ReloadForm(formdata=None, year=str(year)),
        confirm_form=ConfirmForm(),
        today=office_today(),
    ), status


@bp.route("")
def index():
    """The year's closures in date order, with the forms to add one and to reload the year."""
    return _render_year(_year())


@bp.route("", methods=["POST"])
def add():
    form = ClosureForm()
    year = form.first_on.data.year if form.first_on.data else _year()
    if not form.validate_on_submit():
        return _render_year(year, form, 422)
    done = attempt(
        form,
        lambda: add_local_closures(
            db.session,
            first_on=form.first_on.data,
            last_on=form.last_on.data,
            name=form.name.data,
            now=utcnow(),
            actor=current_user,
        ),
        "first_on",
    )
    if not done.ok:
        return _render_year(year, form, 422)
    db.session.commit()
    added = done.result
    first, name = long_date(added[0].closed_on), added[0].name
    if len(added) == 1:
        message = _("Office closed on %(first)s: %(name)s.", first=first, name=name)
    else:
        message = _(
            "Office closed on %(num)d days from %(first)s: %(name)s.",
            num=len(added),
            first=first,
            name=name,
        )
    flash(message, "success")
    clashing = count_open_visits(db.session, added[0].closed_on, added[-1].closed_on)
    if clashing:
        flash(
            ngettext(
                "%(num)d planned visit falls on the closed days: move it to another day.",
                "%(num)d planned visits fall on the closed days: move them to other days.",
                clashing,
            ),
            "warning",
        )
    return redirect(url_for("closures.index", year=year))


@bp.route("/<int:closure_id>/edit", methods=["GET", "POST"])
def edit(closure_id: int):
    closure = load_local_closure(closure_id)
    form = (
        EditClosureForm(obj=closure)
        if request.method == "POST"
        else EditClosureForm(formdata=None, obj=closure)
    )
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: update_local_closure(
                db.session,
                closure,
                on=form.closed_on.data,
                name=form.name.data,
                now=utcnow(),
                actor=current_user,
            ),
            "closed_on",
        )
        if done.ok:
            db.session.commit()
            flash(_("Closure saved."), "success")
            return redirect(url_for("closures.index", year=closure.closed_on.year))
    return render_template("closures/edit.html", form=form, closure=closure), (
        422 if form.errors else 200
    )


@bp.route("/<int:closure_id>/delete", methods=["POST"])
def delete(closure_id: int):
    closure = load_local_closure(closure_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    year = closure.closed_on.year
    delete_local_closure(db.session, closure, now=utcnow(), actor=current_user)
    db.session.commit()
    flash(_("Closure removed: the office works that day again."), "success")
    return redirect(url_for("closures.index", year=year))


@bp.route("/reload", methods=["POST"])
def reload():
    """Make the year's national holidays and cuti bersama match the decree (package) again."""
    form = ReloadForm()
    year = parse_number(form.year.data, low=YEARS[0], high=YEARS[1])
    if not form.validate_on_submit() or year is None:
        abort(400)
    result = reload_year(db.session, year, now=utcnow(), actor=current_user)
    db.session.commit()
    flash(
        _(
            "Holidays of %(year)d reloaded: %(added)d added, %(removed)d removed, "
            "%(unchanged)d unchanged. Local closures were kept.",
            year=year,
            added=result.added,
            removed=result.updated,
            unchanged=result.unchanged,
        ),
        "success",
    )
    return redirect(url_for("closures.index", year=year))

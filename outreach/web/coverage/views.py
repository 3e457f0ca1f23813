"""Coverage figures: the history (by area), adding, correcting and removing a figure."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from outreach.config import target_percent
from outreach.domain.text import clean_line
from outreach.extensions import db
from outreach.i18n import long_date, office_today
from outreach.models import CoverageSnapshot, Kecamatan, utcnow
from outreach.services.coverage.figures import (
    CITY,
    CoverageValues,
    add_snapshot,
    delete_snapshot,
    list_snapshots,
    snapshot,
    update_snapshot,
)
from outreach.web.coverage import bp
from outreach.web.coverage.forms import CoverageForm
from outreach.web.downloads import url_with
from outreach.web.forms import ConfirmForm, attempt
from outreach.web.params import arg_page

PER_PAGE = 50


def load_snapshot(snapshot_id: int) -> CoverageSnapshot:
    """The figure with this id, or 404."""
    return db.get_or_404(CoverageSnapshot, snapshot_id)


def _kecamatan() -> list[Kecamatan]:
    return list(db.session.scalars(select(Kecamatan).order_by(Kecamatan.name)))


@bp.route("")
def index():
    """Every figure, newest first, for one area or all."""
    kecamatan = _kecamatan()
    area = request.args.get("area", "")
    if area not in (CITY, *(k.code for k in kecamatan)):
        area = ""
    page = list_snapshots(db.session, area=area, page=arg_page(), per_page=PER_PAGE)
    return render_template(
        "coverage/index.html",
        page=page,
        area=area,
        kecamatan=kecamatan,
        target=target_percent(current_app.config),
        page_url=lambda number: url_with("coverage.index", page=str(number)),
    )


def _form(record: CoverageSnapshot | None = None) -> CoverageForm:
    if request.method == "POST":
        form = CoverageForm()
    elif record is None:
        form = CoverageForm(formdata=None, as_of=office_today())
    else:
        values = snapshot(record)
        form = CoverageForm(formdata=None, **values)
        form.area.data = record.kecamatan_code or ""
        form.wajib_ktp.data, form.recorded.data = str(record.wajib_ktp), str(record.recorded)
    form.area.choices = [SelectChoice("", _("Whole city"))] + [
        SelectChoice(k.code, k.name) for k in _kecamatan()
    ]
    return form


def _values(form: CoverageForm) -> CoverageValues:
    return CoverageValues(
        as_of=form.as_of.data,
        kecamatan_code=form.area.data or None,
        wajib_ktp=form.wajib_ktp.data,
        recorded=form.recorded.data,
        source=clean_line(form.source.data) or None,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = _form()
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: add_snapshot(
                db.session, _values(form), now=utcnow(), today=office_today(), actor=current_user
            ),
            "as_of",
        )
        if done.ok:
            db.session.commit()
            flash(_("Figure saved for %(date)s.", date=long_date(done.result.as_of)), "success")
            return redirect(url_for("coverage.index"))
    return _render_form(form, None)


@bp.route("/<int:snapshot_id>/edit", methods=["GET", "POST"])
def edit(snapshot_id: int):
    record = load_snapshot(snapshot_id)
    form = _form(record)
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: update_snapshot(
                db.session,
                record,
                _values(form),
                now=utcnow(),
                today=office_today(),
                actor=current_user,
            ),
            "as_of",
        )
        if done.ok:
            db.session.commit()
            flash(_("Figure corrected.") if done.result else _("Nothing was changed."), "success")
            return redirect(url_for("coverage.index"))
    return _render_form(form, record)


def _render_form(form: CoverageForm, record: CoverageSnapshot | None):
    return render_template(
        "coverage/form.html", form=form, record=record, delete_form=ConfirmForm()
    ), (422 if form.errors else 200)


@bp.route("/<int:snapshot_id>/delete", methods=["POST"])
def delete(snapshot_id: int):
    record = load_snapshot(snapshot_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired; try again."), "warning")
        return redirect(url_for("coverage.edit", snapshot_id=record.id))
    as_of = record.as_of
    delete_snapshot(db.session, record, now=utcnow(), actor=current_user)
    db.session.commit()
    flash(_("Figure of %(date)s removed.", date=long_date(as_of)), "success")
    return redirect(url_for("coverage.index"))

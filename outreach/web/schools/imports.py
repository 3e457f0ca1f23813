"""Importing schools: upload, preview every row, confirm; and the template to fill in."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from outreach.domain.phone import display_phone
from outreach.domain.problems import Invalid
from outreach.errors import DomainError, NotFound
from outreach.extensions import db
from outreach.i18n import number, office_today, weekday_name
from outreach.models import utcnow, weekday_bit
from outreach.services.school_import import (
    SCHOOL_COLUMNS,
    TEMPLATE_HEADINGS,
    analyse_schools,
    import_schools,
    template_rows,
)
from outreach.services.schools import region_index
from outreach.services.tables import csv_bytes, read_table, xlsx_bytes
from outreach.services.uploads import discard_upload, get_upload, store_upload
from outreach.web.labels import SCHOOL_LEVEL_LABELS, SCHOOL_STATUS_LABELS
from outreach.web.schools import bp
from outreach.web.schools.forms import ConfirmForm, ImportUploadForm

KIND = "schools"
PREVIEW_LIMIT = 500  # rows of one state shown; the counts always cover the whole file


def _pending_upload(token: str):
    """The current user's pending upload; else back to the upload form, saying why."""
    try:
        return get_upload(db.session, token, user=current_user, kind=KIND, now=utcnow())
    except NotFound as error:
        flash(str(error.message), "warning")
        abort(redirect(url_for("schools.import_upload")))


def _value_shower():
    """show_value(field, value) for the preview: region names, labels, numbers, phones."""
    regions = region_index(db.session)

    def show_value(name: str, value) -> str:
        if value is None or value == "":
            return "—"
        if name == "kecamatan_code":
            return regions.kecamatan[value].name if value in regions.kecamatan else value
        if name == "kelurahan_code":
            return regions.kelurahan[value].name if value in regions.kelurahan else value
        if name == "level":
            return str(SCHOOL_LEVEL_LABELS[value])
        if name == "status":
            return str(SCHOOL_STATUS_LABELS[value])
        if name == "liaison_phone":
            return display_phone(value)
        if name == "preferred_weekdays":
            return ", ".join(weekday_name(day) for day in range(1, 8) if value & weekday_bit(day))
        if isinstance(value, int) and not isinstance(value, bool):
            return number(value)
        return str(value)

    return show_value


@bp.route("/import", methods=["GET", "POST"])
def import_upload():
    form = ImportUploadForm()
    if form.validate_on_submit():
        file = form.file.data
        content = file.read()
        try:
            read_table(content, file.filename)  # refuse what cannot be read before keeping it
        except Invalid as error:
            form.file.errors = [_(error.message, **error.params)]
        else:
            upload = store_upload(
                db.session,
                now=utcnow(),
                user=current_user,
                kind=KIND,
                filename=file.filename,
                content=content,
            )
            db.session.commit()
            return redirect(url_for("schools.import_preview", token=upload.token))
    return render_template("schools/import.html", form=form, columns=SCHOOL_COLUMNS), (
        422 if form.errors else 200
    )


@bp.route("/import/<token>", methods=["GET", "POST"])
def import_preview(token: str):
    """GET: what the file would do, row by row. POST: do it (only when every row is valid)."""
    upload = _pending_upload(token)
    confirm_form = ConfirmForm()
    try:
        table = read_table(upload.content, upload.filename)
        if request.method == "POST" and confirm_form.validate_on_submit():
            outcome = import_schools(
                db.session,
                table,
                now=utcnow(),
                actor=current_user,
                source=upload.filename,
            )
            preview = outcome.preview
            if preview.ok:
                discard_upload(db.session, upload)
                db.session.commit()
                counts = preview.counts
                flash(
                    _(
                        "Import saved: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.",
                        **counts,
                    ),
                    "success",
                )
                return redirect(url_for("schools.index"))
            db.session.rollback()
            flash(_("The data changed since the preview; check the rows again."), "warning")
        else:
            preview = analyse_schools(db.session, table)
    except (Invalid, DomainError) as error:
        db.session.rollback()
        message = (
            _(error.message, **error.params) if isinstance(error, Invalid) else str(error.message)
        )
        return render_template(
            "schools/import_preview.html",
            upload=upload,
            preview=None,
            error=message,
            confirm_form=confirm_form,
        ), 422
    except IntegrityError:
        db.session.rollback()
        flash(_("Someone saved schools at the same moment; check the rows again."), "warning")
        preview = analyse_schools(db.session, table)
    return render_template(
        "schools/import_preview.html",
        upload=upload,
        preview=preview,
        error=None,
        confirm_form=confirm_form,
        limit=PREVIEW_LIMIT,
        show_value=_value_shower(),
    )


@bp.route("/import/<token>/discard", methods=["POST"])
def import_discard(token: str):
    upload = _pending_upload(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    discard_upload(db.session, upload)
    db.session.commit()
    flash(_("Import cancelled: nothing was written."), "info")
    return redirect(url_for("schools.import_upload"))


@bp.route("/import/template.<any(csv, xlsx):extension>")
def import_template(extension: str):
    """The template's headings; with ``?filled=1`` every school already registered in it."""
    rows = template_rows(db.session) if request.args.get("filled") == "1" else []
    stem = f"sekolah-{office_today().isoformat()}" if rows else "templat-sekolah"
    if extension == "csv":
        body, mimetype = csv_bytes(TEMPLATE_HEADINGS, rows), "text/csv; charset=utf-8"
    else:
        body = xlsx_bytes(
            TEMPLATE_HEADINGS, rows, title=_("Schools"), widths={"name": 40, "address": 40}
        )
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{stem}.{extension}"'},
    )

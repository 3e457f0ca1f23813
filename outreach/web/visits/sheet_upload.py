"""The day sheet as a spreadsheet: downloaded to fill in where the form cannot be used, and
uploaded filled — the preview of every row, then all of it saved in one go, or nothing. The
upload and its confirmation are the import pages' own pieces (``web.importing``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from outreach.domain.problems import Invalid
from outreach.errors import DomainError
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import ImportUpload, utcnow
from outreach.services.audit import record_event
from outreach.services.uploads import discard_upload
from outreach.services.visits.day_sheets import analyse_day_sheet, save_day_sheet
from outreach.services.visits.queries import list_team_day
from outreach.web.downloads import workbook_download
from outreach.web.forms import ConfirmForm
from outreach.web.importing import (
    CHANGED_SINCE_PREVIEW,
    ImportConfirmForm,
    ImportUploadForm,
    kept_upload_table,
    pending_upload,
    take_upload,
    uploads_limited,
)
from outreach.web.visits import bp
from outreach.web.visits.common import acting_user
from outreach.web.visits.sheet import team_day
from outreach.web.visits.sheet_file import (
    check_row,
    day_workbook,
    filling_in,
    outcome_summary,
    read_day_sheet,
)

KIND = "day_sheet"  # the uploads' kind


def _args(team, day) -> dict:
    return {"team": team.id, "day": day.isoformat()}


@bp.route("/day-sheet.xlsx")
def day_sheet_file():
    """The day sheet to fill in (no personal data in the file's name); audited as an export."""
    team, day = team_day()
    stops = list_team_day(db.session, team.id, day)
    record_event(
        db.session,
        now=utcnow(),
        actor=current_user,
        action="visit.day_sheet_export",
        entity=team,
        changes={"visit_on": day.isoformat(), "rows": len(stops), "format": "xlsx"},
        remote_addr=request.remote_addr,
    )
    db.session.commit()
    return workbook_download(day_workbook(team, day, stops), stem=f"hari-tim-{team.id}-{day}")


@bp.route("/day-sheet/upload", methods=["GET", "POST"])
@uploads_limited
def day_sheet_upload():
    team, day = team_day()
    form = ImportUploadForm()
    if form.validate_on_submit():
        stored = take_upload(form, KIND)
        if stored is not None:
            db.session.commit()
            return redirect(
                url_for("visits.day_sheet_preview", token=stored.token, **_args(team, day))
            )
    return render_template(
        "visits/sheet_upload.html", form=form, team=team, day=day, how=filling_in()
    ), (422 if form.errors else 200)


def _analysed(rows, team, day):
    return analyse_day_sheet(
        db.session, rows, team=team, day=day, today=office_today(), check=check_row
    )


@bp.route("/day-sheet/upload/<token>", methods=["GET", "POST"])
def day_sheet_preview(token: str):
    """GET: what the file would save, row by row. POST: save it all (only as previewed)."""
    team, day = team_day()
    back = url_for("visits.day_sheet_upload", **_args(team, day))
    stored = pending_upload(token, KIND, back)
    form = ImportConfirmForm()
    page = dict(team=team, day=day, stored=stored, form=form, back=back)
    try:
        rows, columns = read_day_sheet(kept_upload_table(stored))
        upload = _analysed(rows, team, day)
    except Invalid as error:
        message = _(error.message, **error.params)
        return render_template("visits/sheet_preview.html", error=message, **page), 422
    if request.method == "POST" and form.validate_on_submit():
        if form.seen.data != upload.fingerprint:
            flash(str(CHANGED_SINCE_PREVIEW), "warning")
        else:
            stored_id = stored.id  # read now: a second press may delete the row meanwhile
            try:
                saved = save_day_sheet(
                    db.session,
                    upload,
                    who=acting_user(),
                    now=utcnow(),
                    today=office_today(),
                    source=stored.filename,
                )
            except DomainError as error:  # e.g. an outcome recorded meanwhile: nothing is kept
                db.session.rollback()
                if db.session.get(ImportUpload, stored_id) is None:
                    # A second press of "save" while the first was saving it: saved once.
                    flash(_("This sheet has been saved already."), "info")
                    return redirect(url_for("visits.day_sheet", **_args(team, day)))
                flash(_("Nothing was saved. %(reason)s", reason=error.message), "warning")
                upload = _analysed(rows, team, day)
            else:
                discard_upload(db.session, stored)
                db.session.commit()
                flash(_saved_message(saved), "success")
                return redirect(url_for("visits.day_sheet", **_args(team, day)))
    form.seen.data = upload.fingerprint
    return render_template(
        "visits/sheet_preview.html",
        error=None,
        upload=upload,
        columns=columns,
        summary=outcome_summary,
        **page,
    )


def _saved_message(saved: int) -> str:
    return ngettext(
        "%(num)d outcome saved from the sheet.", "%(num)d outcomes saved from the sheet.", saved
    )


@bp.route("/day-sheet/upload/<token>/discard", methods=["POST"])
def day_sheet_discard(token: str):
    team, day = team_day()
    back = url_for("visits.day_sheet_upload", **_args(team, day))
    stored = pending_upload(token, KIND, back)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    discard_upload(db.session, stored)
    db.session.commit()
    flash(_("Import cancelled: nothing was written."), "info")
    return redirect(url_for("visits.day_sheet", **_args(team, day)))

"""The import pages every area shares: upload → preview of every row → confirm (or cancel),
and the template to fill in. An area describes its import with an ImportKind and registers
the routes on its blueprint; an upload of another shape (a team's day sheet) takes the same
pieces: the upload form, the file kept for its preview, the confirmation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField

from outreach.domain.problems import Invalid
from outreach.errors import DomainError, NotFound
from outreach.extensions import db, limiter
from outreach.i18n import office_today
from outreach.models import ImportUpload, utcnow
from outreach.services.audit import record_event
from outreach.services.importing import ImportPreview, RowResult, changed_since
from outreach.services.reference import region_index
from outreach.services.tables import Table, kept_table, read_table, table_bytes
from outreach.services.uploads import discard_upload, get_upload, store_upload
from outreach.services.versions import Stale
from outreach.services.xlsx import Limits
from outreach.web.downloads import spreadsheet_download
from outreach.web.forms import ConfirmForm, Form
from outreach.web.params import parse_instant

PREVIEW_LIMIT = 500  # rows of one state shown; the counts always cover the whole file
CHANGED_SINCE_PREVIEW = _l(
    "Someone changed some of these records since your preview, so nothing was saved. The "
    "preview below shows them as they are now: check it and save again."
)


class ImportConfirmForm(Form):
    """Confirming a preview: with the fingerprint of what the preview was made against, and
    when it was shown (to name the rows changed since, should there be any)."""

    seen = HiddenField()
    shown_at = HiddenField()

    def shown(self, default: datetime) -> datetime:
        """When the confirmed preview was shown; ``default`` (the upload) if that cannot be read.
        Only ever used to name rows, so a tampered value can at most name fewer or more."""
        return parse_instant(self.shown_at.data) or default


class ImportUploadForm(Form):
    file = FileField(
        _l("CSV or Excel (.xlsx) file"),
        validators=[FileRequired(_l("Choose a file to import."))],
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )


@dataclass(frozen=True)
class ImportKind:
    """What differs between imports; the flow itself is the same."""

    kind: str  # "schools": the blueprint's name and the upload's kind
    title: str  # "Import schools"
    list_label: str  # "Schools": the breadcrumb back to the list
    key_label: str  # "NPSN"
    name_label: str  # "School"
    columns: dict[str, tuple[str, ...]]  # field → accepted headings, the template's first
    required: tuple[str, ...]  # template headings that must be there
    required_note: str
    notes: tuple[str, ...]  # "which files work", one line each
    analyse: Callable  # (session, table) → ImportPreview
    run: Callable  # (session, table, *, now, actor, source) → ImportOutcome
    template_rows: Callable | None = None  # (session) → rows of records already there
    show_key: Callable[[RowResult], str] = lambda row: row.key or "—"
    # Both get the region index first, built once per preview: (regions, row) and
    # (regions, field, value) → text.
    summarise: Callable[..., str] = lambda regions, row: ""
    show_value: Callable[..., str] = lambda regions, name, value: str(value)
    field_labels: dict[str, str] = field(default_factory=dict)
    file_stem: str = "data"  # "sekolah": templat-sekolah.xlsx, sekolah-2026-11-27.xlsx
    # What a preview tells its reader about the records its keys matched, when the key is a
    # person's (a NIK): (session, preview, upload, *, now, actor, remote_addr) → None, called
    # with every preview shown, before it is.
    audit_matches: Callable | None = None

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(names[0] for names in self.columns.values())

    def endpoint(self, name: str) -> str:
        return f"{self.kind}.import_{name}"


def _uploader() -> str:
    return f"user:{current_user.get_id() or request.remote_addr}"


# Reading an upload within the limits may still take a worker for a while (a national file):
# per user, over every kind of import, so that no one keeps the workers busy with uploads.
uploads_limited = limiter.shared_limit(
    lambda: current_app.config["IMPORT_UPLOAD_LIMIT"],
    scope="import-upload",
    key_func=_uploader,
    methods=["POST"],
)


def take_upload(form: ImportUploadForm, kind: str) -> ImportUpload | None:
    """The submitted file read once, within the limits, and kept (the table read, not the
    file) for its preview as an upload of ``kind``; None, the reason on the file field, when
    it cannot be read. The caller commits."""
    file = form.file.data
    try:
        table = read_table(file.read(), file.filename, Limits.from_config(current_app.config))
    except Invalid as error:
        form.file.errors = [_(error.message, **error.params)]
        return None
    return store_upload(
        db.session,
        now=utcnow(),
        user=current_user,
        kind=kind,
        filename=file.filename,
        content=table_bytes(table),
    )


def pending_upload(token: str, kind: str, back: str) -> ImportUpload:
    """The current user's pending upload of ``kind``; else back to ``back`` (the upload
    form), saying why."""
    try:
        return get_upload(db.session, token, user=current_user, kind=kind, now=utcnow())
    except NotFound as error:
        flash(str(error.message), "warning")
        abort(redirect(back))


def kept_upload_table(stored: ImportUpload) -> Table:
    """The table an upload keeps, read within this app's limits."""
    return kept_table(stored.content, stored.filename, Limits.from_config(current_app.config))


def register_import_routes(bp: Blueprint, kind: ImportKind) -> None:
    """/import, /import/<token>, /import/<token>/discard, /import/template.csv|xlsx on ``bp``."""

    def pending(token: str) -> ImportUpload:
        return pending_upload(token, kind.kind, url_for(kind.endpoint("upload")))

    def upload():
        form = ImportUploadForm()
        if form.validate_on_submit():
            stored = take_upload(form, kind.kind)
            if stored is not None:
                db.session.commit()
                return redirect(url_for(kind.endpoint("preview"), token=stored.token))
        return render_template("imports/upload.html", form=form, kind=kind), (
            422 if form.errors else 200
        )

    def preview(token: str):
        """GET: what the file would do, row by row. POST: do it (only if every row is valid)."""
        stored = pending(token)
        confirm_form = ImportConfirmForm()
        result: ImportPreview | None = None
        changed: list = []  # rows whose record changed since the confirmed preview
        try:
            table = kept_upload_table(stored)
            if request.method == "POST" and confirm_form.validate_on_submit():
                outcome = kind.run(
                    db.session,
                    table,
                    now=utcnow(),
                    actor=current_user,
                    source=stored.filename,
                    seen=confirm_form.seen.data or "",
                )
                result = outcome.preview
                if outcome.stale:  # someone changed a record since the preview: shown again
                    db.session.rollback()
                    flash(str(CHANGED_SINCE_PREVIEW), "warning")
                    since = confirm_form.shown(stored.uploaded_at)
                    changed = changed_since(db.session, result, since)
                elif result.ok:
                    discard_upload(db.session, stored)
                    db.session.commit()
                    flash(
                        _(
                            "Import saved: %(new)d new, %(changed)d changed, "
                            "%(unchanged)d unchanged.",
                            **result.counts,
                        ),
                        "success",
                    )
                    return redirect(url_for(f"{kind.kind}.index"))
                else:
                    db.session.rollback()
                    flash(_("The data changed since the preview; check the rows again."), "warning")
            else:
                result = kind.analyse(db.session, table)
        except Stale:  # a record changed between this analysis and its write (versions.flush)
            db.session.rollback()
            flash(str(CHANGED_SINCE_PREVIEW), "warning")
            result = kind.analyse(db.session, table)
            changed = changed_since(db.session, result, confirm_form.shown(stored.uploaded_at))
        except (Invalid, DomainError) as error:
            db.session.rollback()
            message = (
                _(error.message, **error.params)
                if isinstance(error, Invalid)
                else str(error.message)
            )
            return render_template(
                "imports/preview.html",
                kind=kind,
                upload=stored,
                preview=None,
                error=message,
                confirm_form=confirm_form,
            ), 422
        except IntegrityError:
            db.session.rollback()
            flash(_("Someone saved the same records at the same moment; check again."), "warning")
            result = kind.analyse(db.session, table)
        if kind.audit_matches is not None:
            kind.audit_matches(
                db.session,
                result,
                stored,
                now=utcnow(),
                actor=current_user,
                remote_addr=request.remote_addr,
            )
            db.session.commit()
        regions = region_index(db.session)
        confirm_form.seen.data = result.fingerprint  # what this page shows, confirmed as such
        confirm_form.shown_at.data = datetime.now(UTC).isoformat()
        return render_template(
            "imports/preview.html",
            kind=kind,
            upload=stored,
            preview=result,
            error=None,
            confirm_form=confirm_form,
            changed_since=changed,
            limit=PREVIEW_LIMIT,
            show_value=partial(kind.show_value, regions),
            summarise=partial(kind.summarise, regions),
        )

    def discard(token: str):
        stored = pending(token)
        if not ConfirmForm().validate_on_submit():
            abort(400)
        discard_upload(db.session, stored)
        db.session.commit()
        flash(_("Import cancelled: nothing was written."), "info")
        return redirect(url_for(kind.endpoint("upload")))

    def template(extension: str):
        """The template's headings; with ``?filled=1`` (where offered) the records in it."""
        filled = request.args.get("filled") == "1" and kind.template_rows is not None
        rows = kind.template_rows(db.session) if filled else []
        if filled:  # the records themselves leave the app: audited as any export
            record_event(
                db.session,
                now=utcnow(),
                actor=current_user,
                action="template.export",
                changes={"template": kind.kind, "rows": len(rows), "format": extension},
                remote_addr=request.remote_addr,
            )
            db.session.commit()
        stem = (
            f"{kind.file_stem}-{office_today().isoformat()}"
            if filled
            else f"templat-{kind.file_stem}"
        )
        return spreadsheet_download(
            kind.headings,
            rows,
            extension=extension,
            stem=stem,
            title=str(kind.list_label),
            widths={"name": 40, "address": 40},
        )

    bp.add_url_rule("/import", "import_upload", uploads_limited(upload), methods=["GET", "POST"])
    bp.add_url_rule("/import/<token>", "import_preview", preview, methods=["GET", "POST"])
    bp.add_url_rule("/import/<token>/discard", "import_discard", discard, methods=["POST"])
    bp.add_url_rule("/import/template.<any(csv, xlsx):extension>", "import_template", template)

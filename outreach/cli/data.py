"""Imports (schools, residents, coverage figures) and the visit export."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _

from outreach.cli.common import DRY_RUN, FILE, attempt, fail, outreach_cli
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import COMMAND_ACTOR, utcnow
from outreach.private_files import create_private_file
from outreach.scheduling.calendar import parse_month
from outreach.services.coverage.imports import import_coverage
from outreach.services.residents.imports import import_residents
from outreach.services.schools.imports import import_schools
from outreach.services.tables import read_table
from outreach.services.xlsx import Limits
from outreach.spreadsheets import visit_file


def _run_import(path: Path, dry_run: bool, importer) -> None:
    """Read FILE, run ``importer(table, source=…, dry_run=…)``, report every bad row; exit 1
    (and write nothing) when any row is invalid."""
    outcome = attempt(
        lambda: importer(
            read_table(path.read_bytes(), path.name, Limits.from_config(current_app.config)),
            source=path.name,
            dry_run=dry_run,
        )
    )
    preview = outcome.preview
    if preview.ignored_headings:
        click.echo(_("Columns ignored: %(names)s", names=", ".join(preview.ignored_headings)))
    for row in preview.with_state("invalid"):
        for column, reason in row.problems:
            click.echo(
                _(
                    "Row %(row)d, column %(column)s: %(reason)s",
                    row=row.number,
                    column=column,
                    reason=reason,
                ),
                err=True,
            )
    counts = preview.counts
    click.echo(
        _(
            "%(rows)d rows: %(new)d new, %(changed)d changed, %(unchanged)d unchanged, "
            "%(invalid)d invalid.",
            rows=len(preview.rows),
            **counts,
        )
    )
    if not outcome.written:
        db.session.rollback()
        if counts["invalid"]:
            fail(_("Nothing was written: correct the rows above and import again."))
        if dry_run:
            click.echo(_("Dry run: nothing was written."))
        else:
            click.echo(_("Nothing to change: everything is already up to date."))
        return
    db.session.commit()
    click.echo(_("Import saved."))


@outreach_cli.command("import-schools")
@click.argument("path", metavar="FILE", type=FILE)
@DRY_RUN
def import_schools_command(path: Path, dry_run: bool) -> None:
    """Add or update schools from a CSV or XLSX file (template or Kemendikdasmen headings)."""
    _run_import(
        path,
        dry_run,
        lambda table, **options: import_schools(
            db.session, table, now=utcnow(), actor=COMMAND_ACTOR, **options
        ),
    )


@outreach_cli.command("import-residents")
@click.argument("path", metavar="FILE", type=FILE)
@DRY_RUN
def import_residents_command(path: Path, dry_run: bool) -> None:
    """Add or update home-visit requests from a CSV or XLSX file, keyed by NIK."""
    _run_import(
        path,
        dry_run,
        lambda table, **options: import_residents(
            db.session, table, now=utcnow(), today=office_today(), actor=COMMAND_ACTOR, **options
        ),
    )


@outreach_cli.command("import-coverage")
@click.argument("path", metavar="FILE", type=FILE)
@DRY_RUN
def import_coverage_command(path: Path, dry_run: bool) -> None:
    """Add or correct coverage figures (as_of, area, wajib_ktp, recorded[, source]); an empty
    area is the whole city."""
    _run_import(
        path,
        dry_run,
        lambda table, **options: import_coverage(
            db.session, table, now=utcnow(), today=office_today(), actor=COMMAND_ACTOR, **options
        ),
    )


@outreach_cli.command("export-visits")
@click.option("--month", "month_text", required=True, metavar="YYYY-MM")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["csv", "xlsx"]),
    help="csv (the default) or xlsx; taken from the output's extension when not given.",
)
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The file to write (replaced whole, never left half-written).",
)
def export_visits_command(month_text: str, file_format: str | None, output: Path) -> None:
    """Write a month's visits (no NIK) as CSV or XLSX."""
    try:
        month = parse_month(month_text)
    except ValueError:
        fail(_("Give the month as YYYY-MM, for example 2026-12."))
    extension = file_format or ("xlsx" if output.suffix.lower() == ".xlsx" else "csv")
    if not output.parent.is_dir():
        fail(_("Folder %(path)s does not exist.", path=str(output.parent)))
    body, count = visit_file(db.session, month, extension, now=utcnow(), actor=COMMAND_ACTOR)
    partial = output.with_name(f".{output.name}.partial")
    try:
        create_private_file(partial)  # personal data: readable by its owner only
        partial.write_bytes(body)
        os.replace(partial, output)
    except OSError as error:
        partial.unlink(missing_ok=True)
        db.session.rollback()
        fail(_("Could not write %(path)s: %(reason)s", path=str(output), reason=error.strerror))
    db.session.commit()
    click.echo(
        _(
            "%(count)d visits of %(month)s written to %(path)s.",
            count=count,
            month=f"{month:%Y-%m}",
            path=str(output),
        )
    )

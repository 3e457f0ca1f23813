"""The ``flask --app wsgi outreach …`` commands. Each is a view without a request: parse the
arguments, call services, commit once, print what happened."""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_migrate import upgrade

from outreach.domain.problems import Invalid
from outreach.domain.values import parse_coordinates
from outreach.errors import DomainError
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import PlanTrigger, Role, School, utcnow
from outreach.scheduling.calendar import parse_month
from outreach.services.coverage_import import import_coverage
from outreach.services.demo import load_demo_data
from outreach.services.home_planning import MAX_DAYS, plan_home, preview_home_visits
from outreach.services.planning import PlanSettings, plan_schools, preview_school_plan
from outreach.services.reference import load_closures, load_regions
from outreach.services.resident_import import import_residents
from outreach.services.school_import import import_schools
from outreach.services.tables import read_table
from outreach.services.teams import create_team, get_team_by_name
from outreach.services.users import create_user
from outreach.web.labels import PLAN_REASON_LABELS
from outreach.web.visits.exports import visit_file

outreach_cli = AppGroup("outreach", help="Jemput Bola: set-up, data and planning commands.")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def initialise_database() -> None:
    """Schema to the newest migration, then regions and this year's and next year's closures."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    regions = load_regions(db.session)
    today = office_today()
    closures = load_closures(db.session, [today.year, today.year + 1])
    db.session.commit()
    click.echo(
        f"Database ready. Regions: {regions.added} added, {regions.updated} updated, "
        f"{regions.unchanged} unchanged. Closures {today.year}-{today.year + 1}: "
        f"{closures.added} added, {closures.unchanged} already there."
    )


@outreach_cli.command("init")
def init_command() -> None:
    """Create or upgrade the schema and load reference data (idempotent)."""
    initialise_database()


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@outreach_cli.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--name", help="Full name (defaults to the username).")
@click.option("--team", "team_name", help="Team name, for field officers.")
@click.option("--school", "npsn", help="School NPSN, for liaison officers.")
@click.option("--email")
def create_user_command(username, role, name, team_name, npsn, email) -> None:
    """Create a user; the password is read from a hidden prompt (or one line of stdin)."""
    team = school = None
    if team_name:
        team = get_team_by_name(db.session, team_name)
        if team is None:
            _fail(f"no team named {team_name!r}")
    if npsn:
        school = db.session.scalar(db.select(School).where(School.npsn == npsn.strip()))
        if school is None:
            _fail(f"no school with NPSN {npsn!r}")
    password = _read_password()
    try:
        user = create_user(
            db.session,
            now=utcnow(),
            actor="command",
            username=username,
            name=name or username,
            role=Role(role),
            password=password,
            team=team,
            school=school,
            email=email,
        )
    except DomainError as error:
        db.session.rollback()
        _fail(str(error.message))
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.username}.")


@outreach_cli.command("create-team")
@click.argument("name")
@click.option("--school-visits-per-day", type=click.IntRange(0, 50), default=2, show_default=True)
@click.option("--home-visits-per-day", type=click.IntRange(0, 50), default=6, show_default=True)
@click.option("--kecamatan", "kecamatan_codes", multiple=True, help="Kecamatan code, e.g. 17.71.01")
@click.option("--start", "start_text", help='Starting point "lat, lng", e.g. "-3.7928, 102.2655".')
def create_team_command(
    name, school_visits_per_day, home_visits_per_day, kecamatan_codes, start_text
) -> None:
    """Create a field team."""
    start = (None, None)
    if start_text:
        try:
            start = parse_coordinates(start_text)
        except Invalid as error:
            _fail(_(error.message, **error.params))
    try:
        team = create_team(
            db.session,
            now=utcnow(),
            actor="command",
            name=name,
            school_visits_per_day=school_visits_per_day,
            home_visits_per_day=home_visits_per_day,
            kecamatan_codes=kecamatan_codes,
            start_lat=start[0],
            start_lng=start[1],
        )
    except DomainError as error:
        db.session.rollback()
        _fail(str(error.message))
    db.session.commit()
    codes = ", ".join(k.code for k in team.kecamatan) or "none"
    click.echo(f"Created team {team.name} (kecamatan: {codes}).")


def _run_import(path: Path, dry_run: bool, importer) -> None:
    """Read FILE, run ``importer(table, source=…, dry_run=…)``, report every bad row; exit 1
    (and write nothing) when any row is invalid."""
    try:
        table = read_table(path.read_bytes(), path.name)
        outcome = importer(table, source=path.name, dry_run=dry_run)
    except Invalid as error:
        db.session.rollback()
        _fail(_(error.message, **error.params))
    except DomainError as error:
        db.session.rollback()
        _fail(str(error.message))
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
            _fail(_("Nothing was written: correct the rows above and import again."))
        if dry_run:
            click.echo(_("Dry run: nothing was written."))
        else:
            click.echo(_("Nothing to change: everything is already up to date."))
        return
    db.session.commit()
    click.echo(_("Import saved."))


_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_DRY_RUN = click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")


@outreach_cli.command("import-schools")
@click.argument("path", metavar="FILE", type=_FILE)
@_DRY_RUN
def import_schools_command(path: Path, dry_run: bool) -> None:
    """Add or update schools from a CSV or XLSX file (template or Kemendikdasmen headings)."""
    _run_import(
        path,
        dry_run,
        lambda table, **options: import_schools(
            db.session, table, now=utcnow(), actor="command", **options
        ),
    )


@outreach_cli.command("import-residents")
@click.argument("path", metavar="FILE", type=_FILE)
@_DRY_RUN
def import_residents_command(path: Path, dry_run: bool) -> None:
    """Add or update home-visit requests from a CSV or XLSX file, keyed by NIK."""
    _run_import(
        path,
        dry_run,
        lambda table, **options: import_residents(
            db.session, table, now=utcnow(), today=office_today(), actor="command", **options
        ),
    )


@outreach_cli.command("import-coverage")
@click.argument("path", metavar="FILE", type=_FILE)
@_DRY_RUN
def import_coverage_command(path: Path, dry_run: bool) -> None:
    """Add or correct coverage figures (as_of, area, wajib_ktp, recorded[, source]); an empty
    area is the whole city."""
    _run_import(
        path,
        dry_run,
        lambda table, **options: import_coverage(
            db.session, table, now=utcnow(), today=office_today(), actor="command", **options
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
        _fail(_("Give the month as YYYY-MM, for example 2026-12."))
    extension = file_format or ("xlsx" if output.suffix.lower() == ".xlsx" else "csv")
    if not output.parent.is_dir():
        _fail(_("Folder %(path)s does not exist.", path=str(output.parent)))
    body, count = visit_file(db.session, month, extension, now=utcnow(), actor="command")
    partial = output.with_name(f".{output.name}.partial")
    try:
        partial.write_bytes(body)
        os.replace(partial, output)
    except OSError as error:
        partial.unlink(missing_ok=True)
        db.session.rollback()
        _fail(_("Could not write %(path)s: %(reason)s", path=str(output), reason=error.strerror))
    db.session.commit()
    click.echo(
        _(
            "%(count)d visits of %(month)s written to %(path)s.",
            count=count,
            month=f"{month:%Y-%m}",
            path=str(output),
        )
    )


def _plan_or_preview(dry_run: bool, preview, plan, **options):
    """The plan's preview on a dry run; otherwise the plan written, committed, and its preview."""
    if dry_run:
        return preview(db.session, **options)
    try:
        _run, result = plan(
            db.session, now=utcnow(), trigger=PlanTrigger.COMMAND, actor="command", **options
        )
    except DomainError as error:
        db.session.rollback()
        _fail(str(error.message))
    db.session.commit()
    return result


def _print_left_out(entries) -> None:
    for row, reason in entries:
        click.echo(f"  {row.npsn} {row.name}: {PLAN_REASON_LABELS.get(reason, reason)}")


@outreach_cli.command("plan-schools")
@click.option("--month", "month_text", required=True, metavar="YYYY-MM")
@_DRY_RUN
def plan_schools_command(month_text: str, dry_run: bool) -> None:
    """Plan the month's school visits (idempotent): prints created, skipped and unplaced."""
    try:
        month = parse_month(month_text)
    except ValueError:
        _fail(_("Give the month as YYYY-MM, for example 2026-12."))
    settings = PlanSettings.from_config(current_app.config)
    today = office_today()
    preview = _plan_or_preview(
        dry_run, preview_school_plan, plan_schools, month=month, today=today, settings=settings
    )
    created = len(preview.plan.placements)
    skipped = preview.left_out("skipped")
    unplaced = preview.left_out("unplaced")
    click.echo(
        _(
            "School plan %(month)s: %(created)d visits created, %(already)d schools already "
            "planned, %(skipped)d skipped, %(unplaced)d unplaced.",
            month=month.strftime("%Y-%m"),
            created=0 if dry_run else created,
            already=preview.already_planned,
            skipped=len(skipped),
            unplaced=len(unplaced),
        )
    )
    if dry_run:
        click.echo(_("Dry run: %(n)d visits would be created.", n=created))
    if skipped:
        click.echo(_("Skipped:"))
        _print_left_out(skipped)
    if unplaced:
        click.echo(_("Unplaced:"))
        _print_left_out(unplaced)


@outreach_cli.command("plan-home-visits")
@click.option("--start", "start_text", required=True, metavar="YYYY-MM-DD")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=14, show_default=True)
@_DRY_RUN
def plan_home_visits_command(start_text: str, days: int, dry_run: bool) -> None:
    """Plan home visits for waiting residents over DAYS days from START."""
    try:
        start = date.fromisoformat(start_text.strip())
    except ValueError:
        _fail(_("Give the start date as YYYY-MM-DD, for example 2026-12-07."))
    settings = PlanSettings.from_config(current_app.config)
    today = office_today()
    preview = _plan_or_preview(
        dry_run,
        preview_home_visits,
        plan_home,
        start=start,
        days=days,
        today=today,
        settings=settings,
    )
    created = len(preview.plan.new_stops)
    click.echo(
        _(
            "Home visits %(first)s to %(last)s: %(created)d visits created, %(waiting)d "
            "residents still waiting.",
            first=start.isoformat(),
            last=(start + timedelta(days=days - 1)).isoformat(),
            created=0 if dry_run else created,
            waiting=len(preview.plan.unplaced),
        )
    )
    if dry_run:
        click.echo(_("Dry run: %(n)d visits would be created.", n=created))
    for reason, count in sorted(preview.unplaced_by_reason.items()):
        click.echo(f"  {PLAN_REASON_LABELS.get(reason, reason)}: {count}")


@outreach_cli.command("demo-data")
def demo_data_command() -> None:
    """Load a realistic demo data set (idempotent) and print the demo logins."""
    result = load_demo_data(
        db.session,
        now=utcnow(),
        settings=PlanSettings.from_config(current_app.config),
        plan_day=current_app.config["OUTREACH_PLAN_DAY"],
    )
    db.session.commit()
    click.echo(f"Demo data: {len(result.created)} records added.")
    click.echo("Demo logins (username / password / role):")
    for username, password, role in result.logins:
        click.echo(f"  {username:<16} {password:<16} {role.value}")


@outreach_cli.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduled jobs in the foreground (one such process beside the web workers)."""
    from outreach.scheduler import JOB_TABLE, build_scheduler, claim_scheduler_lock

    if not claim_scheduler_lock(current_app):
        _fail("another scheduler is already running on this machine")
    scheduler = build_scheduler(current_app, blocking=True)
    click.echo("Scheduler running; press Ctrl+C to stop.")
    at_start = {spec.id for spec in JOB_TABLE if spec.at_start}
    for job in scheduler.get_jobs():
        click.echo(f"  {job.id}: {'once, now' if job.id in at_start else job.trigger}")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")

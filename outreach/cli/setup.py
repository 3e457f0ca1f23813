"""Setting up and running: the database, users, teams, demo data, the scheduler, backups."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _
from flask_migrate import upgrade

from outreach.cli.common import attempt, fail, outreach_cli
from outreach.demo.data import load_demo_data
from outreach.domain.problems import Invalid
from outreach.domain.values import parse_coordinates
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import COMMAND_ACTOR, Role, School, utcnow
from outreach.private_files import private_umask
from outreach.services.planning.inputs import PlanSettings
from outreach.services.reference import load_closures, load_regions
from outreach.services.teams import create_team, get_team_by_name
from outreach.services.users import create_user


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
            fail(f"no team named {team_name!r}")
    if npsn:
        school = db.session.scalar(db.select(School).where(School.npsn == npsn.strip()))
        if school is None:
            fail(f"no school with NPSN {npsn!r}")
    password = _read_password()
    user = attempt(
        lambda: create_user(
            db.session,
            now=utcnow(),
            actor=COMMAND_ACTOR,
            username=username,
            name=name or username,
            role=Role(role),
            password=password,
            team=team,
            school=school,
            email=email,
        )
    )
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
            fail(_(error.message, **error.params))
    team = attempt(
        lambda: create_team(
            db.session,
            now=utcnow(),
            actor=COMMAND_ACTOR,
            name=name,
            school_visits_per_day=school_visits_per_day,
            home_visits_per_day=home_visits_per_day,
            kecamatan_codes=kecamatan_codes,
            start_lat=start[0],
            start_lng=start[1],
        )
    )
    db.session.commit()
    codes = ", ".join(k.code for k in team.kecamatan) or "none"
    click.echo(f"Created team {team.name} (kecamatan: {codes}).")


@outreach_cli.command("demo-data")
def demo_data_command() -> None:
    """Load a realistic demo data set (idempotent) and print the demo logins."""
    result = load_demo_data(
        db.session,
        now=utcnow(),
        secret=current_app.config["SECRET_KEY"],
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
    from outreach.scheduler import (
        JOB_TABLE,
        build_scheduler,
        claim_database_lock,
        claim_scheduler_lock,
        lock_holder,
    )

    if not claim_scheduler_lock(current_app):
        fail(
            _(
                "Another scheduler is already running on this machine (process %(pid)s): "
                "one runs the jobs; this one stops.",
                pid=lock_holder(current_app) or "?",
            )
        )
    if not claim_database_lock(current_app):
        fail(
            _(
                "Another scheduler already runs the jobs of this database (on another "
                "machine): this one stops."
            )
        )
    scheduler = build_scheduler(current_app, blocking=True)
    click.echo("Scheduler running; press Ctrl+C to stop.")
    at_start = {spec.id for spec in JOB_TABLE if spec.at_start}
    for job in scheduler.get_jobs():
        click.echo(f"  {job.id}: {'once, now' if job.id in at_start else job.trigger}")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@outreach_cli.command("backup")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def backup_command(path: Path, force: bool) -> None:
    """Write a consistent copy of the database to FILE while the app keeps running (SQLite:
    online backup; PostgreSQL: pg_dump's custom format, restored with pg_restore)."""
    from outreach.backup import BackupError, backup_database

    db.session.remove()  # no transaction of ours open while the copy is taken
    try:
        with private_umask():  # whatever SQLite or pg_dump creates on the way is private too
            made = backup_database(db.engine, path, overwrite=force)
    except BackupError as error:
        fail(str(error.message))
    click.echo(
        _(
            "Backup written to %(path)s (%(size)s bytes): %(tables)d tables, %(rows)d rows.",
            path=str(made.path),
            size=f"{made.size:,}".replace(",", "."),
            tables=len(made.rows),
            rows=sum(made.rows.values()),
        )
    )

"""The monthly school plan and the home-visit plan, from the command line."""

from __future__ import annotations

from datetime import date, timedelta

import click
from flask import current_app
from flask_babel import gettext as _

from outreach.cli.common import DRY_RUN, attempt, fail, outreach_cli
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.labels import PLAN_REASON_LABELS
from outreach.models import COMMAND_ACTOR, PlanTrigger, utcnow
from outreach.scheduling.calendar import parse_month
from outreach.services.planning.homes import MAX_DAYS, plan_home, preview_home_visits
from outreach.services.planning.inputs import PlanSettings
from outreach.services.planning.schools import plan_schools, preview_school_plan


def _plan_or_preview(dry_run: bool, preview, plan, **options):
    """The plan's preview on a dry run; otherwise the plan written, committed, and its preview."""
    if dry_run:
        return attempt(lambda: preview(db.session, **options))
    _run, result = attempt(
        lambda: plan(
            db.session, now=utcnow(), trigger=PlanTrigger.COMMAND, actor=COMMAND_ACTOR, **options
        )
    )
    db.session.commit()
    return result


def _print_left_out(entries) -> None:
    for row, reason in entries:
        click.echo(f"  {row.npsn} {row.name}: {PLAN_REASON_LABELS.get(reason, reason)}")


@outreach_cli.command("plan-schools")
@click.option("--month", "month_text", required=True, metavar="YYYY-MM")
@DRY_RUN
def plan_schools_command(month_text: str, dry_run: bool) -> None:
    """Plan the month's school visits (idempotent): prints created, skipped and unplaced."""
    try:
        month = parse_month(month_text)
    except ValueError:
        fail(_("Give the month as YYYY-MM, for example 2026-12."))
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
@DRY_RUN
def plan_home_visits_command(start_text: str, days: int, dry_run: bool) -> None:
    """Plan home visits for waiting residents over DAYS days from START."""
    try:
        start = date.fromisoformat(start_text.strip())
    except ValueError:
        fail(_("Give the start date as YYYY-MM-DD, for example 2026-12-07."))
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

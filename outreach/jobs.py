"""APScheduler entry points: module-level and tiny. Each opens an app context, calls services,
commits once, and leaves a JobRun saying when it ran and what it did (or why it failed)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from flask import Flask, current_app
from flask_babel import gettext as _

from outreach.errors import Conflict
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.links import public_url
from outreach.models import SCHEDULER_ACTOR, JobRun, PlanTrigger, utcnow
from outreach.scheduling.calendar import next_month
from outreach.services.mail import mail_configured, send_mail
from outreach.services.planning.homes import plan_home
from outreach.services.planning.inputs import PlanSettings
from outreach.services.planning.schools import plan_schools, school_plans_missing
from outreach.services.reference import load_closures
from outreach.services.uploads import purge_stale_uploads
from outreach.services.visits.changes import Who
from outreach.services.visits.links import issue_link, link_token
from outreach.services.visits.sweeps import flag_outcomes_due, flag_unconfirmed

log = logging.getLogger(__name__)

HOME_PLAN_DAYS = 14


def _recorded(app: Flask, job_id: str, work: Callable[[], str]) -> None:
    """Run ``work`` in an app context and one transaction; record the run either way."""
    with app.app_context():
        started = utcnow()
        try:
            summary = work()
            succeeded = True
            db.session.commit()
        except Conflict as error:  # another scheduler or a coordinator got there first
            db.session.rollback()
            summary, succeeded = str(error.message), True
        except Exception as error:  # noqa: BLE001 - recorded for the admin, then logged
            db.session.rollback()
            summary, succeeded = f"{type(error).__name__}: {error}", False
            log.exception("job %s failed", job_id)
        db.session.add(
            JobRun(
                job_id=job_id,
                started_at=started,
                finished_at=utcnow(),
                succeeded=succeeded,
                summary=summary[:2000],
            )
        )
        db.session.commit()
        log.info("job %s: %s", job_id, summary)


def _settings() -> PlanSettings:
    return PlanSettings.from_config(current_app.config)


def _plan_month(month, trigger=PlanTrigger.SCHEDULER) -> str:
    run, _preview = plan_schools(
        db.session,
        month=month,
        now=utcnow(),
        today=office_today(),
        settings=_settings(),
        trigger=trigger,
        actor=SCHEDULER_ACTOR,
    )
    return _(
        "school plan %(month)s: %(created)d created, %(skipped)d skipped, %(unplaced)d unplaced",
        month=f"{month:%Y-%m}",
        created=run.created_count,
        skipped=run.skipped_count,
        unplaced=run.unplaced_count,
    )


def ensure_office_calendar(app: Flask) -> None:
    """Make sure this year's and next year's national closures are loaded (e.g. on 1 January)."""

    def work() -> str:
        today = office_today()
        result = load_closures(db.session, [today.year, today.year + 1])
        return _("%(n)d closures added", n=result.added)

    _recorded(app, "ensure_office_calendar", work)


def purge_uploads(app: Flask) -> None:
    """Forget import files left unconfirmed for a day (they may hold personal data)."""

    def work() -> str:
        purged = purge_stale_uploads(db.session, now=utcnow())
        return _("%(n)d unconfirmed import files deleted", n=purged)

    _recorded(app, "purge_uploads", work)


def plan_next_month(app: Flask) -> None:
    """The monthly school plan for next month (on the plan day)."""
    _recorded(app, "plan_next_month", lambda: _plan_month(next_month(office_today())))


def catch_up(app: Flask) -> None:
    """On start: run the monthly plans that should exist but do not (the machine was off)."""

    def work() -> str:
        today = office_today()
        load_closures(db.session, [today.year, today.year + 1])
        config = current_app.config
        missing = school_plans_missing(
            db.session, today, config["OUTREACH_PLAN_DAY"], config["OUTREACH_LEAD_DAYS"]
        )
        if not missing:
            return _("nothing to catch up")
        return "; ".join(_plan_month(month) for month in missing)

    _recorded(app, "catch_up", work)


def sweep_unconfirmed(app: Flask) -> None:
    """Flag visits within three days still unconfirmed; remind liaisons once by mail."""

    def work() -> str:
        config = current_app.config
        send = partial(send_mail, config) if mail_configured(config) else None
        now = utcnow()
        result = flag_unconfirmed(
            db.session, now=now, today=office_today(), send=send, link_for=_link_maker(now)
        )
        return _(
            "%(flagged)d visits flagged, %(reminded)d reminders sent, %(failed)d reminders failed",
            flagged=result.flagged,
            reminded=result.reminded,
            failed=result.failed,
        )

    _recorded(app, "sweep_unconfirmed", work)


def _link_maker(now):
    """Reminders carry the liaison's link when the app's public address is known (a job has
    no request to take it from): the visit's current link, or a new one."""
    if not current_app.config["OUTREACH_BASE_URL"]:
        return None
    secret = current_app.config["SECRET_KEY"]

    def make(visit) -> str:
        token = link_token(visit, secret) or issue_link(
            db.session,
            visit,
            now=now,
            today=office_today(),
            who=Who(SCHEDULER_ACTOR),
            secret=secret,
        )
        return public_url("liaison.respond", token=token)

    return make


def sweep_outcomes(app: Flask) -> None:
    """Mark visits whose day has passed without an outcome as needing one."""

    def work() -> str:
        marked = flag_outcomes_due(db.session, now=utcnow(), today=office_today())
        return _("%(n)d visits need an outcome", n=marked)

    _recorded(app, "sweep_outcomes", work)


def plan_home_visits(app: Flask) -> None:
    """Every Monday: home visits for the next two weeks."""

    def work() -> str:
        today = office_today()
        run, _preview = plan_home(
            db.session,
            start=today,  # today itself is never planned: from tomorrow on
            days=HOME_PLAN_DAYS,
            now=utcnow(),
            today=today,
            settings=_settings(),
            trigger=PlanTrigger.SCHEDULER,
            actor=SCHEDULER_ACTOR,
        )
        return _(
            "home visits: %(created)d created, %(waiting)d still waiting",
            created=run.created_count,
            waiting=run.unplaced_count,
        )

    _recorded(app, "plan_home_visits", work)

"""The scheduler's job table. Building it starts nothing; starting is the caller's choice."""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from flask import Flask
from sqlalchemy import text

from outreach import jobs
from outreach.extensions import db

log = logging.getLogger(__name__)

# A job that could not run on time (the machine was asleep) still runs within this window.
MISFIRE_GRACE_SECONDS = 6 * 3600
# Given to every job explicitly: a missed run is run once (not once per missed slot), never two
# copies at a time.
JOB_OPTIONS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS}

_lock_handle = None  # kept open for the life of the process that owns the scheduler


@dataclass(frozen=True)
class JobSpec:
    id: str
    function: Callable[[Flask], None]
    name: str
    trigger: Callable[[dict, str], BaseTrigger]  # (config, timezone) → trigger
    at_start: bool = False  # also run once as soon as the scheduler starts


JOB_TABLE = (
    JobSpec(
        "ensure_office_calendar",
        jobs.ensure_office_calendar,
        "Load national holidays and cuti bersama for this year and next",
        lambda config, tz: CronTrigger(hour=5, minute=0, timezone=tz),
    ),
    JobSpec(
        "plan_next_month",
        jobs.plan_next_month,
        "Monthly school plan for next month",
        lambda config, tz: CronTrigger(
            day=config["OUTREACH_PLAN_DAY"], hour=6, minute=0, timezone=tz
        ),
    ),
    JobSpec(
        "plan_home_visits",
        jobs.plan_home_visits,
        "Home visits for the next two weeks",
        lambda config, tz: CronTrigger(day_of_week="mon", hour=6, minute=0, timezone=tz),
    ),
    JobSpec(
        "sweep_unconfirmed",
        jobs.sweep_unconfirmed,
        "Flag visits within 3 days still unconfirmed; remind liaisons",
        lambda config, tz: CronTrigger(hour=7, minute=0, timezone=tz),
    ),
    JobSpec(
        "sweep_outcomes",
        jobs.sweep_outcomes,
        "Mark past visits without an outcome",
        lambda config, tz: CronTrigger(hour=7, minute=10, timezone=tz),
    ),
    JobSpec(
        "purge_uploads",
        jobs.purge_uploads,
        "Delete import files left unconfirmed for a day",
        lambda config, tz: CronTrigger(minute=17, timezone=tz),
    ),
    JobSpec(
        "catch_up",
        jobs.catch_up,
        "On start: run a monthly plan missed while the scheduler was down",
        # Fires only at start (next_run_time); its trigger never fires again by itself.
        lambda config, tz: DateTrigger(run_date=datetime(2000, 1, 1, tzinfo=ZoneInfo(tz))),
        at_start=True,
    ),
)


def build_scheduler(
    app: Flask, *, blocking: bool = False, now: datetime | None = None
) -> BaseScheduler:
    """A scheduler holding every job of the app, in the office's time zone, not started.

    Jobs marked ``at_start`` are due at ``now`` (default: the moment of building), so they run
    as soon as the scheduler starts.
    """
    # Jobs run in the scheduler's threads, where ``current_app`` means nothing: keep the app.
    app = app._get_current_object() if hasattr(app, "_get_current_object") else app
    timezone = app.config["OUTREACH_TIMEZONE"]
    now = now or datetime.now(ZoneInfo(timezone))
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = scheduler_class(timezone=timezone, job_defaults=JOB_OPTIONS)
    for spec in JOB_TABLE:
        extra = {"next_run_time": now} if spec.at_start else {}
        scheduler.add_job(
            spec.function,
            spec.trigger(app.config, timezone),
            id=spec.id,
            name=spec.name,
            kwargs={"app": app},
            replace_existing=True,
            **JOB_OPTIONS,
            **extra,
        )
    return scheduler


def next_runs(app: Flask, now: datetime) -> list[tuple[JobSpec, datetime | None]]:
    """Each job with its next run time after ``now``, without a scheduler (for the admin page)."""
    timezone = app.config["OUTREACH_TIMEZONE"]
    return [
        (
            spec,
            None
            if spec.at_start
            else spec.trigger(app.config, timezone).get_next_fire_time(None, now),
        )
        for spec in JOB_TABLE
    ]


def claim_scheduler_lock(app: Flask) -> bool:
    """True for the one process on this machine allowed to run the scheduler.

    A reloader parent and its child, or several workers, all call this; the first to take the
    lock file keeps it until it exits.
    """
    global _lock_handle
    if _lock_handle is not None:
        return False
    path = Path(app.instance_path) / "scheduler.lock"
    handle = open(path, "a+")  # noqa: SIM115 - held open on purpose
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return False
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    _lock_handle = handle
    return True


def lock_holder(app: Flask) -> str:
    """The process id written in the lock file by the scheduler that holds it ("" if none)."""
    try:
        return (Path(app.instance_path) / "scheduler.lock").read_text().strip()
    except OSError:
        return ""


# "JBSC": the PostgreSQL advisory lock of the one scheduler of a database.
DATABASE_LOCK_KEY = 0x4A425343
_database_lock = None  # the connection holding it, open for the life of the process


def claim_database_lock(app: Flask) -> bool:
    """True for the one scheduler of this database. On PostgreSQL several machines may share
    the database, so the lock file is not enough: a session-level advisory lock, held by a
    connection kept open until the process exits, decides. A SQLite database lives on one
    machine, where the lock file has already decided."""
    global _database_lock
    if "sqlalchemy" not in app.extensions:
        return True  # an app without a database has none to share
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "postgresql":
            return True
        if _database_lock is not None:
            return False
        connection = engine.connect()
        claimed = connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": DATABASE_LOCK_KEY}
        ).scalar()
        connection.commit()  # the lock is the session's: it outlives this transaction
        if not claimed:
            connection.close()
            return False
        _database_lock = connection
        return True


def is_web_process() -> bool:
    """False inside a ``flask`` command other than ``run`` (init, demo-data, scheduler, …).

    OUTREACH_SCHEDULER=background is meant for the web server; a one-off command run with the
    same environment must not start jobs beside it.
    """
    context = click.get_current_context(silent=True)
    return context is None or context.info_name == "run"


def start_in_background(app: Flask) -> BaseScheduler | None:
    """Run the jobs inside this web process, unless another process already runs them."""
    if not is_web_process():
        return None
    if not claim_scheduler_lock(app):
        log.info("scheduler not started here: another process runs it")
        return None
    if not claim_database_lock(app):
        log.info("scheduler not started here: another machine runs it for this database")
        return None
    scheduler = build_scheduler(app)
    scheduler.start()
    atexit.register(lambda: scheduler.shutdown(wait=False))
    log.info("scheduler started in the background (pid %d)", os.getpid())
    return scheduler

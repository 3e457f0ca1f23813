"""The scheduler's job table. Building it starts nothing; starting is the caller's choice."""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from outreach import jobs

log = logging.getLogger(__name__)

# A job that could not run on time (the machine was asleep) still runs within this window.
MISFIRE_GRACE_SECONDS = 6 * 3600
# Given to every job explicitly: a missed run is run once (not once per missed slot), never two
# copies at a time.
JOB_OPTIONS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS}

_lock_handle = None  # kept open for the life of the process that owns the scheduler


def build_scheduler(app: Flask, *, blocking: bool = False) -> BaseScheduler:
    """A scheduler holding every job of the app, in the office's time zone, not started."""
    timezone = app.config["OUTREACH_TIMEZONE"]
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = scheduler_class(timezone=timezone, job_defaults=JOB_OPTIONS)
    scheduler.add_job(
        jobs.ensure_office_calendar,
        CronTrigger(hour=5, minute=0, timezone=timezone),
        id="ensure_office_calendar",
        name="Load national holidays and cuti bersama for this year and next",
        kwargs={"app": app},
        replace_existing=True,
        **JOB_OPTIONS,
        # Also once at start: a server switched on in January gets the new year at once.
        next_run_time=datetime.now(ZoneInfo(timezone)),
    )
    scheduler.add_job(
        jobs.purge_uploads,
        CronTrigger(minute=17, timezone=timezone),
        id="purge_uploads",
        name="Delete import files left unconfirmed for a day",
        kwargs={"app": app},
        replace_existing=True,
        **JOB_OPTIONS,
    )
    return scheduler


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
    scheduler = build_scheduler(app)
    scheduler.start()
    atexit.register(lambda: scheduler.shutdown(wait=False))
    log.info("scheduler started in the background (pid %d)", os.getpid())
    return scheduler

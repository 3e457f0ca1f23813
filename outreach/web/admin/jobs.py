"""The scheduler's jobs for admins: what runs when, and what each recent run did."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import JobRun
from outreach.web.admin.views import bp

RECENT = 50


@bp.route("/jobs")
def jobs():
    """Each job with its next run, its last run, and the recent runs with their results."""
    from outreach.scheduler import next_runs  # APScheduler is loaded only where it is used

    now = datetime.now(ZoneInfo(current_app.config["OUTREACH_TIMEZONE"]))
    recent = list(
        db.session.scalars(
            select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(RECENT)
        )
    )
    last = {}
    for run in recent:
        last.setdefault(run.job_id, run)
    return render_template(
        "admin/jobs.html",
        table=next_runs(current_app, now),
        last=last,
        recent=recent,
        mode=current_app.config["OUTREACH_SCHEDULER"],
    )

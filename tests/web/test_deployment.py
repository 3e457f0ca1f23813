"""The production set-up of docs/DEPLOY.md, run for real: gunicorn with two workers from
docs/deploy/gunicorn.conf.py and one scheduler process, on the test database (PostgreSQL in CI).
A coordinator plans a month through the web; exactly one scheduler runs the jobs."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import urllib.parse

from sqlalchemy import func, select

from outreach import PROJECT_ROOT
from outreach.extensions import db
from outreach.models import JobRun, PlanKind, PlanRun, PlanTrigger, Role
from outreach.scheduling.calendar import next_month
from tests.bench.load import Client, _free_port, _wait_for
from tests.conftest import PASSWORD
from tests.web.processes import SCHOOLS, environment, planned, start

BIN = f"{sys.prefix}/bin"


def stop(processes) -> None:
    for process, sig in processes:
        if process.poll() is None:
            process.send_signal(sig)
    for process, _sig in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_gunicorn_and_one_scheduler_serve_and_plan_as_docs_deploy_says(
    database_url, schools_to_plan, make_user, tmp_path
):
    coordinator = make_user(Role.COORDINATOR)
    month = next_month(schools_to_plan)  # beyond what the scheduler may catch up on by itself
    port = _free_port()
    # The environment asks for the scheduler inside the web process: the gunicorn config
    # must refuse it, so that the scheduler process is the only one.
    env = environment(
        database_url,
        tmp_path,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        OUTREACH_SCHEDULER="background",
        SESSION_COOKIE_SECURE="false",  # plain HTTP on 127.0.0.1 here; nginx does TLS
    )
    web_log, scheduler_log = tmp_path / "gunicorn.log", tmp_path / "scheduler.log"
    web = start([f"{BIN}/gunicorn", "-c", "docs/deploy/gunicorn.conf.py", "wsgi:app"], env, web_log)
    scheduler = start(
        [f"{BIN}/flask", "--app", "wsgi", "outreach", "scheduler"],
        {**env, "OUTREACH_SCHEDULER": "off"},
        scheduler_log,
    )
    try:
        _wait_for(port, web)
        user = Client(port, coordinator.username, PASSWORD)
        page = user.get("/plan")
        assert page.status == 200
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.body).group(1)
        answer = user.request(
            "POST",
            "/plan",
            urllib.parse.urlencode({"csrf_token": token.decode(), "month": f"{month:%Y-%m}"}),
        )
        assert answer.status == 302, answer.body[:500]
        assert planned(month) == (SCHOOLS, SCHOOLS, 1)
        db.session.remove()
        run = db.session.scalar(
            select(PlanRun).where(PlanRun.kind == PlanKind.SCHOOL_MONTH, PlanRun.month == month)
        )
        assert run.trigger is PlanTrigger.USER and run.triggered_by_id == coordinator.id

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not catch_ups():
            time.sleep(0.3)
        time.sleep(2)  # had a worker started a scheduler too, its run would show by now
        assert catch_ups() == 1
        assert scheduler.poll() is None  # still running, waiting for its next job
        health = user.get("/healthz")
        assert health.status == 200
    finally:
        stop([(web, signal.SIGTERM), (scheduler, signal.SIGINT)])
    web_says, scheduler_says = web_log.read_text(), scheduler_log.read_text()
    assert "OUTREACH_SCHEDULER=background ignored" in web_says, web_says[-2000:]
    assert "scheduler started in the background" not in web_says
    assert web_says.count("Booting worker") >= 2, web_says[-2000:]
    assert "Scheduler running" in scheduler_says, scheduler_says[-2000:]
    assert "Traceback" not in web_says + scheduler_says, (web_says + scheduler_says)[-3000:]


def catch_ups() -> int:
    db.session.remove()
    return db.session.scalar(select(func.count()).where(JobRun.job_id == "catch_up"))


def test_the_systemd_units_create_private_files():
    """UMask=0077 in each unit's [Service]: whatever the processes create (the SQLite files, a
    backup, an export, the scheduler's lock) is readable by the jemputbola user only."""
    for unit in ("jemput-bola-web.service", "jemput-bola-scheduler.service"):
        text = (PROJECT_ROOT / "docs" / "deploy" / unit).read_text()
        service = text.split("[Service]", 1)[1].split("\n[", 1)[0]
        assert "\nUMask=0077\n" in service, unit

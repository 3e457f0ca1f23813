"""The job table: built without starting, in the office's time zone, one scheduler per machine."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from outreach import scheduler as scheduler_module
from outreach.scheduler import build_scheduler, claim_scheduler_lock, next_runs

WIB = ZoneInfo("Asia/Jakarta")


def make_app(tmp_path, **config) -> Flask:
    app = Flask("t", instance_path=str(tmp_path))
    app.config.update(OUTREACH_TIMEZONE="Asia/Jakarta", OUTREACH_PLAN_DAY=20)
    app.config.update(config)
    return app


def test_build_scheduler_starts_nothing_and_names_every_job(tmp_path):
    scheduler = build_scheduler(make_app(tmp_path))
    assert not scheduler.running
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {
        "ensure_office_calendar",
        "plan_next_month",
        "plan_home_visits",
        "sweep_unconfirmed",
        "sweep_outcomes",
        "purge_uploads",
        "catch_up",
    }
    for job in jobs.values():
        assert job.coalesce is True and job.max_instances == 1
        assert job.misfire_grace_time >= 3600
        if isinstance(job.trigger, CronTrigger):
            assert str(job.trigger.timezone) == "Asia/Jakarta"


NOW = datetime(2026, 11, 27, 23, 0, tzinfo=WIB)  # a Friday evening


@pytest.mark.parametrize(
    ("job_id", "config", "expected"),
    [
        ("plan_next_month", {}, datetime(2026, 12, 20, 6, 0, tzinfo=WIB)),
        ("plan_next_month", {"OUTREACH_PLAN_DAY": 25}, datetime(2026, 12, 25, 6, 0, tzinfo=WIB)),
        ("plan_home_visits", {}, datetime(2026, 11, 30, 6, 0, tzinfo=WIB)),  # Monday
        ("sweep_unconfirmed", {}, datetime(2026, 11, 28, 7, 0, tzinfo=WIB)),
        ("sweep_outcomes", {}, datetime(2026, 11, 28, 7, 10, tzinfo=WIB)),
        ("purge_uploads", {}, datetime(2026, 11, 27, 23, 17, tzinfo=WIB)),
    ],
)
def test_each_job_next_runs_at_its_time_in_wib(tmp_path, job_id, config, expected):
    job = build_scheduler(make_app(tmp_path, **config), now=NOW).get_job(job_id)
    assert job.trigger.get_next_fire_time(None, NOW) == expected


def test_jobs_hold_the_app_itself_not_the_current_app_proxy(tmp_path):
    """The ``scheduler`` command builds from ``current_app``; its jobs run in other threads."""
    from flask import current_app

    app = make_app(tmp_path)
    with app.app_context():
        scheduler = build_scheduler(current_app, now=NOW)
    for job in scheduler.get_jobs():
        assert job.kwargs["app"] is app


def test_the_catch_up_runs_at_start_and_never_again(tmp_path):
    job = build_scheduler(make_app(tmp_path), now=NOW).get_job("catch_up")
    assert job.next_run_time == NOW
    assert job.trigger.get_next_fire_time(NOW, NOW) is None


def test_the_admin_page_list_of_next_runs_matches_the_scheduler(tmp_path):
    app = make_app(tmp_path)
    runs = dict((spec.id, when) for spec, when in next_runs(app, NOW))
    assert runs["plan_next_month"] == datetime(2026, 12, 20, 6, 0, tzinfo=WIB)
    assert runs["catch_up"] is None


def test_the_calendar_job_runs_at_five_in_the_morning_wib(tmp_path):
    job = build_scheduler(make_app(tmp_path)).get_job("ensure_office_calendar")
    wib = ZoneInfo("Asia/Jakarta")
    now = datetime(2026, 12, 31, 23, 0, tzinfo=wib)
    assert job.trigger.get_next_fire_time(None, now) == datetime(2027, 1, 1, 5, 0, tzinfo=wib)


def test_only_one_process_claims_the_scheduler(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    monkeypatch.setattr(scheduler_module, "_lock_handle", None)
    assert claim_scheduler_lock(app) is True
    assert claim_scheduler_lock(app) is False  # the same process asks again
    held = scheduler_module._lock_handle
    # Another process (simulated by a fresh handle) cannot take the lock either.
    import fcntl

    with open(tmp_path / "scheduler.lock", "a+") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            taken = True
        except OSError:
            taken = False
    assert taken is False
    held.close()
    monkeypatch.setattr(scheduler_module, "_lock_handle", None)


def test_flask_commands_other_than_run_never_start_the_background_scheduler():
    import click

    from outreach.scheduler import is_web_process

    assert is_web_process() is True  # gunicorn or wsgi import: no click command around
    for name, expected in (("run", True), ("init", False), ("scheduler", False)):
        with click.Context(click.Command(name), info_name=name):
            assert is_web_process() is expected, name


CHILD = """
import sys
from flask import Flask
from outreach.scheduler import claim_scheduler_lock
app = Flask("child", instance_path=sys.argv[1])
print("claimed" if claim_scheduler_lock(app) else "refused")
"""


def test_a_child_process_cannot_start_a_second_scheduler(tmp_path, monkeypatch):
    """The reloader's child or a second worker: the lock file is held by the first process."""
    import subprocess
    import sys

    monkeypatch.setattr(scheduler_module, "_lock_handle", None)
    assert claim_scheduler_lock(make_app(tmp_path)) is True
    try:
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True, text=True, timeout=60
        )
        assert child.stdout.strip() == "refused", child.stderr
    finally:
        scheduler_module._lock_handle.close()
        monkeypatch.setattr(scheduler_module, "_lock_handle", None)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert child.stdout.strip() == "claimed", child.stderr


def test_the_background_scheduler_starts_once_per_process(tmp_path, monkeypatch):
    started = []

    class FakeScheduler:
        def start(self):
            started.append(self)

        def shutdown(self, wait=False):
            pass

    monkeypatch.setattr(scheduler_module, "_lock_handle", None)
    monkeypatch.setattr(scheduler_module, "build_scheduler", lambda app: FakeScheduler())
    monkeypatch.setattr(scheduler_module.atexit, "register", lambda function: None)
    app = make_app(tmp_path)
    try:
        assert scheduler_module.start_in_background(app) is not None
        assert scheduler_module.start_in_background(app) is None
        assert len(started) == 1
    finally:
        scheduler_module._lock_handle.close()
        monkeypatch.setattr(scheduler_module, "_lock_handle", None)

"""The job table: built without starting, in the office's time zone, one scheduler per machine."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask

from outreach import scheduler as scheduler_module
from outreach.scheduler import build_scheduler, claim_scheduler_lock


def make_app(tmp_path) -> Flask:
    app = Flask("t", instance_path=str(tmp_path))
    app.config["OUTREACH_TIMEZONE"] = "Asia/Jakarta"
    return app


def test_build_scheduler_starts_nothing_and_names_every_job(tmp_path):
    scheduler = build_scheduler(make_app(tmp_path))
    assert not scheduler.running
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"ensure_office_calendar", "purge_uploads"}
    for job in jobs.values():
        assert job.coalesce is True and job.max_instances == 1
        assert job.misfire_grace_time >= 3600


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

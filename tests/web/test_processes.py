"""Faults of whole processes: a plan run killed half-way, two schedulers started at once.
Each runs the real commands in processes of their own, on the test database."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import JobRun
from tests.web.processes import ROOT, SCHOOLS, environment, planned, start

# The plan command, stopped for good just after its first INSERT of visits: the process is then
# killed while its transaction holds written but uncommitted rows.
PAUSED_PLAN = textwrap.dedent(
    """
    import os, sys, time
    from sqlalchemy import event
    from wsgi import app
    from outreach.extensions import db

    with app.app_context():
        @event.listens_for(db.engine, "after_cursor_execute")
        def pause(connection, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("INSERT INTO VISITS"):
                os.write(1, b"WRITING\\n")  # past the command runner's captured output
                time.sleep(300)

    result = app.test_cli_runner().invoke(args=["outreach", "plan-schools", "--month", sys.argv[1]])
    print(result.output, flush=True)
    """
)


def test_a_plan_killed_half_way_leaves_no_partial_month_and_the_next_run_completes_it(
    database_url, schools_to_plan, tmp_path, runner
):
    month = schools_to_plan
    env = environment(database_url, tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSED_PLAN, f"{month:%Y-%m}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        seen = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            seen.append(line)
            if line.strip() == "WRITING" or (not line and process.poll() is not None):
                break
        assert seen and seen[-1].strip() == "WRITING", "".join(seen)
        process.send_signal(signal.SIGKILL)  # half-way: visits written, nothing committed
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()

    assert planned(month) == (0, 0, 0)  # no partial month, not even the run's record

    again = runner.invoke(args=["outreach", "plan-schools", "--month", f"{month:%Y-%m}"])
    assert again.exit_code == 0, again.output
    assert planned(month) == (SCHOOLS, SCHOOLS, 1)


def start_scheduler(database_url: str, instance: Path, log: Path) -> subprocess.Popen:
    return start(
        [sys.executable, "-m", "flask", "--app", "wsgi", "outreach", "scheduler"],
        environment(database_url, instance, OUTREACH_PLAN_DAY="1", OUTREACH_LEAD_DAYS="0"),
        log,
    )


def wait_for_catch_up(processes, timeout: float = 60) -> int:
    """How many catch-up runs were recorded, once one is (or the processes stopped)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.remove()
        runs = db.session.scalar(select(func.count()).where(JobRun.job_id == "catch_up"))
        if runs:
            time.sleep(1.5)  # room for a second one to appear, if there were two schedulers
            db.session.remove()
            return db.session.scalar(select(func.count()).where(JobRun.job_id == "catch_up"))
        if all(process.poll() is not None for process in processes):
            return 0
        time.sleep(0.2)
    return 0


@pytest.mark.parametrize("machines", ["one machine", "two machines"])
def test_two_schedulers_started_at_once_plan_once_and_one_reports_the_other(
    database_url, schools_to_plan, tmp_path, machines
):
    """Started together, on one machine (one lock file) or on two sharing a PostgreSQL
    database (the advisory lock): one runs the jobs, the other says so and stops. On SQLite
    two machines cannot share the file; should two schedulers still run, the database keeps
    the month free of duplicates."""
    month = schools_to_plan
    folders = [tmp_path / "a", tmp_path / ("a" if machines == "one machine" else "b")]
    for folder in folders:
        folder.mkdir(exist_ok=True)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    pairs = zip(folders, logs, strict=True)
    processes = [start_scheduler(database_url, folder, log) for folder, log in pairs]
    try:
        catch_ups = wait_for_catch_up(processes)
        time.sleep(0.5)
        outputs = [log.read_text() for log in logs]
        codes = [process.poll() for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    assert planned(month) == (SCHOOLS, SCHOOLS, 1), outputs
    both_ran = machines == "two machines" and not database_url.startswith("postgresql")
    if both_ran:  # SQLite: no shared lock across machines; the unique plan still holds
        assert catch_ups == 2, outputs
        return
    assert catch_ups == 1, outputs
    refused = [n for n, code in enumerate(codes) if code == 1]
    assert len(refused) == 1, (codes, outputs)
    said = outputs[refused[0]]
    if machines == "one machine":
        assert "Penjadwal lain sudah berjalan di mesin ini" in said, said
    else:
        assert "Penjadwal lain sudah menjalankan tugas basis data ini" in said, said
    running = 1 - refused[0]
    assert codes[running] is None and "Scheduler running" in outputs[running]

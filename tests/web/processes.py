"""Running the app's real processes in tests: their environment, and a month to plan."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import PlanKind, PlanRun, Visit, VisitKind
from outreach.scheduling.calendar import next_month

ROOT = Path(__file__).resolve().parents[2]
SCHOOLS = 40


def environment(database_url: str, instance: Path, **extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "tests-secret-key-0123456789abcdef",
        "OUTREACH_INSTANCE_PATH": str(instance),
        "OUTREACH_SCHEDULER": "off",
        **extra,
    }


@pytest.fixture
def schools_to_plan(db_session, make_team, make_school):
    """Forty schools and the teams to visit them all next month."""
    for code in ("17.71.01", "17.71.02"):
        make_team(kecamatan_codes=(code,), school_visits_per_day=4)
    for n in range(SCHOOLS):
        code = "17.71.01" if n % 2 else "17.71.02"
        make_school(kecamatan_code=code, kelurahan_code=None)
    db_session.commit()
    return next_month(office_today())


def planned(month) -> tuple[int, int, int]:
    """(school visits of the month, distinct schools among them, plan runs of the month)."""
    db.session.remove()
    visits = db.session.execute(
        select(func.count(), func.count(Visit.school_id.distinct())).where(
            Visit.kind == VisitKind.SCHOOL, Visit.plan_month == month
        )
    ).one()
    runs = db.session.scalar(
        select(func.count()).where(PlanRun.kind == PlanKind.SCHOOL_MONTH, PlanRun.month == month)
    )
    return visits[0], visits[1], runs


def start(command: list[str], env: dict, log: Path):
    """Start ``command`` in the project folder, its output going to ``log``."""
    import subprocess

    with log.open("w") as out:  # the child keeps its own copy of the file
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

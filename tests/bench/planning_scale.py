"""How long planning takes at national scale: a quick check until the benchmark issue's
`make bench` measures it against floors.

    .venv/bin/python -m tests.bench.planning_scale                # pure planners + SQLite
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/empty_db \\
        .venv/bin/python -m tests.bench.planning_scale            # and on PostgreSQL

Seeded and reproducible: 40,000 schools over 4,096 kecamatan and 1,024 teams, 250,000 waiting
residents. Prints one line a measurement.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import date

from sqlalchemy import insert

SCHOOLS, RESIDENTS = 40_000, 250_000
MONTH, TODAY = date(2026, 12, 1), date(2026, 11, 20)


def _kecamatan() -> list[str]:
    codes = [
        f"{p:02d}.{r:02d}.{k:02d}" for p in range(11, 95) for r in range(1, 8) for k in range(1, 9)
    ]
    return codes[:4096]


def _timed(label: str, work) -> None:
    started = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - started:.2f} s ({result})")


def pure_planners() -> None:
    from outreach.scheduling.calendar import Blackout, WorkingCalendar, national_closures
    from outreach.scheduling.home_plan import HomePlanInput, ResidentCandidate, plan_home_visits
    from outreach.scheduling.routes import Point
    from outreach.scheduling.school_plan import SchoolCandidate, SchoolPlanInput, plan_month
    from outreach.scheduling.teams import TeamSpec

    rng = random.Random(1)
    kecamatan = _kecamatan()
    teams = tuple(
        TeamSpec(n + 1, frozenset(kecamatan[4 * n : 4 * n + 4]), 3, 6, Point(-3.8, 102.3))
        for n in range(len(kecamatan) // 4)
    )
    calendar = WorkingCalendar(closures=frozenset(c.on for c in national_closures([2026])))
    schools = tuple(
        SchoolCandidate(
            n,
            rng.choice(kecamatan),
            rng.choice([None, 0, 50, 120]),
            frozenset(rng.sample(range(1, 6), rng.choice([0, 0, 1, 2]))),
            rng.random() < 0.1,
        )
        for n in range(1, SCHOOLS + 1)
    )
    blackouts = tuple(
        Blackout(date(2026, 12, rng.randint(1, 20)), date(2026, 12, rng.randint(20, 31)), n)
        for n in rng.sample(range(1, SCHOOLS + 1), 4000)
    )
    school_input = SchoolPlanInput(
        month=MONTH, today=TODAY, schools=schools, teams=teams, calendar=calendar,
        blackouts=blackouts,
    )  # fmt: skip
    _timed(
        f"pure school plan, {SCHOOLS:,} schools, {len(teams):,} teams",
        lambda: f"{len(plan_month(school_input).placements):,} placed",
    )
    residents = tuple(
        ResidentCandidate(
            n,
            rng.choice(kecamatan),
            None,
            Point(-3.8 + rng.random() / 10, 102.3 + rng.random() / 10)
            if rng.random() < 0.6
            else None,
            rng.random() < 0.2,
            date(1930 + rng.randint(0, 60), 1, 1),
            date(2026, 1, 1),
        )
        for n in range(1, RESIDENTS + 1)
    )
    home_input = HomePlanInput(
        start=date(2026, 11, 30), days=14, today=date(2026, 11, 27), residents=residents,
        teams=teams, calendar=calendar,
    )  # fmt: skip
    _timed(
        f"pure home plan, {RESIDENTS:,} waiting residents, two weeks",
        lambda: f"{len(plan_home_visits(home_input).stops):,} stops",
    )


def service_path(url: str) -> None:
    """Load, plan, one executemany of the visits and the PlanRun, on a fresh database."""
    from flask_migrate import upgrade

    from outreach import create_app
    from outreach.extensions import db
    from outreach.models import Kecamatan, PlanTrigger, School, Team, team_kecamatan, utcnow
    from outreach.services.planning.inputs import PlanSettings
    from outreach.services.planning.schools import plan_schools
    from outreach.services.reference import load_closures

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        rng = random.Random(5)
        kecamatan = _kecamatan()
        now = utcnow()
        db.session.execute(insert(Kecamatan), [{"code": c, "name": f"Kec {c}"} for c in kecamatan])
        db.session.execute(
            insert(Team),
            [
                {"name": f"Tim {n}", "school_visits_per_day": 3, "home_visits_per_day": 6,
                 "is_active": True, "created_at": now}
                for n in range(1, len(kecamatan) // 4 + 1)
            ],
        )  # fmt: skip
        db.session.execute(
            insert(team_kecamatan),
            [{"team_id": 1 + i // 4, "kecamatan_code": c} for i, c in enumerate(kecamatan)],
        )
        db.session.execute(
            insert(School),
            [
                {"npsn": f"{20000000 + n}", "name": f"SMA {n}", "level": "sma",
                 "kecamatan_code": rng.choice(kecamatan),
                 "students_pending": rng.choice([None, 40, 120]), "preferred_weekdays": 0,
                 "is_active": True, "created_at": now, "updated_at": now}
                for n in range(SCHOOLS)
            ],
        )  # fmt: skip
        load_closures(db.session, [2026])
        db.session.commit()

        def plan():
            run, _ = plan_schools(
                db.session, month=MONTH, now=utcnow(), today=TODAY, settings=PlanSettings(),
                trigger=PlanTrigger.COMMAND, actor="bench",
            )  # fmt: skip
            db.session.commit()
            return f"{run.created_count:,} visits written"

        _timed(f"school plan service on {db.engine.dialect.name}, {SCHOOLS:,} schools", plan)
        db.engine.dispose()


def main() -> None:
    pure_planners()
    with tempfile.TemporaryDirectory() as folder:
        service_path(f"sqlite:///{folder}/bench.sqlite")
    if os.environ.get("BENCH_DATABASE_URL"):
        service_path(os.environ["BENCH_DATABASE_URL"])


if __name__ == "__main__":
    main()

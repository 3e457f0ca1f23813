"""One step of the benchmark in a process of its own, so its peak memory is its own:

    python -m tests.bench.worker build URL --today 2026-11-28 [--scale 1]
    python -m tests.bench.worker measure OPERATION URL --today 2026-11-28 [--runs 5]

Prints one JSON document on its last line of output.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from tests.bench import dataset, operations

OPERATIONS = ("plan_month", "plan_home", "import_schools", "export_month", "pages")


class NotABenchDatabase(RuntimeError):
    pass


def make_app(url: str):
    from outreach import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
            "OUTREACH_SCHEDULER": "off",
        }
    )
    app.add_url_rule(operations.CONSTANT, "bench_constant", operations.constant_view)
    return app


def empty_database(url: str) -> None:
    """Leave the database with no tables — only one the benchmark made or an empty one."""
    engine = create_engine(url)
    try:
        tables = inspect(engine).get_table_names()
        if tables:
            with engine.connect() as connection:
                mine = "users" in tables and connection.scalar(
                    text("SELECT count(*) FROM users WHERE email = 'koordinator@bench.invalid'")
                )
            if not mine:
                raise NotABenchDatabase(
                    f"{engine.url.render_as_string(hide_password=True)} holds tables that the "
                    "benchmark did not make; give it an empty database of its own."
                )
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            else:
                for table in tables:
                    connection.execute(text(f'DROP TABLE IF EXISTS "{table}"'))
    finally:
        engine.dispose()


def built_for(today: date) -> dataset.Built:
    from outreach.scheduling.calendar import month_start, next_month

    month = month_start(today)
    return dataset.Built(today, month, next_month(month), {}, school_id=1)


def build(url: str, today: date, scale: float) -> dict:
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from outreach.extensions import db

    empty_database(url)
    app = make_app(url)
    started = time.perf_counter()
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        built = dataset.build(
            db.session,
            today=today,
            size=dataset.Size.scaled(scale),
            password_hash=generate_password_hash(dataset.PASSWORD),
        )
        db.engine.dispose()
    return {
        "rows": built.rows,
        "seconds": round(time.perf_counter() - started, 1),
        "peak_memory_mb": operations.peak_memory_mb(),
    }


def measure(operation: str, url: str, today: date, runs: int) -> list[dict]:
    from outreach.extensions import db

    app = make_app(url)
    built = built_for(today)
    if operation == "pages":
        results = operations.pages(app, built, runs)
    else:
        with app.app_context(), tempfile.TemporaryDirectory() as folder:
            if operation == "plan_month":
                results = [operations.plan_month(built, runs)]
            elif operation == "plan_home":
                results = [operations.plan_two_weeks_home(built, runs)]
            elif operation == "import_schools":
                results = [operations.import_school_file(built, runs, Path(folder))]
            else:
                results = [operations.export_month(built, runs)]
    with app.app_context():
        db.engine.dispose()
    return [result.as_dict() for result in results]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.worker")
    parser.add_argument("step", choices=("build", "measure"))
    parser.add_argument("args", nargs="+")
    parser.add_argument("--today", type=date.fromisoformat, required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    if options.step == "build":
        (url,) = options.args
        try:
            answer = build(url, options.today, options.scale)
        except NotABenchDatabase as refusal:
            raise SystemExit(f"Not benchmarking: {refusal}") from None
    else:
        operation, url = options.args
        if operation not in OPERATIONS:
            parser.error(f"unknown operation {operation}; one of {', '.join(OPERATIONS)}")
        answer = measure(operation, url, options.today, options.runs)
    print(json.dumps(answer))


if __name__ == "__main__":
    main()

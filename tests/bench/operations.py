"""Each measured operation beside its floor, timed in the same process, the same run.

An operation is timed ``runs`` times, alternating with its floor, and each reports the median.
Whatever an operation writes is removed again (untimed) so every run starts from the same data.
"""

from __future__ import annotations

import csv
import io
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, event, func, insert, select, update

from outreach.extensions import db
from outreach.models import (
    AuditEvent,
    PlanRun,
    PlanTrigger,
    Resident,
    ResidentStatus,
    School,
    SchoolLevel,
    Visit,
    VisitKind,
    VisitStatus,
)
from outreach.scheduling.calendar import next_month
from outreach.services.planning.homes import home_visit_rows, plan_home
from outreach.services.planning.inputs import PlanSettings
from outreach.services.planning.schools import plan_schools, school_visit_rows
from outreach.services.schools.imports import TEMPLATE_HEADINGS, import_schools
from outreach.services.tables import read_table
from outreach.spreadsheets import visit_file

CONSTANT = "/_bench/constant"


@dataclass
class Result:
    operation: str
    size: str
    times: list[float] = field(default_factory=list)  # seconds
    floors: list[float] = field(default_factory=list)
    queries: int | None = None
    kind: str = "command"  # command | page

    def as_dict(self) -> dict:
        median, floor = statistics.median(self.times), statistics.median(self.floors)
        return {
            "operation": self.operation,
            "kind": self.kind,
            "size": self.size,
            "time_s": round(median, 4),
            "floor_s": round(floor, 4),
            "ratio": round(median / floor, 2) if floor else None,
            "runs": len(self.times),
            "queries": self.queries,
            "peak_memory_mb": peak_memory_mb(),
        }


def peak_memory_mb() -> float:
    """This process's peak resident memory (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


# --- planning ---------------------------------------------------------------------------------


def _marker(run: int) -> datetime:
    """A created_at no real row has, so a run's rows can be found and removed."""
    return datetime(2001, 1, 1, tzinfo=UTC) + timedelta(seconds=run)


def _forget_plan_runs() -> None:
    session = db.session
    session.execute(delete(AuditEvent).where(AuditEvent.actor == "bench"))
    session.execute(delete(PlanRun).where(PlanRun.started_at < datetime(2002, 1, 1, tzinfo=UTC)))
    session.commit()


def plan_month(built, runs: int) -> Result:
    session = db.session
    settings = PlanSettings.from_config(current_app.config)
    result = Result("plan a month of school visits", "")
    for run in range(runs):
        now = _marker(run)
        placed: list[dict] = []

        def work(now=now, placed=placed):
            plan, preview = plan_schools(
                session, month=built.next_month, now=now, today=built.today,
                settings=settings, trigger=PlanTrigger.COMMAND, actor="bench",
            )  # fmt: skip
            session.commit()
            placed.extend(school_visit_rows(preview, now))
            return plan

        result.times.append(timed(work))
        _remove_visits(Visit.created_at == now)
        _forget_plan_runs()
        result.floors.append(timed(lambda placed=placed: _insert_rows(placed)))
        _remove_visits(Visit.created_at == now)
        result.size = f"{len(placed):,} visits, {_count(School):,} schools"
    return result


def plan_two_weeks_home(built, runs: int) -> Result:
    session = db.session
    settings = PlanSettings.from_config(current_app.config)
    start = built.today + timedelta(days=7 - built.today.weekday())  # next Monday
    result = Result("plan two weeks of home visits", "")
    waiting = _count(Resident, Resident.status == ResidentStatus.WAITING)
    for run in range(runs):
        now = _marker(run)
        rows: list[dict] = []

        def work(now=now, rows=rows):
            plan, preview = plan_home(
                session, start=start, days=14, now=now, today=built.today, settings=settings,
                trigger=PlanTrigger.COMMAND, actor="bench",
            )  # fmt: skip
            session.commit()
            rows.extend(home_visit_rows(preview.plan.new_stops, now))
            return plan

        result.times.append(timed(work))
        _remove_home_plan(now, rows)
        _forget_plan_runs()
        result.floors.append(timed(lambda rows=rows: _insert_rows(rows)))
        _remove_home_plan(now, rows)
        result.size = f"{len(rows):,} visits, {waiting:,} waiting residents"
    return result


def _remove_home_plan(now: datetime, rows: list[dict]) -> None:
    session = db.session
    _remove_visits(Visit.created_at == now)
    ids = [row["resident_id"] for row in rows]
    for start in range(0, len(ids), 5000):
        session.execute(
            update(Resident)
            .where(Resident.id.in_(ids[start : start + 5000]))
            .values(status=ResidentStatus.WAITING)
        )
    session.commit()


def _insert_rows(rows: list[dict]) -> None:
    db.session.execute(insert(Visit), rows)
    db.session.commit()


def _remove_visits(condition) -> None:
    db.session.execute(delete(Visit).where(condition))
    db.session.commit()


# --- import -----------------------------------------------------------------------------------

IMPORT_NPSN = 50_000_000


def school_file(folder: Path, count: int, kecamatan: list[str]) -> Path:
    """A template CSV of ``count`` schools not in the data set."""
    path = folder / "sekolah-nasional.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(TEMPLATE_HEADINGS)
        for n in range(1, count + 1):
            writer.writerow(
                [IMPORT_NPSN + n, f"SMA Impor {n}", "SMA", "negeri", f"Jl. Baru No. {n % 90}",
                 kecamatan[n % len(kecamatan)], "", f"Operator {n}", f"08{1200000000 + n}",
                 "", 50 + n % 70, "", ""]
            )  # fmt: skip
    return path


def import_school_file(built, runs: int, folder: Path) -> Result:
    session = db.session
    kecamatan = list(session.scalars(select(School.kecamatan_code).distinct().limit(2000)))
    count = _count(School)
    path = school_file(folder, count, kecamatan)
    result = Result("import schools from CSV", f"{count:,} schools")

    def work():
        table = read_table(path.read_bytes(), path.name)
        outcome = import_schools(session, table, now=_marker(0), actor="bench", source=path.name)
        assert outcome.written, "the benchmark's school file did not import"
        session.commit()

    def floor():
        with path.open(newline="", encoding="utf-8") as source:
            reader = csv.reader(source)
            next(reader)
            rows = [
                {"npsn": r[0], "name": r[1], "level": SchoolLevel.SMA, "address": r[4],
                 "kecamatan_code": r[5], "liaison_name": r[7], "liaison_phone": r[8],
                 "students_pending": int(r[10]), "preferred_weekdays": 0, "is_active": True,
                 "created_at": _marker(0), "updated_at": _marker(0)}
                for r in reader
            ]  # fmt: skip
        session.execute(insert(School), rows)
        session.commit()

    def remove():
        session.execute(delete(AuditEvent).where(AuditEvent.actor == "bench"))
        session.execute(delete(School).where(School.npsn >= str(IMPORT_NPSN)))
        session.commit()

    for _ in range(runs):
        result.times.append(timed(work))
        remove()
        result.floors.append(timed(floor))
        remove()
    return result


# --- export -----------------------------------------------------------------------------------


def export_month(built, runs: int) -> Result:
    session = db.session
    result = Result("export a month of visits (CSV)", "")
    statements: list = []
    with capture(statements):  # also the warm-up run
        _body, count = visit_file(session, built.month, "csv", now=_marker(0), actor="bench")
        session.rollback()
    select_sql = [s for s in statements if s[0].lstrip().upper().startswith("SELECT")]

    def floor():
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        for rows in replay(select_sql):
            writer.writerows(rows)
        return out.getvalue().encode("utf-8")

    for _ in range(runs):
        result.times.append(
            timed(lambda: visit_file(session, built.month, "csv", now=_marker(0), actor="bench"))
        )
        session.rollback()
        result.floors.append(timed(floor))
    result.size = f"{count:,} visits"
    return result


# --- pages ------------------------------------------------------------------------------------


def pages(app, built, runs: int) -> list[Result]:
    client = app.test_client()
    response = client.post(
        "/login", data={"username": "koordinator", "password": "bench-password-2026"}
    )
    assert response.status_code == 302, "the benchmark could not log in"
    month = f"{built.month:%Y-%m}"
    with app.app_context():
        deep_total = _count(
            Visit,
            Visit.visit_on >= built.month,
            Visit.visit_on < next_month(built.month),
            Visit.kind == VisitKind.SCHOOL,
            Visit.status == VisitStatus.COMPLETED,
        )
        visit_id = db.session.scalar(
            select(func.max(Visit.id)).where(Visit.school_id == built.school_id)
        )
    deep_page = max(1, int(deep_total / 50 * 0.9))
    wanted = [
        ("dashboard", "/", ""),
        ("visit list, first page", f"/visits?month={month}", ""),
        (
            "visit list, deep page, filtered",
            f"/visits?month={month}&kind=school&status=completed&page={deep_page}",
            f"page {deep_page:,} of {deep_total:,} visits",
        ),
        ("month calendar", f"/visits/calendar?month={month}", ""),
        ("school page", f"/schools/{built.school_id}", "12 months of visits"),
        ("visit page", f"/visits/{visit_id}", ""),
        ("school list, first page", "/schools", ""),
        ("resident list, first page", "/residents?status=waiting", ""),
    ]
    results = []
    for name, url, size in wanted:
        results.append(_page(app, client, name, url, size, runs))
    return results


def _page(app, client, name: str, url: str, size: str, runs: int) -> Result:
    result = Result(name, size or url, kind="page")
    for _ in range(2):  # warm: templates compiled, connection pooled, caches filled
        _get(client, url)
        _get(client, CONSTANT)
    statements: list = []
    with app.app_context(), capture(statements):
        _get(client, url)
    result.queries = len(statements)
    result.size = size or url
    for _ in range(runs):
        result.times.append(timed(lambda: _get(client, url)))
        constant = timed(lambda: _get(client, CONSTANT))
        with app.app_context():
            sql = timed(lambda: list(replay(statements)))
        result.floors.append(constant + sql)
    return result


def _get(client, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response.data


# --- helpers ----------------------------------------------------------------------------------


class capture:
    """Record every statement (SQL, parameters) the app's engine sends."""

    def __init__(self, into: list):
        self.into = into

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if not executemany:
            self.into.append((statement, parameters))

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._record)


def replay(statements):
    """Run captured statements straight on a DBAPI cursor, each result fetched whole."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        for sql, parameters in statements:
            cursor.execute(sql, parameters)
            yield cursor.fetchall() if cursor.description else []
        cursor.close()
    finally:
        connection.rollback()
        connection.close()


def _count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def constant_view() -> str:
    return "ok"

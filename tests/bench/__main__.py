"""`make bench`: the national-scale benchmark. See docs/PERFORMANCE.md.

    python -m tests.bench [--scale 1] [--runs 5] [--load-seconds 60] [--output bench/results.json]

Builds the seeded data set on a SQLite file (and on PostgreSQL when BENCH_DATABASE_URL names an
empty database of its own), measures every operation beside its floor, each step in a fresh
process, runs the load test on PostgreSQL, prints a table and writes it all as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.bench import load, spreadsheets
from tests.bench.dataset import Size
from tests.bench.worker import OPERATIONS

ROOT = Path(__file__).resolve().parents[2]

# The goals: planning a month ≤ 3× its floor and under 10 s on SQLite; each page ≤ 3×
# its floor and under 150 ms; the peak memory of any command under 500 MB.
RATIO_GOAL = 3.0
PAGE_GOAL_S = 0.150
PLAN_GOAL_S = 10.0
MEMORY_GOAL_MB = 500.0
LOAD_PAGES = (
    "/",
    "/visits?month={month}",
    "/visits/calendar?month={month}",
    "/schools",
    "/schools/1",
    "/residents",
)


def _worker(*args: str, today: date) -> object:
    command = [sys.executable, "-m", "tests.bench.worker", *args, "--today", today.isoformat()]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"benchmark step failed: {' '.join(args[:2])}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def goals_missed(row: dict, database: str) -> list[str]:
    missed = []
    if row["ratio"] is not None and row["ratio"] > RATIO_GOAL and row["operation"] != "import":
        if row["kind"] == "page" or row["operation"].startswith("plan"):
            missed.append(f"ratio {row['ratio']} > {RATIO_GOAL}")
    if row["kind"] == "page" and row["time_s"] > PAGE_GOAL_S:
        missed.append(f"{row['time_s'] * 1000:.0f} ms > {PAGE_GOAL_S * 1000:.0f} ms")
    if row["operation"].startswith("plan a month") and database == "sqlite":
        if row["time_s"] > PLAN_GOAL_S:
            missed.append(f"{row['time_s']:.1f} s > {PLAN_GOAL_S:.0f} s")
    if row["peak_memory_mb"] > MEMORY_GOAL_MB:
        missed.append(f"{row['peak_memory_mb']:.0f} MB > {MEMORY_GOAL_MB:.0f} MB")
    return missed


def bench_database(name: str, url: str, *, today: date, scale: float, runs: int) -> dict:
    print(f"== {name}: building the data set (scale {scale}) ==", flush=True)
    built = _worker("build", url, "--scale", str(scale), today=today)
    print(f"   {built['rows']} in {built['seconds']} s", flush=True)
    rows = []
    for operation in OPERATIONS:
        print(f"   measuring {operation} …", flush=True)
        for row in _worker("measure", operation, url, "--runs", str(runs), today=today):
            row["database"] = name
            row["goals_missed"] = goals_missed(row, name)
            rows.append(row)
    return {"database": name, "build": built, "results": rows}


def print_table(rows: list[dict]) -> None:
    heading = ("database", "operation", "size", "time", "floor", "ratio", "peak MB", "goals")
    lines = [
        (
            row["database"],
            row["operation"],
            row["size"],
            _duration(row["time_s"]),
            _duration(row["floor_s"]),
            f"{row['ratio']:.2f}×" if row["ratio"] is not None else "–",
            f"{row['peak_memory_mb']:.0f}",
            "; ".join(row["goals_missed"]) or "met",
        )
        for row in rows
    ]
    widths = [max(len(str(x)) for x in column) for column in zip(heading, *lines, strict=True)]
    for line in [heading, *lines]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)))


def print_spreadsheets(rows: list[dict]) -> None:
    heading = ("file", "KB", "reader", "time", "peak MB", "outcome")
    lines = [
        (row["file"], row["kb"], row["reader"], _duration(row["time_s"]),
         "–" if row["peak_memory_mb"] is None else f"{row['peak_memory_mb']:.0f}",
         row["outcome"][:70])
        for row in rows
    ]  # fmt: skip
    widths = [max(len(str(x)) for x in column) for column in zip(heading, *lines, strict=True)]
    for line in [heading, *lines]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)))


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 5)))
    parser.add_argument(
        "--load-seconds", type=float, default=float(os.environ.get("BENCH_LOAD_SECONDS", 60))
    )
    parser.add_argument("--load-clients", type=int, default=8)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    options = parser.parse_args()
    zone = ZoneInfo(os.environ.get("OUTREACH_TIMEZONE") or "Asia/Jakarta")
    today = datetime.now(zone).date()
    report = {
        "date": today.isoformat(),
        "scale": options.scale,
        "size": Size.scaled(options.scale).as_dict(),
        "runs": options.runs,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "goals": {
            "ratio": RATIO_GOAL,
            "page_s": PAGE_GOAL_S,
            "plan_month_sqlite_s": PLAN_GOAL_S,
            "memory_mb": MEMORY_GOAL_MB,
        },
        "complete": False,
        "databases": [],
        "load": None,
        "spreadsheets": [],
    }
    postgres = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="jemput-bola-bench-") as folder:
        targets = [("sqlite", f"sqlite:///{folder}/bench.sqlite")]
        if postgres:
            targets.append(("postgresql", postgres))
        else:
            print("BENCH_DATABASE_URL is not set: PostgreSQL and the load run are skipped.")
        for name, url in targets:
            report["databases"].append(
                bench_database(name, url, today=today, scale=options.scale, runs=options.runs)
            )
            write_report(report, options.output)  # a run stopped later keeps what it measured
        if postgres and options.load_seconds > 0:
            print(f"== load run: {options.load_seconds:.0f} s on PostgreSQL ==", flush=True)
            paths = [path.format(month=f"{today:%Y-%m}") for path in LOAD_PAGES]
            report["load"] = load.run(
                postgres, Path(folder), paths, seconds=options.load_seconds,
                clients=options.load_clients,
            )  # fmt: skip
        print("== reading spreadsheets: national files, both readers, crafted files ==", flush=True)
        report["spreadsheets"] = spreadsheets.measure(Path(folder) / "sheets", options.scale)
        write_report(report, options.output)
    rows = [row for database in report["databases"] for row in database["results"]]
    print()
    print_table(rows)
    print()
    print_spreadsheets(report["spreadsheets"])
    load_result = report["load"]
    if load_result:
        print(
            f"\nload: {load_result['requests']:,} requests in {load_result['seconds']} s, "
            f"{load_result['throughput_per_s']}/s, p50 {load_result['p50_ms']} ms, "
            f"p99 {load_result['p99_ms']} ms, {load_result['errors']} errors "
            f"({load.WORKERS} gunicorn workers + the scheduler, {load_result['clients']} clients)"
        )
    report["complete"] = True
    report["all_goals_met"] = not any(row["goals_missed"] for row in rows) and (
        load_result is None or load_result["errors"] == 0
    )
    report["bench_peak_memory_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    write_report(report, options.output)
    print(f"\nwritten: {options.output}")


def write_report(report: dict, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

"""`make bench` keeps working: the whole benchmark at a tiny scale, on SQLite, one run each."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_runs_end_to_end_and_writes_its_table(tmp_path):
    output = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if k != "BENCH_DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench", "--scale", "0.005", "--runs", "1",
         "--load-seconds", "0", "--output", str(output)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(output.read_text())
    rows = report["databases"][0]["results"]
    operations = {row["operation"] for row in rows}
    assert {
        "plan a month of school visits",
        "plan two weeks of home visits",
        "import schools from CSV",
        "export a month of visits (CSV)",
        "dashboard",
        "visit list, deep page, filtered",
        "month calendar",
        "school page",
    } <= operations
    for row in rows:
        assert row["time_s"] > 0 and row["floor_s"] > 0 and row["peak_memory_mb"] > 0, row
    assert "ratio" in done.stdout and "dashboard" in done.stdout  # the printed table
    assert report["complete"] is True and isinstance(report["all_goals_met"], bool)
    sheets = {(row["file"], row["reader"]): row["outcome"] for row in report["spreadsheets"]}
    assert sheets[("500 residents", "calamine")] == "501 rows"
    assert sheets[("500 residents", "read_table")] == "500 rows"
    assert sheets[("billion laughs", "read_table")].startswith("refused:")
    assert sheets[("cell XFD1048576", "read_table")].startswith("refused:")

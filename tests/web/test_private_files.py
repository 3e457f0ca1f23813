"""Files holding personal data are their owner's only: a new SQLite database, its -wal and -shm,
the instance folder, a backup and a command's export — whatever umask the shell had — and an
older install's wider files are tightened when the app next opens them."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from outreach import create_app
from outreach.extensions import db
from tests.conftest import base_config


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The loosest umask a shell can have: nothing the app writes is private by accident."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def fresh_app(folder: Path, monkeypatch):
    monkeypatch.setenv("OUTREACH_INSTANCE_PATH", str(folder))
    return create_app(base_config(f"sqlite:///{folder / 'outreach.sqlite'}"))


def test_a_new_sqlite_database_its_wal_shm_folder_backup_and_export_are_private(
    tmp_path, monkeypatch, open_umask
):
    folder = tmp_path / "instance"
    app = fresh_app(folder, monkeypatch)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["outreach", "init"])
    assert result.exit_code == 0, result.output
    database = folder / "outreach.sqlite"
    with app.app_context(), db.engine.connect() as connection:  # open: -wal and -shm exist
        connection.exec_driver_sql("SELECT count(*) FROM visits").scalar()
        companions = [database.with_name(database.name + tail) for tail in ("-wal", "-shm")]
        assert all(path.exists() for path in companions)
        assert {path.name: mode(path) for path in (database, *companions)} == {
            "outreach.sqlite": 0o600,
            "outreach.sqlite-wal": 0o600,
            "outreach.sqlite-shm": 0o600,
        }
    assert mode(folder) == 0o700
    backup = tmp_path / "backup.sqlite"
    result = runner.invoke(args=["outreach", "backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert mode(backup) == 0o600
    export = tmp_path / "visits.csv"
    result = runner.invoke(
        args=["outreach", "export-visits", "--month", "2026-08", "--output", str(export)]
    )
    assert result.exit_code == 0, result.output
    assert mode(export) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "backup.sqlite",
        "instance",
        "visits.csv",
    ]  # no partial file left beside them


def test_an_older_install_s_readable_database_files_are_tightened_when_opened(
    tmp_path, monkeypatch
):
    folder = tmp_path / "instance"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    database = folder / "outreach.sqlite"
    previous = os.umask(0o022)  # the files as an install from before this change left them
    try:
        other = sqlite3.connect(database)  # kept open: its -wal and -shm stay
        other.execute("PRAGMA journal_mode=WAL")
        other.execute("CREATE TABLE t (x)")
        other.commit()
    finally:
        os.umask(previous)
    files = [database, *(database.with_name(database.name + t) for t in ("-wal", "-shm"))]
    assert [mode(path) for path in files] == [0o644] * 3
    try:
        app = fresh_app(folder, monkeypatch)
        with app.app_context(), db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
        assert [mode(path) for path in files] == [0o600] * 3
        assert mode(folder) == 0o700
    finally:
        other.close()


def test_a_backup_of_the_test_database_is_private(runner, app, tmp_path, open_umask):
    """On SQLite and on PostgreSQL (pg_dump writes into the file made private first)."""
    backup = tmp_path / "copy.dump"
    result = runner.invoke(args=["outreach", "backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert mode(backup) == 0o600
    stale = tmp_path / ".again.dump.partial"  # a crashed backup's leftover, readable by all
    stale.write_bytes(b"old")
    stale.chmod(0o644)
    result = runner.invoke(args=["outreach", "backup", str(tmp_path / "again.dump")])
    assert result.exit_code == 0, result.output
    assert mode(tmp_path / "again.dump") == 0o600 and not stale.exists()

"""`flask outreach backup FILE` and the restore docs/DEPLOY.md describes: every row comes back."""

import shutil
import sqlite3
import subprocess
import uuid

import pytest
from sqlalchemy import create_engine, inspect, text

from outreach.backup import table_rows
from outreach.extensions import db


def contents(engine) -> dict[str, list[str]]:
    """Every row of every table, as text, in a stable order."""
    with engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        return {
            name: sorted(
                repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{name}"'))
            )
            for name in names
        }


@pytest.fixture
def demo(runner, app):
    result = runner.invoke(args=["outreach", "demo-data"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    rows = table_rows(db.engine)
    assert rows["visits"] > 100 and rows["residents"] > 10 and rows["audit_events"] > 10
    return rows


def restore(backup_path, engine):
    """The restore of docs/DEPLOY.md; returns an engine on the restored database."""
    if engine.dialect.name == "sqlite":
        restored = backup_path.with_name("restored.sqlite")
        shutil.copyfile(backup_path, restored)  # with the app stopped, copied over the file
        return create_engine(f"sqlite:///{restored}"), None
    name = f"jb_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = engine.url.set(database=name)
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", plain, str(backup_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return create_engine(url), name


def drop_database(engine, name):
    admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_backup_restores_every_row_of_every_table(runner, demo, tmp_path):
    if db.engine.dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (Debian: postgresql-client)")
    before = contents(db.engine)
    target = tmp_path / "cadangan.backup"

    result = runner.invoke(args=["outreach", "backup", str(target)])

    assert result.exit_code == 0, result.output
    assert "Cadangan ditulis ke" in result.output
    assert f"{len(demo)} tabel, {sum(demo.values())} baris" in result.output
    assert not list(tmp_path.glob(".*partial"))
    restored, name = restore(target, db.engine)
    try:
        assert table_rows(restored) == demo
        assert contents(restored) == before
    finally:
        restored.dispose()
        if name:
            drop_database(db.engine, name)


def test_an_existing_file_is_kept_unless_forced_and_a_missing_folder_is_said(runner, app, tmp_path):
    target = tmp_path / "cadangan.backup"
    target.write_bytes(b"kemarin")

    kept = runner.invoke(args=["outreach", "backup", str(target)])
    assert kept.exit_code == 1
    assert "sudah ada" in kept.output and target.read_bytes() == b"kemarin"

    missing = runner.invoke(args=["outreach", "backup", str(tmp_path / "tidak-ada" / "x.backup")])
    assert missing.exit_code == 1 and "tidak ada" in missing.output

    if db.engine.dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        return
    forced = runner.invoke(args=["outreach", "backup", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert target.read_bytes() != b"kemarin"


def test_a_sqlite_backup_is_consistent_while_another_connection_writes(runner, demo, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the online backup API is SQLite's; PostgreSQL's pg_dump takes a snapshot")
    writer = sqlite3.connect(db.engine.url.database)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM audit_events")  # not committed while the copy is taken
    try:
        result = runner.invoke(args=["outreach", "backup", str(tmp_path / "c.sqlite")])
    finally:
        writer.rollback()
        writer.close()
    assert result.exit_code == 0, result.output
    copy = create_engine(f"sqlite:///{tmp_path / 'c.sqlite'}")
    try:
        assert table_rows(copy)["audit_events"] == demo["audit_events"]
        with copy.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        copy.dispose()

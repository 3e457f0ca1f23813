"""A consistent copy of the database while the app keeps running.

SQLite: the online backup API (a snapshot even while others write), checked with
``PRAGMA integrity_check``. PostgreSQL: ``pg_dump --format=custom`` (restored with
``pg_restore``; docs/DEPLOY.md). Either way the copy is written beside the target under a
temporary name and renamed only once complete, so a failed backup never leaves a half file
where a good one is expected.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine

from outreach.errors import DomainError
from outreach.private_files import create_private_file


class BackupError(DomainError):
    """The backup could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int  # bytes
    rows: dict[str, int]  # table → rows copied (PostgreSQL: counted just after the dump)


def backup_database(engine: Engine, target: Path, *, overwrite: bool = False) -> Backup:
    """Copy the database behind ``engine`` to ``target``."""
    target = target.expanduser().resolve()
    if target.exists() and not overwrite:
        raise BackupError(_l("%(path)s already exists (--force replaces it).", path=str(target)))
    if not target.parent.is_dir():
        raise BackupError(_l("Folder %(path)s does not exist.", path=str(target.parent)))
    partial = target.with_name(f".{target.name}.partial")
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, partial)
            copy = create_engine(f"sqlite:///{partial}", hide_parameters=True)
            try:
                rows = table_rows(copy)
            finally:
                copy.dispose()  # no connection left open on the file about to be renamed
        elif engine.dialect.name == "postgresql":
            _pg_dump(engine, partial)
            rows = table_rows(engine)
        else:
            raise BackupError(_l("No backup for %(kind)s databases.", kind=engine.dialect.name))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(target, target.stat().st_size, rows)


def table_rows(engine: Engine) -> dict[str, int]:
    """Rows per table (Alembic's bookkeeping included): what a restore must bring back."""
    with engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        # Table names come from the schema itself, never from input.
        counts = {name: text(f'SELECT count(*) FROM "{name}"') for name in names}  # noqa: S608
        return {name: connection.execute(query).scalar_one() for name, query in counts.items()}


def _sqlite_backup(engine: Engine, partial: Path) -> None:
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise BackupError(_l("An in-memory database cannot be backed up."))
    create_private_file(partial)  # 0600 before a page of personal data is written to it
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)  # page by page, consistent even while the app writes
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupError(_l("The copy failed its integrity check: %(why)s", why=verdict))
    except sqlite3.Error as error:
        why = str(error)
        raise BackupError(_l("SQLite could not copy the database: %(why)s", why=why)) from error
    finally:
        copy.close()
        source.close()


def _pg_dump(engine: Engine, partial: Path) -> None:
    program = shutil.which("pg_dump")
    if program is None:
        raise BackupError(
            _l("pg_dump was not found: install the PostgreSQL client (Debian: postgresql-client).")
        )
    create_private_file(partial)  # pg_dump writes into it, keeping its 0600
    url = engine.url.set(drivername="postgresql")
    environment = {**os.environ}
    if url.password:  # by the environment, not the command line (other users see that)
        environment["PGPASSWORD"] = str(url.password)
        url = url.set(password=None)
    command = [
        program,
        "--format=custom",
        "--no-owner",
        "--file",
        str(partial),
        url.render_as_string(hide_password=False),
    ]
    # The program found on PATH, an argument list, no shell: nothing of the input is run.
    done = subprocess.run(  # noqa: S603
        command, env=environment, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(
            _l("pg_dump failed: %(why)s", why=done.stderr.strip() or str(done.returncode))
        )

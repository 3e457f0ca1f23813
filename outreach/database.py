"""Per-connection database settings: SQLite gets WAL, foreign keys and a busy timeout; every
engine keeps the values of a statement out of its errors (and so out of logged tracebacks)."""

from __future__ import annotations

import hashlib
import re

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from outreach.extensions import db
from outreach.private_files import private_sqlite_file


def configure_engines(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            without_values(engine)
            if engine.dialect.name == "sqlite":
                # Created 0600 before SQLite opens it (its -wal and -shm take its mode).
                event.listen(engine, "do_connect", _private_file(engine.url.database))
                timeout = app.config["OUTREACH_SQLITE_BUSY_TIMEOUT_MS"]
                event.listen(engine, "connect", _sqlite_pragmas(timeout))
                event.listen(engine, "savepoint", _begin_before_savepoint)


def without_values(engine: Engine) -> Engine:
    """Keep personal data out of the engine's errors, whatever the settings say: the statement's
    parameters are not written into them (``hide_parameters``), nor the values the database
    quotes back (PostgreSQL's "DETAIL: Key (nik)=(…)", "Failing row contains (…)", an invalid
    input quoted at the end of the message). The constraint's name stays, enough to debug."""
    engine.hide_parameters = True
    if not event.contains(engine, "handle_error", _drop_quoted_values):
        event.listen(engine, "handle_error", _drop_quoted_values)
    return engine


_QUOTED_AT_END = re.compile(r'(: )".*"$', re.DOTALL)


def _first_line(text: object) -> object:
    if not isinstance(text, str):
        return text
    return _QUOTED_AT_END.sub(r'\1"…"', text.split("\n", 1)[0])


def _drop_quoted_values(context) -> None:
    original = context.original_exception
    original.args = tuple(_first_line(arg) for arg in original.args)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None and wrapped.args:
        message, *rest = wrapped.args
        if isinstance(message, str):  # "(psycopg.errors.UniqueViolation) <original's text>"
            kind, _, _text = message.partition(") ")
            message = f"{kind}) {_first_line(str(original))}" if _text else _first_line(message)
        wrapped.args = (message, *rest)


def _private_file(database: str | None):
    def before_connect(_dialect, _record, _cargs, _cparams) -> None:
        private_sqlite_file(database)  # None: SQLite then connects as usual

    return before_connect


def _sqlite_pragmas(busy_timeout_ms: int):
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if not _is_memory(dbapi_connection):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


def _begin_before_savepoint(connection, _name) -> None:
    """Python's sqlite3 starts a transaction only before a write, so a SAVEPOINT issued after
    mere reads would open the outermost transaction, and releasing it would commit at once —
    a later rollback (all-or-nothing bulk actions, a plan's visits) would then undo nothing.
    Open the real transaction first (IMMEDIATE: the write lock now, waiting up to the busy
    timeout, instead of failing later on a stale snapshot)."""
    dbapi_connection = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")


def lock_for_check(session, statement) -> None:
    """Before a check-then-write (is there still room on this team-day?), take the lock that
    makes a concurrent writer wait for this transaction: SELECT … FOR UPDATE on the rows on
    PostgreSQL; on SQLite, which locks the whole database, the write lock now (BEGIN
    IMMEDIATE), so the check reads what the writer before it committed."""
    if _sqlite_write_lock(session):
        return
    session.execute(statement.with_for_update())


def lock_named(session, name: str) -> None:
    """Before a check-then-write with no row to lock (is this period already noted?), make
    every writer of ``name`` wait for this transaction: a transaction-scoped advisory lock on
    PostgreSQL; on SQLite the write lock now (BEGIN IMMEDIATE), as lock_for_check."""
    if _sqlite_write_lock(session):
        return
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _sqlite_write_lock(session) -> bool:
    """On SQLite, take the database's write lock now (BEGIN IMMEDIATE) and say so; on another
    database do nothing and return False."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    dbapi_connection = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")
    return True


def _is_memory(dbapi_connection) -> bool:
    cursor = dbapi_connection.cursor()
    try:
        rows = cursor.execute("PRAGMA database_list").fetchall()
    finally:
        cursor.close()
    return any(row[1] == "main" and not row[2] for row in rows)


def database_is_up(engine: Engine) -> bool:
    """True when a trivial query succeeds; never raises."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "down" for the health check
        return False


def _render_item(type_, obj, autogen_context):
    """Write our column types into migrations as plain SQLAlchemy types."""
    from outreach.models.base import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def alembic_options() -> dict:
    """Options shared by migrations/env.py and the test that compares models with migrations."""
    return {"compare_type": True, "render_item": _render_item, "render_as_batch": True}

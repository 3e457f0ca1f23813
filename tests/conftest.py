"""Shared fixtures: an app on a real database (SQLite, or PostgreSQL when TEST_DATABASE_URL is
set), the test client, the CLI runner, factories and a login helper."""

from __future__ import annotations

import contextvars
import os
import re
import socket
import uuid
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, delete, text

from outreach import create_app
from outreach.extensions import db as _db
from outreach.extensions import limiter
from outreach.models import Base, Role, School, SchoolLevel, SchoolStatus, Team, User, utcnow
from outreach.services.reference import load_regions
from outreach.services.teams import create_team
from outreach.services.users import create_user, update_user
from outreach.web.auth import guesses

PASSWORD = "rahasia-uji-123"
# Reference tables are loaded once per session and kept between tests.
_KEPT_TABLES = {"kecamatan", "kelurahan", "alembic_version"}
_TOTALS = ("resident_counts", "daily_recordings", "visit_day_counts")  # kept by triggers


def redis_limits() -> dict:
    """The settings that put the limiter's counters in the machine's Redis (as production's
    workers share them), under a prefix of the test's own; skips the test without Redis."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    return {
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }


def base_config(database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Said each time: the limiter is one object for every app, and keeps a setting it is
        # not given again.
        "RATELIMIT_ENABLED": True,
        "OUTREACH_SCHEDULER": "off",
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The database every app-level test uses, with the schema built by the migrations."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        _reset_postgres(url)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "outreach.sqlite")
    app = create_app(base_config(url))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=app.extensions["migrate"].directory)
        load_regions(_db.session)
        _db.session.commit()
        _db.engine.dispose()
    return url


@pytest.fixture
def app_config() -> dict:
    """Per-test overrides of the app's settings (override this fixture in a test module)."""
    return {}


# A time at the start of every limit's window (a week is a multiple of 90 seconds, 7 and 15
# minutes, an hour and a day), less a second into it.
WINDOW_START = 1_800_000_000 // 604_800 * 604_800 + 1


@pytest.fixture(autouse=True)
def guess_clock(monkeypatch):
    """The login limits' windows are cut by the clock (web.auth.guesses): held at a window's
    start, a test's few failures never straddle two windows, and the wait it reads is the whole
    window's."""
    monkeypatch.setattr(guesses, "_now", lambda: WINDOW_START)


@pytest.fixture
def app(database_url, app_config) -> Iterator[Flask]:
    app = create_app(base_config(database_url, **app_config))
    with app.app_context():
        limiter.reset()  # in-memory counts outlive an app: each test starts with none
        yield app
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name not in _KEPT_TABLES:
                    connection.execute(delete(table))
            for table in _TOTALS:  # deleting rows moved the triggers' running totals again
                connection.execute(delete(Base.metadata.tables[table]))
        _db.engine.dispose()


@pytest.fixture
def db_session(app):
    return _db.session


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The fixture's app context (used by the test's own db_session) is invisible to the request,
    so the request gets a fresh database session and a fresh ``g``.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_team(db_session):
    counter = iter(range(1, 10_000))

    def make(**overrides) -> Team:
        values = {"name": f"Tim Uji {next(counter)}", "kecamatan_codes": ("17.71.01",)}
        values.update(overrides)
        team = create_team(db_session, now=utcnow(), actor="test", **values)
        db_session.commit()
        return team

    return make


@pytest.fixture
def make_school(db_session):
    counter = iter(range(1, 10_000))

    def make(**overrides) -> School:
        n = next(counter)
        values = {
            "npsn": f"{10700000 + n:08d}",
            "name": f"SMA Negeri Uji {n}",
            "level": SchoolLevel.SMA,
            "status": SchoolStatus.NEGERI,
            "address": "Jl. Uji No. 1",
            "kecamatan_code": "17.71.01",
            "kelurahan_code": "17.71.01.1001",
        }
        values.update(overrides)
        school = School(**values)
        db_session.add(school)
        db_session.commit()
        return school

    return make


@pytest.fixture
def make_user(db_session, make_team, make_school):
    """make_user(Role.OFFICER, team=…) — officers get a team and liaisons a school by default."""

    def make(role: Role = Role.COORDINATOR, username: str | None = None, **overrides) -> User:
        if role is Role.OFFICER and "team" not in overrides:
            overrides["team"] = make_team()
        if role is Role.LIAISON and "school" not in overrides:
            overrides["school"] = make_school()
        user = create_user(
            db_session,
            now=utcnow(),
            actor="test",
            username=username or f"{role.value}-{os.urandom(3).hex()}",
            name=overrides.pop("name", f"Pengguna {role.value}"),
            role=role,
            password=overrides.pop("password", PASSWORD),
            **overrides,
        )
        db_session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """login(user) logs the test client in through the real login form."""

    def do_login(user: User, password: str = PASSWORD):
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do_login


def change(session, user, actor="test", **overrides):
    """update_user with every field as it is, but for ``overrides``."""
    values = {
        "name": user.name,
        "role": user.role,
        "team": user.team,
        "school": user.school,
        "email": user.email,
        "is_active": user.is_active,
    }
    values.update(overrides)
    return update_user(session, user, now=utcnow(), actor=actor, **values)


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def make_resident(db_session):
    """make_resident(**overrides) — a waiting elderly resident of Pagar Dewa by default."""
    from datetime import date

    from outreach.domain.nik import build_nik
    from outreach.i18n import office_today
    from outreach.services.residents.requests import ResidentValues, register_resident

    counter = iter(range(1, 10_000))

    def make(**overrides):
        n = next(counter)
        birth_on = overrides.pop("birth_on", date(1948, 3, 12))
        sex = overrides.pop("sex_code", "f")
        values = {
            "nik": build_nik("17.71.01", sex, birth_on, n),
            "name": f"Warga Uji {n}",
            "address": f"Jl. Merpati No. {n}",
            "kelurahan_code": "17.71.01.1001",
            "birth_on": birth_on,
        }
        values.update(overrides)
        resident = register_resident(
            db_session,
            ResidentValues(**values),
            now=utcnow(),
            today=office_today(),
            actor="test",
        )
        db_session.commit()
        return resident

    return make


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def hidden_value(html: str, name: str) -> str:
    """The value of the first hidden field ``name`` on a page (a form's version, an import
    preview's fingerprint), as a browser sends it back."""
    pattern = rf'name="{re.escape(name)}" type="hidden" value="([^"]*)"'
    return unescape(re.search(pattern, html).group(1))


def login_with_csrf(client, user: User, password: str = PASSWORD) -> None:
    """Log in through the real form, token included (for apps with CSRF on)."""
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login",
        data={"username": user.username, "password": password, "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 302


def field_errors(html: str) -> list[str]:
    """The messages shown under the fields of a form, as the user reads them."""
    found = re.findall(r'<div class="invalid-feedback[^"]*">([^<]*)</div>', html)
    return [unescape(message.strip()) for message in found]


@pytest.fixture
def count_queries(db_session):
    """count_queries(fn) → (fn's result, how many SQL statements it sent to the database)."""
    from sqlalchemy import event

    def run(fn):
        engine = db_session.get_bind()
        statements = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            result = fn()
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return result, len(statements)

    return run

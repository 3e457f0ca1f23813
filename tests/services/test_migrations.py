"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from outreach import create_app
from outreach.database import alembic_options
from outreach.extensions import db
from outreach.models import Base
from tests.conftest import base_config

# SQLite's reflection cannot read an index on an expression (the resident queue's priority
# index); SQLAlchemy says so and skips it. PostgreSQL compares it.
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning"
    ),
    pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based"),
]


def migrate_and_compare(url: str) -> list:
    app = create_app(base_config(url))
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts=alembic_options())
            diffs = compare_metadata(context, Base.metadata)
        tables = set(inspect(db.engine).get_table_names())
        downgrade(directory=app.extensions["migrate"].directory, revision="base")
        left = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert tables >= set(Base.metadata.tables)
    assert left == set(), "downgrade to base must remove every table"
    return diffs


def test_migrations_match_the_models_on_an_empty_sqlite_database(tmp_path):
    assert migrate_and_compare(f"sqlite:///{tmp_path / 'fresh.sqlite'}") == []


@pytest.fixture
def empty_postgres_url():
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL (as .ci/run does) to run this test")
    url = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{url.database}_migr_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_match_the_models_on_an_empty_postgresql_database(empty_postgres_url):
    assert migrate_and_compare(empty_postgres_url) == []

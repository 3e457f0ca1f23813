"""A failed statement's error — its str(), and the traceback a log writes of it — names the
statement and the constraint, never the values: no parameter (SQLAlchemy's hide_parameters on
every engine) and none of the values PostgreSQL quotes back (DETAIL: Key (npsn)=(…), Failing
row contains (…))."""

from __future__ import annotations

import logging
import traceback
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DataError, IntegrityError

from outreach.database import without_values
from outreach.extensions import db
from outreach.models import CoverageSnapshot, Resident, ResidentCategory, School, SchoolLevel
from tests.services.test_constraints import resident

PRIVATE = ("Siti Aminah", "Jl. Merpati 5", "1771014501600003", "SMA Rahasia", "10799777")


def failed(session, *records) -> BaseException:
    """The error of flushing ``records`` (which must fail), the session rolled back."""
    session.add_all(records)
    with pytest.raises((IntegrityError, DataError)) as caught:
        session.flush()
    session.rollback()
    return caught.value


def assert_private(error: BaseException, caplog) -> None:
    shown = [str(error), "".join(traceback.format_exception(error))]
    with caplog.at_level(logging.ERROR):
        logging.getLogger("outreach.test").exception("failed", exc_info=error)
    shown.append(caplog.text)
    for value in PRIVATE:
        assert not any(value in text for text in shown), (value, shown[1])
    assert "[SQL:" in shown[0]  # the statement is still named, to debug with


def test_a_second_open_request_for_a_nik_names_no_value(db_session, caplog):
    db_session.add(resident())
    db_session.flush()
    error = failed(db_session, resident(name="Siti Aminah", address="Jl. Merpati 5"))
    assert isinstance(error, IntegrityError)
    assert_private(error, caplog)


def school() -> School:
    return School(
        npsn="10799777", name="SMA Rahasia", level=SchoolLevel.SMA, kecamatan_code="17.71.01"
    )


def test_a_repeated_npsn_names_no_value(db_session, caplog):
    db_session.add(school())
    db_session.flush()
    error = failed(db_session, school())
    assert_private(error, caplog)


def test_a_check_constraint_names_no_row(db_session, caplog):
    """PostgreSQL's "Failing row contains (…)" would list every column of the row."""
    bad = Resident(
        nik="177101",
        name="Siti Aminah",
        category=ResidentCategory.LANSIA,
        address="Jl. Merpati 5",
        kelurahan_code="17.71.01.1001",
        requested_on=date(2026, 11, 2),
    )
    assert_private(failed(db_session, bad), caplog)
    error = failed(db_session, CoverageSnapshot(as_of=date(2026, 1, 31), wajib_ktp=-1, recorded=1))
    assert "wajib_ktp_not_negative" in str(error) or "CHECK" in str(error)


def test_a_nul_put_past_every_form_names_no_value(db_session, caplog):
    """Only PostgreSQL refuses a NUL (the forms, links and imports never let one through)."""
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite stores a NUL")
    error = failed(db_session, resident(name="Siti Aminah\x00", address="Jl. Merpati 5"))
    assert isinstance(error, DataError)
    assert_private(error, caplog)


def test_every_engine_the_app_makes_hides_parameters(app, database_url):
    assert all(engine.hide_parameters for engine in db.engines.values())
    # One made elsewhere (a command, a job) is made safe by the same call.
    engine = without_values(create_engine(database_url))
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite casts any text to a number: no error to look at")
    try:
        with engine.connect() as connection, pytest.raises(DataError) as caught:
            connection.execute(text("SELECT CAST(:value AS INTEGER)"), {"value": "Siti Aminah"})
    finally:
        engine.dispose()
    assert "Siti Aminah" not in str(caught.value)

"""Coverage snapshots: entered, corrected, removed, imported all or nothing."""

from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from outreach.errors import Conflict, DomainError
from outreach.models import AuditEvent, CoverageSnapshot, utcnow
from outreach.services.coverage.figures import (
    CITY,
    CoverageValues,
    add_snapshot,
    city_history,
    delete_snapshot,
    list_snapshots,
    update_snapshot,
)
from outreach.services.coverage.imports import import_coverage
from outreach.services.tables import read_table

TODAY = date(2026, 11, 28)
AUGUST = CoverageValues(date(2024, 8, 4), None, 279_871, 278_057, "bengkulunews.co.id")


def add(session, values=AUGUST):
    record = add_snapshot(session, values, now=utcnow(), today=TODAY, actor="test")
    session.commit()
    return record


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(CoverageSnapshot))


def test_a_figure_is_added_audited_and_read_back_in_the_citys_history(db_session):
    record = add(db_session)
    add(db_session, CoverageValues(date(2024, 8, 4), "17.71.03", 21_000, 14_710))
    assert str(record.percent) == "99.35" and record.remaining == 1_814
    assert [(f.as_of, f.wajib_ktp, f.recorded) for f in city_history(db_session)] == [
        (date(2024, 8, 4), 279_871, 278_057)
    ]
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "coverage.create"))
    assert event.changes["recorded"] == 278_057
    assert list_snapshots(db_session, area=CITY).total == 1
    assert list_snapshots(db_session, area="17.71.03").items[0].wajib_ktp == 21_000
    assert list_snapshots(db_session).total == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (CoverageValues(date(2026, 11, 29), None, 1_000, 900), "as_of"),
        (CoverageValues(date(2026, 1, 1), None, 0, 0), "wajib_ktp"),
        (CoverageValues(date(2026, 1, 1), None, 28_000, 278_057), "recorded"),
        (CoverageValues(date(2026, 1, 1), "17.71.99", 1_000, 900), "area"),
    ],
)
def test_a_figure_the_rules_refuse_names_its_field_and_writes_nothing(db_session, values, field):
    with pytest.raises(DomainError) as refused:
        add_snapshot(db_session, values, now=utcnow(), today=TODAY, actor="test")
    db_session.rollback()
    assert refused.value.field == field
    assert count(db_session) == 0


def test_one_figure_per_area_and_date(db_session):
    add(db_session)
    with pytest.raises(Conflict) as refused:
        add_snapshot(db_session, AUGUST, now=utcnow(), today=TODAY, actor="test")
    db_session.rollback()
    assert refused.value.field == "as_of"
    # the same date for a kecamatan is another figure
    add(db_session, CoverageValues(date(2024, 8, 4), "17.71.01", 50_000, 49_000))
    assert count(db_session) == 2


def test_correcting_and_removing_a_figure_is_audited(db_session):
    record = add(db_session)
    changes = update_snapshot(
        db_session,
        record,
        CoverageValues(date(2024, 8, 4), None, 279_871, 278_100, "koreksi"),
        now=utcnow(),
        today=TODAY,
        actor="test",
    )
    db_session.commit()
    assert changes == {"recorded": [278_057, 278_100], "source": ["bengkulunews.co.id", "koreksi"]}
    assert update_snapshot(
        db_session, record, CoverageValues(date(2024, 8, 4), None, 279_871, 278_100, "koreksi"),
        now=utcnow(), today=TODAY, actor="test",
    ) == {}  # fmt: skip
    delete_snapshot(db_session, record, now=utcnow(), actor="test")
    db_session.commit()
    assert count(db_session) == 0
    actions = db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["coverage.create", "coverage.update", "coverage.delete"]


def _csv(text: str):
    return read_table(text.encode("utf-8"), "cakupan.csv")


def _import(session, table, **options):
    return import_coverage(
        session, table, now=utcnow(), today=TODAY, actor="test", source="cakupan.csv", **options
    )


def test_importing_figures_for_the_city_and_kecamatan_by_name_or_code(db_session):
    table = _csv(
        "as_of,area,wajib_ktp,recorded,source\n"
        "2024-08-04,,279871,278057,bengkulunews\n"
        "25-08-2024,Kota Bengkulu,280.158,278.361,koranrb\n"
        "31/07/2025,Kec. Teluk Segara,21000,20950,\n"
        "31 Juli 2025,17.71.09,43000,42900,\n"
    )
    outcome = _import(db_session, table)
    db_session.commit()
    assert outcome.written and outcome.preview.counts["new"] == 4
    history = city_history(db_session)
    assert [(f.as_of, f.recorded) for f in history] == [
        (date(2024, 8, 4), 278_057),
        (date(2024, 8, 25), 278_361),
    ]
    areas = db_session.scalars(
        select(CoverageSnapshot.kecamatan_code).where(CoverageSnapshot.kecamatan_code.is_not(None))
    ).all()
    assert sorted(areas) == ["17.71.03", "17.71.09"]


def test_importing_again_corrects_known_figures_and_keeps_their_source(db_session):
    add(db_session)
    outcome = _import(
        db_session,
        _csv("tanggal;wilayah;wajib KTP;terekam\n04-08-2024;;279871;278100\n"),
    )
    db_session.commit()
    assert outcome.preview.counts["changed"] == 1
    record = db_session.scalar(select(CoverageSnapshot))
    assert (record.recorded, record.source) == (278_100, "bengkulunews.co.id")
    again = _import(db_session, _csv("as_of,area,wajib_ktp,recorded\n2024-08-04,,279871,278100\n"))
    assert again.preview.counts["unchanged"] == 1 and not again.written


def test_one_bad_row_and_nothing_is_written_every_problem_named(db_session):
    table = _csv(
        "as_of,area,wajib_ktp,recorded\n"
        "2024-08-04,,279871,278057\n"
        "2024-13-01,,1000,900\n"
        "2024-09-01,Kecamatan Atlantis,1000,900\n"
        "2024-09-01,,0,0\n"
        "2024-09-02,,abc,\n"
        "2030-01-01,,1000,900\n"
        "04-08-2024,kota,279871,278057\n"
    )
    outcome = _import(db_session, table)
    db_session.rollback()
    assert not outcome.written
    problems = {
        (row.number, column): str(reason)
        for row in outcome.preview.with_state("invalid")
        for column, reason in row.problems
    }
    assert set(problems) == {
        (3, "as_of"),
        (4, "area"),
        (5, "wajib_ktp"),
        (6, "wajib_ktp"),
        (6, "recorded"),
        (7, "as_of"),
        (8, "as_of"),
    }
    assert "Atlantis" in problems[(4, "area")]
    assert "2" in problems[(8, "as_of")]  # the same area and date as row 2
    assert count(db_session) == 0


def test_a_real_xlsx_file_with_date_and_number_cells(db_session, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Tanggal", "Wilayah", "Wajib KTP", "Terekam", "Sumber"])
    sheet.append([date(2025, 7, 31), "Kota", 281_968, 281_760, "ANTARA"])
    path = tmp_path / "cakupan.xlsx"
    workbook.save(path)
    outcome = _import(db_session, read_table(path.read_bytes(), path.name))
    db_session.commit()
    assert outcome.written
    assert city_history(db_session)[0].recorded == 281_760


def test_a_file_without_the_needed_columns_is_refused_whole(db_session):
    from outreach.domain.problems import Invalid

    with pytest.raises(Invalid):
        _import(db_session, _csv("tanggal,wilayah\n2024-08-04,\n"))

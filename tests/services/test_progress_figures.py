"""The figures behind the dashboard, the monthly report and the visit export, on a real
database: what counts where, moved visits apart from cancellations, a fixed number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from outreach.domain.coverage import Outlook
from outreach.models import (
    CoverageSnapshot,
    HomeOutcome,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
)
from outreach.services.overview import get_office_overview
from outreach.services.visits.export import list_month_visits
from outreach.services.visits.report import monthly_report
from tests.services.visit_helpers import DECEMBER, add_visit

TARGET = Decimal("98.07")
SELEBAR, GADING = "17.71.01", "17.71.02"


@pytest.fixture
def month(db_session, make_team, make_school, make_resident):
    """December 2026 in two kecamatan and two teams: every status, a move, two home outcomes."""
    team_a = make_team(name="Tim A", kecamatan_codes=(SELEBAR,))
    team_b = make_team(name="Tim B", kecamatan_codes=(GADING,))
    s1, s3, s4, s5 = (make_school(name=f"SMA Selebar {n}") for n in (1, 3, 4, 5))
    s2 = make_school(name='=HYPERLINK("x")', kecamatan_code=GADING, kelurahan_code="17.71.02.1001")
    r1 = make_resident(name="Siti Aminah")
    r2 = make_resident(name="Rahmat Hidayat", kelurahan_code="17.71.02.1001")
    add_visit(
        db_session, school=s1, team=team_a, on=date(2026, 12, 3), status=VisitStatus.COMPLETED,
        students_recorded=40, students_not_recorded=5, not_recorded_reason="sakit",
    )  # fmt: skip
    moved = add_visit(
        db_session, school=s2, team=team_b, on=date(2026, 12, 8), status=VisitStatus.MOVED,
        cancel_reason="Ujian",
    )  # fmt: skip
    db_session.add(
        Visit(
            kind=VisitKind.SCHOOL, school_id=s2.id, team_id=team_b.id, visit_on=date(2026, 12, 10),
            status=VisitStatus.CONFIRMED, origin=VisitOrigin.MOVED, replaces_id=moved.id,
        )
    )  # fmt: skip
    add_visit(
        db_session, school=s3, team=team_a, on=date(2026, 12, 9), status=VisitStatus.CANCELLED,
        cancel_reason="Sekolah libur",
    )  # fmt: skip
    add_visit(db_session, school=s4, team=team_b, on=date(2026, 12, 4), status=VisitStatus.MISSED)
    add_visit(db_session, school=s5, team=team_a, on=date(2026, 12, 21))
    add_visit(
        db_session, resident=r1, team=team_a, on=date(2026, 12, 2), status=VisitStatus.COMPLETED,
        home_outcome=HomeOutcome.RECORDED,
    )  # fmt: skip
    add_visit(
        db_session, resident=r2, team=team_b, on=date(2026, 12, 2), status=VisitStatus.COMPLETED,
        home_outcome=HomeOutcome.NOT_AT_HOME,
    )  # fmt: skip
    add_visit(db_session, school=s1, team=team_a, on=date(2026, 11, 30))  # another month
    db_session.commit()
    return team_a, team_b


def test_the_monthly_report_by_kecamatan_and_team(db_session, month):
    report = monthly_report(db_session, DECEMBER)
    by_kecamatan = {row.name: row.figures for row in report.by_kecamatan}
    assert list(by_kecamatan) == ["Gading Cempaka", "Selebar"]
    selebar, gading = by_kecamatan["Selebar"], by_kecamatan["Gading Cempaka"]
    assert {k: v for k, v in selebar.items() if v} == {
        "planned": 5,
        "proposed": 1,
        "completed": 2,
        "cancelled": 1,
        "missed": 1,
        "school_visits": 4,
        "students_recorded": 40,
        "students_not_recorded": 5,
        "home_visits": 1,
        "home_recorded": 1,
    }
    # the move: counted once as planned (its new day), the day it left as moved, not cancelled
    assert {k: v for k, v in gading.items() if v} == {
        "planned": 2,
        "confirmed": 1,
        "completed": 1,
        "moved": 1,
        "school_visits": 1,
        "home_visits": 1,
        "home_not_at_home": 1,
    }
    by_team = {row.name: row.figures for row in report.by_team}
    assert (by_team["Tim A"]["planned"], by_team["Tim B"]["planned"]) == (4, 3)
    assert by_team["Tim B"]["moved"] == 1 and by_team["Tim B"]["missed"] == 1
    assert report.total.figures["planned"] == 7 and report.total.figures["cancelled"] == 1
    assert not report.is_empty
    assert monthly_report(db_session, date(2027, 1, 1)).is_empty


def test_the_visit_export_rows_name_places_and_moves_but_no_nik(db_session, month):
    rows = list_month_visits(db_session, DECEMBER)
    assert [row.visit_on.day for row in rows] == sorted(row.visit_on.day for row in rows)
    assert len(rows) == 8
    moved = next(row for row in rows if row.visit_on == date(2026, 12, 8))
    assert (moved.status, moved.moved_to, moved.reason) == (
        VisitStatus.MOVED,
        date(2026, 12, 10),
        "Ujian",
    )
    assert (moved.kecamatan, moved.kelurahan) == ("Gading Cempaka", "Padang Harapan")
    home = next(row for row in rows if row.resident == "Rahmat Hidayat")
    assert (home.kind, home.kecamatan, home.home_outcome, home.npsn) == (
        VisitKind.HOME,
        "Gading Cempaka",
        HomeOutcome.NOT_AT_HOME,
        None,
    )
    completed = next(row for row in rows if row.students_recorded == 40)
    assert (completed.kecamatan, completed.kelurahan, completed.reason) == (
        "Selebar",
        "Pagar Dewa",
        "sakit",
    )
    assert not any(hasattr(row, "nik") for row in rows)


def test_the_dashboard_figures(db_session, month, make_resident):
    today = date(2026, 12, 7)
    waiting = make_resident(name="Menunggu Lama", kelurahan_code="17.71.02.1001")
    waiting.requested_on = date(2026, 10, 1)
    make_resident(name="Menunggu Baru").requested_on = date(2026, 11, 20)
    db_session.add_all(
        [
            CoverageSnapshot(as_of=date(2024, 8, 4), wajib_ktp=279_871, recorded=278_057),
            CoverageSnapshot(
                as_of=date(2024, 8, 4), kecamatan_code=SELEBAR, wajib_ktp=9, recorded=1
            ),
        ]
    )  # fmt: skip
    db_session.commit()
    overview = get_office_overview(db_session, today, target=TARGET)
    # proposed from the 7th to the 10th: none (the 21st is later); open and past its day: the
    # one of 30 November (the missed visit is closed).
    assert overview.unconfirmed_soon_count == 0
    assert overview.overdue == 1
    assert overview.visits_this_month[VisitStatus.COMPLETED] == 3
    # the real cancellation is cancelled; the move counts once, on its new day
    assert overview.visits_this_month[VisitStatus.CANCELLED] == 1
    assert overview.visits_this_month[VisitStatus.MOVED] == 1
    assert (
        overview.visits_this_month_total
        == monthly_report(db_session, DECEMBER).total.figures["planned"]
    )
    assert [(a.kecamatan, a.waiting, a.oldest_on) for a in overview.waiting] == [
        ("Gading Cempaka", 1, date(2026, 10, 1)),
        ("Selebar", 1, date(2026, 11, 20)),
    ]
    assert overview.residents_waiting == 2
    assert overview.longest_wait.resident_id == waiting.id
    assert overview.longest_wait.days == (today - date(2026, 10, 1)).days
    december = overview.recordings[-1]
    assert (december.month, december.students_recorded, december.students_not_recorded) == (
        DECEMBER,
        40,
        5,
    )
    assert december.residents_recorded == 1
    assert len(overview.recordings) == 12 and overview.recordings[0].month == date(2026, 1, 1)
    card = overview.coverage
    assert card.coverage.percent == Decimal("99.35") and card.coverage.remaining == 1_814
    assert card.projection.outlook is Outlook.NO_HISTORY
    assert card.is_stale  # August 2024 is long ago


def test_unconfirmed_in_the_next_three_days_and_overdue(db_session, make_team, make_school):
    team = make_team()
    today = date(2026, 12, 7)
    for offset, status in ((0, VisitStatus.PROPOSED), (3, VisitStatus.PROPOSED),
                           (4, VisitStatus.PROPOSED), (2, VisitStatus.CONFIRMED),
                           (-1, VisitStatus.PROPOSED), (-2, VisitStatus.CONFIRMED),
                           (-3, VisitStatus.COMPLETED)):  # fmt: skip
        add_visit(db_session, school=make_school(), team=team, on=today + timedelta(offset),
                  status=status)  # fmt: skip
    overview = get_office_overview(db_session, today, target=TARGET)
    assert overview.unconfirmed_soon_count == 2
    assert [v.visit_on for v in overview.unconfirmed_soon] == [today, today + timedelta(3)]
    assert overview.overdue == 2


def _grow(db_session, make_school, make_resident, team, n: int, first: int = 0) -> None:
    for i in range(first, first + n):
        school = make_school()
        day = date(2026, 12, 1) + timedelta(days=i % 28)
        add_visit(db_session, school=school, team=team, on=day,
                  status=(VisitStatus.COMPLETED, VisitStatus.PROPOSED)[i % 2],
                  students_recorded=10 if i % 2 == 0 else None)  # fmt: skip
        make_resident(kelurahan_code=("17.71.01.1001", "17.71.02.1001")[i % 2])
        db_session.add(
            CoverageSnapshot(as_of=date(2026, 1, 1) + timedelta(days=i * 7),
                             wajib_ktp=1000 + i, recorded=900 + 2 * i)
        )  # fmt: skip
    db_session.commit()


def test_the_dashboard_sends_the_same_number_of_queries_however_much_data(
    db_session, make_team, make_school, make_resident, count_queries
):
    team = make_team()
    today = date(2026, 12, 10)
    _grow(db_session, make_school, make_resident, team, 3)
    small, small_count = count_queries(
        lambda: get_office_overview(db_session, today, target=TARGET)
    )
    _grow(db_session, make_school, make_resident, team, 40, first=3)
    large, large_count = count_queries(
        lambda: get_office_overview(db_session, today, target=TARGET)
    )
    assert large.residents_waiting > small.residents_waiting
    assert len(large.coverage.history) > len(small.coverage.history)
    assert small_count == large_count
    assert large_count <= 15  # with the outcomes kept from phones (one count)

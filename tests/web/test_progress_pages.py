"""The coordinator's dashboard, the coverage pages, the monthly report and the exports, through
the test client: what a coordinator reads, what others may not see, files a spreadsheet opens."""

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from outreach.i18n import office_today
from outreach.models import (
    AuditEvent,
    CoverageSnapshot,
    HomeOutcome,
    Role,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
)
from outreach.scheduling.calendar import month_start
from tests.conftest import field_errors, hidden_value


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def coordinator(make_user, login):
    user = make_user(Role.COORDINATOR, name="Yulia Safitri")
    login(user)
    return user


def figure(db_session, as_of, wajib, recorded, area=None):
    db_session.add(
        CoverageSnapshot(as_of=as_of, kecamatan_code=area, wajib_ktp=wajib, recorded=recorded)
    )
    db_session.commit()


def card(page: str) -> str:
    return page.split('data-testid="coverage-card"', 1)[1].split("</section>", 1)[0]


def test_the_card_for_4_august_2024_reads_99_35_percent_above_target(
    client, coordinator, db_session
):
    figure(db_session, date(2024, 8, 4), 279_871, 278_057)
    page = card(text(client.get("/")))
    assert "99,35 %" in page
    assert "Di atas target 98,07 %" in page
    assert "278.057 dari 279.871 wajib KTP sudah terekam" in page
    assert 'data-testid="remaining">1.814<' in page
    assert 'data-testid="above-target">3.587<' in page
    assert "Per Minggu, 4 Agustus 2024" in page
    assert "lebih dari tiga bulan" in page  # an old figure is flagged
    assert "Belum ada perkiraan" in page  # one figure: no pace yet


def test_below_target_shows_the_recordings_needed(client, coordinator, db_session):
    today = office_today()
    figure(db_session, today - timedelta(days=40), 10_000, 9_600)
    figure(db_session, today - timedelta(days=10), 10_000, 9_700)
    page = card(text(client.get("/")))
    assert "97,00 %" in page and "Di bawah target 98,07 %" in page
    assert 'data-testid="needed-for-target">107<' in page
    assert 'data-testid="remaining">300<' in page
    assert "Dengan laju tiga bulan terakhir" in page and "Target akan tercapai sekitar" in page


def test_no_recent_progress_gives_no_estimate(client, coordinator, db_session):
    today = office_today()
    figure(db_session, today - timedelta(days=60), 10_000, 9_900)
    figure(db_session, today - timedelta(days=30), 10_100, 9_990)
    page = card(text(client.get("/")))
    assert "Tidak ada perkiraan: jumlah yang belum terekam tidak berkurang sejak" in page


def test_a_figure_without_wajib_ktp_and_no_figure_at_all_do_not_break_the_page(
    client, coordinator, db_session
):
    response = client.get("/")
    assert response.status_code == 200
    assert "Belum ada angka cakupan" in card(text(response))
    figure(db_session, office_today(), 0, 0)  # only the database allows it: forms refuse it
    response = client.get("/")
    assert response.status_code == 200
    assert "tidak mencatat wajib KTP" in card(text(response))


def test_every_dashboard_figure_links_to_its_list(
    client, coordinator, db_session, make_team, make_school, make_resident
):
    today = office_today()
    team = make_team()
    resident = make_resident(name="Siti Menunggu")
    resident.requested_on = today - timedelta(days=45)
    for day, status in ((today + timedelta(days=1), VisitStatus.PROPOSED),
                        (today - timedelta(days=2), VisitStatus.CONFIRMED)):  # fmt: skip
        db_session.add(
            Visit(kind=VisitKind.SCHOOL, school_id=make_school().id, team_id=team.id,
                  visit_on=day, origin=VisitOrigin.MANUAL, status=status)
        )  # fmt: skip
    db_session.commit()
    page = text(client.get("/"))
    assert 'href="/visits?soon=1"' in page and 'href="/visits?overdue=1"' in page
    assert 'href="/residents?status=waiting&amp;kecamatan=17.71.01"' in page
    assert f'href="/residents/{resident.id}"' in page and "45 hari" in page
    assert f'href="/reports?month={today:%Y-%m}"' in page
    soon = text(client.get("/visits?soon=1"))
    assert "Belum dikonfirmasi, 3 hari ke depan" in soon
    assert 'data-testid="stat-unconfirmed"><a href="/visits?soon=1" class="text-danger">1<' in page


def test_the_charts_are_svg_with_their_numbers_in_tables(client, coordinator, db_session):
    figure(db_session, date(2024, 8, 4), 279_871, 278_057)
    figure(db_session, date(2025, 7, 31), 281_968, 281_760)
    page = text(client.get("/"))
    assert page.count('<svg class="chart chart-') == 4  # two charts, wide and narrow each
    assert 'data-testid="coverage-chart-wide"' in page and "Target 98,07 %" in page
    table = page.split('data-testid="coverage-table"', 1)[1].split("</table>", 1)[0]
    assert "31 Jul 2025" in table and "281.760" in table and "99,93 %" in table
    assert 'data-testid="recordings-table"' in page
    assert "cdn" not in page.lower()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LIAISON])
@pytest.mark.parametrize(
    "url",
    [
        "/coverage",
        "/coverage/new",
        "/coverage/import",
        "/reports",
        "/reports/export.csv",
        "/visits/export.csv",
        "/visits/export.xlsx",
    ],
)
def test_only_coordinators_see_coverage_reports_and_exports(client, make_user, login, role, url):
    login(make_user(role))
    assert client.get(url).status_code == 403


def test_adding_a_figure_by_form_and_bad_input_saves_nothing(client, coordinator, db_session):
    bad = client.post(
        "/coverage/new",
        data={"as_of": "2030-01-01", "area": "", "wajib_ktp": "abc", "recorded": "-5"},
    )
    assert bad.status_code == 422
    errors = field_errors(text(bad))
    assert errors == ["Masukkan bilangan bulat 0 atau lebih."] * 2
    future = client.post(
        "/coverage/new",
        data={"as_of": "2030-01-01", "area": "", "wajib_ktp": "1000", "recorded": "900"},
    )
    assert "Tanggal angka tidak boleh di masa depan." in field_errors(text(future))
    zero = client.post(
        "/coverage/new", data={"as_of": "2024-08-04", "wajib_ktp": "0", "recorded": "0"}
    )
    assert "Wajib KTP harus lebih dari 0." in field_errors(text(zero))
    assert db_session.scalar(select(func.count()).select_from(CoverageSnapshot)) == 0
    saved = client.post(
        "/coverage/new",
        data={
            "as_of": "2024-08-04",
            "area": "",
            "wajib_ktp": "279.871",
            "recorded": "278057",
            "source": "bengkulunews.co.id ?p=155700",
        },
        follow_redirects=True,
    )
    assert "Angka per Minggu, 4 Agustus 2024 disimpan." in text(saved)
    history = text(saved).split('data-testid="coverage-history"', 1)[1]
    assert "Seluruh kota" in history and "279.871" in history and "99,35 %" in history
    again = client.post(
        "/coverage/new",
        data={"as_of": "2024-08-04", "area": "", "wajib_ktp": "1", "recorded": "1"},
    )
    assert "Sudah ada angka untuk wilayah ini pada tanggal tersebut" in text(again)
    record = db_session.scalar(select(CoverageSnapshot))
    assert (record.wajib_ktp, record.created_by_id) == (279_871, coordinator.id)


def test_correcting_and_removing_a_figure(client, coordinator, db_session):
    figure(db_session, date(2024, 8, 4), 279_871, 278_057)
    record = db_session.scalar(select(CoverageSnapshot))
    form = text(client.get(f"/coverage/{record.id}/edit"))
    assert 'value="279871"' in form and 'value="2024-08-04"' in form
    client.post(
        f"/coverage/{record.id}/edit",
        data={"as_of": "2024-08-04", "area": "17.71.03", "wajib_ktp": "21000", "recorded": "20000"},
    )
    db_session.expire_all()
    assert (record.kecamatan_code, record.recorded) == ("17.71.03", 20_000)
    client.post(f"/coverage/{record.id}/delete")
    assert db_session.scalar(select(func.count()).select_from(CoverageSnapshot)) == 0
    assert client.get(f"/coverage/{record.id}/edit").status_code == 404


def test_importing_coverage_figures_through_the_shared_import_pages(
    client, coordinator, db_session
):
    upload = client.post(
        "/coverage/import",
        data={
            "file": (
                io.BytesIO(b"as_of,area,wajib_ktp,recorded\n2024-08-04,,279871,278057\n"),
                "cakupan.csv",
            )
        },
    )
    assert upload.status_code == 302
    preview = client.get(upload.headers["Location"])
    assert "Seluruh kota" in text(preview) and "278.057 / 279.871" in text(preview)
    done = client.post(
        upload.headers["Location"],
        data={"seen": hidden_value(preview.get_data(as_text=True), "seen")},
        follow_redirects=True,
    )
    assert "Impor disimpan" in text(done)
    assert db_session.scalar(select(CoverageSnapshot.recorded)) == 278_057


@pytest.fixture
def october(db_session, make_team, make_school, make_resident):
    """Visits of a past month: a completed school visit with an injected formula in the name,
    a home visit recorded, a move, a cancellation."""
    month = month_start(month_start(office_today()) - timedelta(days=1))
    team = make_team(name="Tim Perekaman 1")
    school = make_school(name="=cmd|' /C calc'!A0", npsn="10702414")
    other = make_school(name="SMA Negeri 2 Kota Bengkulu")
    resident = make_resident(name="Siti Aminah")
    visits = [
        Visit(kind=VisitKind.SCHOOL, school_id=school.id, team_id=team.id, visit_on=month,
              origin=VisitOrigin.MANUAL, status=VisitStatus.COMPLETED, students_recorded=42,
              students_not_recorded=3),
        Visit(kind=VisitKind.HOME, resident_id=resident.id, team_id=team.id,
              visit_on=month + timedelta(days=1), origin=VisitOrigin.HOME_PLAN,
              status=VisitStatus.COMPLETED, home_outcome=HomeOutcome.RECORDED),
        Visit(kind=VisitKind.SCHOOL, school_id=other.id, team_id=team.id,
              visit_on=month + timedelta(days=2), origin=VisitOrigin.MANUAL,
              status=VisitStatus.MOVED, cancel_reason="+Ujian akhir"),
    ]  # fmt: skip
    db_session.add_all(visits)
    db_session.commit()
    db_session.add(
        Visit(kind=VisitKind.SCHOOL, school_id=other.id, team_id=team.id,
              visit_on=month + timedelta(days=5), origin=VisitOrigin.MOVED,
              replaces_id=visits[2].id, status=VisitStatus.CONFIRMED)
    )  # fmt: skip
    db_session.commit()
    return month, resident


def test_the_visit_csv_keeps_the_contract_columns_neutralises_formulas_and_has_no_nik(
    client, coordinator, db_session, october
):
    month, resident = october
    response = client.get(f"/visits/export.csv?month={month:%Y-%m}")
    assert response.status_code == 200
    assert f'filename="kunjungan-{month:%Y-%m}.csv"' in response.headers["Content-Disposition"]
    body = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:12] == [
        "date", "kind", "status", "team", "npsn", "school", "resident", "kecamatan",
        "kelurahan", "origin", "students_recorded", "outcome",
    ]  # fmt: skip
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["date"] == month.isoformat() and first["kind"] == "school"
    assert first["school"] == "'=cmd|' /C calc'!A0"  # a spreadsheet shows it, never runs it
    assert (first["students_recorded"], first["kecamatan"]) == ("42", "Selebar")
    home = dict(zip(rows[0], rows[2], strict=True))
    assert (home["resident"], home["outcome"], home["kind"]) == ("Siti Aminah", "recorded", "home")
    moved = dict(zip(rows[0], rows[3], strict=True))
    assert moved["moved_to"] == (month + timedelta(days=5)).isoformat()
    assert moved["reason"] == "'+Ujian akhir"
    assert resident.nik not in body and resident.nik[:6] + "*" not in body
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "visit.export"))
    assert event.changes == {"month": f"{month:%Y-%m}", "rows": 4, "format": "csv"}
    assert event.user_id == coordinator.id


def test_the_visit_xlsx_has_typed_cells_and_indonesian_headings(
    client, coordinator, db_session, october
):
    month, _resident = october
    response = client.get(f"/visits/export.xlsx?month={month:%Y-%m}")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    headings = [cell.value for cell in sheet[1]]
    assert headings[:6] == ["Tanggal", "Jenis", "Status", "Tim", "NPSN", "Sekolah"]
    assert sheet.freeze_panes == "A2"
    first = [cell.value for cell in sheet[2]]
    assert first[0].date() == month and first[1] == "Kunjungan sekolah"
    assert first[10] == 42 and isinstance(first[10], int)
    assert first[5] == "=cmd|' /C calc'!A0"  # text, not a formula, and no visible apostrophe
    assert [cell.value for cell in sheet[4]][2] == "Dipindahkan"


def test_a_month_that_cannot_be_read_is_refused_with_a_reason(client, coordinator):
    response = client.get("/visits/export.csv?month=2026-13")
    assert response.status_code == 400
    assert "Tulis bulan sebagai YYYY-MM" in text(response)
    assert client.get("/reports/export.xlsx?month=besok").status_code == 400
    page = client.get("/reports?month=besok", follow_redirects=True)
    assert page.status_code == 200 and "tidak dikenali" in text(page)


def test_the_monthly_report_on_screen_and_as_files(client, coordinator, db_session, october):
    month, _resident = october
    page = text(client.get(f"/reports?month={month:%Y-%m}"))
    kecamatan = page.split('data-testid="report-kecamatan"', 1)[1].split("</table>", 1)[0]
    assert "Selebar" in kecamatan
    assert "data-print" in page and "Per tim" in page and "Tim Perekaman 1" in page
    xlsx = client.get(f"/reports/export.xlsx?month={month:%Y-%m}")
    assert f"laporan-jemput-bola-{month:%Y-%m}.xlsx" in xlsx.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(xlsx.get_data()))
    assert workbook.sheetnames == ["Per kecamatan", "Per tim"]
    sheet = workbook["Per kecamatan"]
    headings = [cell.value for cell in sheet[1]]
    assert headings[:4] == ["Kecamatan", "Direncanakan", "Diusulkan", "Dikonfirmasi"]
    assert "Siswa terekam" in headings and "Rumah: terekam" in headings
    assert "Dipindahkan ke hari lain" in headings
    row = dict(zip(headings, [cell.value for cell in sheet[2]], strict=True))
    assert row["Kecamatan"] == "Selebar"
    assert (row["Direncanakan"], row["Selesai"], row["Dibatalkan"]) == (3, 2, 0)
    assert (row["Dipindahkan ke hari lain"], row["Siswa terekam"], row["Rumah: terekam"]) == (
        1,
        42,
        1,
    )
    assert isinstance(row["Siswa terekam"], int)
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 20
    total = [cell.value for cell in sheet[sheet.max_row]]
    assert total[0] == "Jumlah" and total[1] == 3
    report_csv = client.get(f"/reports/export.csv?month={month:%Y-%m}")
    rows = list(csv.reader(io.StringIO(report_csv.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Menurut", "Nama", "Direncanakan"]
    assert [row[0] for row in rows[1:]] == ["Kecamatan", "Kecamatan", "Tim", "Tim"]


def test_an_empty_month_says_so(client, coordinator):
    page = text(client.get("/reports?month=2019-01"))
    assert "Tidak ada kunjungan pada Januari 2019." in page

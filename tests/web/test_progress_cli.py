"""`flask outreach import-coverage` and `export-visits`: the contracts other scripts rely on."""

import csv
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from outreach.models import AuditEvent, CoverageSnapshot, Visit, VisitKind, VisitOrigin, VisitStatus


def test_import_coverage_writes_a_good_file(runner, db_session, tmp_path):
    path = tmp_path / "cakupan.csv"
    path.write_text(
        "as_of,area,wajib_ktp,recorded\n2024-08-04,,279871,278057\n2024-08-04,Selebar,60000,59800\n"
    )
    result = runner.invoke(args=["outreach", "import-coverage", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 baris: 2 baru" in result.output
    assert db_session.scalar(select(func.count()).select_from(CoverageSnapshot)) == 2


def test_import_coverage_refuses_a_bad_file_whole_with_every_reason(runner, db_session, tmp_path):
    path = tmp_path / "cakupan.csv"
    path.write_text(
        "as_of,area,wajib_ktp,recorded\n"
        "2024-08-04,,279871,278057\n"
        "2024-02-30,,1000,900\n"
        "2024-09-01,Atlantis,1000,900\n"
    )
    result = runner.invoke(args=["outreach", "import-coverage", str(path)])
    assert result.exit_code == 1
    assert "Baris 3, kolom as_of" in result.output
    assert "Baris 4, kolom area" in result.output and "Atlantis" in result.output
    assert "Tidak ada yang disimpan" in result.output
    assert db_session.scalar(select(func.count()).select_from(CoverageSnapshot)) == 0


def _visit(db_session, make_team, make_school):
    db_session.add(
        Visit(
            kind=VisitKind.SCHOOL,
            school_id=make_school(name="SMA Negeri 5 Kota Bengkulu").id,
            team_id=make_team().id,
            visit_on=date(2026, 10, 6),
            origin=VisitOrigin.MANUAL,
            status=VisitStatus.COMPLETED,
            students_recorded=37,
        )
    )
    db_session.commit()


def test_export_visits_as_csv_and_xlsx(runner, db_session, make_team, make_school, tmp_path):
    _visit(db_session, make_team, make_school)
    output = tmp_path / "oktober.csv"
    result = runner.invoke(
        args=["outreach", "export-visits", "--month", "2026-10", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert "1 kunjungan bulan 2026-10 ditulis ke" in result.output
    rows = list(csv.reader(io.StringIO(output.read_bytes().decode("utf-8-sig"))))
    assert rows[0][:3] == ["date", "kind", "status"]
    assert rows[1][:3] == ["2026-10-06", "school", "completed"] and rows[1][10] == "37"
    xlsx = tmp_path / "oktober.xlsx"
    result = runner.invoke(
        args=["outreach", "export-visits", "--month", "2026-10", "--format", "xlsx",
              "--output", str(xlsx)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sheet = load_workbook(xlsx).active
    assert sheet["A1"].value == "Tanggal" and sheet["K2"].value == 37
    actions = db_session.scalars(
        select(AuditEvent.actor).where(AuditEvent.action == "visit.export")
    ).all()
    assert actions == ["command", "command"]
    assert not list(tmp_path.glob(".*partial"))


def test_export_visits_refuses_a_bad_month_or_folder_and_writes_nothing(runner, tmp_path):
    bad = runner.invoke(
        args=["outreach", "export-visits", "--month", "Oktober", "--output", str(tmp_path / "x")]
    )
    assert bad.exit_code == 1 and "YYYY-MM" in bad.output
    nowhere = tmp_path / "tidak-ada" / "x.csv"
    missing = runner.invoke(
        args=["outreach", "export-visits", "--month", "2026-10", "--output", str(nowhere)]
    )
    assert missing.exit_code == 1 and "tidak ada" in missing.output
    assert list(tmp_path.iterdir()) == []

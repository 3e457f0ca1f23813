"""Every CSV and XLSX the app writes is safe in Excel with Indonesian settings: hostile text put
straight into the database (as a record stored before input was cleaned would be) in every text
column an export carries; no fragment of a CSV, however the line is split, begins as a formula;
no XLSX cell is a formula and each shows the text without its invisible characters; what we
export imports back unchanged."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from outreach.domain.formulas import SEPARATORS, TRIGGERS
from outreach.domain.nik import build_nik
from outreach.domain.text import UNWANTED
from outreach.i18n import office_today
from outreach.models import (
    CoverageSnapshot,
    Resident,
    Role,
    School,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
    utcnow,
)
from outreach.scheduling.calendar import month_start
from outreach.services.residents.imports import RESIDENT_COLUMNS, import_residents
from outreach.services.schools.imports import TEMPLATE_HEADINGS, analyse_schools
from outreach.services.tables import read_table
from outreach.spreadsheets import csv_bytes, xlsx_bytes

FORMULAS = ("=1+1", "+62812", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x","klik")',
            "=cmd|' /C calc'!A0", "\t=1", "\r=1")  # fmt: skip
SHAPES = ("{}", "SMA {}", "Jl. A;{}", "Jl. A,{}", 'a, "{}', "a; '{}", "a\n{}", "a\t{}", " {}",
          "'{}", "a;;\t {}", "''{}", 'x,"";{}')  # fmt: skip
INVISIBLE = ("a\x07b\x1b[31mc", "x\u202ey\u2066z\u2069", "a\x85b\x9fc\x7f", "a\x0bb\x0cc",
             "tidak\ufffe hadir", "a\rb", "\x00nul")  # fmt: skip


def hostile_texts(dialect: str) -> list[str]:
    texts = [shape.format(formula) for formula in FORMULAS for shape in SHAPES]
    texts += [f"{invisible};={n}" for n, invisible in enumerate(INVISIBLE)]
    if dialect == "postgresql":  # PostgreSQL cannot hold a NUL at all
        texts = [text.replace("\x00", "") for text in texts]
    return texts


def is_number(text: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", text) is not None


def assert_no_formula_fragment(body: bytes) -> None:
    """However the CSV is split — by Excel on ',' or ';', by a tool on a tab or a line break —
    no piece, quotes and spaces stripped, begins as a formula (a real number may be negative)."""
    text = body.decode("utf-8-sig")
    for delimiter in (",", ";"):
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            for field in record:
                head = field.lstrip(' "')
                assert is_number(head) or not head.startswith(tuple(TRIGGERS)), (delimiter, field)
    for record in text.split("\r\n"):
        for separator in SEPARATORS:
            for fragment in record.split(separator):
                head = fragment.lstrip(' "')
                assert is_number(head.rstrip('"')) or not head.startswith(tuple(TRIGGERS)), (
                    separator,
                    fragment,
                )


def xlsx_texts(body: bytes) -> set[str]:
    """Every text cell of every sheet; no cell may be a formula."""
    texts = set()
    for sheet in load_workbook(io.BytesIO(body)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    return texts


@pytest.fixture
def coordinator(make_user, login):
    user = make_user(Role.COORDINATOR, name="Yulia Safitri")
    login(user)
    return user


@pytest.fixture
def hostile(db_session, make_team, make_school, make_resident):
    """A past month with school and home visits whose every exported text column holds a
    hostile text, written straight into the database."""
    texts = iter(hostile_texts(db_session.get_bind().dialect.name))
    month = month_start(month_start(office_today()) - timedelta(days=1))
    placed: list[str] = []

    def take() -> str:
        text = next(texts)
        placed.append(text)
        return text

    for n in range(6):
        team = make_team(name=f"Tim {n}")
        school = make_school()
        resident = make_resident()
        db_session.add_all([
            Visit(kind=VisitKind.SCHOOL, school_id=school.id, team_id=team.id,
                  visit_on=month + timedelta(days=n), origin=VisitOrigin.MANUAL,
                  status=VisitStatus.CANCELLED, cancel_reason=take()),
            Visit(kind=VisitKind.HOME, resident_id=resident.id, team_id=team.id,
                  visit_on=month + timedelta(days=n), origin=VisitOrigin.MANUAL,
                  status=VisitStatus.CONFIRMED),
        ])  # fmt: skip
        team.name = take()
        school.name, school.address, school.liaison_name = take(), take(), take()
        resident.name, resident.address = take(), take()
        resident.contact_name, resident.contact_relation = take(), take()
        db_session.add(
            CoverageSnapshot(as_of=date(2024, 8, n + 1), wajib_ktp=10, recorded=5, source=take())
        )
    db_session.commit()
    return month, placed


def exports(month):
    m = f"{month:%Y-%m}"
    return [
        f"/visits/export.{{}}?month={m}",
        "/residents/export.{}",
        f"/reports/export.{{}}?month={m}",
        "/schools/import/template.{}?filled=1",
        "/coverage/import/template.{}?filled=1",
    ]


@pytest.mark.parametrize("which", range(5), ids=["visits", "residents", "report", "schools",
                                                 "coverage"])  # fmt: skip
def test_every_export_is_safe_in_excel_however_it_is_split(client, coordinator, hostile, which):
    month, placed = hostile
    path = exports(month)[which]
    response = client.get(path.format("csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert_no_formula_fragment(response.data)
    text = response.data.decode("utf-8-sig")
    assert not UNWANTED.search(text.replace("\r\n", ""))  # no invisible character left
    workbook = client.get(path.format("xlsx"))
    assert workbook.status_code == 200  # one bad character used to make this a 500
    shown = xlsx_texts(workbook.data)
    assert not any(UNWANTED.search(value) for value in shown)
    expected = {UNWANTED.sub("", t) for t in placed}
    assert len(expected & shown) >= 6, "the export carries none of the hostile texts"
    for value in shown:  # no visible apostrophe in a workbook: the text as it was stored
        assert not value.startswith("'") or value in expected, value


def test_the_visit_command_writes_safe_files_too(runner, hostile, tmp_path):
    month, _placed = hostile
    for extension in ("csv", "xlsx"):
        output = tmp_path / f"kunjungan.{extension}"
        done = runner.invoke(
            args=["outreach", "export-visits", "--month", f"{month:%Y-%m}", "--output", str(output)]
        )
        assert done.exit_code == 0, done.output
        if extension == "csv":
            assert_no_formula_fragment(output.read_bytes())
            header = next(csv.reader(io.StringIO(output.read_text("utf-8-sig"))))
            assert header[:12] == ["date", "kind", "status", "team", "npsn", "school",
                                   "resident", "kecamatan", "kelurahan", "origin",
                                   "students_recorded", "outcome"]  # fmt: skip
        else:
            xlsx_texts(output.read_bytes())


def test_a_negative_number_stays_a_number():
    body = csv_bytes(["n", "t"], [[-3, "-3"], [-3.8, "=-3"]]).decode("utf-8-sig")
    assert '"-3","\'-3"' in body and '"-3.8","\'=-3"' in body
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["n"], [[-3], [-3.8]], title="t"))).active
    assert [sheet["A2"].value, sheet["A3"].value] == [-3, -3.8]
    assert sheet["A2"].data_type == "n"


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_filled_school_template_imports_back_as_a_no_op(
    client, coordinator, hostile, extension, db_session
):
    month, _placed = hostile
    before = {
        s.npsn: (s.name, s.address, s.liaison_name) for s in db_session.scalars(select(School))
    }
    filled = client.get(f"/schools/import/template.{extension}?filled=1")

    table = read_table(filled.data, f"sekolah.{extension}")
    assert table.headings == list(TEMPLATE_HEADINGS)
    # What the cells give back is what was exported: the formula marks taken off again.
    names = {cells[1] for _n, cells in table.rows}
    assert names == {UNWANTED.sub("", name).strip() for name, _a, _l in before.values()}
    preview = analyse_schools(db_session, table)
    # The stored hostile values themselves hold invisible characters a clean import drops;
    # every other row (and every formula text) comes back unchanged.
    changed = {row.key for row in preview.rows if row.state != "unchanged"}
    dirty = {npsn for npsn, values in before.items()
             if any(UNWANTED.search(v or "") or (v or "") != (v or "").strip() or "\n" in (v or "")
                    or "\t" in (v or "") or "  " in (v or "") for v in values)}  # fmt: skip
    assert changed <= dirty
    assert len(changed) < len(before)


@pytest.mark.parametrize("write", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_a_resident_file_written_by_our_writer_imports_its_text_unchanged(db_session, write):
    headings = [names[0] for names in RESIDENT_COLUMNS.values()]
    texts = [t for t in hostile_texts("postgresql") if not UNWANTED.search(t) and "\n" not in t
             and "\t" not in t and t == t.strip()]  # fmt: skip
    rows = []
    for n, text in enumerate(texts[:40]):
        nik = build_nik("17.71.01", "f", date(1948, 3, 12), n + 1)
        values = {"nik": nik, "name": text, "category": "lansia", "address": f"Jl. {text}",
                  "kelurahan": "17.71.01.1001", "contact_name": text}  # fmt: skip
        rows.append([values.get(heading, "") for heading in headings])
    kwargs = {"title": "t"} if write is xlsx_bytes else {}
    body = write(headings, rows, **kwargs)
    name = "penduduk.xlsx" if write is xlsx_bytes else "penduduk.csv"
    outcome = import_residents(
        db_session, read_table(body, name), now=utcnow(), today=office_today(), actor="test",
        source=name,
    )  # fmt: skip
    assert outcome.written, [row.problems for row in outcome.preview.rows if row.problems][:3]
    stored = {r.name: (r.address, r.contact_name) for r in db_session.scalars(select(Resident))}
    for text in texts[:40]:
        clean = " ".join(text.split())
        assert stored[clean] == (f"Jl. {clean}", clean)
